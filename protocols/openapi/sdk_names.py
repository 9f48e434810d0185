"""The official SDK's names for what the OpenAPI spec leaves unnamed or names wrongly.

Data only, read by ``naming``. Every entry is a fact about the resource tree
the official ``openai`` Python SDK publishes (version 3.57.0): the
resource and method that serve an operation, the class a method returns, the
page type a list method uses. They were found by matching each SDK method's
HTTP verb and path with the spec's, and reading its return annotation; no SDK
code is copied. ``tests/protocols/test_openapi_naming.py`` checks every entry
against the installed SDK.

Only what the spec's Python examples and the rules in ``naming`` do not give,
or give wrongly, is here.
"""

from __future__ import annotations

SDK_VERSION = "3.57.0"

# operationId -> (dotted resource path, method), for operations whose spec
# example has no Python SDK call, or a call the SDK does not have.
OPERATIONS: dict[str, tuple[str, str]] = {
    # client.admin.organization: the admin API (/organization, /projects)
    "admin-api-keys-list": ("admin.organization.admin_api_keys", "list"),
    "admin-api-keys-create": ("admin.organization.admin_api_keys", "create"),
    "admin-api-keys-get": ("admin.organization.admin_api_keys", "retrieve"),
    "admin-api-keys-delete": ("admin.organization.admin_api_keys", "delete"),
    "list-audit-logs": ("admin.organization.audit_logs", "list"),
    "listOrganizationCertificates": ("admin.organization.certificates", "list"),
    "uploadCertificate": ("admin.organization.certificates", "create"),
    "activateOrganizationCertificates": ("admin.organization.certificates", "activate"),
    "deactivateOrganizationCertificates": ("admin.organization.certificates", "deactivate"),
    "getCertificate": ("admin.organization.certificates", "retrieve"),
    "modifyCertificate": ("admin.organization.certificates", "update"),
    "deleteCertificate": ("admin.organization.certificates", "delete"),
    "retrieve-organization-data-retention": ("admin.organization.data_retention", "retrieve"),
    "update-organization-data-retention": ("admin.organization.data_retention", "update"),
    "list-groups": ("admin.organization.groups", "list"),
    "create-group": ("admin.organization.groups", "create"),
    "retrieve-group": ("admin.organization.groups", "retrieve"),
    "update-group": ("admin.organization.groups", "update"),
    "delete-group": ("admin.organization.groups", "delete"),
    "list-group-role-assignments": ("admin.organization.groups.roles", "list"),
    "assign-group-role": ("admin.organization.groups.roles", "create"),
    "retrieve-group-role": ("admin.organization.groups.roles", "retrieve"),
    "unassign-group-role": ("admin.organization.groups.roles", "delete"),
    "list-group-users": ("admin.organization.groups.users", "list"),
    "add-group-user": ("admin.organization.groups.users", "create"),
    "retrieve-group-user": ("admin.organization.groups.users", "retrieve"),
    "remove-group-user": ("admin.organization.groups.users", "delete"),
    "list-invites": ("admin.organization.invites", "list"),
    "inviteUser": ("admin.organization.invites", "create"),
    "retrieve-invite": ("admin.organization.invites", "retrieve"),
    "delete-invite": ("admin.organization.invites", "delete"),
    "list-projects": ("admin.organization.projects", "list"),
    "create-project": ("admin.organization.projects", "create"),
    "retrieve-project": ("admin.organization.projects", "retrieve"),
    "modify-project": ("admin.organization.projects", "update"),
    "archive-project": ("admin.organization.projects", "archive"),
    "list-project-api-keys": ("admin.organization.projects.api_keys", "list"),
    "retrieve-project-api-key": ("admin.organization.projects.api_keys", "retrieve"),
    "delete-project-api-key": ("admin.organization.projects.api_keys", "delete"),
    "listProjectCertificates": ("admin.organization.projects.certificates", "list"),
    "activateProjectCertificates": ("admin.organization.projects.certificates", "activate"),
    "deactivateProjectCertificates": ("admin.organization.projects.certificates", "deactivate"),
    "retrieve-project-data-retention": ("admin.organization.projects.data_retention", "retrieve"),
    "update-project-data-retention": ("admin.organization.projects.data_retention", "update"),
    "list-project-groups": ("admin.organization.projects.groups", "list"),
    "add-project-group": ("admin.organization.projects.groups", "create"),
    "retrieve-project-group": ("admin.organization.projects.groups", "retrieve"),
    "remove-project-group": ("admin.organization.projects.groups", "delete"),
    "list-project-group-role-assignments": ("admin.organization.projects.groups.roles", "list"),
    "assign-project-group-role": ("admin.organization.projects.groups.roles", "create"),
    "retrieve-project-group-role": ("admin.organization.projects.groups.roles", "retrieve"),
    "unassign-project-group-role": ("admin.organization.projects.groups.roles", "delete"),
    "retrieve-project-hosted-tool-permissions": (
        "admin.organization.projects.hosted_tool_permissions",
        "retrieve",
    ),
    "update-project-hosted-tool-permissions": (
        "admin.organization.projects.hosted_tool_permissions",
        "update",
    ),
    "retrieve-project-model-permissions": (
        "admin.organization.projects.model_permissions",
        "retrieve",
    ),
    "update-project-model-permissions": ("admin.organization.projects.model_permissions", "update"),
    "delete-project-model-permissions": ("admin.organization.projects.model_permissions", "delete"),
    "list-project-rate-limits": ("admin.organization.projects.rate_limits", "list_rate_limits"),
    "update-project-rate-limits": ("admin.organization.projects.rate_limits", "update_rate_limit"),
    "list-project-roles": ("admin.organization.projects.roles", "list"),
    "create-project-role": ("admin.organization.projects.roles", "create"),
    "retrieve-project-role": ("admin.organization.projects.roles", "retrieve"),
    "update-project-role": ("admin.organization.projects.roles", "update"),
    "delete-project-role": ("admin.organization.projects.roles", "delete"),
    "list-project-service-accounts": ("admin.organization.projects.service_accounts", "list"),
    "create-project-service-account": ("admin.organization.projects.service_accounts", "create"),
    "retrieve-project-service-account": (
        "admin.organization.projects.service_accounts",
        "retrieve",
    ),
    "update-project-service-account": ("admin.organization.projects.service_accounts", "update"),
    "delete-project-service-account": ("admin.organization.projects.service_accounts", "delete"),
    "CreateanAPIkeyforaserviceaccount": (
        "admin.organization.projects.service_accounts.api_keys",
        "create",
    ),
    "list-project-spend-alerts": ("admin.organization.projects.spend_alerts", "list"),
    "create-project-spend-alert": ("admin.organization.projects.spend_alerts", "create"),
    "retrieve-project-spend-alert": ("admin.organization.projects.spend_alerts", "retrieve"),
    "update-project-spend-alert": ("admin.organization.projects.spend_alerts", "update"),
    "delete-project-spend-alert": ("admin.organization.projects.spend_alerts", "delete"),
    "Getprojectspendlimit": ("admin.organization.projects.spend_limit", "retrieve"),
    "Deleteprojectspendlimit": ("admin.organization.projects.spend_limit", "delete"),
    "Updateprojectspendlimit": ("admin.organization.projects.spend_limit", "update"),
    "list-project-users": ("admin.organization.projects.users", "list"),
    "create-project-user": ("admin.organization.projects.users", "create"),
    "retrieve-project-user": ("admin.organization.projects.users", "retrieve"),
    "modify-project-user": ("admin.organization.projects.users", "update"),
    "delete-project-user": ("admin.organization.projects.users", "delete"),
    "list-project-user-role-assignments": ("admin.organization.projects.users.roles", "list"),
    "assign-project-user-role": ("admin.organization.projects.users.roles", "create"),
    "retrieve-project-user-role": ("admin.organization.projects.users.roles", "retrieve"),
    "unassign-project-user-role": ("admin.organization.projects.users.roles", "delete"),
    "list-roles": ("admin.organization.roles", "list"),
    "create-role": ("admin.organization.roles", "create"),
    "retrieve-role": ("admin.organization.roles", "retrieve"),
    "update-role": ("admin.organization.roles", "update"),
    "delete-role": ("admin.organization.roles", "delete"),
    "list-organization-spend-alerts": ("admin.organization.spend_alerts", "list"),
    "create-organization-spend-alert": ("admin.organization.spend_alerts", "create"),
    "retrieve-organization-spend-alert": ("admin.organization.spend_alerts", "retrieve"),
    "update-organization-spend-alert": ("admin.organization.spend_alerts", "update"),
    "delete-organization-spend-alert": ("admin.organization.spend_alerts", "delete"),
    "Getorganizationspendlimit": ("admin.organization.spend_limit", "retrieve"),
    "Updateorganizationspendlimit": ("admin.organization.spend_limit", "update"),
    "Deleteorganizationspendlimit": ("admin.organization.spend_limit", "delete"),
    "usage-costs": ("admin.organization.usage", "costs"),
    "usage-audio-speeches": ("admin.organization.usage", "audio_speeches"),
    "usage-audio-transcriptions": ("admin.organization.usage", "audio_transcriptions"),
    "usage-code-interpreter-sessions": ("admin.organization.usage", "code_interpreter_sessions"),
    "usage-completions": ("admin.organization.usage", "completions"),
    "usage-embeddings": ("admin.organization.usage", "embeddings"),
    "usage-file-search-calls": ("admin.organization.usage", "file_search_calls"),
    "usage-images": ("admin.organization.usage", "images"),
    "usage-moderations": ("admin.organization.usage", "moderations"),
    "usage-vector-stores": ("admin.organization.usage", "vector_stores"),
    "usage-web-search-calls": ("admin.organization.usage", "web_search_calls"),
    "list-users": ("admin.organization.users", "list"),
    "retrieve-user": ("admin.organization.users", "retrieve"),
    "modify-user": ("admin.organization.users", "update"),
    "delete-user": ("admin.organization.users", "delete"),
    "list-user-role-assignments": ("admin.organization.users.roles", "list"),
    "assign-user-role": ("admin.organization.users.roles", "create"),
    "retrieve-user-role": ("admin.organization.users.roles", "retrieve"),
    "unassign-user-role": ("admin.organization.users.roles", "delete"),
    # client.audio
    "createVoiceConsent": ("audio.voice_consents", "create"),
    "listVoiceConsents": ("audio.voice_consents", "list"),
    "getVoiceConsent": ("audio.voice_consents", "retrieve"),
    "updateVoiceConsent": ("audio.voice_consents", "update"),
    "deleteVoiceConsent": ("audio.voice_consents", "delete"),
    "createVoice": ("audio.voices", "create"),
    # client.beta.chatkit: the example says client.beta.chat_kit
    "DeleteThreadMethod": ("beta.chatkit.threads", "delete"),
    # client.beta.realtime: the SDK keeps these two session endpoints under beta
    "create-realtime-session": ("beta.realtime.sessions", "create"),
    "create-realtime-transcription-session": ("beta.realtime.transcription_sessions", "create"),
    # client.beta.responses: the ?beta=true paths, whose examples call client.responses
    "beta_createResponse": ("beta.responses", "create"),
    "beta_getResponse": ("beta.responses", "retrieve"),
    "beta_deleteResponse": ("beta.responses", "delete"),
    "beta_cancelResponse": ("beta.responses", "cancel"),
    "beta_Compactconversation": ("beta.responses", "compact"),
    "beta_listInputItems": ("beta.responses.input_items", "list"),
    "beta_Getinputtokencounts": ("beta.responses.input_tokens", "count"),
    # client.containers
    "ListContainers": ("containers", "list"),
    "CreateContainer": ("containers", "create"),
    "RetrieveContainer": ("containers", "retrieve"),
    "DeleteContainer": ("containers", "delete"),
    "CreateContainerFile": ("containers.files", "create"),
    "ListContainerFiles": ("containers.files", "list"),
    "RetrieveContainerFile": ("containers.files", "retrieve"),
    "DeleteContainerFile": ("containers.files", "delete"),
    "RetrieveContainerFileContent": ("containers.files.content", "retrieve"),
    # client.content_provenance_checks
    "Createcontentprovenancecheck": ("content_provenance_checks", "create"),
    # client.fine_tuning
    "validateGrader": ("fine_tuning.alpha.graders", "validate"),
    "listFineTuningCheckpointPermissions": ("fine_tuning.checkpoints.permissions", "list"),
    "createFineTuningCheckpointPermission": ("fine_tuning.checkpoints.permissions", "create"),
    "deleteFineTuningCheckpointPermission": ("fine_tuning.checkpoints.permissions", "delete"),
    "listFineTuningJobCheckpoints": ("fine_tuning.jobs.checkpoints", "list"),
    # client.realtime
    "create-realtime-call": ("realtime.calls", "create"),
    "accept-realtime-call": ("realtime.calls", "accept"),
    "hangup-realtime-call": ("realtime.calls", "hangup"),
    "refer-realtime-call": ("realtime.calls", "refer"),
    "reject-realtime-call": ("realtime.calls", "reject"),
    "create-realtime-client-secret": ("realtime.client_secrets", "create"),
    "create-realtime-translation-client-secret": ("realtime.translations.client_secrets", "create"),
    # client.skills
    "CreateSkill": ("skills", "create"),
    "ListSkills": ("skills", "list"),
    "DeleteSkill": ("skills", "delete"),
    "GetSkill": ("skills", "retrieve"),
    "UpdateSkillDefaultVersion": ("skills", "update"),
    "GetSkillContent": ("skills.content", "retrieve"),
    "CreateSkillVersion": ("skills.versions", "create"),
    "ListSkillVersions": ("skills.versions", "list"),
    "GetSkillVersion": ("skills.versions", "retrieve"),
    "DeleteSkillVersion": ("skills.versions", "delete"),
    "GetSkillVersionContent": ("skills.versions.content", "retrieve"),
    # client.uploads
    "createUpload": ("uploads", "create"),
    "cancelUpload": ("uploads", "cancel"),
    "completeUpload": ("uploads", "complete"),
    "addUploadPart": ("uploads.parts", "create"),
    # client.vector_stores
    "searchVectorStore": ("vector_stores", "search"),
    "updateVectorStoreFileAttributes": ("vector_stores.files", "update"),
    "retrieveVectorStoreFileContent": ("vector_stores.files", "content"),
    # client.videos
    "CreateVideoCharacter": ("videos", "create_character"),
    "GetVideoCharacter": ("videos", "get_character"),
    "CreateVideoEdit": ("videos", "edit"),
    "CreateVideoExtend": ("videos", "extend"),
}

