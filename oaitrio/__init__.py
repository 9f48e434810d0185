"""oaitrio: an actor-based trio runtime for the OpenAI API.

The names a user of the official ``openai`` SDK imports are here. The
exceptions and sentinels load with the package; the client and everything it
pulls in (trio, httpx, msgspec) load on first use, so ``import oaitrio`` stays
cheap.
"""

from __future__ import annotations

import importlib
from types import FunctionType as _FunctionType
from typing import TYPE_CHECKING, Any

from . import _exceptions
from ._exceptions import APIConnectionError as APIConnectionError
from ._exceptions import APIError as APIError
from ._exceptions import APIResponseValidationError as APIResponseValidationError
from ._exceptions import APIStatusError as APIStatusError
from ._exceptions import APITimeoutError as APITimeoutError
from ._exceptions import AuthenticationError as AuthenticationError
from ._exceptions import BadRequestError as BadRequestError
from ._exceptions import ConflictError as ConflictError
from ._exceptions import ContentFilterFinishReasonError as ContentFilterFinishReasonError
from ._exceptions import InternalServerError as InternalServerError
from ._exceptions import InvalidWebhookSignatureError as InvalidWebhookSignatureError
from ._exceptions import LengthFinishReasonError as LengthFinishReasonError
from ._exceptions import NotFoundError as NotFoundError
from ._exceptions import OpenAIError as OpenAIError
from ._exceptions import PermissionDeniedError as PermissionDeniedError
from ._exceptions import PoolTimeoutError as PoolTimeoutError
from ._exceptions import ProxyError as ProxyError
from ._exceptions import RateLimitError as RateLimitError
from ._exceptions import UnprocessableEntityError as UnprocessableEntityError
from ._version import __version__ as __version__

if TYPE_CHECKING:
    from actors.http import PoolLimits as PoolLimits
    from protocols.retry import DefaultRetryPolicy as DefaultRetryPolicy
    from protocols.retry import RetryDecision as RetryDecision
    from protocols.retry import RetryPolicy as RetryPolicy

    from . import types as types
    from ._base_client import DEFAULT_CONNECTION_LIMITS as DEFAULT_CONNECTION_LIMITS
    from ._base_client import DEFAULT_MAX_RETRIES as DEFAULT_MAX_RETRIES
    from ._base_client import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
    from ._client import AsyncOpenAI as AsyncOpenAI
    from ._client import DefaultAsyncHttpxClient as DefaultAsyncHttpxClient
    from ._fan_in import open_fan_in as open_fan_in
    from ._streaming import AsyncStream as AsyncStream
    from ._types import NOT_GIVEN as NOT_GIVEN
    from ._types import NotGiven as NotGiven
    from ._types import Omit as Omit
    from ._types import Timeout as Timeout
    from ._types import not_given as not_given
    from ._types import omit as omit

_LAZY = {
    "AsyncOpenAI": "._client",
    "AsyncStream": "._streaming",
    "DEFAULT_CONNECTION_LIMITS": "._base_client",
    "DEFAULT_MAX_RETRIES": "._base_client",
    "DEFAULT_TIMEOUT": "._base_client",
    "DefaultAsyncHttpxClient": "._client",
    "DefaultRetryPolicy": "protocols.retry",
    "NOT_GIVEN": "._types",
    "NotGiven": "._types",
    "Omit": "._types",
    "PoolLimits": "actors.http",
    "RetryDecision": "protocols.retry",
    "RetryPolicy": "protocols.retry",
    "Timeout": "._types",
    "not_given": "._types",
    "omit": "._types",
    "open_fan_in": "._fan_in",
}

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncOpenAI",
    "AsyncStream",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ContentFilterFinishReasonError",
    "DEFAULT_CONNECTION_LIMITS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "DefaultAsyncHttpxClient",
    "DefaultRetryPolicy",
    "InternalServerError",
    "InvalidWebhookSignatureError",
    "LengthFinishReasonError",
    "NOT_GIVEN",
    "NotFoundError",
    "NotGiven",
    "Omit",
    "OpenAIError",
    "PermissionDeniedError",
    "PoolLimits",
    "PoolTimeoutError",
    "ProxyError",
    "RateLimitError",
    "RetryDecision",
    "RetryPolicy",
    "Timeout",
    "UnprocessableEntityError",
    "__version__",
    "not_given",
    "omit",
    "open_fan_in",
    "types",
]


# The modules whose public classes and functions are re-exported here; what
# they define reports ``oaitrio`` as its module, not where it happens to live.
_HOMES = ("oaitrio.", "protocols.", "actors.")


def _publish(name: str, value: object) -> None:
    """Make ``value`` (exported as ``oaitrio.<name>``) say so in reprs and tracebacks.

    ``oaitrio.APIConnectionError``, not ``protocols.errors.APIConnectionError``,
    as trio does for its public names (``fixup_module_metadata``). Pickling
    still works: pickle finds a class by ``__module__`` and ``__qualname__``,
    and ``oaitrio.<name>`` is that class. Values that are not classes or
    functions, aliases under another name and other packages' classes
    (``Timeout`` is httpx's) are left alone.
    """
    if not isinstance(value, (type, _FunctionType)) or value.__name__ != name:
        return
    if not value.__module__.startswith(_HOMES):
        return
    home = value.__module__
    value.__module__ = __name__
    if isinstance(value, type):
        # Its methods too, so help() and inspect agree (nested classes keep theirs).
        for attr in vars(value).values():
            function = getattr(attr, "__func__", attr)
            if isinstance(function, _FunctionType) and function.__module__ == home:
                function.__module__ = __name__


def __getattr__(name: str) -> Any:
    if name == "types":
        return importlib.import_module(".types", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    _publish(name, value)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def _publish_loaded() -> None:
    """:func:`_publish` what loads with the package; lazy names are published on first use.

    Every name of ``_exceptions.__all__`` is covered, so an exception class
    added there (and exported here) reports ``oaitrio`` without more code.
    """
    loaded = globals()
    for name in (*__all__, *_exceptions.__all__):
        if name in loaded:
            _publish(name, loaded[name])


_publish_loaded()
