"""The fake OpenAI server: state, routing, fault injection and the accept loop.

Routes (all but ``/_fake/*`` need ``Authorization: Bearer <non-empty>``)::

    POST   /v1/chat/completions   plain or streamed (``_chat``)
    POST   /v1/completions        legacy completions, plain or streamed (``_completions``)
    POST   /v1/responses          plain or streamed (``_responses``)
    POST   /v1/embeddings         deterministic vectors (``_embeddings``)
    POST   /v1/audio/transcriptions  multipart; plain or streamed (``_audio``)
    POST   /v1/audio/speech       audio bytes, or an event stream (``_audio``)
    POST   /v1/images/generations plain or streamed (``_images``)
    POST   /v1/images/edits       multipart or JSON; plain or streamed (``_images``)
    GET    /v1/models             the model list
    GET    /v1/models/{id}        one model, 404 when unknown
    DELETE /v1/models/{id}        fine-tuned (``ft:``) models only, else 404
    GET    /v1/fake/items         a cursor-paginated test list (``_catalog``)
    GET    /_fake/stats           {"first_chunk_times", "requests", "connections_opened"}
    POST   /_fake/reset           ``FakeOpenAI.clear()`` from another process

A request is handled in this order: recorded (``/_fake/*`` requests are not),
authorised, handed its fault if one is queued, answered by a response set
with ``set_response`` if one matches, else routed. A POST body is read as
multipart/form-data when its ``Content-Type`` says so, else as JSON; which
kind each route takes is in ``_routes``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import AsyncGenerator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, unquote

import attrs
import msgspec
import trio

from actors._groups import unwrapped_groups

from ._catalog import Catalog
from ._faults import DropConnection, Fault, SlowFirstByte, StatusError
from ._form import is_multipart, parse_form
from ._http import Headers, HttpConnection, IncomingRequest
from ._pacing import Pacer, interval_seconds
from ._routes import POST_ROUTES
from ._wire import (
    BadRequest,
    Reply,
    StreamReply,
    decode_json,
    encode_json,
    error_reply,
    header_items,
    json_reply,
    request_id,
)

__all__ = ["FakeOpenAI", "RecordedRequest", "open_fake_server"]

_ROUTES: dict[str, frozenset[str]] = {
    **dict.fromkeys(POST_ROUTES, frozenset({"POST"})),
    "/v1/models": frozenset({"GET"}),
    "/v1/fake/items": frozenset({"GET"}),
    "/_fake/stats": frozenset({"GET"}),
    "/_fake/reset": frozenset({"POST"}),
}
_MODEL_PREFIX = "/v1/models/"
_RATE_LIMIT_HEADERS: Headers = [
    ("x-ratelimit-limit-requests", "10000"),
    ("x-ratelimit-limit-tokens", "30000000"),
    ("x-ratelimit-remaining-requests", "9999"),
    ("x-ratelimit-remaining-tokens", "29999000"),
    ("x-ratelimit-reset-requests", "6ms"),
    ("x-ratelimit-reset-tokens", "2ms"),
]
_STATUS_DEFAULTS: dict[int, tuple[str, str, str | None]] = {
    400: ("Invalid request.", "invalid_request_error", None),
    401: ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
    403: ("You are not allowed to sample from this model.", "invalid_request_error", None),
    404: ("The requested resource does not exist.", "invalid_request_error", None),
    409: ("The request conflicts with the current state.", "invalid_request_error", None),
    422: ("Unprocessable entity.", "invalid_request_error", None),
    429: (
        "Rate limit reached for requests. Please try again later.",
        "requests",
        "rate_limit_exceeded",
    ),
}
_SERVER_ERROR = (
    "The server had an error while processing your request. Sorry about that!",
    "server_error",
    None,
)
_UNSET: Any = object()
DEFAULT_MAX_BODY_SIZE = 64 * 1024 * 1024
DEFAULT_RECORD_LIMIT = 100_000


@attrs.frozen
class RecordedRequest:
    """A request the server received, as recorded in ``FakeOpenAI.requests``."""

    method: str
    """The method, upper case."""
    path: str
    """The path, without the query, not percent-decoded."""
    query: dict[str, str]
    """Decoded query parameters; repeated ones joined with ``","``."""
    headers: dict[str, str]
    """Lower-cased name to value; repeated headers joined with ``", "``."""
    body: bytes
    """The raw body."""
    connection_id: int
    """Which TCP connection carried it (1 for the first the server accepted)."""

    def json(self) -> Any:
        """The body decoded as JSON."""
        return msgspec.json.decode(self.body)


@attrs.define
class _QueuedFault:
    fault: Fault
    path: str | None
    remaining: int


def _status_reply(fault: StatusError) -> Reply:
    message, type_, code = _STATUS_DEFAULTS.get(
        fault.status, _SERVER_ERROR if fault.status >= 500 else _STATUS_DEFAULTS[400]
    )
    extra: list[tuple[str, str]] = []
    if fault.status == 429:
        extra.append(("x-ratelimit-remaining-requests", "0"))
    if fault.retry_after is not None:
        seconds = fault.retry_after
        extra.append(
            ("retry-after", str(int(seconds)) if seconds == int(seconds) else str(seconds))
        )
    if fault.retry_after_ms is not None:
        extra.append(("retry-after-ms", f"{fault.retry_after_ms:g}"))
    if fault.should_retry is not None:
        extra.append(("x-should-retry", "true" if fault.should_retry else "false"))
    if fault.body is not None:
        reply = Reply(fault.status, fault.body, (("content-type", "text/html"),))
    else:
        reply = error_reply(
            fault.status,
            fault.message or message,
            type=fault.type or type_,
            param=fault.param,
            code=fault.code or code,
        )
    overridden = {name for name, _ in fault.headers}
    headers = [(n, v) for n, v in (*reply.headers, *extra) if n not in overridden]
    return Reply(reply.status, reply.body, (*headers, *fault.headers))


def _merge_headers(common: Headers, extra: Sequence[tuple[str, str]]) -> Headers:
    names = {name for name, _ in extra}
    kept = [pair for pair in common if pair[0] not in names]
    return kept + list(extra)


class FakeOpenAI:
    """A fake OpenAI API on loopback: trio, one task per connection.

    Start it with ``await nursery.start(fake.run)`` (or use
    :func:`open_fake_server`); it serves until cancelled, then closes its
    listener and every connection. The attributes below may be read and the
    methods called from any task of the same trio run.

    Attributes:
        requests: Recorded requests in arrival order (the most recent
            ``record_limit`` at least; older ones are dropped in batches;
            none with ``record_limit=0``, which benchmarks use).
        request_count: Requests answered since start or ``clear()``.
        connections_opened: TCP connections accepted since start or ``clear()``.
        first_chunk_times: ``time.monotonic()`` just before the first body
            chunk of each stream was sent.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        record_limit: int = DEFAULT_RECORD_LIMIT,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        self._host = host
        self._requested_port = port
        self._port: int | None = None
        self._running = False
        self._record_limit = record_limit
        self._max_body_size = max_body_size
        self._next_connection_id = 0
        self._catalog = Catalog()
        self._faults: list[_QueuedFault] = []
        self._responses: dict[str, tuple[str | None, Reply | tuple[bytes, ...]]] = {}
        self.requests: list[RecordedRequest] = []
        self.request_count = 0
        self.connections_opened = 0
        self.first_chunk_times: list[float] = []
        self._pacer = Pacer()

    @property
    def port(self) -> int:
        """The bound port. Raises RuntimeError before ``run`` has started."""
        if self._port is None:
            raise RuntimeError("the fake server has not been started")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/v1``, what a client takes as its base URL."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}/v1"

    def add_fault(self, fault: Fault, *, path: str | None = None, times: int = 1) -> None:
        """Give ``fault`` to the next ``times`` requests for ``path`` (None: any path).

        Faults are taken in the order they were added; see ``Fault``.
        """
        if not isinstance(fault, Fault):
            raise TypeError(f"expected a Fault, got {fault!r}")
        if times < 1:
            raise ValueError("times must be at least 1")
        self._faults.append(_QueuedFault(fault, path, times))

    def set_response(
        self,
        path: str,
        *,
        status: int = 200,
        json: Any = _UNSET,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
    ) -> None:
        """Answer every request for ``path`` (and ``method``, if given) with a fixed reply.

        The body is ``json`` encoded, else ``body``, else ``{}``. Lasts until
        ``clear()`` or another ``set_response`` for the same path.
        """
        data = body if body is not None else b"{}"
        if json is not _UNSET:
            data = encode_json(json)
        extra = header_items(headers or {})
        if not any(name == "content-type" for name, _ in extra):
            extra = (("content-type", "application/json"), *extra)
        self._responses[path] = (method.upper() if method else None, Reply(status, data, extra))

    def set_stream(self, path: str, events: Iterable[Any], *, method: str | None = None) -> None:
        """Answer every request for ``path`` with a fixed event stream.

        Each of ``events`` is JSON encoded as one ``data:`` event, sent one
        per write, and the stream ends with ``data: [DONE]``. For tests of
        what a client makes of events the spec does not describe yet (unknown
        fields, explicit nulls). Lasts until ``clear()`` or another
        ``set_response``/``set_stream`` for the same path.
        """
        framed = tuple(b"data: " + encode_json(event) + b"\n\n" for event in events)
        self._responses[path] = (method.upper() if method else None, framed)

    def set_items(
        self, items: Sequence[Mapping[str, Any]] | int, *, empty_pages_at: Iterable[int] = ()
    ) -> None:
        """Set what ``GET /v1/fake/items`` pages over.

        ``items`` are objects with a unique string ``"id"``, or a count of
        generated ``{"id": "item_0001", "object": "fake.item", ...}`` items.
        ``empty_pages_at`` holds positions (items before the gap, ``0`` to
        ``len(items)``) where the server returns an EMPTY page with
        ``has_more: true`` and ``last_id: "gap_<position>"``, the cursor that
        goes on past the gap. No page spans a gap.
        """
        self._catalog.set_items(items, empty_pages_at=empty_pages_at)

    def clear(self) -> None:
        """Forget faults, fixed responses and records; restore models and items."""
        self._faults.clear()
        self._responses.clear()
        self._catalog.reset()
        self.requests.clear()
        self.request_count = 0
        self.connections_opened = 0
        self.first_chunk_times.clear()

    async def run(
        self, *, task_status: trio.TaskStatus[FakeOpenAI] = trio.TASK_STATUS_IGNORED
    ) -> None:
        """Bind, report ``started(self)``, and serve until cancelled.

        Cancellation closes the listener and every connection. An error of the
        server itself (a bug) propagates as itself, not in a group.
        """
        if self._running:
            raise RuntimeError("this FakeOpenAI is already running")
        self._running = True
        try:
            with unwrapped_groups():
                listeners = await trio.open_tcp_listeners(self._requested_port, host=self._host)
                try:
                    self._port = listeners[0].socket.getsockname()[1]
                    async with trio.open_nursery() as nursery:
                        self._pacer.attach(nursery)
                        serve = functools.partial(
                            trio.serve_listeners,
                            self._serve_connection,
                            listeners,
                            handler_nursery=nursery,
                        )
                        await nursery.start(serve)
                        task_status.started(self)
                finally:
                    with trio.CancelScope(shield=True):
                        for listener in listeners:
                            await listener.aclose()
        finally:
            self._running = False

    async def _serve_connection(self, stream: trio.SocketStream) -> None:
        self._next_connection_id += 1
        self.connections_opened += 1
        connection_id = self._next_connection_id
        http = HttpConnection(stream, max_body_size=self._max_body_size)
        async with stream:
            try:
                while True:
                    try:
                        request = await http.receive_request()
                    except BadRequest as exc:
                        await http.send_reply(exc.reply, self._common_headers(0.0))
                        return
                    if request is None:
                        return
                    if not await self._respond(http, request, connection_id):
                        return
                    if not http.keep_alive:
                        return
            except trio.BrokenResourceError:
                return  # the peer went away mid-response

    def _common_headers(self, started: float) -> Headers:
        elapsed = max(1, int((time.perf_counter() - started) * 1000)) if started else 1
        return [
            ("x-request-id", request_id()),
            ("openai-processing-ms", str(elapsed)),
            ("openai-version", "2020-10-01"),
            *_RATE_LIMIT_HEADERS,
        ]

    def _record(self, request: IncomingRequest, connection_id: int) -> None:
        self.request_count += 1
        if not self._record_limit:
            return  # counting only: a benchmark's server keeps nothing per request
        query: dict[str, str] = {}
        for name, value in parse_qsl(request.query, keep_blank_values=True):
            query[name] = f"{query[name]},{value}" if name in query else value
        self.requests.append(
            RecordedRequest(
                request.method, request.path, query, request.headers, request.body, connection_id
            )
        )
        if len(self.requests) > self._record_limit + self._record_limit // 4:
            del self.requests[: len(self.requests) - self._record_limit]

    def _take_fault(self, path: str, streaming: bool) -> Fault | None:
        for queued in self._faults:
            if queued.path not in (None, path) or (queued.fault.stream_only and not streaming):
                continue
            queued.remaining -= 1
            if queued.remaining == 0:
                self._faults.remove(queued)
            return queued.fault
        return None

    async def _respond(
        self, http: HttpConnection, request: IncomingRequest, connection_id: int
    ) -> bool:
        """Answer one request; False when the connection was dropped."""
        started = time.perf_counter()
        if request.path.startswith("/_fake/"):
            await http.send_reply(self._control(request), self._common_headers(started))
            return True
        self._record(request, connection_id)
        payload: Any = None
        content_type = request.headers.get("content-type", "")
        try:
            if request.method == "POST" and is_multipart(content_type):
                payload = parse_form(request.body, content_type)
            elif request.method == "POST" and request.body:
                payload = decode_json(request.body)
        except BadRequest as exc:
            payload = exc
        route = POST_ROUTES.get(request.path) if request.method == "POST" else None
        try:
            streaming = route is not None and route.streams(payload)
        except BadRequest:
            streaming = False  # the handler reports what is wrong with the body
        fault = None
        if _authorised(request.headers):
            fault = self._take_fault(request.path, streaming)
            if isinstance(fault, DropConnection):
                http.abort(reset=fault.reset)
                return False
            if isinstance(fault, SlowFirstByte):
                await trio.sleep(fault.seconds)
            if isinstance(fault, StatusError):
                reply: Reply | StreamReply = _status_reply(fault)
            else:
                reply = self._answer(request, payload)
        else:
            reply = error_reply(
                401,
                "Incorrect API key provided. You can find your API key at"
                " https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )
        pace: tuple[Pacer, float] | None = None
        if isinstance(reply, StreamReply):
            try:
                interval = interval_seconds(request.headers.get("x-fake-interval-ms"))
            except ValueError as exc:
                reply = error_reply(400, str(exc), param="x-fake-interval-ms")
            else:
                pace = None if interval is None else (self._pacer, interval)
        headers = _merge_headers(self._common_headers(started), reply.headers)
        if isinstance(reply, Reply):
            await http.send_reply(attrs.evolve(reply, headers=()), headers)
            return True
        return await http.send_stream(
            attrs.evolve(reply, headers=()),
            headers,
            fault=fault,
            on_first_chunk=lambda: self.first_chunk_times.append(time.monotonic()),
            pace=pace,
        )

    def _answer(self, request: IncomingRequest, payload: Any) -> Reply | StreamReply:
        fixed = self._responses.get(request.path)
        if fixed is not None and fixed[0] in (None, request.method):
            if isinstance(fixed[1], Reply):
                return fixed[1]
            return StreamReply(
                events=iter(fixed[1]),
                coalesced=False,
                headers=(("content-type", "text/event-stream; charset=utf-8"),),
            )
        try:
            return self._route(request, payload)
        except BadRequest as exc:
            return exc.reply

    def _route(self, request: IncomingRequest, payload: Any) -> Reply | StreamReply:
        method, path = request.method, request.path
        route = POST_ROUTES.get(path)
        if route is not None and method == "POST":
            content_type = request.headers.get("content-type", "")
            return route.answer(payload, request.headers, content_type)
        if isinstance(payload, BadRequest):
            raise payload
        if path.startswith(_MODEL_PREFIX) and len(path) > len(_MODEL_PREFIX):
            model = unquote(path[len(_MODEL_PREFIX) :])
            if method == "GET":
                return self._catalog.get_model(model)
            if method == "DELETE":
                return self._catalog.delete_model(model)
            raise _invalid_method(method, path)
        allowed = _ROUTES.get(path)
        if allowed is None:
            raise BadRequest(f"Invalid URL ({method} {path})", status=404)
        if method not in allowed:
            raise _invalid_method(method, path)
        if path == "/v1/models":
            return self._catalog.list_models()
        return self._catalog.list_items(dict(parse_qsl(request.query)))

    def _control(self, request: IncomingRequest) -> Reply:
        if request.path == "/_fake/stats" and request.method == "GET":
            return json_reply(
                {
                    "first_chunk_times": self.first_chunk_times,
                    "requests": self.request_count,
                    "connections_opened": self.connections_opened,
                }
            )
        if request.path == "/_fake/reset" and request.method == "POST":
            self.clear()
            return json_reply({"reset": True})
        if request.path in _ROUTES:
            return _invalid_method(request.method, request.path).reply
        return error_reply(404, f"Invalid URL ({request.method} {request.path})")


def _invalid_method(method: str, path: str) -> BadRequest:
    return BadRequest(f"Invalid method for URL ({method} {path})", status=405)


def _authorised(headers: Mapping[str, str]) -> bool:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


@asynccontextmanager
async def open_fake_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    record_limit: int = DEFAULT_RECORD_LIMIT,
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
) -> AsyncGenerator[FakeOpenAI, None]:
    """Run a :class:`FakeOpenAI` in a nursery owned by this block.

    The server is listening when the block starts; leaving the block cancels
    it, which closes the listener and every connection. An error raised in the
    block, or by the server, leaves as itself, not in an exception group.
    """
    fake = FakeOpenAI(host=host, port=port, record_limit=record_limit, max_body_size=max_body_size)
    with unwrapped_groups():
        async with trio.open_nursery() as nursery:
            await nursery.start(fake.run)
            try:
                yield fake
            finally:
                nursery.cancel_scope.cancel()
