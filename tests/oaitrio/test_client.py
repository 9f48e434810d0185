"""AsyncOpenAI end to end against the embedded fake server."""

from __future__ import annotations

import httpx
import pytest
import trio

import oaitrio
from oaitrio.testing import FakeOpenAI, StatusError
from tests.conftest import FAKE_KEY

MESSAGES = [{"role": "user", "content": "hello trio"}]


async def test_chat_completion_is_typed_and_carries_request_id(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert completion.object == "chat.completion"
    assert completion.choices[0].message.role == "assistant"
    assert "hello trio" in (completion.choices[0].message.content or "")
    assert completion.usage is not None and completion.usage.total_tokens > 0
    assert completion._request_id.startswith("req_")  # type: ignore[attr-defined]
    sent = server.requests[-1]
    assert sent.method == "POST" and sent.path == "/v1/chat/completions"
    assert sent.json() == {"messages": MESSAGES, "model": "gpt-4o-mini"}
    assert sent.headers["authorization"] == f"Bearer {FAKE_KEY}"


async def test_omitted_parameters_are_not_sent_and_extras_are(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=MESSAGES,
        temperature=oaitrio.omit,
        max_tokens=5,
        seed=None,
        extra_body={"custom": [1, 2]},
        extra_query={"trace": "yes"},
        extra_headers={"X-Custom": "v", "X-Stainless-Lang": oaitrio.omit},
    )
    sent = server.requests[-1]
    assert sent.json() == {
        "messages": MESSAGES,
        "model": "gpt-4o-mini",
        "max_tokens": 5,
        "seed": None,
        "custom": [1, 2],
    }
    assert sent.query == {"trace": "yes"}
    assert sent.headers["x-custom"] == "v"
    assert "x-stainless-lang" not in sent.headers


async def test_models_list_retrieve_delete(client: oaitrio.AsyncOpenAI) -> None:
    ids = [model.id async for model in client.models.list()]
    assert "gpt-4o-mini" in ids
    page = await client.models.list()
    assert [m.id for m in page.data] == ids and not page.has_next_page()
    model = await client.models.retrieve("gpt-4o-mini")
    assert model.id == "gpt-4o-mini" and model.object == "model"
    fine_tuned = next(i for i in ids if i.startswith("ft:"))
    deleted = await client.models.delete(fine_tuned)
    assert deleted.deleted and deleted.id == fine_tuned
    with pytest.raises(oaitrio.NotFoundError) as info:
        await client.models.retrieve("no-such-model")
    assert info.value.status_code == 404
    assert info.value.request_id is not None and info.value.request_id.startswith("req_")


async def test_path_parameters_are_escaped(client: oaitrio.AsyncOpenAI, server: FakeOpenAI) -> None:
    with pytest.raises(oaitrio.NotFoundError):
        await client.models.retrieve("../files?x=1")
    assert server.requests[-1].path == "/v1/models/..%2Ffiles%3Fx%3D1"
    with pytest.raises(ValueError, match="non-empty"):
        await client.models.retrieve("")


async def test_embeddings_default_base64_float_and_numpy(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    default = await client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    assert server.requests[-1].json()["encoding_format"] == "base64"
    floats = await client.embeddings.create(
        model="text-embedding-3-small", input=["a", "b"], encoding_format="float"
    )
    assert len(default.data) == 2 and len(default.data[0].embedding) == 1536
    for got, want in zip(default.data, floats.data, strict=True):
        assert got.embedding == pytest.approx(want.embedding, rel=1e-6)
    raw = await client.embeddings.create(
        model="text-embedding-3-small", input="a", encoding_format="base64"
    )
    assert isinstance(raw.data[0].embedding, str)
    np = pytest.importorskip("numpy")
    arrays = await client.embeddings.create(
        model="text-embedding-3-small", input=["a", "b"], dimensions=8, as_numpy=True
    )
    vector = arrays.data[0].embedding
    assert isinstance(vector, np.ndarray) and vector.dtype == np.float32 and vector.shape == (8,)
    assert default._request_id.startswith("req_")  # type: ignore[attr-defined]


async def test_retries_keep_the_idempotency_key_and_count_attempts(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.add_fault(StatusError(status=500), path="/v1/chat/completions", times=2)
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert completion.choices
    attempts = [r for r in server.requests if r.path == "/v1/chat/completions"]
    assert [r.headers["x-stainless-retry-count"] for r in attempts] == ["0", "1", "2"]
    keys = {r.headers["idempotency-key"] for r in attempts}
    assert len(keys) == 1 and next(iter(keys)).startswith("oaitrio-retry-")


async def test_every_call_gets_its_own_idempotency_key_and_get_has_none(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    await client.chat.completions.create(model="m", messages=MESSAGES)
    await client.chat.completions.create(model="m", messages=MESSAGES)
    await client.models.retrieve("gpt-4o")
    first, second, get = server.requests[-3:]
    assert first.headers["idempotency-key"] != second.headers["idempotency-key"]
    assert "idempotency-key" not in get.headers


async def test_out_of_retries_raises_the_status_error(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.add_fault(
        StatusError(status=429, message="Slow down", code="rate_limit_exceeded", retry_after=0.01),
        times=3,
    )
    with pytest.raises(oaitrio.RateLimitError) as info:
        await client.models.retrieve("gpt-4o")
    assert len(server.requests) == 3
    assert info.value.code == "rate_limit_exceeded"
    assert info.value.body == {
        "message": "Slow down",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    } or info.value.message.startswith("Error code: 429")


async def test_should_retry_header_overrides_status(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.add_fault(StatusError(status=500, should_retry=False))
    with pytest.raises(oaitrio.InternalServerError):
        await client.models.retrieve("gpt-4o")
    assert len(server.requests) == 1
    server.add_fault(StatusError(status=400, should_retry=True))
    model = await client.models.retrieve("gpt-4o")
    assert model.id == "gpt-4o" and len(server.requests) == 3


async def test_bad_request_is_not_retried(client: oaitrio.AsyncOpenAI, server: FakeOpenAI) -> None:
    server.add_fault(StatusError(status=400, message="bad param", param="messages", code="invalid"))
    with pytest.raises(oaitrio.BadRequestError) as info:
        await client.chat.completions.create(model="m", messages=MESSAGES)
    assert info.value.param == "messages" and info.value.code == "invalid"
    assert len(server.requests) == 1


async def test_connection_errors_are_retried_then_raised(server: FakeOpenAI) -> None:
    from oaitrio.testing import DropConnection

    server.add_fault(DropConnection(), times=1)
    policy = oaitrio.DefaultRetryPolicy(max_retries=1, initial_delay=0.01)
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY, base_url=server.base_url, retry_policy=policy
    ) as c:
        assert (await c.models.retrieve("gpt-4o")).id == "gpt-4o"
        server.add_fault(DropConnection(), times=2)
        with pytest.raises(oaitrio.APIConnectionError):
            await c.models.retrieve("gpt-4o")


async def test_nothing_listening_is_a_connection_error() -> None:
    with trio.socket.socket() as sock:
        await sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0
    ) as c:
        with pytest.raises(oaitrio.APIConnectionError) as info:
            await c.models.list()
    assert not isinstance(info.value, oaitrio.APITimeoutError)


async def test_read_timeout_is_a_timeout_error(server: FakeOpenAI) -> None:
    from oaitrio.testing import SlowFirstByte

    server.add_fault(SlowFirstByte(seconds=2), times=1)
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY, base_url=server.base_url, max_retries=0, timeout=0.2
    ) as c:
        with trio.fail_after(5), pytest.raises(oaitrio.APITimeoutError):
            await c.models.retrieve("gpt-4o")


async def test_total_timeout_bounds_all_retries(server: FakeOpenAI) -> None:
    server.add_fault(StatusError(status=503, retry_after=1), times=10)
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY, base_url=server.base_url, max_retries=5, total_timeout=0.3
    ) as c:
        started = trio.current_time()
        with pytest.raises(oaitrio.APITimeoutError):
            await c.models.retrieve("gpt-4o")
        assert trio.current_time() - started < 1.0


async def test_the_api_key_never_shows(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    server.set_response(
        "/v1/models/gpt-4o",
        status=401,
        json={
            "error": {
                "message": f"Incorrect API key provided: {FAKE_KEY}",
                "type": "invalid_request_error",
            }
        },
    )
    async with oaitrio.AsyncOpenAI(api_key=FAKE_KEY, base_url=server.base_url) as c:
        assert FAKE_KEY not in repr(c)
        with pytest.raises(oaitrio.AuthenticationError) as info:
            await c.models.retrieve("gpt-4o")
    assert FAKE_KEY not in str(info.value) and FAKE_KEY not in repr(info.value)
    assert FAKE_KEY not in str(info.value.body)
    assert "[redacted API key]" in str(info.value)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(oaitrio.OpenAIError, match="OPENAI_API_KEY"):
        oaitrio.AsyncOpenAI()


async def test_header_values_with_newlines_are_refused(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    with pytest.raises(oaitrio.APIConnectionError, match=r"X-Evil.*CR, LF or NUL"):
        await client.models.retrieve("gpt-4o", extra_headers={"X-Evil": "a\r\nX-Injected: 1"})
    assert server.requests == []


async def test_environment_configures_the_client(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_ORG_ID", "org-1")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-1")
    async with oaitrio.AsyncOpenAI() as c:
        await c.models.retrieve("gpt-4o")
    headers = server.requests[-1].headers
    assert headers["openai-organization"] == "org-1" and headers["openai-project"] == "proj-1"


async def test_async_api_key_provider_is_called_per_request(server: FakeOpenAI) -> None:
    keys = iter(["sk-first", "sk-second"])

    async def provider() -> str:
        return next(keys)

    async with oaitrio.AsyncOpenAI(api_key=provider, base_url=server.base_url) as c:
        await c.models.retrieve("gpt-4o")
        await c.models.retrieve("gpt-4o")
    assert [r.headers["authorization"] for r in server.requests] == [
        "Bearer sk-first",
        "Bearer sk-second",
    ]


async def test_with_options_shares_connections(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    await client.models.retrieve("gpt-4o")
    copy = client.with_options(default_headers={"X-Team": "a"}, max_retries=0)
    await copy.models.retrieve("gpt-4o")
    assert server.requests[-1].headers["x-team"] == "a"
    assert "x-team" not in server.requests[-2].headers
    assert server.connections_opened == 1
    assert copy.max_retries == 0 and client.max_retries == 2


async def test_with_options_keeps_on_none_and_clears_on_omit(
    server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-from-env")
    policy = oaitrio.DefaultRetryPolicy(max_retries=5)
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY, base_url=server.base_url, project="proj-a", retry_policy=policy
    ) as client:
        kept = client.with_options(organization=None, project=None)
        assert (kept.organization, kept.project) == ("org-from-env", "proj-a")
        assert kept._retry_policy is policy

        cleared = client.with_options(
            organization=oaitrio.omit, project=oaitrio.omit, retry_policy=oaitrio.omit
        )
        # Cleared, not read again from OPENAI_ORG_ID.
        assert (cleared.organization, cleared.project) == (None, None)
        assert cleared._retry_policy is None
        await cleared.models.retrieve("gpt-4o")
        sent = server.requests[-1].headers
        assert "openai-organization" not in sent and "openai-project" not in sent


async def test_user_http_client_is_the_slower_but_working_path(server: FakeOpenAI) -> None:
    async with httpx.AsyncClient() as http_client:
        c = oaitrio.AsyncOpenAI(api_key=FAKE_KEY, base_url=server.base_url, http_client=http_client)
        completion = await c.chat.completions.create(model="m", messages=MESSAGES)
        assert completion.choices
        stream = await c.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        async with stream:
            assert [chunk async for chunk in stream]


async def test_rate_limit_headers_are_recorded(client: oaitrio.AsyncOpenAI) -> None:
    assert client.rate_limits is None
    await client.models.retrieve("gpt-4o")
    assert client.rate_limits is not None
    assert client.rate_limits.headers["limit-requests"].isdigit()


async def test_cursor_pagination_crosses_empty_pages(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    from oaitrio.pagination import AsyncCursorPage

    server.set_items(25, empty_pages_at=[10, 10, 20])
    paginator = client.models._list(
        "/fake/items",
        page=AsyncCursorPage[dict],  # type: ignore[type-arg]
        query={"limit": 5},
        options=oaitrio._resource.CallOptions(),  # type: ignore[attr-defined]
    )
    ids = [item["id"] async for item in paginator]
    assert ids == [f"item_{i:04d}" for i in range(1, 26)]
    first = await paginator
    pages = [page async for page in first.iter_pages()]
    assert sum(len(p.data) for p in pages) == 25
    assert any(not p.data and p.has_more for p in pages)
    assert not pages[-1].has_next_page()
    with pytest.raises(RuntimeError, match="no next page"):
        await pages[-1].get_next_page()


async def test_embeddings_when_the_server_ignores_the_base64_request(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    floats = {
        "object": "list",
        "model": "text-embedding-3-small",
        "data": [{"object": "embedding", "index": 0, "embedding": [0.5, -0.25]}],
        "usage": {"prompt_tokens": 1, "total_tokens": 1},
    }
    server.set_response("/v1/embeddings", json=floats)
    default = await client.embeddings.create(model="text-embedding-3-small", input="x")
    assert default.data[0].embedding == [0.5, -0.25]
    asked = await client.embeddings.create(
        model="text-embedding-3-small", input="x", encoding_format="base64"
    )
    assert asked.data[0].embedding == [0.5, -0.25]
    np = pytest.importorskip("numpy")
    arrays = await client.embeddings.create(
        model="text-embedding-3-small", input="x", as_numpy=True
    )
    assert np.array_equal(arrays.data[0].embedding, np.array([0.5, -0.25], dtype=np.float32))
