"""The exception classes, with the official SDK's names and attributes.

Defined in :mod:`protocols.errors` (they carry whatever request and response
objects the I/O layer hands them) and re-exported here, where users look.
"""

from protocols.errors import APIConnectionError as APIConnectionError
from protocols.errors import APIError as APIError
from protocols.errors import APIResponseValidationError as APIResponseValidationError
from protocols.errors import APIStatusError as APIStatusError
from protocols.errors import APITimeoutError as APITimeoutError
from protocols.errors import AuthenticationError as AuthenticationError
from protocols.errors import BadRequestError as BadRequestError
from protocols.errors import ConflictError as ConflictError
from protocols.errors import ContentFilterFinishReasonError as ContentFilterFinishReasonError
from protocols.errors import InternalServerError as InternalServerError
from protocols.errors import InvalidWebhookSignatureError as InvalidWebhookSignatureError
from protocols.errors import LengthFinishReasonError as LengthFinishReasonError
from protocols.errors import NotFoundError as NotFoundError
from protocols.errors import OpenAIError as OpenAIError
from protocols.errors import PermissionDeniedError as PermissionDeniedError
from protocols.errors import PoolTimeoutError as PoolTimeoutError
from protocols.errors import ProxyError as ProxyError
from protocols.errors import RateLimitError as RateLimitError
from protocols.errors import UnprocessableEntityError as UnprocessableEntityError

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ContentFilterFinishReasonError",
    "InternalServerError",
    "InvalidWebhookSignatureError",
    "LengthFinishReasonError",
    "NotFoundError",
    "OpenAIError",
    "PermissionDeniedError",
    "PoolTimeoutError",
    "ProxyError",
    "RateLimitError",
    "UnprocessableEntityError",
]