# operationId -> why the SDK has no method for it. Empty: SDK 3.57.0 serves
# every operation of the vendored spec (the admin endpoints under
# ``client.admin.organization``).
NOT_IN_SDK: dict[str, str] = {}

# SDK methods that wrap API calls (polling, streaming and parsing helpers,
# uploads in parts) rather than being one. An example calling one of these
# does not name its operation.
HELPER_METHODS = frozenset(
    {
        "create_and_poll",
        "create_and_run_poll",
        "create_and_run_stream",
        "create_and_stream",
        "parse",
        "poll",
        "stream",
        "submit_tool_outputs_and_poll",
        "submit_tool_outputs_stream",
        "upload",
        "upload_and_poll",
        "upload_file_chunked",
        "wait_for_processing",
    }
)

# Dotted resource path -> async class, where it is not "Async" + the
# PascalCase of the last path element.
RESOURCE_CLASSES: dict[str, str] = {
    "beta.chatkit": "AsyncChatKit",
}

# Dotted resource path -> subpackage of ``openai.types`` ("" for the top
# level), where it is not the resource path without its last element.
TYPES_PACKAGES: dict[str, str] = {
    "conversations": "conversations",
    "realtime": "realtime",
    "responses": "responses",
    "webhooks": "webhooks",
}

