"""The client's retry loop on a virtual clock: every wait is exact, no real time passes."""

from __future__ import annotations

import httpx
import pytest
import trio

import oaitrio

Handler = "list[httpx.Response]"


def scripted_client(
    responses: list[httpx.Response], seen: list[httpx.Request], **options: object
) -> oaitrio.AsyncOpenAI:
    """A client whose transport answers with ``responses`` in order, recording requests."""

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses.pop(0)

    http_client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return oaitrio.AsyncOpenAI(
        api_key="sk-x",
        base_url="http://api.test/v1",
        http_client=http_client,
        **options,  # type: ignore[arg-type]
    )


MODEL = {"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "openai"}


def ok() -> httpx.Response:
    return httpx.Response(200, json=MODEL)


def fixed_jitter(value: float) -> oaitrio.DefaultRetryPolicy:
    return oaitrio.DefaultRetryPolicy(max_retries=3, jitter=lambda: value)


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "120"}, 120.0),
    ],
)
async def test_server_asked_delay_is_waited_exactly(
    autojump_clock: trio.testing.MockClock, headers: dict[str, str], wait: float
) -> None:
    seen: list[httpx.Request] = []
    client = scripted_client([httpx.Response(429, headers=headers, json={}), ok()], seen)
    start = trio.current_time()
    model = await client.models.retrieve("gpt-4o")
    assert model.id == "gpt-4o"
    assert trio.current_time() - start == pytest.approx(wait)
    assert len(seen) == 2


async def test_server_asking_for_more_than_120_s_gets_no_retry(
    autojump_clock: trio.testing.MockClock,
) -> None:
    seen: list[httpx.Request] = []
    client = scripted_client(
        [httpx.Response(429, headers={"retry-after": "121"}, json={}), ok()], seen
    )
    start = trio.current_time()
    with pytest.raises(oaitrio.RateLimitError):
        await client.models.retrieve("gpt-4o")
    assert trio.current_time() == start
    assert len(seen) == 1


@pytest.mark.parametrize(("jitter", "waits"), [(0.0, [0.5, 1.0, 2.0]), (0.999, [0.375, 0.75, 1.5])])
async def test_exponential_backoff_with_jitter(
    autojump_clock: trio.testing.MockClock, jitter: float, waits: list[float]
) -> None:
    seen: list[httpx.Request] = []
    client = scripted_client(
        [
            httpx.Response(500, json={}),
            httpx.Response(502, json={}),
            httpx.Response(503, json={}),
            ok(),
        ],
        seen,
        retry_policy=fixed_jitter(jitter),
    )
    times: list[float] = []

    async def handler_times() -> None:
        await client.models.retrieve("gpt-4o")

    start = trio.current_time()
    await handler_times()
    times = [float(r.headers["x-stainless-retry-count"]) for r in seen]
    assert times == [0, 1, 2, 3]
    assert trio.current_time() - start == pytest.approx(sum(waits), rel=1e-3)


@pytest.mark.parametrize("status", [408, 409, 429, 500, 503, 599])
async def test_retryable_statuses(autojump_clock: trio.testing.MockClock, status: int) -> None:
    seen: list[httpx.Request] = []
    client = scripted_client([httpx.Response(status, json={}), ok()], seen)
    assert (await client.models.retrieve("gpt-4o")).id == "gpt-4o"
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, oaitrio.BadRequestError),
        (401, oaitrio.AuthenticationError),
        (403, oaitrio.PermissionDeniedError),
        (404, oaitrio.NotFoundError),
        (422, oaitrio.UnprocessableEntityError),
        (418, oaitrio.APIStatusError),
    ],
)
async def test_other_statuses_raise_their_class_without_retry(
    autojump_clock: trio.testing.MockClock, status: int, error: type[Exception]
) -> None:
    seen: list[httpx.Request] = []
    client = scripted_client(
        [httpx.Response(status, json={"error": {"message": "nope", "type": "t"}}), ok()], seen
    )
    with pytest.raises(error) as info:
        await client.models.retrieve("gpt-4o")
    assert len(seen) == 1
    assert type(info.value) is error
    assert info.value.status_code == status  # type: ignore[attr-defined]


async def test_should_retry_false_stops_and_true_forces(
    autojump_clock: trio.testing.MockClock,
) -> None:
    seen: list[httpx.Request] = []
    client = scripted_client(
        [httpx.Response(503, headers={"x-should-retry": "false"}, json={})], seen
    )
    with pytest.raises(oaitrio.InternalServerError):
        await client.models.retrieve("gpt-4o")
    assert len(seen) == 1
    seen.clear()
    client = scripted_client(
        [httpx.Response(400, headers={"x-should-retry": "true"}, json={}), ok()], seen
    )
    assert (await client.models.retrieve("gpt-4o")).id == "gpt-4o"
    assert len(seen) == 2


async def test_max_retries_zero_and_custom_policy(autojump_clock: trio.testing.MockClock) -> None:
    seen: list[httpx.Request] = []
    client = scripted_client([httpx.Response(500, json={}), ok()], seen, max_retries=0)
    with pytest.raises(oaitrio.InternalServerError):
        await client.models.retrieve("gpt-4o")
    assert len(seen) == 1

    class NeverRetry:
        max_retries = 5

        def decide(self, **_: object) -> oaitrio.RetryDecision:
            return oaitrio.RetryDecision(retry=False, delay=0.0, reason="never")

    seen.clear()
    client = scripted_client([httpx.Response(500, json={}), ok()], seen, retry_policy=NeverRetry())
    with pytest.raises(oaitrio.InternalServerError):
        await client.models.retrieve("gpt-4o")
    assert len(seen) == 1


async def test_connection_errors_and_timeouts_are_retried(
    autojump_clock: trio.testing.MockClock,
) -> None:
    calls = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ConnectError("refused", request=request)
        if calls == 2:
            raise httpx.ReadTimeout("slow", request=request)
        return ok()

    client = oaitrio.AsyncOpenAI(
        api_key="sk-x",
        base_url="http://api.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        retry_policy=fixed_jitter(0.0),
    )
    start = trio.current_time()
    assert (await client.models.retrieve("gpt-4o")).id == "gpt-4o"
    assert trio.current_time() - start == pytest.approx(1.5)
    assert calls == 3


async def test_cancelling_during_the_backoff_cancels_the_call(
    autojump_clock: trio.testing.MockClock,
) -> None:
    seen: list[httpx.Request] = []
    client = scripted_client(
        [httpx.Response(429, headers={"retry-after": "60"}, json={}), ok()], seen
    )
    with trio.move_on_after(10) as scope:
        await client.models.retrieve("gpt-4o")
    assert scope.cancelled_caught
    assert len(seen) == 1
