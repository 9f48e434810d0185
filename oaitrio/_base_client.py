"""The request path: build, send with retries, map errors, decode.

Everything here runs in the caller's task. A call builds its body and headers
once, then each attempt builds a fresh ``httpx.Request`` (only the retry-count
header changes; the ``Idempotency-Key`` stays) and hands it to the
transport: by default our :class:`actors.http.ConnectionPool`, called
directly; or the user's own ``httpx.AsyncClient`` (the slower path).

Between attempts the :class:`protocols.retry.RetryPolicy` decides; the sleep is
a plain ``trio.sleep`` in the caller's task, so cancelling the caller cancels
the retries too. Transport failures and error statuses become the exception
classes of :mod:`oaitrio._exceptions`, with the API key redacted from every
message.
"""

from __future__ import annotations

import math
import time
import urllib.parse
import uuid
from collections.abc import Coroutine, Mapping
from typing import Any, TypeVar

import httpx
import msgspec
import trio

from actors.http import ConnectionPool, HeaderField, PoolLimits, request_with_body
from actors.http import read_body as _read_body
from protocols.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    PoolTimeoutError,
    ProxyError,
    make_status_error,
)
from protocols.multipart import MultipartEncoder
from protocols.retry import RetryPolicy

from ._files import MultipartStream
from ._models import decode
from ._types import NOT_GIVEN, NotGiven, Omit

__all__ = [
    "DEFAULT_CONNECTION_LIMITS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "RequestSender",
    "timeout_extension",
]

_T = TypeVar("_T")

