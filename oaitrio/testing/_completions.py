"""``POST /v1/completions`` (legacy): plain and streamed text completions.

Each prompt gets ``n`` choices (indexes ``prompt_index * n + i``), all with
the same text: ``" You said: "`` followed by the prompt (a token-id prompt
is counted, not decoded), or the fake's greeting for an empty one, preceded
by the prompt itself with ``echo``. It is split into tokens as in ``_chat``;
``x-fake-chunks`` and ``x-fake-write-mode`` work the same way, and
``max_tokens`` (16 when not given, as in the API) cuts the reply with
``finish_reason: "length"``.

A stream sends ``text_completion`` objects shaped like the plain answer, one
token of one choice each (``finish_reason`` null, as the API sends it,
although the spec types the field as a non-null string), then one chunk per
choice with an empty text and the finish reason, then with
``stream_options.include_usage`` a chunk with no choices and the usage, then
``data: [DONE]``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any, cast

import attrs

from ._chat import FINGERPRINT
from ._text import (
    DEFAULT_TEXT,
    chunk_count,
    coalesced,
    count_tokens,
    cycled_text,
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

__all__ = ["completion"]

DEFAULT_MAX_TOKENS = 16
MAX_N = 128


def _prompts(body: dict[str, Any]) -> list[tuple[str, int]]:
    """Each prompt as (its text, its token count)."""
    if "prompt" not in body:
        raise BadRequest("Missing required parameter: 'prompt'.", param="prompt")
    value = body["prompt"]
    invalid = BadRequest(
        "Invalid 'prompt': expected a string, an array of strings, an array of token ids"
        " or an array of arrays of token ids.",
        param="prompt",
        code="invalid_type",
    )

    def token_ids(candidate: Any) -> list[int] | None:
        if not isinstance(candidate, list) or not candidate:
            return None
        items = cast("list[Any]", candidate)
        if all(isinstance(i, int) and not isinstance(i, bool) for i in items):
            return cast("list[int]", items)
        return None

    if value is None:
        return [("", 0)]
    if isinstance(value, str):
        return [(value, count_tokens(value))]
    if not isinstance(value, list) or not value:
        raise invalid
    if (single := token_ids(value)) is not None:
        return [("", len(single))]
    prompts: list[tuple[str, int]] = []
    for entry in cast("list[Any]", value):
        if isinstance(entry, str):
            prompts.append((entry, count_tokens(entry)))
        elif (ids := token_ids(entry)) is not None:
            prompts.append(("", len(ids)))
        else:
            raise invalid
    return prompts


@attrs.frozen
class _Choice:
    index: int
    echo: str
    """The prompt, sent first with ``echo``, else empty."""
    tokens: list[str]
    count: int
    """How many tokens it gets."""
    finish_reason: str

    def text(self) -> str:
        return self.echo + cycled_text(self.tokens, self.count)


@attrs.frozen
class _Plan:
    id: str
    created: int
    model: str
    choices: list[_Choice]
    prompt_tokens: int

    def usage(self) -> dict[str, Any]:
        completion = sum(choice.count for choice in self.choices)
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
        }


def _plan(body: dict[str, Any], headers: Mapping[str, str]) -> _Plan:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("you must provide a model parameter")
    prompts = _prompts(body)
    n = positive_int(body, "n") or 1
    if n > MAX_N:
        raise BadRequest(
            f"Invalid 'n': at most {MAX_N}.", param="n", code="integer_above_max_value"
        )
    limit = positive_int(body, "max_tokens", minimum=0)
    limit = DEFAULT_MAX_TOKENS if limit is None else limit
    echo = body.get("echo") is True
    choices: list[_Choice] = []
    for number, (prompt, _) in enumerate(prompts):
        text = f"You said: {prompt.strip()}" if prompt.strip() else DEFAULT_TEXT
        tokens = split_tokens(" " + text)
        count = chunk_count(headers, len(tokens))
        finish_reason = "stop"
        if count > limit:
            count, finish_reason = limit, "length"
        for copy in range(n):
            index = number * n + copy
            choices.append(_Choice(index, prompt if echo else "", tokens, count, finish_reason))
    return _Plan(
        id=random_id("cmpl-"),
        created=int(time.time()),
        model=model,
        choices=choices,
        prompt_tokens=sum(tokens for _, tokens in prompts),
    )


def completion(body: dict[str, Any], headers: Mapping[str, str]) -> Reply | StreamReply:
    """Answer a legacy completion request (see the module docstring)."""
    plan = _plan(body, headers)
    if body.get("stream") is not True:
        return json_reply(
            {
                "id": plan.id,
                "object": "text_completion",
                "created": plan.created,
                "model": plan.model,
                "choices": [
                    {
                        "text": choice.text(),
                        "index": choice.index,
                        "logprobs": None,
                        "finish_reason": choice.finish_reason,
                    }
                    for choice in plan.choices
                ],
                "usage": plan.usage(),
                "system_fingerprint": FINGERPRINT,
            }
        )
    batched = coalesced(headers)
    raw_options = body.get("stream_options")
    options = object_or_none(raw_options)
    if raw_options is not None and options is None:
        raise BadRequest("Invalid 'stream_options': expected an object.", param="stream_options")
    include_usage = bool((options or {}).get("include_usage"))
    return StreamReply(
        _stream_events(plan, include_usage=include_usage),
        coalesced=batched,
        headers=(("content-type", "text/event-stream; charset=utf-8"),),
    )


def _stream_events(plan: _Plan, *, include_usage: bool) -> Iterator[bytes]:
    head = (
        b'data: {"id":'
        + encode_json(plan.id)
        + b',"object":"text_completion","created":%d,"model":' % plan.created
        + encode_json(plan.model)
        + b',"system_fingerprint":"'
        + FINGERPRINT.encode()
        + b'","choices":['
    )
    usage_null = b',"usage":null' if include_usage else b""

    def chunk(index: int, text: str, finish: str | None) -> bytes:
        choice = encode_json(
            {"text": text, "index": index, "logprobs": None, "finish_reason": finish}
        )
        return head + choice + b"]" + usage_null + b"}\n\n"

    for choice in plan.choices:
        if choice.echo:
            yield chunk(choice.index, choice.echo, None)
    # One pre-built event per (token, choice): the loop below only looks them up.
    rows = [([chunk(c.index, token, None) for token in c.tokens], c.count) for c in plan.choices]
    for position in range(max((c.count for c in plan.choices), default=0)):
        for row, count in rows:
            if position < count:
                yield row[position % len(row)]
    for choice in plan.choices:
        yield chunk(choice.index, "", choice.finish_reason)
    if include_usage:
        yield head + b'],"usage":' + encode_json(plan.usage()) + b"}\n\n"
