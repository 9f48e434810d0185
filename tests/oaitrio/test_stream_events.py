"""What counts as an error event in a stream (the official SDK tests ``error`` by truthiness)."""

from __future__ import annotations

import httpx
import pytest
import trio

import oaitrio
from oaitrio.types.responses import ResponseStreamEvent


def _stream(body: bytes) -> oaitrio.AsyncStream[ResponseStreamEvent]:
    request = httpx.Request("POST", "https://api.example.test/v1/responses")
    response = httpx.Response(200, content=body, request=request)
    return oaitrio.AsyncStream(
        cast_to=ResponseStreamEvent,  # type: ignore[arg-type]
        response=response,
        expect_done=False,
    )


async def test_an_event_with_error_null_is_delivered_not_raised() -> None:
    # A type the client does not know yet takes the lenient path, where the
    # error check runs: "error": null there is an ordinary field.
    body = b'data: {"type": "response.brand_new", "sequence_number": 1, "error": null}\n\n'
    with trio.fail_after(5):
        async with _stream(body) as stream:
            events = [event async for event in stream]
    assert len(events) == 1
    event: object = events[0]
    kind = event.get("type") if isinstance(event, dict) else getattr(event, "type", None)  # pyright: ignore[reportUnknownMemberType]
    assert kind == "response.brand_new"


async def test_an_event_with_an_error_object_still_raises() -> None:
    body = b'data: {"type": "error", "error": {"message": "overloaded"}, "x": 1}\n\n'
    with trio.fail_after(5), pytest.raises(oaitrio.APIError, match="overloaded"):
        async with _stream(body) as stream:
            async for _ in stream:
                pass
