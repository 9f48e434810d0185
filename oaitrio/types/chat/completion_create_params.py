"""Request parameters of ``chat.completions.create`` (hand-written; generated later)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, Union

from typing_extensions import Required, TypedDict

__all__ = [
    "ChatCompletionContentPartParam",
    "ChatCompletionMessageParam",
    "ChatCompletionStreamOptionsParam",
]


class ChatCompletionContentPartTextParam(TypedDict, total=False):
    text: Required[str]
    type: Required[Literal["text"]]


ChatCompletionContentPartParam = Union[ChatCompletionContentPartTextParam, dict[str, Any]]


class ChatCompletionMessageParam(TypedDict, total=False):
    role: Required[Literal["developer", "system", "user", "assistant", "tool", "function"]]
    content: Union[str, Iterable[ChatCompletionContentPartParam], None]
    name: str
    tool_call_id: str
    tool_calls: Iterable[dict[str, Any]]
    refusal: str | None


class ChatCompletionStreamOptionsParam(TypedDict, total=False):
    include_usage: bool
    include_obfuscation: bool
