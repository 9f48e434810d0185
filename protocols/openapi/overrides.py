"""Where hand-written code takes the place of generated code.

The generator never writes a file without its generated-file header, so
hand-written modules can sit beside generated ones. A resource listed in
``MIXINS`` derives from the named hand-written class instead of
``AsyncAPIResource``; the operations in ``HAND_WRITTEN`` are left to that
class (it defines the method, with the same name and parameters as the SDK's,
plus whatever oaitrio adds).
"""

from __future__ import annotations

__all__ = [
    "ANSWER_BY_PARAMETER",
    "BINARY_ANSWERS",
    "NULL_IN_PRACTICE",
    "TERMINAL_EVENTS",
    "DONE_TERMINATED",
    "ENVELOPED_STREAMS",
    "HAND_WRITTEN",
    "MIXINS",
    "UNDECLARED_STREAMS",
]

#: Resource path -> (module under ``oaitrio`` as parts, class name).
MIXINS: dict[str, tuple[tuple[str, ...], str]] = {
    # Base64 on the wire by default, decoded to floats or a numpy array.
    "embeddings": (("lib", "embeddings"), "EmbeddingsMethods"),
}

#: Operations whose method is written by hand in the resource's mixin.
HAND_WRITTEN: dict[str, str] = {
    "createEmbedding": "embeddings",
}

#: Operations the API (and the official SDK) streams with ``stream=True``
#: although the spec declares no ``text/event-stream`` answer for them:
#: operationId -> the spec schema of one event.
UNDECLARED_STREAMS: dict[str, str] = {
    "createCompletion": "CreateCompletionResponse",  # chunks share the answer's shape
    "createRun": "AssistantStreamEvent",
    "createThreadAndRun": "AssistantStreamEvent",
    "submitToolOuputsToRun": "AssistantStreamEvent",
    "getResponse": "ResponseStreamEvent",  # `stream=true` in the query resumes a stream
    "beta_getResponse": "BetaResponseStreamEvent",
}

#: Streams that end with a ``data: [DONE]`` event; every other stream ends at
#: its last event (``response.completed``, ``transcript.text.done``, ...).
DONE_TERMINATED = frozenset({"createChatCompletion", "createCompletion"})

#: Streams whose events are the SSE ``event`` name plus an object in ``data``
#: (``event: thread.run.created`` / ``data: {...run...}``), decoded as
#: ``{"event": ..., "data": ...}``.
ENVELOPED_STREAMS = frozenset({"createRun", "createThreadAndRun", "submitToolOuputsToRun"})

#: Operations that answer with a file's bytes although the spec declares no
#: body for them: operationId -> why.
BINARY_ANSWERS: dict[str, str] = {
    "RetrieveContainerFileContent": "the container file's content, as the SDK returns it",
}

#: Event stream schema -> the ``type`` of the events that end such a stream
#: (for streams without ``[DONE]``): one must arrive, or the stream was cut.
TERMINAL_EVENTS: dict[str, frozenset[str]] = {
    "ResponseStreamEvent": frozenset(
        {"response.completed", "response.incomplete", "response.failed", "error"}
    ),
    "BetaResponseStreamEvent": frozenset(
        {"response.completed", "response.incomplete", "response.failed", "error"}
    ),
    "CreateTranscriptionResponseStreamEvent": frozenset({"transcript.text.done"}),
    "ImageGenStreamEvent": frozenset({"image_generation.completed"}),
    "ImageEditStreamEvent": frozenset({"image_edit.completed"}),
}

#: Fields the spec calls non-null that the API sends as null: schema -> the
#: property path (through arrays' items). Made nullable before generating.
NULL_IN_PRACTICE: dict[str, tuple[str, ...]] = {
    # A streamed legacy completion chunk has finish_reason null until the last one.
    "CreateCompletionResponse": ("choices", "finish_reason"),
}

#: Operations whose answer type follows a request parameter, as the SDK's
#: overloads have it (the spec only says "one of" these): operationId ->
#: (parameter, the value the API assumes when it is omitted, {value: schema of
#: the answer, or None for plain text}). A value not listed (one the API adds
#: later) decodes as the spec's union, to the member with the most fields.
ANSWER_BY_PARAMETER: dict[str, tuple[str, str, dict[str, str | None]]] = {
    "createTranscription": (
        "response_format",
        "json",
        {
            "json": "CreateTranscriptionResponseJson",
            "verbose_json": "CreateTranscriptionResponseVerboseJson",
            "diarized_json": "CreateTranscriptionResponseDiarizedJson",
            "text": None,
            "srt": None,
            "vtt": None,
        },
    ),
    "createTranslation": (
        "response_format",
        "json",
        {
            "json": "CreateTranslationResponseJson",
            "verbose_json": "CreateTranslationResponseVerboseJson",
            "text": None,
            "srt": None,
            "vtt": None,
        },
    ),
}
