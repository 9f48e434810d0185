"""The official SDK README's model examples, run against the embedded fake server.

Each test is the README's snippet with only the import and the event loop
changed (``AsyncOpenAI`` entered with ``async with``, ``await``), as the
migration page promises: "Using types" (``to_json``/``to_dict``), "How to
tell whether None means null or missing" (``model_fields_set``),
"Undocumented response properties" (``response.unknown_prop``,
``model_extra``), and the same on a streamed chunk, where the fields the spec
does not know yet arrive most often (``delta.reasoning_content`` from
OpenAI-compatible servers).
"""

from __future__ import annotations

import json
from typing import Any

import trio

import oaitrio
from oaitrio.testing import FakeOpenAI

MESSAGES: Any = [{"role": "user", "content": "Say this is a test"}]

COMPLETION: dict[str, Any] = {
    "id": "chatcmpl-readme",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o-mini",
    "system_fingerprint": None,  # sent as null; service_tier is not sent at all
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "logprobs": None,
            "message": {
                "role": "assistant",
                "content": "This is a test.",
                "refusal": None,
                "reasoning_content": "The user asked for a test.",
            },
        }
    ],
    "usage": {"prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9},
    "unknown_prop": {"added": "later"},
}


async def test_using_types_serialise_back_to_what_the_api_sent(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_response("/v1/chat/completions", json=COMPLETION)
    with trio.fail_after(10):
        completion = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)

    assert json.loads(completion.to_json()) == COMPLETION
    assert completion.to_json().startswith('{\n  "id": "chatcmpl-readme",')
    assert completion.to_dict() == COMPLETION
    assert json.loads(completion.model_dump_json(indent=2)) == completion.model_dump()


async def test_null_or_missing(client: oaitrio.AsyncOpenAI, server: FakeOpenAI) -> None:
    server.set_response("/v1/chat/completions", json=COMPLETION)
    with trio.fail_after(10):
        response = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)

    said: list[str] = []
    for my_field in ("system_fingerprint", "service_tier"):
        if getattr(response, my_field) is None:
            if my_field not in response.model_fields_set:
                said.append(f'Got json like {{}}, without a "{my_field}" key present at all.')
            else:
                said.append(f'Got json like {{"{my_field}": null}}.')
    assert said == [
        'Got json like {"system_fingerprint": null}.',
        'Got json like {}, without a "service_tier" key present at all.',
    ]


async def test_undocumented_response_properties(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    server.set_response("/v1/chat/completions", json=COMPLETION)
    with trio.fail_after(10):
        response = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)

    # A nested object first, before anything was asked of the response itself.
    message = response.choices[0].message
    assert message.reasoning_content == "The user asked for a test."  # type: ignore[attr-defined]
    assert message.model_extra == {"reasoning_content": "The user asked for a test."}
    assert response.unknown_prop == {"added": "later"}  # type: ignore[attr-defined]
    assert response.model_extra == {"unknown_prop": {"added": "later"}}
    assert response.usage is not None and response.usage.model_extra == {}


async def test_undocumented_properties_of_streamed_chunks(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    base = {"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    thoughts = ["Let me", " think."]
    server.set_stream(
        "/v1/chat/completions",
        [
            *(
                {**base, "choices": [{"index": 0, "delta": {"reasoning_content": thought}}]}
                for thought in thoughts
            ),
            {
                **base,
                "choices": [{"index": 0, "delta": {"content": None}, "finish_reason": "stop"}],
            },
        ],
    )
    reasoning: list[str] = []
    fields_set: list[set[str]] = []
    with trio.fail_after(10):
        stream = await client.chat.completions.create(
            model="gpt-4o-mini", messages=MESSAGES, stream=True
        )
        async with stream:
            async for chunk in stream:
                delta = chunk.choices[0].delta
                reasoning.append(getattr(delta, "reasoning_content", ""))
                fields_set.append(delta.model_fields_set)
    assert reasoning == [*thoughts, ""]
    assert fields_set == [set(), set(), {"content"}]  # the last one sent "content": null


async def test_items_of_an_auto_paginated_list_keep_what_was_sent(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    item = {"id": "m1", "object": "model", "created": 1, "owned_by": "me", "brand_new": True}
    server.set_response("/v1/models", json={"object": "list", "data": [item]}, method="GET")
    all_models: list[Any] = []
    with trio.fail_after(10):
        # The README's "Pagination" loop; each item asked while its page is current.
        async for model in client.models.list():
            all_models.append((model.to_dict(), model.brand_new, model.model_fields_set))  # type: ignore[attr-defined]
    assert all_models == [(item, True, {"id", "object", "created", "owned_by"})]


async def test_the_last_chunk_can_be_asked_after_the_loop(
    client: oaitrio.AsyncOpenAI, server: FakeOpenAI
) -> None:
    base = {"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    last = {**base, "choices": [], "usage": None, "brand_new": 1}
    server.set_stream("/v1/chat/completions", [{**base, "choices": []}, last])
    with trio.fail_after(10):
        stream = await client.chat.completions.create(
            model="gpt-4o-mini", messages=MESSAGES, stream=True
        )
        async with stream:
            chunks = [chunk async for chunk in stream]
    assert chunks[-1].to_dict() == last  # asked after [DONE], perhaps read on its own
