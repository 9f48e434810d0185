"""One event of a streamed chat completion (hand-written; generated from the spec later)."""

from __future__ import annotations

from typing import Optional

from ..._models import BaseModel
from ..completion_usage import CompletionUsage
from .chat_completion import ChoiceLogprobs

__all__ = [
    "ChatCompletionChunk",
    "Choice",
    "ChoiceDelta",
    "ChoiceDeltaFunctionCall",
    "ChoiceDeltaToolCall",
    "ChoiceDeltaToolCallFunction",
]


class ChoiceDeltaFunctionCall(BaseModel, kw_only=True):
    arguments: Optional[str] = None
    name: Optional[str] = None


class ChoiceDeltaToolCallFunction(BaseModel, kw_only=True):
    arguments: Optional[str] = None
    name: Optional[str] = None


class ChoiceDeltaToolCall(BaseModel, kw_only=True):
    index: int
    id: Optional[str] = None
    function: Optional[ChoiceDeltaToolCallFunction] = None
    type: Optional[str] = None


class ChoiceDelta(BaseModel, kw_only=True):
    content: Optional[str] = None
    function_call: Optional[ChoiceDeltaFunctionCall] = None
    refusal: Optional[str] = None
    role: Optional[str] = None
    tool_calls: Optional[list[ChoiceDeltaToolCall]] = None


class Choice(BaseModel, kw_only=True):
    delta: ChoiceDelta
    finish_reason: Optional[str] = None
    index: int
    logprobs: Optional[ChoiceLogprobs] = None


class ChatCompletionChunk(BaseModel, kw_only=True):
    id: str
    choices: list[Choice]
    created: int
    model: str
    object: str = "chat.completion.chunk"
    service_tier: Optional[str] = None
    system_fingerprint: Optional[str] = None
    usage: Optional[CompletionUsage] = None