# Response schema name -> (subpackage of ``openai.types``, class), for schemas
# the SDK returns as one class under another name or in another package than
# ``naming.types_package`` gives. For list methods the key is the schema of
# the items (``data``), and the class is the page's item. One value names a
# module rather than a package: the SDK does not re-export ``Data`` from
# ``openai.types.beta.chatkit``.
RETURN_TYPES: dict[str, tuple[str, str]] = {
    "AdminApiKey": ("admin.organization", "AdminAPIKey"),
    "AdminApiKeyCreateResponse": ("admin.organization", "AdminAPIKeyCreateResponse"),
    "AssistantObject": ("beta", "Assistant"),
    "AuditLog": ("admin.organization", "AuditLogListResponse"),
    "BetaCompactResource": ("beta", "BetaCompactedResponse"),
    "BetaItemResource": ("beta", "BetaResponseItem"),
    "BetaTokenCountsResource": ("beta.responses", "InputTokenCountResponse"),
    "ChatSessionResource": ("beta.chatkit", "ChatSession"),
    "CompactResource": ("responses", "CompactedResponse"),
    "ConversationResource": ("conversations", "Conversation"),
    "CreateChatCompletionResponse": ("chat", "ChatCompletion"),
    "CreateCompletionResponse": ("", "Completion"),
    "CreateModerationResponse": ("", "ModerationCreateResponse"),
    "DeleteAssistantResponse": ("beta", "AssistantDeleted"),
    "DeleteCertificateResponse": ("admin.organization", "CertificateDeleteResponse"),
    "DeleteFileResponse": ("", "FileDeleted"),
    "DeleteFineTuningCheckpointPermissionResponse": (
        "fine_tuning.checkpoints",
        "PermissionDeleteResponse",
    ),
    "DeleteMessageResponse": ("beta.threads", "MessageDeleted"),
    "DeleteModelResponse": ("", "ModelDeleted"),
    "DeleteThreadResponse": ("beta", "ThreadDeleted"),
    "DeleteVectorStoreFileResponse": ("vector_stores", "VectorStoreFileDeleted"),
    "DeleteVectorStoreResponse": ("", "VectorStoreDeleted"),
    "DeletedConversationResource": ("conversations", "ConversationDeletedResource"),
    "DeletedSkillResource": ("", "DeletedSkill"),
    "DeletedSkillVersionResource": ("skills", "DeletedSkillVersion"),
    "DeletedThreadResource": ("beta.chatkit", "ThreadDeleteResponse"),
    "DeletedVideoResource": ("", "VideoDeleteResponse"),
    "GroupDeletedResource": ("admin.organization", "GroupDeleteResponse"),
    "GroupMemberUser": ("admin.organization.groups", "UserRetrieveResponse"),
    "GroupResourceWithSuccess": ("admin.organization", "GroupUpdateResponse"),
    "GroupResponse": ("admin.organization", "Group"),
    "GroupUser": ("admin.organization.groups", "OrganizationGroupUser"),
    "GroupUserAssignment": ("admin.organization.groups", "UserCreateResponse"),
    "GroupUserDeletedResource": ("admin.organization.groups", "UserDeleteResponse"),
    "ItemResource": ("responses", "ResponseItem"),
    "MessageObject": ("beta.threads", "Message"),
    "OpenAIFile": ("", "FileObject"),
    "OrganizationSpendAlertDeletedResource": (
        "admin.organization",
        "OrganizationSpendAlertDeleted",
    ),
    "OrganizationSpendLimitDeletedResource": (
        "admin.organization",
        "OrganizationSpendLimitDeleted",
    ),
    "OrganizationSpendLimitResource": ("admin.organization", "OrganizationSpendLimit"),
    "ProjectApiKey": ("admin.organization.projects", "ProjectAPIKey"),
    "ProjectApiKeyDeleteResponse": ("admin.organization.projects", "APIKeyDeleteResponse"),
    "ProjectGroupDeletedResource": ("admin.organization.projects", "GroupDeleteResponse"),
    "ProjectModelPermissionsDeleteResponse": (
        "admin.organization.projects",
        "ProjectModelPermissionsDeleted",
    ),
    "ProjectServiceAccountCreateResponse": (
        "admin.organization.projects",
        "ServiceAccountCreateResponse",
    ),
    "ProjectServiceAccountDeleteResponse": (
        "admin.organization.projects",
        "ServiceAccountDeleteResponse",
    ),
    "ProjectSpendAlertDeletedResource": ("admin.organization.projects", "ProjectSpendAlertDeleted"),
    "ProjectSpendLimitDeletedResource": ("admin.organization.projects", "ProjectSpendLimitDeleted"),
    "ProjectSpendLimitResource": ("admin.organization.projects", "ProjectSpendLimit"),
    "ProjectUserDeleteResponse": ("admin.organization.projects", "UserDeleteResponse"),
    "ProvenanceResource": ("", "ContentProvenanceCheck"),
    "RealtimeCreateClientSecretResponse": ("realtime", "ClientSecretCreateResponse"),
    "RealtimeSessionCreateResponse": ("beta.realtime", "SessionCreateResponse"),
    "RealtimeTranscriptionSessionCreateResponse": ("beta.realtime", "TranscriptionSession"),
    "RealtimeTranslationClientSecretCreateResponse": (
        "realtime",
        "RealtimeTranslationClientSecretCreateResponse",
    ),
    "Role": ("admin.organization", "Role"),
    "RunGraderResponse": ("fine_tuning.alpha", "GraderRunResponse"),
    "RunObject": ("beta.threads", "Run"),
    "RunStepObject": ("beta.threads.runs", "RunStep"),
    "ServiceAccountApiKeyBody": (
        "admin.organization.projects.service_accounts",
        "APIKeyCreateResponse",
    ),
    "SkillResource": ("", "Skill"),
    "SkillVersionResource": ("skills", "SkillVersion"),
    "ThreadItem": ("beta.chatkit.chatkit_thread_item_list", "Data"),
    "ThreadObject": ("beta", "Thread"),
    "ThreadResource": ("beta.chatkit", "ChatKitThread"),
    "TokenCountsResource": ("responses", "InputTokenCountResponse"),
    "User": ("admin.organization", "OrganizationUser"),
    "ValidateGraderResponse": ("fine_tuning.alpha", "GraderValidateResponse"),
    "VectorStoreFileBatchObject": ("vector_stores", "VectorStoreFileBatch"),
    "VectorStoreFileObject": ("vector_stores", "VectorStoreFile"),
    "VectorStoreObject": ("", "VectorStore"),
    "VectorStoreSearchResultItem": ("", "VectorStoreSearchResponse"),
    "VideoResource": ("", "Video"),
    "VoiceConsentDeletedResource": ("audio", "VoiceConsentDeleted"),
    "VoiceConsentResource": ("audio", "VoiceConsent"),
    "VoiceResource": ("audio", "Voice"),
}

