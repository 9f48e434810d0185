"""``POST /v1/responses``: one assistant message, plain or streamed.

The reply text is ``"You said: "`` followed by the text of the last ``user``
message of ``input`` (``input`` itself when it is a string), or the fake's
greeting when there is none. It is split into tokens as in ``_chat``;
``x-fake-chunks`` and ``x-fake-write-mode`` work the same way.
``max_output_tokens`` cuts the reply: the response is then ``incomplete``
with ``incomplete_details.reason == "max_output_tokens"``.

A plain request gets a ``Response`` object (``object: "response"``) whose
``output`` holds one ``message`` item with one ``output_text`` part. A
streamed one gets the events of the spec's ``ResponseStreamEvent`` union, in
the order the API sends them, each with an ``event:`` line naming its type
and a ``sequence_number`` counting from 0::

    response.created, response.in_progress,
    response.output_item.added, response.content_part.added,
    response.output_text.delta (one per token),
    response.output_text.done, response.content_part.done,
    response.output_item.done,
    response.completed (or response.incomplete)

The stream ends there: no ``data: [DONE]``. Like the API (and unlike the
spec's ``Response``), the wire object has no ``output_text``: SDKs compute it.
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

__all__ = ["create_response"]

_SERVICE_TIERS = frozenset({"default", "flex", "scale", "priority"})


def _input_text(value: Any) -> tuple[str, int]:
    """The last user text of ``input``, and the fake's token count of the whole input."""
    if value is None:
        return "", 0
    if isinstance(value, str):
        return value, count_tokens(value)
    if not isinstance(value, list):
        raise BadRequest(
            "Invalid 'input': expected a string or an array of input items.",
            param="input",
            code="invalid_type",
        )
    last_user, tokens = "", 0
    for index, entry in enumerate(cast("list[Any]", value)):
        item = object_or_none(entry)
        if item is None:
            raise BadRequest(
                f"Invalid 'input[{index}]': expected an object.", param=f"input[{index}]"
            )
        text = message_text(item.get("content"))
        tokens += 4 + count_tokens(text)
        if item.get("role") == "user":
            last_user = text
    return last_user, tokens


@attrs.frozen
class _Plan:
    """What to answer, decided once from the request."""

    id: str
    message_id: str
    created_at: int
    model: str
    tokens: list[str]
    count: int
    incomplete: bool
    input_tokens: int
    echoed: dict[str, Any]
    """Request settings the response object repeats back."""

    def text(self) -> str:
        return cycled_text(self.tokens, self.count)

    def usage(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": self.count,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": self.input_tokens + self.count,
        }

    def part(self, text: str) -> dict[str, Any]:
        return {"type": "output_text", "annotations": [], "logprobs": [], "text": text}

    def message(self, status: str, content: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self.message_id,
            "type": "message",
            "status": status,
            "content": content,
            "role": "assistant",
        }

    def response(self, *, final: bool) -> dict[str, Any]:
        """The response object: in progress (no output yet), or finished."""
        status = "in_progress"
        output: list[dict[str, Any]] = []
        if final:
            status = "incomplete" if self.incomplete else "completed"
            output = [self.message(status, [self.part(self.text())])]
        return {
            "id": self.id,
            "object": "response",
            "created_at": self.created_at,
            "status": status,
            "background": False,
            "completed_at": int(time.time()) if final and not self.incomplete else None,
            "error": None,
            "incomplete_details": {"reason": "max_output_tokens"}
            if final and self.incomplete
            else None,
            "model": self.model,
            "output": output,
            "reasoning": {"effort": None, "summary": None},
            "truncation": "disabled",
            "usage": self.usage() if final else None,
            **self.echoed,
        }


