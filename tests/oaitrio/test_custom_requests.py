"""``client.get/post/put/patch/delete/get_api_list``: the SDK's custom requests."""

from __future__ import annotations

import re
import string
from typing import Any

import httpx
import pytest
import trio
from hypothesis import given
from hypothesis import strategies as st

import oaitrio
from oaitrio._resource import _custom_path
from oaitrio.pagination import AsyncCursorPage
from oaitrio.testing import FakeOpenAI, StatusError
from oaitrio.types.chat import ChatCompletionChunk
from oaitrio.types.model import Model


async def test_post_to_an_undocumented_path_returns_the_raw_response(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_response("/v1/foo", json={"ok": True}, headers={"x-foo": "bar"})
    with trio.fail_after(10):
        response = await client.post("/foo", cast_to=httpx.Response, body={"my_param": True})
    assert isinstance(response, httpx.Response)
    assert response.headers.get("x-foo") == "bar"
    assert response.json() == {"ok": True}
    sent = server.requests[-1]
    assert (sent.method, sent.path) == ("POST", "/v1/foo")
    assert sent.json() == {"my_param": True}
    assert sent.headers["authorization"].startswith("Bearer ")


async def test_get_decodes_into_cast_to_with_the_call_options(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    with trio.fail_after(10):
        model = await client.get(
            "models/gpt-4o",
            cast_to=Model,
            options={"headers": {"x-trace": "t1"}, "params": {"verbose": True}},
        )
        listed = await client.get("/models", cast_to=object)
    assert isinstance(model, Model)
    assert model.id == "gpt-4o"
    assert model._request_id is not None  # type: ignore[attr-defined]
    assert isinstance(listed, dict) and listed["object"] == "list"  # plain JSON values
    sent = server.requests[-2]
    assert sent.path == "/v1/models/gpt-4o"
    assert sent.headers["x-trace"] == "t1"
    assert sent.query == {"verbose": "true"}


async def test_put_patch_delete_send_their_method_and_body(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_response("/v1/things/1", json={"id": "1"})
    with trio.fail_after(10):
        put = await client.put("/things/1", cast_to=object, body={"a": 1})
        patched = await client.patch("/things/1", cast_to=dict, body={"b": 2})
        deleted = await client.delete("/things/1", cast_to=type(None))
        text = await client.delete("/things/1", cast_to=str, content=b"raw bytes")
    assert put == patched == {"id": "1"}
    assert deleted is None
    assert text == '{"id":"1"}'
    assert [(r.method, r.body) for r in server.requests[-4:]] == [
        ("PUT", b'{"a":1}'),
        ("PATCH", b'{"b":2}'),
        ("DELETE", b""),
        ("DELETE", b"raw bytes"),
    ]


async def test_extra_json_and_an_idempotency_key(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_response("/v1/foo", json={})
    with trio.fail_after(10):
        await client.post(
            "/foo",
            cast_to=object,
            body={"a": 1},
            options={"extra_json": {"b": 2}, "idempotency_key": "key-1", "timeout": 5.0},
        )
    sent = server.requests[-1]
    assert sent.json() == {"a": 1, "b": 2}
    assert sent.headers["idempotency-key"] == "key-1"


async def test_custom_requests_retry_as_the_client_does(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_response("/v1/foo", json={"ok": True})
    server.add_fault(StatusError(status=500), path="/v1/foo")
    with trio.fail_after(10):
        assert await client.post("/foo", cast_to=object) == {"ok": True}
    assert len(server.requests) == 2
    server.add_fault(StatusError(status=500), path="/v1/foo")
    with trio.fail_after(10), pytest.raises(oaitrio.InternalServerError):
        await client.post("/foo", cast_to=object, options={"max_retries": 0})
    assert len(server.requests) == 3
    with trio.fail_after(10), pytest.raises(oaitrio.NotFoundError):
        await client.get("/models/nope", cast_to=Model)


async def test_a_custom_stream(client: oaitrio.AsyncOpenAI) -> None:
    with trio.fail_after(10):
        stream = await client.post(
            "/chat/completions",
            cast_to=ChatCompletionChunk,
            body={"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": True},
            stream=True,
            stream_cls=oaitrio.AsyncStream[ChatCompletionChunk],
        )
        async with stream:
            chunks = [chunk async for chunk in stream]
    assert chunks
    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    assert client._pool is not None
    assert client._pool.statistics().in_use == 0


async def test_files_go_as_a_multipart_form(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_response("/v1/uploads/custom", json={"id": "up_1"})
    with trio.fail_after(10):
        result = await client.post(
            "/uploads/custom",
            cast_to=object,
            body={"purpose": "test"},
            files=[("file", ("a.txt", b"first")), ("file", ("b.txt", b"second"))],
            options={"extra_json": {"note": "n"}},
        )
    assert result == {"id": "up_1"}
    sent = server.requests[-1]
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    for expected in (b'name="purpose"', b'name="note"', b'filename="a.txt"', b"second"):
        assert expected in sent.body
    assert sent.body.count(b'name="file"') == 2  # repeated, as the pairs say


async def test_get_api_list_pages_through_every_item(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_items(7)
    with trio.fail_after(10):
        paginator = client.get_api_list(
            "/fake/items", model=object, page=AsyncCursorPage, options={"params": {"limit": 3}}
        )
        ids: list[Any] = [item["id"] async for item in paginator]  # type: ignore[index]
        first = await client.get_api_list("/fake/items", model=object, page=AsyncCursorPage[Any])
    assert ids == [f"item_{n:04d}" for n in range(1, 8)]
    assert all(r.query.get("limit") == "3" for r in server.requests[:3])
    assert first.has_next_page() or len(first.data) == 7


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"options": {"follow_redirects": True}}, TypeError, "'follow_redirects'"),
        ({"options": {"extra_headers": {"a": "b"}}}, TypeError, "write 'headers'"),
        ({"body": {"a": 1}, "content": b"x"}, TypeError, "both `body` and `content`"),
        ({"content": "text"}, TypeError, "content must be bytes"),
        ({"options": {"max_retries": -1}}, ValueError, "max_retries"),
        ({"body": [1, 2], "options": {"extra_json": {"a": 1}}}, TypeError, "mapping body"),
        ({"stream": True, "stream_cls": dict}, TypeError, "stream_cls must be AsyncStream"),
    ],
)
async def test_bad_arguments_are_refused_before_sending(
    client: oaitrio.AsyncOpenAI,
    server: FakeOpenAI,
    kwargs: dict[str, Any],
    error: type[Exception],
    match: str,
) -> None:
    with trio.fail_after(10), pytest.raises(error, match=match):
        await client.post("/foo", cast_to=object, **kwargs)
    assert server.requests == []


async def test_an_absolute_url_is_refused_without_echoing_it(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    with pytest.raises(ValueError, match="relative to the client's base_url") as caught:
        await client.get("https://user:secret@example.com/v1/x", cast_to=object)
    assert "secret" not in str(caught.value)
    assert server.requests == []


async def test_a_non_json_answer_is_text(client: oaitrio.AsyncOpenAI, server: FakeOpenAI) -> None:
    server.set_response("/v1/plain", body=b"hello", headers={"content-type": "text/plain"})
    with trio.fail_after(10):
        assert await client.get("/plain", cast_to=object) == "hello"
        assert await client.get("/plain", cast_to=bytes) == b"hello"


@given(st.text(alphabet=string.ascii_letters + string.digits + "-_./?=&:%", max_size=30))
def test_a_relative_path_is_kept_under_the_base_url(path: str) -> None:
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://|//", path):
        with pytest.raises(ValueError, match="relative to the client's base_url"):
            _custom_path(path)
        return
    sent = _custom_path(path)
    assert sent.startswith("/")
    assert sent.lstrip("/") == path.lstrip("/")  # one leading slash added, nothing else changed


def test_a_colon_in_a_relative_path_is_not_a_scheme() -> None:
    assert _custom_path("models/ft:gpt-4o:org") == "/models/ft:gpt-4o:org"
    assert _custom_path("ft:gpt-4o") == "/ft:gpt-4o"


@given(
    st.sampled_from(["http", "https", "ws"]),
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=10),
    st.text(alphabet=string.ascii_letters + "/?=", max_size=10),
)
def test_an_absolute_url_is_always_refused(scheme: str, host: str, rest: str) -> None:
    with pytest.raises(ValueError, match="relative to the client's base_url"):
        _custom_path(f"{scheme}://{host}/{rest}")
