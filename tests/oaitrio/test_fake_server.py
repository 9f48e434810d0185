"""The embedded fake OpenAI server, driven over real loopback sockets."""

from __future__ import annotations

import base64
import json
import signal
import struct
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import attrs
import h11
import httpx
import pytest
import trio

import oaitrio.testing
from oaitrio.testing import FakeOpenAI, Fault, open_fake_server

AUTH = {"authorization": "Bearer sk-test"}
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hello there world"}]}
TIMEOUT = 10


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAI]:
    async with open_fake_server() as fake:
        yield fake


@pytest.fixture
async def client(server: FakeOpenAI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.base_url, headers=AUTH) as http:
        yield http


@attrs.define
class RawResponse:
    """A response read with an h11 client, chunk boundaries kept."""

    status: int
    headers: dict[str, str]
    chunks: list[bytes]
    complete: bool
    times: list[float]

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    def events(self) -> list[str]:
        return [e for e in self.body.decode().split("\n\n") if e]


async def raw_request(
    port: int,
    path: str,
    body: Any = None,
    *,
    method: str = "POST",
    headers: dict[str, str] | None = None,
) -> RawResponse:
    """Send one request on a fresh connection; read until the end or EOF."""
    conn = h11.Connection(h11.CLIENT)
    data = b"" if body is None else json.dumps(body).encode()
    all_headers = {"host": "fake", **AUTH, **(headers or {}), "content-length": str(len(data))}
    with trio.fail_after(TIMEOUT):
        stream = await trio.open_tcp_stream("127.0.0.1", port)
        async with stream:
            await stream.send_all(
                conn.send(
                    h11.Request(method=method, target=path, headers=list(all_headers.items()))
                )
                + conn.send(h11.Data(data=data))
                + conn.send(h11.EndOfMessage())
            )
            response: RawResponse | None = None
            current = bytearray()
            while True:
                try:
                    event = conn.next_event()
                except h11.RemoteProtocolError:
                    assert response is not None
                    return response
                if event is h11.NEED_DATA:
                    try:
                        conn.receive_data(await stream.receive_some(1 << 20))
                    except trio.BrokenResourceError:
                        conn.receive_data(b"")
                elif isinstance(event, h11.Response):
                    response = RawResponse(
                        event.status_code,
                        {k.decode(): v.decode() for k, v in event.headers},
                        [],
                        False,
                        [],
                    )
                elif isinstance(event, h11.Data):
                    assert response is not None
                    current += event.data
                    if event.chunk_end or not event.chunk_start:
                        response.chunks.append(bytes(current))
                        response.times.append(time.monotonic())
                        current.clear()
                elif isinstance(event, h11.EndOfMessage):
                    assert response is not None
                    response.complete = True
                    response.times.append(time.monotonic())
                    return response
                else:
                    assert response is not None, event
                    return response


def stream_body(**extra: Any) -> dict[str, Any]:
    return {**CHAT, "stream": True, **extra}


def decoded(response: RawResponse) -> list[Any]:
    out: list[Any] = []
    for event in response.events():
        assert event.startswith("data: ")
        payload = event[len("data: ") :]
        out.append(payload if payload == "[DONE]" else json.loads(payload))
    return out


# --- the package surface ---------------------------------------------------------------


def test_exported_names() -> None:
    public = {name for name in dir(oaitrio.testing) if not name.startswith("_")}
    assert set(oaitrio.testing.__all__) == public - {"annotations"}
    assert oaitrio.testing.__all__ == sorted(oaitrio.testing.__all__)
    assert Fault.Status is oaitrio.testing.StatusError
    assert Fault.DropMidStream is oaitrio.testing.DropMidStream


def test_import_does_not_load_httpx() -> None:
    code = "import sys, oaitrio.testing; assert 'httpx' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_fault_headers_refuse_line_breaks() -> None:
    with pytest.raises(ValueError, match="invalid header"):
        Fault.Status(status=500, headers={"x-a": "1\r\nx-b: 2"})


async def test_run_reports_itself_and_port() -> None:
    fake = FakeOpenAI()
    with pytest.raises(RuntimeError):
        _ = fake.port
    async with trio.open_nursery() as nursery:
        started = await nursery.start(fake.run)
        assert started is fake
        assert fake.base_url == f"http://127.0.0.1:{fake.port}/v1"
        nursery.cancel_scope.cancel()


async def test_error_in_block_is_not_wrapped() -> None:
    with pytest.raises(ValueError, match="boom"):
        async with open_fake_server():
            raise ValueError("boom")