def _echoed(body: dict[str, Any]) -> dict[str, Any]:
    """The request's settings as the response object reports them, with the API's defaults."""
    instructions = body.get("instructions")
    metadata = object_or_none(body.get("metadata"))
    temperature = body.get("temperature")
    top_p = body.get("top_p")
    tools = body.get("tools")
    tier = body.get("service_tier")
    return {
        "instructions": instructions if isinstance(instructions, str) else None,
        "max_output_tokens": body.get("max_output_tokens"),
        "metadata": metadata if metadata is not None else {},
        "parallel_tool_calls": body.get("parallel_tool_calls") is not False,
        "previous_response_id": body.get("previous_response_id"),
        "service_tier": tier if isinstance(tier, str) and tier in _SERVICE_TIERS else "default",
        "store": body.get("store") is not False,
        "temperature": temperature if isinstance(temperature, (int, float)) else 1.0,
        "text": object_or_none(body.get("text")) or {"format": {"type": "text"}},
        "tool_choice": body.get("tool_choice") or "auto",
        "tools": tools if isinstance(tools, list) else [],
        "top_p": top_p if isinstance(top_p, (int, float)) else 1.0,
    }


def _plan(body: dict[str, Any], headers: Mapping[str, str]) -> _Plan:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("Missing required parameter: 'model'.", param="model")
    user_text, input_tokens = _input_text(body.get("input"))
    instructions = body.get("instructions")
    if isinstance(instructions, str):
        input_tokens += count_tokens(instructions)
    text = f"You said: {user_text.strip()}" if user_text.strip() else DEFAULT_TEXT
    tokens = split_tokens(text)
    count = chunk_count(headers, len(tokens))
    limit = positive_int(body, "max_output_tokens")
    incomplete = limit is not None and count > limit
    return _Plan(
        id=random_id("resp_", 48),
        message_id=random_id("msg_", 48),
        created_at=int(time.time()),
        model=model,
        tokens=tokens,
        count=min(count, limit) if limit is not None else count,
        incomplete=incomplete,
        input_tokens=input_tokens,
        echoed=_echoed(body),
    )


def create_response(body: dict[str, Any], headers: Mapping[str, str]) -> Reply | StreamReply:
    """Answer ``POST /v1/responses`` (see the module docstring)."""
    plan = _plan(body, headers)
    if body.get("stream") is not True:
        return json_reply(plan.response(final=True))
    batched = coalesced(headers)
    options = object_or_none(body.get("stream_options")) or {}
    obfuscate = options.get("include_obfuscation", True) is not False
    return StreamReply(
        _events(plan, obfuscate=obfuscate),
        coalesced=batched,
        headers=(("content-type", "text/event-stream; charset=utf-8"),),
        done=False,
    )


def _event(kind: str, sequence: int, fields: dict[str, Any]) -> bytes:
    data = encode_json({"type": kind, "sequence_number": sequence, **fields})
    return b"event: " + kind.encode() + b"\ndata: " + data + b"\n\n"


def _events(plan: _Plan, *, obfuscate: bool) -> Iterator[bytes]:
    where = {"item_id": plan.message_id, "output_index": 0, "content_index": 0}
    yield _event("response.created", 0, {"response": plan.response(final=False)})
    yield _event("response.in_progress", 1, {"response": plan.response(final=False)})
    in_progress = plan.message("in_progress", [])
    yield _event("response.output_item.added", 2, {"output_index": 0, "item": in_progress})
    yield _event("response.content_part.added", 3, {**where, "part": plan.part("")})
    # Each delta is its token's pre-encoded head and tail around the sequence number.
    kind = "response.output_text.delta"
    head = (
        b"event: " + kind.encode() + b'\ndata: {"type":"' + kind.encode() + b'","sequence_number":'
    )
    middle = encode_json(where)[1:-1]
    templates = [
        (
            head,
            b","
            + middle
            + b',"delta":'
            + encode_json(token)
            + b',"logprobs":[]'
            + (b',"obfuscation":' + encode_json(obfuscation(len(token))) if obfuscate else b"")
            + b"}\n\n",
        )
        for token in plan.tokens
    ]
    size = len(templates)
    sequence = 4
    for position in range(plan.count):
        start, end = templates[position % size]
        yield start + b"%d" % sequence + end
        sequence += 1
    text = plan.text()
    yield _event("response.output_text.done", sequence, {**where, "text": text, "logprobs": []})
    yield _event("response.content_part.done", sequence + 1, {**where, "part": plan.part(text)})
    final = plan.response(final=True)
    yield _event(
        "response.output_item.done", sequence + 2, {"output_index": 0, "item": final["output"][0]}
    )
    terminal = "response.incomplete" if plan.incomplete else "response.completed"
    yield _event(terminal, sequence + 3, {"response": final})
