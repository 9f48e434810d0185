"""A chat completion (hand-written; generated from the spec later)."""

from __future__ import annotations

from typing import Any, Optional

from ..._models import BaseModel
from ..completion_usage import CompletionUsage

__all__ = [
    "ChatCompletion",
    "ChatCompletionMessage",
    "ChatCompletionMessageToolCall",
    "ChatCompletionTokenLogprob",
    "Choice",
    "ChoiceLogprobs",
    "Function",
    "TopLogprob",
]


class Function(BaseModel, kw_only=True):
    arguments: str
    name: str


class ChatCompletionMessageToolCall(BaseModel, kw_only=True):
    id: str
    function: Function
    type: str = "function"


class ChatCompletionMessage(BaseModel, kw_only=True):
    content: Optional[str] = None
    refusal: Optional[str] = None
    role: str = "assistant"
    annotations: Optional[list[Any]] = None
    audio: Optional[Any] = None
    function_call: Optional[Function] = None
    tool_calls: Optional[list[ChatCompletionMessageToolCall]] = None


class TopLogprob(BaseModel, kw_only=True):
    token: str
    bytes: Optional[list[int]] = None
    logprob: float


class ChatCompletionTokenLogprob(BaseModel, kw_only=True):
    token: str
    bytes: Optional[list[int]] = None
    logprob: float
    top_logprobs: list[TopLogprob] = []


class ChoiceLogprobs(BaseModel, kw_only=True):
    content: Optional[list[ChatCompletionTokenLogprob]] = None
    refusal: Optional[list[ChatCompletionTokenLogprob]] = None


class Choice(BaseModel, kw_only=True):
    finish_reason: str
    """``stop``, ``length``, ``tool_calls``, ``content_filter`` or ``function_call`` (a new value still decodes)."""
    index: int
    logprobs: Optional[ChoiceLogprobs] = None
    message: ChatCompletionMessage


class ChatCompletion(BaseModel, kw_only=True):
    id: str
    choices: list[Choice]
    created: int
    model: str
    object: str = "chat.completion"
    service_tier: Optional[str] = None
    system_fingerprint: Optional[str] = None
    usage: Optional[CompletionUsage] = None