DEFAULT_TIMEOUT = httpx.Timeout(timeout=600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_CONNECTION_LIMITS = PoolLimits().as_httpx()  # one definition: the pool's defaults

_JSON_ENCODER = msgspec.json.Encoder()

_JSON_CONTENT_TYPE: HeaderField = (b"Content-Type", b"content-type", b"application/json")
# The headers httpx derives from a request's URL and body unless they are set.
_DERIVED = frozenset({b"host", b"content-length", b"transfer-encoding"})
_RETRY_COUNTS: tuple[HeaderField, ...] = tuple(
    (b"x-stainless-retry-count", b"x-stainless-retry-count", b"%d" % n) for n in range(8)
)


def _field(name: bytes, value: bytes) -> HeaderField:
    """A header as ``httpx.Headers`` keeps it."""
    return (name, name.lower(), value)


def _retry_count(retries_taken: int) -> HeaderField:
    if retries_taken < len(_RETRY_COUNTS):
        return _RETRY_COUNTS[retries_taken]
    return _field(b"x-stainless-retry-count", b"%d" % retries_taken)


def timeout_extension(timeout: float | httpx.Timeout | None) -> dict[str, float | None]:
    """The ``request.extensions["timeout"]`` dict httpx transports read."""
    if not isinstance(timeout, httpx.Timeout):
        timeout = httpx.Timeout(timeout)
    return timeout.as_dict()


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` replaced."""
    if secret and secret in text:
        return text.replace(secret, "[redacted API key]")
    return text


class RequestSender:
    """Sends one logical call, with retries, through the client's transport.

    Holds nothing that changes per call; an ``AsyncOpenAI`` and its copies
    each own one, sharing the transport.
    """

    __slots__ = (
        "_base_derives",
        "_base_fields",
        "_base_headers",
        "_base_url",
        "_default_query",
        "_extensions",
        "_http_client",
        "_pool",
        "_redact_secret",
        "_retry_policy",
        "_strict",
        "_total_timeout",
        "_urls",
    )

    def __init__(
        self,
        *,
        base_url: str,
        base_headers: list[tuple[bytes, bytes]],
        default_query: Mapping[str, object],
        timeout: float | httpx.Timeout | None,
        retry_policy: RetryPolicy,
        pool: ConnectionPool | None,
        http_client: httpx.AsyncClient | None,
        total_timeout: float | None,
        strict: bool,
        redact_secret: str | None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._set_base_headers(list(base_headers))
        self._urls: dict[str, httpx.URL] = {}
        self._default_query = dict(default_query)
        # httpx only reads request extensions: one dict serves every call
        # that keeps the client's timeout.
        self._extensions: dict[str, object] = {"timeout": timeout_extension(timeout)}
        self._retry_policy = retry_policy
        self._pool = pool
        self._http_client = http_client
        self._total_timeout = total_timeout
        self._strict = strict
        self._redact_secret = redact_secret

    def set_auth(self, header: tuple[bytes, bytes] | None) -> None:
        """Send ``header`` (``Authorization``) with every request, or nothing when None."""
        headers = [(k, v) for k, v in self._base_headers if k.lower() != b"authorization"]
        if header is not None:
            headers.append(header)
        self._set_base_headers(headers)

    def _set_base_headers(self, headers: list[tuple[bytes, bytes]]) -> None:
        self._base_headers = headers
        # The same tuples go into every request (none is copied per call).
        self._base_fields = [_field(k, v) for k, v in headers]
        self._base_derives = any(lower in _DERIVED for _, lower, _ in self._base_fields)

    # -- building ---------------------------------------------------------------

    def url(self, path: str, query: Mapping[str, object] | None) -> httpx.URL:
        """The URL of ``path``; parsed URLs are cached, since a client calls few endpoints."""
        url = self._base_url + path
        params = {**self._default_query, **query} if query else self._default_query
        if params:
            pairs = [
                (k, _query_value(v))
                for k, v in params.items()
                if not isinstance(v, (NotGiven, Omit))
            ]
            if pairs:
                url += ("&" if "?" in url else "?") + urllib.parse.urlencode(pairs, doseq=True)
        parsed = self._urls.get(url)
        if parsed is None:
            if len(self._urls) >= 1024:
                self._urls.clear()
            parsed = self._urls[url] = httpx.URL(url)
        return parsed

    def headers(
        self, *, has_body: bool, idempotent: bool, extra: Mapping[str, str | Omit] | None
    ) -> list[HeaderField]:
        """The header fields of one call: the client's, then the call's own.

        As ``httpx.Headers`` keeps them, ``(name, lower-cased name, value)``,
        and built outright (``httpx.Headers`` re-derives its encoding on every
        mutation); the client's own are the same tuples on every call.
        """
        fields = list(self._base_fields)
        if has_body:
            fields.append(_JSON_CONTENT_TYPE)
        if not idempotent:
            key = b"oaitrio-retry-" + uuid.uuid4().hex.encode()
            fields.append((b"Idempotency-Key", b"idempotency-key", key))
        if extra:
            replaced = {name.lower().encode("latin-1") for name in extra}
            fields = [field for field in fields if field[1] not in replaced]
            for name, value in extra.items():
                if not isinstance(value, Omit):
                    fields.append(_field(name.encode("latin-1"), str(value).encode("utf-8")))
        return fields

    # -- sending ------------------------------------------------------------------

    def send(
        self,
        method: str,
        path: str,
        *,
        body: object | None = None,
        content: bytes | None = None,
        query: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str | Omit] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        stream: bool = False,
        multipart: MultipartEncoder | None = None,
    ) -> Coroutine[Any, Any, httpx.Response]:
        """Send a call, retrying as the policy says; await the result for the response.

        The body is ``body`` as JSON, or ``content`` as is, or ``multipart``
        (streamed from its files again on each attempt).

        With ``stream=False`` the body has been read (inside the retry loop, so a
        connection cut while reading is retried too); with ``stream=True`` it is
        unread and the caller must close the response.

        A plain function that builds the call and returns the coroutine that
        sends it (``await sender.send(...)``): one frame fewer stays alive, with
        what it held, for as long as the answer takes.

        Raises:
            APIStatusError: (a subclass per status) the final attempt got an error status.
            PoolTimeoutError: every pool connection stayed busy for the pool timeout
                (not retried).
            ProxyError: the proxy could not be used (not retried).
            APITimeoutError: the final attempt timed out, or the total timeout passed.
            APIConnectionError: the final attempt failed without a response.
        """
        if body is not None:
            content = _JSON_ENCODER.encode(body)
        fields = self.headers(
            has_body=content is not None, idempotent=method == "GET", extra=extra_headers
        )
        payload: bytes | MultipartEncoder | None = content
        if multipart is not None:
            payload = multipart
            fields.append(_field(b"Content-Type", multipart.content_type.encode("ascii")))
            if multipart.content_length is not None:
                fields.append(_field(b"Content-Length", b"%d" % multipart.content_length))
        # A whole body with nothing set that httpx derives itself (Host,
        # Content-Length) is built in one pass; anything else goes through
        # httpx.Request as it is.
        quick = (
            type(payload) is bytes
            and len(payload) > 0
            and not self._base_derives
            and not (
                extra_headers
                and any(name.lower().encode("latin-1") in _DERIVED for name in extra_headers)
            )
        )
        url = self.url(path, query)
        ext: dict[str, object] = self._extensions
        if not isinstance(timeout, NotGiven):
            ext = {"timeout": timeout_extension(timeout)}
        if self._total_timeout is None:
            return self._attempts(method, url, fields, payload, ext, stream, quick)
        return self._attempts_within_total(method, url, fields, payload, ext, stream, quick)

    async def _attempts_within_total(
        self,
        method: str,
        url: httpx.URL,
        fields: list[HeaderField],
        payload: bytes | MultipartEncoder | None,
        ext: dict[str, object],
        stream: bool,
        quick: bool,
    ) -> httpx.Response:
        assert self._total_timeout is not None
        try:
            with trio.fail_after(self._total_timeout):
                return await self._attempts(method, url, fields, payload, ext, stream, quick)
        except trio.TooSlowError:
            request = httpx.Request(method, url)
            raise APITimeoutError(request) from None

    async def _attempts(
        self,
        method: str,
        url: httpx.URL,
        fields: list[HeaderField],
        payload: bytes | MultipartEncoder | None,
        ext: dict[str, object],
        stream: bool,
        quick: bool,
    ) -> httpx.Response:
        policy = self._retry_policy
        pool = self._pool
        retries_taken = 0
        while True:
            # A streamed body (a multipart upload) is a generator that may hold
            # an open file; each attempt's is closed when the attempt ends.
            body: MultipartStream | None = None
            if quick and isinstance(payload, bytes):
                request = request_with_body(
                    method, url, [*fields, _retry_count(retries_taken)], payload, ext
                )
            elif isinstance(payload, MultipartEncoder):
                body = MultipartStream(payload)
                request = httpx.Request(
                    method,
                    url,
                    headers=_streamed_body_headers(url, fields, retries_taken),
                    stream=body,
                    extensions=ext,
                )
            else:
                request = httpx.Request(
                    method,
                    url,
                    headers=[(name, value) for name, _, value in fields]
                    + [(b"x-stainless-retry-count", b"%d" % retries_taken)],
                    content=payload,
                    extensions=ext,
                )
            status_code: int | None = None
            response_headers: Mapping[str, str] | None = None
            try:
                if pool is not None:
                    response = await pool.handle_async_request(request)
                else:
                    assert self._http_client is not None
                    response = await self._http_client.send(request, stream=True)
                if response.status_code < 400:
                    if not stream:
                        await _read_body(response)
                    return response
                try:
                    await _read_body(response)
                finally:
                    await response.aclose()
                status_code = response.status_code
                response_headers = response.headers
                error: APIError = self._status_error(response)
            except httpx.LocalProtocolError as exc:
                # Our own request cannot be sent as it is (a header value with
                # CR or LF, say): bad input, so no retry.
                raise APIConnectionError(
                    message=f"the request cannot be sent: {exc}", request=request
                ) from exc
            except httpx.PoolTimeout as exc:
                # Our own program's concurrency, not the network: another
                # attempt would wait for the same busy pool. Not retried.
                raise PoolTimeoutError(
                    request,
                    message=f"{exc}; raise connection_limits=PoolLimits(max_connections=...) "
                    "or the pool timeout (timeout=httpx.Timeout(..., pool=...)), "
                    "or make fewer calls at once",
                ) from exc
            except httpx.ProxyError as exc:
                # Configuration (an unreachable proxy, a refused tunnel, a
                # malformed proxy URL): a retry meets the same. The message
                # names the proxy's host:port, never its credentials.
                raise ProxyError(
                    message=redact(f"proxy error: {exc}", self._redact_secret), request=request
                ) from exc
            except httpx.TimeoutException as exc:
                error = APITimeoutError(request)
                error.__cause__ = exc
            except httpx.TransportError as exc:
                error = APIConnectionError(
                    message=redact(f"Connection error: {exc}", self._redact_secret), request=request
                )
                error.__cause__ = exc
            finally:
                if body is not None:
                    # Success, failure or cancellation: a send that stopped
                    # early left the generator suspended with the user's file
                    # open, to be closed only by the garbage collector. Closing
                    # a file is quick, so it is shielded from cancellation.
                    with trio.CancelScope(shield=True):
                        await body.aclose()
            decision = policy.decide(
                retries_taken=retries_taken,
                status_code=status_code,
                headers=response_headers,
                now=time.time(),
            )
            if not decision.retry:
                raise error
            await trio.sleep(decision.delay)
            retries_taken += 1

    def _status_error(self, response: httpx.Response) -> APIError:
        text = redact(response.text, self._redact_secret)
        try:
            body: object = msgspec.json.decode(text) if text else None
        except msgspec.DecodeError:
            body = text
        return make_status_error(response=response, body=body, text=text)

    # -- decoding -------------------------------------------------------------------

    def parse(self, response: httpx.Response, cast_to: type[_T]) -> _T:
        """Decode a read response body into ``cast_to`` and attach ``_request_id``."""
        try:
            result = decode(response.content, cast_to, strict=self._strict)
        except msgspec.ValidationError as exc:
            raise APIResponseValidationError(response, response.text, message=str(exc)) from exc
        except msgspec.DecodeError as exc:
            raise APIResponseValidationError(
                response, response.text, message=f"the response body is not JSON: {exc}"
            ) from exc
        # Every model and page has a __dict__ for it; a plain value (a list, a
        # str, a user's own Struct given to a custom request) has none.
        if type(result).__dictoffset__:
            result._request_id = response.headers.get("x-request-id")  # type: ignore[attr-defined]
        return result


def _streamed_body_headers(
    url: httpx.URL, fields: list[HeaderField], retries_taken: int
) -> list[tuple[bytes, bytes]]:
    """The headers of a request whose body is a stream given as such.

    httpx derives nothing for ``httpx.Request(stream=...)``: ``Host`` and the
    body's framing (``Transfer-Encoding: chunked`` when no ``Content-Length``
    is known) are added here, as it would for ``content=``.
    """
    present = {lower for _, lower, _ in fields}
    headers: list[tuple[bytes, bytes]] = []
    if b"host" not in present:
        headers.append((b"Host", url.netloc))
    headers += [(name, value) for name, _, value in fields]
    headers.append((b"x-stainless-retry-count", b"%d" % retries_taken))
    if b"content-length" not in present and b"transfer-encoding" not in present:
        headers.append((b"Transfer-Encoding", b"chunked"))
    return headers


def _query_value(value: object) -> Any:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(value)
    return value