async def test_exit_closes_connections() -> None:
    async with open_fake_server() as fake:
        stream = await trio.open_tcp_stream("127.0.0.1", fake.port)
    with trio.fail_after(TIMEOUT):
        assert await stream.receive_some(10) == b""
    await stream.aclose()


# --- common behaviour ------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "Basic abc", "Bearer", "Token sk-x"])
async def test_auth_required(server: FakeOpenAI, value: str | None) -> None:
    headers = {} if value is None else {"authorization": value}
    async with httpx.AsyncClient(base_url=server.base_url, headers=headers) as http:
        with trio.fail_after(TIMEOUT):
            response = await http.get("/models")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "invalid_api_key"
    assert set(error) == {"message", "type", "param", "code"}


async def test_common_headers(client: httpx.AsyncClient) -> None:
    with trio.fail_after(TIMEOUT):
        first = await client.get("/models")
        second = await client.get("/models")
    for response in (first, second):
        assert response.headers["x-request-id"].startswith("req_")
        assert int(response.headers["openai-processing-ms"]) >= 0
        for name in ("requests", "tokens"):
            assert int(response.headers[f"x-ratelimit-limit-{name}"]) > 0
            assert int(response.headers[f"x-ratelimit-remaining-{name}"]) >= 0
            assert response.headers[f"x-ratelimit-reset-{name}"]
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_unknown_path_and_method(client: httpx.AsyncClient) -> None:
    with trio.fail_after(TIMEOUT):
        missing = await client.post("/nothing/here", json={})
        wrong = await client.get("/chat/completions")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {
            "message": "Invalid URL (POST /v1/nothing/here)",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }
    assert wrong.status_code == 405
    assert wrong.json()["error"]["type"] == "invalid_request_error"


async def test_bad_json_is_400(client: httpx.AsyncClient) -> None:
    with trio.fail_after(TIMEOUT):
        response = await client.post("/chat/completions", content=b"{not json")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]["message"]


async def test_requests_are_recorded_on_one_keep_alive_connection(
    server: FakeOpenAI, client: httpx.AsyncClient
) -> None:
    with trio.fail_after(TIMEOUT):
        await client.post("/chat/completions?x=1&x=2", json=CHAT, headers={"x-extra": "yes"})
        await client.get("/models")
    first, second = server.requests
    assert (first.method, first.path, first.query) == ("POST", "/v1/chat/completions", {"x": "1,2"})
    assert first.headers["x-extra"] == "yes"
    assert first.headers["authorization"] == "Bearer sk-test"
    assert first.json() == CHAT
    assert second.method == "GET"
    assert second.body == b""
    assert first.connection_id == second.connection_id
    assert server.connections_opened == 1
    assert server.request_count == 2


async def test_pipelined_requests_and_connection_close(server: FakeOpenAI) -> None:
    request = b"GET /v1/models HTTP/1.1\r\nhost: x\r\nauthorization: Bearer k\r\n"
    with trio.fail_after(TIMEOUT):
        stream = await trio.open_tcp_stream("127.0.0.1", server.port)
        async with stream:
            await stream.send_all(request + b"\r\n" + request + b"connection: close\r\n\r\n")
            data = b""
            while chunk := await stream.receive_some(65536):
                data += chunk
    assert data.count(b"HTTP/1.1 200 OK\r\n") == 2
    assert data.count(b"connection: close\r\n") == 1
    assert len(server.requests) == 2


# --- chat completions ------------------------------------------------------------------


async def test_chat_completion_shape(client: httpx.AsyncClient) -> None:
    with trio.fail_after(TIMEOUT):
        response = await client.post("/chat/completions", json=CHAT)
    assert response.status_code == 200
    body = response.json()
    assert body["id"].startswith("chatcmpl-")
    assert body["object"] == "chat.completion"
    assert body["model"] == "gpt-4o-mini"
    assert isinstance(body["created"], int)
    assert body["system_fingerprint"].startswith("fp_")
    assert body["service_tier"] == "default"
    (choice,) = body["choices"]
    assert choice == {
        "index": 0,
        "message": {
            "role": "assistant",
            "content": "You said: hello there world",
            "refusal": None,
            "annotations": [],
        },
        "logprobs": None,
        "finish_reason": "stop",
    }
    usage = body["usage"]
    assert usage["completion_tokens"] == 5
    assert usage["total_tokens"] == usage["prompt_tokens"] + 5
    assert usage["prompt_tokens_details"] == {"cached_tokens": 0, "audio_tokens": 0}
    assert usage["completion_tokens_details"]["reasoning_tokens"] == 0


