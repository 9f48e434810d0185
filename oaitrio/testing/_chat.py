"""``POST /v1/chat/completions``: deterministic replies, plain and streamed.

The reply text is ``"You said: "`` followed by the text of the last ``user``
message, or ``"Hello! This is the oaitrio fake server."`` when there is none.
It is split into tokens the way GPT tokenizers tend to split words: each token
is a word with its leading space (``"You"``, ``" said:"``, ...).

The number of content tokens is the header ``x-fake-chunks: N`` when present
(the tokens of the reply cycle until there are N), else the natural token
count; both are capped by ``max_completion_tokens`` / ``max_tokens``, and a
cut reply ends with ``finish_reason: "length"``. Every one of the ``n``
choices carries the same text.

Streams are built from byte templates: each distinct event is encoded once and
reused, so a stream of 200,000 chunks costs a list lookup per chunk.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any, cast

import attrs

from ._text import (
    DEFAULT_TEXT,
    chunk_count,
    coalesced,
    count_tokens,
    cycled_text,
    message_text,
    obfuscation,
    positive_int,
    split_tokens,
)
from ._wire import (
    BadRequest,
    Reply,
    StreamReply,
    encode_json,
    json_reply,
    object_or_none,
    random_id,
)

__all__ = ["FINGERPRINT", "chat_completion"]

FINGERPRINT = "fp_fake0a1b2c"


@attrs.frozen
class _Plan:
    """What to answer, decided once from the request."""

    id: str
    created: int
    model: str
    tokens: list[str]
    count: int
    finish_reason: str
    n: int
    prompt_tokens: int
    service_tier: str

    def usage(self) -> dict[str, Any]:
        completion = self.count * self.n
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }

    def content(self) -> str:
        return cycled_text(self.tokens, self.count)


def _plan(body: dict[str, Any], headers: Mapping[str, str]) -> _Plan:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("you must provide a model parameter")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest(
            "Invalid 'messages': expected a non-empty array of messages.",
            param="messages",
            code="invalid_value",
        )
    last_user = ""
    prompt_tokens = 3
    for entry in cast("list[Any]", messages):
        message = object_or_none(entry)
        if message is None or not isinstance(message.get("role"), str):
            raise BadRequest("Invalid 'messages': each message needs a 'role'.", param="messages")
        text = message_text(message.get("content"))
        prompt_tokens += 4 + count_tokens(text)
        if message["role"] == "user":
            last_user = text
    text = f"You said: {last_user.strip()}" if last_user.strip() else DEFAULT_TEXT
    tokens = split_tokens(text)
    count = chunk_count(headers, len(tokens))
    finish_reason = "stop"
    limit = positive_int(body, "max_completion_tokens") or positive_int(body, "max_tokens")
    if limit is not None and count > limit:
        count, finish_reason = limit, "length"
    n = positive_int(body, "n") or 1
    if n > 128:
        raise BadRequest("Invalid 'n': at most 128.", param="n", code="integer_above_max_value")
    tier = body.get("service_tier")
    return _Plan(
        id=random_id("chatcmpl-"),
        created=int(time.time()),
        model=model,
        tokens=tokens,
        count=count,
        finish_reason=finish_reason,
        n=n,
        prompt_tokens=prompt_tokens,
        service_tier=tier if tier in ("flex", "priority", "scale") else "default",
    )


def chat_completion(body: dict[str, Any], headers: Mapping[str, str]) -> Reply | StreamReply:
    """Answer a chat completion request (see the module docstring)."""
    plan = _plan(body, headers)
    if body.get("stream") is not True:
        content = plan.content()
        annotations: list[Any] = []
        return json_reply(
            {
                "id": plan.id,
                "object": "chat.completion",
                "created": plan.created,
                "model": plan.model,
                "choices": [
                    {
                        "index": index,
                        "message": {
                            "role": "assistant",
                            "content": content,
                            "refusal": None,
                            "annotations": annotations,
                        },
                        "logprobs": None,
                        "finish_reason": plan.finish_reason,
                    }
                    for index in range(plan.n)
                ],
                "usage": plan.usage(),
                "service_tier": plan.service_tier,
                "system_fingerprint": FINGERPRINT,
            }
        )
    batched = coalesced(headers)
    raw_options = body.get("stream_options")
    options = object_or_none(raw_options)
    if raw_options is not None and options is None:
        raise BadRequest("Invalid 'stream_options': expected an object.", param="stream_options")
    options = options or {}
    include_usage = bool(options.get("include_usage"))
    obfuscate = options.get("include_obfuscation", True) is not False
    return StreamReply(
        _stream_events(plan, include_usage=include_usage, obfuscate=obfuscate),
        coalesced=batched,
        headers=(("content-type", "text/event-stream; charset=utf-8"),),
    )


def _stream_events(plan: _Plan, *, include_usage: bool, obfuscate: bool) -> Iterator[bytes]:
    head = (
        b'data: {"id":'
        + encode_json(plan.id)
        + b',"object":"chat.completion.chunk","created":%d,"model":' % plan.created
        + encode_json(plan.model)
        + b',"service_tier":'
        + encode_json(plan.service_tier)
        + b',"system_fingerprint":"'
        + FINGERPRINT.encode()
        + b'","choices":['
    )
    usage_null = b',"usage":null' if include_usage else b""

    def tail(seed: int) -> bytes:
        if not obfuscate:
            return b"}\n\n"
        return b',"obfuscation":"' + obfuscation(seed).encode() + b'"}\n\n'

    def choice(index: int, delta: bytes, finish: bytes) -> bytes:
        return b'{"index":%d,"delta":%s,"logprobs":null,"finish_reason":%s}' % (
            index,
            delta,
            finish,
        )

    indexes = range(plan.n)
    for index in indexes:
        delta = b'{"role":"assistant","content":"","refusal":null}'
        yield head + choice(index, delta, b"null") + b"]" + usage_null + tail(index)
    # One pre-built event per (token, choice): the loop below only looks them up.
    templates = [
        head
        + choice(index, b'{"content":' + encode_json(token) + b"}", b"null")
        + b"]"
        + usage_null
        + tail(len(token))
        for token in plan.tokens
        for index in indexes
    ]
    size = len(templates)
    for position in range(plan.count * plan.n):
        yield templates[position % size]
    finish = b'"' + plan.finish_reason.encode() + b'"'
    for index in indexes:
        yield head + choice(index, b"{}", finish) + b"]" + usage_null + tail(index + 3)
    if include_usage:
        yield head + b'],"usage":' + encode_json(plan.usage()) + tail(7)