# Response schemas the SDK returns as a different class per method, each
# named as ``naming.method_type_name(name, "Response")`` gives
# (``ContainerResource`` is ``ContainerCreateResponse`` from ``create`` and
# ``ContainerRetrieveResponse`` from ``retrieve``). Inline response schemas
# follow the same rule.
PER_METHOD_RESPONSE_SCHEMAS = frozenset(
    {
        "AssignedRoleDetails",
        "ContainerFileResource",
        "ContainerResource",
        "DeletedRoleAssignmentResource",
        "Eval",
        "EvalRun",
        "EvalRunOutputItem",
        "FineTuningCheckpointPermission",
        "GroupRoleAssignment",
        "OrganizationCertificate",
        "OrganizationProjectCertificate",
        "RoleDeletedResource",
        "UsageResponse",
        "UserRoleAssignment",
        "VideoCharacterResource",
    }
)

# operationId -> (subpackage of ``openai.types``, class), for inline response
# schemas the SDK returns as a shared class.
OPERATION_RETURN_TYPES: dict[str, tuple[str, str]] = {
    "getChatCompletionMessages": ("chat", "ChatCompletionStoreMessage"),
}

# Schema of a ``text/event-stream`` response -> (subpackage of
# ``openai.types``, class of one event), for every stream the SDK decodes.
# ``CreateSpeechResponseStreamEvent`` is absent: the SDK returns speech as
# bytes whatever the stream format.
STREAM_EVENT_TYPES: dict[str, tuple[str, str]] = {
    "BetaResponseStreamEvent": ("beta", "BetaResponseStreamEvent"),
    "CreateChatCompletionStreamResponse": ("chat", "ChatCompletionChunk"),
    "CreateTranscriptionResponseStreamEvent": ("audio", "TranscriptionStreamEvent"),
    "ImageEditStreamEvent": ("", "ImageEditStreamEvent"),
    "ImageGenStreamEvent": ("", "ImageGenStreamEvent"),
    "ResponseStreamEvent": ("responses", "ResponseStreamEvent"),
}