async def test_chat_completion_length_and_n(client: httpx.AsyncClient) -> None:
    with trio.fail_after(TIMEOUT):
        cut = await client.post("/chat/completions", json={**CHAT, "max_completion_tokens": 2})
        many = await client.post("/chat/completions", json={**CHAT, "n": 3})
        chunks = await client.post("/chat/completions", json=CHAT, headers={"x-fake-chunks": "12"})
        bad = await client.post("/chat/completions", json={"model": "m"})
    assert cut.json()["choices"][0]["finish_reason"] == "length"
    assert cut.json()["choices"][0]["message"]["content"] == "You said:"
    assert [c["index"] for c in many.json()["choices"]] == [0, 1, 2]
    assert many.json()["usage"]["completion_tokens"] == 15
    assert chunks.json()["usage"]["completion_tokens"] == 12
    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "messages"


async def test_chat_stream_shape(server: FakeOpenAI) -> None:
    response = await raw_request(
        server.port, "/v1/chat/completions", stream_body(stream_options={"include_usage": True})
    )
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["transfer-encoding"] == "chunked"
    assert response.complete
    events = decoded(response)
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    assert len({c["id"] for c in chunks}) == 1
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}
    content = [c["choices"][0]["delta"]["content"] for c in chunks[1:-2]]
    assert "".join(content) == "You said: hello there world"
    assert chunks[-2]["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }
    assert all(c["usage"] is None for c in chunks[:-1])
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["completion_tokens"] == len(content)
    # token mode: one HTTP chunk per event
    assert len(response.chunks) == len(events)
    assert len(server.first_chunk_times) == 1


async def test_chat_stream_without_usage_has_no_usage_field(server: FakeOpenAI) -> None:
    events = decoded(await raw_request(server.port, "/v1/chat/completions", stream_body(n=2)))
    assert all("usage" not in e for e in events[:-1])
    assert {e["choices"][0]["index"] for e in events[:-1]} == {0, 1}


@pytest.mark.parametrize("mode", ["token", "coalesced"])
async def test_fake_chunks_header(server: FakeOpenAI, mode: str) -> None:
    count = 20_000
    with trio.fail_after(30):
        response = await raw_request(
            server.port,
            "/v1/chat/completions",
            stream_body(),
            headers={"x-fake-chunks": str(count), "x-fake-write-mode": mode},
        )
    events = response.events()
    assert response.complete
    assert events[-1] == "data: [DONE]"
    assert len(events) == count + 3  # role, content..., finish, [DONE]
    if mode == "token":
        assert len(response.chunks) == len(events)
    else:
        assert len(response.chunks) < len(events) // 50
        assert max(len(c) for c in response.chunks) >= 60_000


async def test_first_chunk_times(server: FakeOpenAI) -> None:
    before = time.monotonic()
    await raw_request(server.port, "/v1/chat/completions", stream_body())
    await raw_request(server.port, "/v1/chat/completions", CHAT)
    await raw_request(server.port, "/v1/chat/completions", stream_body())
    assert len(server.first_chunk_times) == 2
    assert before <= server.first_chunk_times[0] <= server.first_chunk_times[1] <= time.monotonic()


# --- embeddings ------------------------------------------------------------------------


async def test_embeddings_float_and_base64_agree(client: httpx.AsyncClient) -> None:
    payload = {"model": "text-embedding-3-small", "input": ["a cat", "a dog"]}
    with trio.fail_after(TIMEOUT):
        floats = (await client.post("/embeddings", json=payload)).json()
        again = (await client.post("/embeddings", json=payload)).json()
        b64 = (
            await client.post("/embeddings", json={**payload, "encoding_format": "base64"})
        ).json()
    assert floats["object"] == "list"
    assert floats["model"] == "text-embedding-3-small"
    assert floats["usage"] == {"prompt_tokens": 4, "total_tokens": 4}
    assert floats == again
    for plain, packed in zip(floats["data"], b64["data"], strict=True):
        assert plain["object"] == "embedding"
        vector = plain["embedding"]
        assert len(vector) == 1536
        assert abs(sum(v * v for v in vector) - 1) < 1e-4
        raw = base64.b64decode(packed["embedding"])
        assert list(struct.unpack(f"<{len(raw) // 4}f", raw)) == vector
    assert floats["data"][0]["embedding"] != floats["data"][1]["embedding"]


@pytest.mark.parametrize(
    ("model", "extra", "dimensions"),
    [
        ("text-embedding-3-large", {}, 3072),
        ("text-embedding-ada-002", {}, 1536),
        ("text-embedding-3-large", {"dimensions": 256}, 256),
    ],
)
async def test_embedding_dimensions(
    client: httpx.AsyncClient, model: str, extra: dict[str, Any], dimensions: int
) -> None:
    with trio.fail_after(TIMEOUT):
        body = (
            await client.post("/embeddings", json={"model": model, "input": "x", **extra})
        ).json()
    assert len(body["data"][0]["embedding"]) == dimensions


async def test_embedding_token_inputs_and_errors(client: httpx.AsyncClient) -> None:
    model = "text-embedding-3-small"
    with trio.fail_after(TIMEOUT):
        tokens = await client.post("/embeddings", json={"model": model, "input": [1, 2, 3]})
        nested = await client.post("/embeddings", json={"model": model, "input": [[1], [2, 3]]})
        ada = await client.post(
            "/embeddings", json={"model": "text-embedding-ada-002", "input": "x", "dimensions": 8}
        )
        empty = await client.post("/embeddings", json={"model": model, "input": []})
    assert len(tokens.json()["data"]) == 1
    assert tokens.json()["usage"]["prompt_tokens"] == 3
    assert [d["index"] for d in nested.json()["data"]] == [0, 1]
    assert ada.status_code == 400
    assert ada.json()["error"]["param"] == "dimensions"
    assert empty.status_code == 400
    assert empty.json()["error"]["param"] == "input"


# --- models and pagination -------------------------------------------------------------


async def test_models(client: httpx.AsyncClient) -> None:
    fine_tuned = "ft:gpt-4o-mini-2024-07-18:acme::A1b2C3d4"
    with trio.fail_after(TIMEOUT):
        listing = (await client.get("/models")).json()
        one = await client.get("/models/gpt-4o")
        missing = await client.get("/models/gpt-0")
        deleted = await client.delete(f"/models/{fine_tuned}")
        refused = await client.delete("/models/gpt-4o")
        after = (await client.get("/models")).json()
    assert listing["object"] == "list"
    assert all(set(m) == {"id", "object", "created", "owned_by"} for m in listing["data"])
    assert one.json()["id"] == "gpt-4o"
    assert one.json()["object"] == "model"
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "model_not_found"
    assert deleted.json() == {"id": fine_tuned, "object": "model", "deleted": True}
    assert refused.status_code == 404
    assert fine_tuned not in {m["id"] for m in after["data"]}


async def test_pagination_with_empty_pages(server: FakeOpenAI, client: httpx.AsyncClient) -> None:
    server.set_items(7, empty_pages_at=[0, 3])
    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    params: dict[str, str] = {"limit": "2"}
    with trio.fail_after(TIMEOUT):
        while True:
            page = (await client.get("/fake/items", params=params)).json()
            pages.append(page)
            seen += [item["id"] for item in page["data"]]
            if not page["has_more"]:
                break
            params = {"limit": "2", "after": page["last_id"]}
    assert seen == [f"item_{i:04d}" for i in range(1, 8)]
    assert pages[0] == {
        "object": "list",
        "data": [],
        "first_id": None,
        "last_id": "gap_0",
        "has_more": True,
    }
    assert [len(p["data"]) for p in pages] == [0, 2, 1, 0, 2, 2]
    assert pages[1]["first_id"] == "item_0001"
    assert pages[1]["last_id"] == "item_0002"


async def test_pagination_custom_items_and_errors(
    server: FakeOpenAI, client: httpx.AsyncClient
) -> None:
    server.set_items([{"id": "a", "n": 1}, {"id": "b", "n": 2}])
    with pytest.raises(ValueError, match="duplicate"):
        server.set_items([{"id": "a"}, {"id": "a"}])
    with trio.fail_after(TIMEOUT):
        page = (await client.get("/fake/items")).json()
        bad_limit = await client.get("/fake/items", params={"limit": "0"})
        bad_cursor = await client.get("/fake/items", params={"after": "zzz"})
    assert page["data"] == [{"id": "a", "n": 1}, {"id": "b", "n": 2}]
    assert page["has_more"] is False
    assert bad_limit.status_code == 400
    assert bad_cursor.status_code == 400


# --- programmable responses, control endpoints -----------------------------------------


async def test_set_response_and_clear(server: FakeOpenAI, client: httpx.AsyncClient) -> None:
    # A path the fake does not route: once cleared, nothing answers it.
    server.set_response("/v1/fake/fixed", status=201, json={"id": "resp_1"}, headers={"x-a": "b"})
    with trio.fail_after(TIMEOUT):
        fixed = await client.post("/fake/fixed", json={})
        server.clear()
        gone = await client.post("/fake/fixed", json={})
    assert fixed.status_code == 201
    assert fixed.json() == {"id": "resp_1"}
    assert fixed.headers["x-a"] == "b"
    assert gone.status_code == 404
    assert len(server.requests) == 1


async def test_control_endpoints(server: FakeOpenAI, client: httpx.AsyncClient) -> None:
    with trio.fail_after(TIMEOUT):
        await client.post("/chat/completions", json=stream_body())
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as control:
            stats = (await control.get("/_fake/stats")).json()
            reset = await control.post("/_fake/reset")
            after = (await control.get("/_fake/stats")).json()
    assert stats["requests"] == 1
    assert stats["connections_opened"] == 2
    assert len(stats["first_chunk_times"]) == 1
    assert reset.status_code == 200
    assert after == {"first_chunk_times": [], "requests": 0, "connections_opened": 0}


# --- faults ----------------------------------------------------------------------------


async def test_status_fault_429(server: FakeOpenAI, client: httpx.AsyncClient) -> None:
    fault = Fault.Status(status=429, retry_after=2, retry_after_ms=1500, should_retry=True)
    server.add_fault(fault, path="/v1/chat/completions", times=2)
    with trio.fail_after(TIMEOUT):
        other = await client.get("/models")
        first = await client.post("/chat/completions", json=CHAT)
        second = await client.post("/chat/completions", json=CHAT)
        third = await client.post("/chat/completions", json=CHAT)
    assert other.status_code == 200
    for response in (first, second):
        assert response.status_code == 429
        assert response.headers["retry-after"] == "2"
        assert response.headers["retry-after-ms"] == "1500"
        assert response.headers["x-should-retry"] == "true"
        assert response.headers["x-ratelimit-remaining-requests"] == "0"
        assert response.json()["error"]["code"] == "rate_limit_exceeded"
    assert third.status_code == 200


async def test_status_fault_bodies(server: FakeOpenAI, client: httpx.AsyncClient) -> None:
    server.add_fault(Fault.Status(status=500, should_retry=False))
    server.add_fault(
        Fault.Status(status=400, message="bad temperature", param="temperature", code="invalid")
    )
    server.add_fault(Fault.Status(status=502, body=b"<html>bad gateway</html>"))
    with trio.fail_after(TIMEOUT):
        five = await client.post("/chat/completions", json=CHAT)
        four = await client.post("/chat/completions", json=CHAT)
        html = await client.post("/chat/completions", json=CHAT)
    assert five.status_code == 500
    assert five.json()["error"]["type"] == "server_error"
    assert five.headers["x-should-retry"] == "false"
    assert four.json() == {
        "error": {
            "message": "bad temperature",
            "type": "invalid_request_error",
            "param": "temperature",
            "code": "invalid",
        }
    }
    assert html.status_code == 502
    assert html.text == "<html>bad gateway</html>"


async def test_drop_connection_fault(server: FakeOpenAI, client: httpx.AsyncClient) -> None:
    server.add_fault(Fault.DropConnection())
    with trio.fail_after(TIMEOUT):
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("/chat/completions", json=CHAT)
        ok = await client.post("/chat/completions", json=CHAT)
    assert ok.status_code == 200
    assert server.connections_opened == 2


async def test_slow_first_byte(server: FakeOpenAI) -> None:
    server.add_fault(Fault.SlowFirstByte(seconds=0.3))
    start = time.monotonic()
    response = await raw_request(server.port, "/v1/chat/completions", CHAT)
    assert response.status == 200
    assert time.monotonic() - start >= 0.3


async def test_stream_faults_skip_plain_requests(server: FakeOpenAI) -> None:
    server.add_fault(Fault.DropMidStream(after_chunks=2))
    plain = await raw_request(server.port, "/v1/chat/completions", CHAT)
    streamed = await raw_request(server.port, "/v1/chat/completions", stream_body())
    assert plain.complete
    assert not streamed.complete


@pytest.mark.parametrize("reset", [False, True])
async def test_drop_mid_stream(server: FakeOpenAI, reset: bool) -> None:
    server.add_fault(Fault.DropMidStream(after_chunks=3, reset=reset))
    response = await raw_request(server.port, "/v1/chat/completions", stream_body())
    assert not response.complete
    if not reset:  # a RST may discard data the client has not read yet
        assert len(response.events()) == 3


async def test_stall_mid_stream(server: FakeOpenAI) -> None:
    server.add_fault(Fault.StallMidStream(after_chunks=2, seconds=0.3))
    response = await raw_request(server.port, "/v1/chat/completions", stream_body())
    assert response.complete
    gaps = [b - a for a, b in zip(response.times, response.times[1:], strict=False)]
    assert max(gaps) >= 0.25
    assert gaps.index(max(gaps)) == 1  # between the 2nd and 3rd event


async def test_malformed_event(server: FakeOpenAI) -> None:
    server.add_fault(Fault.MalformedEvent(after_chunks=1))
    events = (await raw_request(server.port, "/v1/chat/completions", stream_body())).events()
    with pytest.raises(json.JSONDecodeError):
        json.loads(events[1][len("data: ") :])
    assert events[-1] == "data: [DONE]"
    assert len(events) == 1 + 1 + 5 + 1 + 1


async def test_end_before_done(server: FakeOpenAI) -> None:
    server.add_fault(Fault.EndBeforeDone())
    server.add_fault(Fault.EndBeforeDone(after_chunks=2))
    whole = await raw_request(server.port, "/v1/chat/completions", stream_body())
    short = await raw_request(server.port, "/v1/chat/completions", stream_body())
    assert whole.complete
    assert short.complete
    assert "[DONE]" not in whole.body.decode()
    assert decoded(whole)[-1]["choices"][0]["finish_reason"] == "stop"
    assert len(short.events()) == 2


async def test_error_event(server: FakeOpenAI) -> None:
    server.add_fault(Fault.ErrorEvent(after_chunks=2, message="overloaded", code="oops"))
    response = await raw_request(server.port, "/v1/chat/completions", stream_body())
    events = decoded(response)
    assert response.complete
    assert len(events) == 3
    assert events[-1] == {
        "error": {"message": "overloaded", "type": "server_error", "param": None, "code": "oops"}
    }


async def test_delay_after_done(server: FakeOpenAI) -> None:
    server.add_fault(Fault.DelayAfterDone(seconds=0.3))
    response = await raw_request(server.port, "/v1/chat/completions", stream_body())
    assert response.complete
    assert response.events()[-1] == "data: [DONE]"
    assert response.times[-1] - response.times[-2] >= 0.25


async def test_faults_match_path(server: FakeOpenAI, client: httpx.AsyncClient) -> None:
    server.add_fault(Fault.Status(status=503), path="/v1/embeddings")
    with trio.fail_after(TIMEOUT):
        chat = await client.post("/chat/completions", json=CHAT)
        embed = await client.post("/embeddings", json={"model": "m", "input": "x"})
    assert chat.status_code == 200
    assert embed.status_code == 503
    with pytest.raises(ValueError, match="times"):
        server.add_fault(Fault.Status(), times=0)


# --- as a process ----------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_process_mode(sig: signal.Signals) -> None:
    command = [sys.executable, "-m", "oaitrio.testing", "--port", "0"]
    with trio.fail_after(30):
        process = await trio.lowlevel.open_process(command, stdout=subprocess.PIPE)
        try:
            assert process.stdout is not None
            line = b""
            while not line.endswith(b"\n"):
                chunk = await process.stdout.receive_some(1)
                assert chunk, "the server exited before printing its address"
                line += chunk
            prefix = "oaitrio fake server listening on "
            text = line.decode()
            assert text.startswith(prefix)
            assert text.endswith("/v1\n")
            base_url = text[len(prefix) :].strip()
            async with httpx.AsyncClient(base_url=base_url, headers=AUTH) as http:
                response = await http.post("/chat/completions", json=CHAT)
            assert response.status_code == 200
            process.send_signal(sig)
            assert await process.wait() == 0
            assert await process.stdout.receive_some(100) == b""
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            if process.stdout is not None:
                await process.stdout.aclose()


async def test_record_limit_zero_counts_without_keeping_requests() -> None:
    async with open_fake_server(record_limit=0) as fake, httpx.AsyncClient() as http:
        response = await http.get(
            fake.base_url + "/models", headers={"Authorization": "Bearer sk-test"}
        )
        assert response.status_code == 200
        assert fake.request_count == 1
        assert fake.requests == []