# operationId -> (subpackage of ``openai.types``, class of one event), for
# operations the SDK streams (``stream=True``) although the spec declares no
# ``text/event-stream`` response for them.
UNDECLARED_STREAMS: dict[str, tuple[str, str]] = {
    "beta_getResponse": ("beta", "BetaResponseStreamEvent"),
    "createCompletion": ("", "Completion"),
    "createRun": ("beta", "AssistantStreamEvent"),
    "createThreadAndRun": ("beta", "AssistantStreamEvent"),
    "getResponse": ("responses", "ResponseStreamEvent"),
    "submitToolOuputsToRun": ("beta", "AssistantStreamEvent"),
}

# operationId -> the SDK's page class, for every method that returns pages.
# The spec does not say how a list is paged; some POSTs return pages too.
PAGINATION: dict[str, str] = {
    "listAssistants": "AsyncCursorPage",
    "listVoiceConsents": "AsyncCursorPage",
    "listBatches": "AsyncCursorPage",
    "listChatCompletions": "AsyncCursorPage",
    "getChatCompletionMessages": "AsyncCursorPage",
    "ListContainers": "AsyncCursorPage",
    "ListContainerFiles": "AsyncCursorPage",
    "listConversationItems": "AsyncConversationCursorPage",
    "listEvals": "AsyncCursorPage",
    "getEvalRuns": "AsyncCursorPage",
    "getEvalRunOutputItems": "AsyncCursorPage",
    "listFiles": "AsyncCursorPage",
    "listFineTuningCheckpointPermissions": "AsyncConversationCursorPage",
    "createFineTuningCheckpointPermission": "AsyncPage",
    "listPaginatedFineTuningJobs": "AsyncCursorPage",
    "listFineTuningJobCheckpoints": "AsyncCursorPage",
    "listFineTuningEvents": "AsyncCursorPage",
    "listModels": "AsyncPage",
    "admin-api-keys-list": "AsyncCursorPage",
    "list-audit-logs": "AsyncConversationCursorPage",
    "listOrganizationCertificates": "AsyncConversationCursorPage",
    "activateOrganizationCertificates": "AsyncPage",
    "deactivateOrganizationCertificates": "AsyncPage",
    "list-groups": "AsyncNextCursorPage",
    "list-group-role-assignments": "AsyncNextCursorPage",
    "list-group-users": "AsyncNextCursorPage",
    "list-invites": "AsyncConversationCursorPage",
    "list-projects": "AsyncConversationCursorPage",
    "list-project-api-keys": "AsyncConversationCursorPage",
    "listProjectCertificates": "AsyncConversationCursorPage",
    "activateProjectCertificates": "AsyncPage",
    "deactivateProjectCertificates": "AsyncPage",
    "list-project-groups": "AsyncNextCursorPage",
    "list-project-rate-limits": "AsyncConversationCursorPage",
    "list-project-service-accounts": "AsyncConversationCursorPage",
    "list-project-spend-alerts": "AsyncConversationCursorPage",
    "list-project-users": "AsyncConversationCursorPage",
    "list-roles": "AsyncNextCursorPage",
    "list-organization-spend-alerts": "AsyncConversationCursorPage",
    "list-users": "AsyncConversationCursorPage",
    "list-user-role-assignments": "AsyncNextCursorPage",
    "list-project-group-role-assignments": "AsyncNextCursorPage",
    "list-project-roles": "AsyncNextCursorPage",
    "list-project-user-role-assignments": "AsyncNextCursorPage",
    "listInputItems": "AsyncCursorPage",
    "listMessages": "AsyncCursorPage",
    "listRuns": "AsyncCursorPage",
    "listRunSteps": "AsyncCursorPage",
    "listVectorStores": "AsyncCursorPage",
    "listFilesInVectorStoreBatch": "AsyncCursorPage",
    "listVectorStoreFiles": "AsyncCursorPage",
    "retrieveVectorStoreFileContent": "AsyncPage",
    "searchVectorStore": "AsyncPage",
    "ListVideos": "AsyncConversationCursorPage",
    "ListSkills": "AsyncCursorPage",
    "ListSkillVersions": "AsyncCursorPage",
    "ListThreadItemsMethod": "AsyncConversationCursorPage",
    "ListThreadsMethod": "AsyncConversationCursorPage",
    "beta_listInputItems": "AsyncCursorPage",
}


# Spec schema -> the SDK's names for it, where they differ from the spec's and
# users import them by name: (subpackage of `openai.types`, class of the
# response model or None to keep the spec's, request TypedDict or None to
# keep the spec's name + "Param"). Chat's message and content-part types.
TYPE_NAMES: dict[str, tuple[str, str | None, str | None]] = {
    "ChatCompletionRequestMessage": ("chat", None, "ChatCompletionMessageParam"),
    "ChatCompletionRequestDeveloperMessage": ("chat", None, "ChatCompletionDeveloperMessageParam"),
    "ChatCompletionRequestSystemMessage": ("chat", None, "ChatCompletionSystemMessageParam"),
    "ChatCompletionRequestUserMessage": ("chat", None, "ChatCompletionUserMessageParam"),
    "ChatCompletionRequestAssistantMessage": ("chat", None, "ChatCompletionAssistantMessageParam"),
    "ChatCompletionRequestToolMessage": ("chat", None, "ChatCompletionToolMessageParam"),
    "ChatCompletionRequestFunctionMessage": ("chat", None, "ChatCompletionFunctionMessageParam"),
    "ChatCompletionRequestUserMessageContentPart": ("chat", None, "ChatCompletionContentPartParam"),
    "ChatCompletionRequestMessageContentPartText": (
        "chat",
        None,
        "ChatCompletionContentPartTextParam",
    ),
    "ChatCompletionRequestMessageContentPartImage": (
        "chat",
        None,
        "ChatCompletionContentPartImageParam",
    ),
    "ChatCompletionRequestMessageContentPartAudio": (
        "chat",
        None,
        "ChatCompletionContentPartInputAudioParam",
    ),
    "ChatCompletionRequestMessageContentPartRefusal": (
        "chat",
        None,
        "ChatCompletionContentPartRefusalParam",
    ),
    "ChatCompletionResponseMessage": ("chat", "ChatCompletionMessage", None),
    "InputItem": ("responses", None, "ResponseInputItemParam"),
}
