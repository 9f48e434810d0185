"""Chat completion types, laid out like ``openai.types.chat``."""

from __future__ import annotations

from .chat_completion import ChatCompletion as ChatCompletion
from .chat_completion import ChatCompletionMessage as ChatCompletionMessage
from .chat_completion import ChatCompletionMessageToolCall as ChatCompletionMessageToolCall
from .chat_completion_chunk import ChatCompletionChunk as ChatCompletionChunk
from .completion_create_params import ChatCompletionMessageParam as ChatCompletionMessageParam
from .completion_create_params import (
    ChatCompletionStreamOptionsParam as ChatCompletionStreamOptionsParam,
)

__all__ = [
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "ChatCompletionMessageParam",
    "ChatCompletionMessageToolCall",
    "ChatCompletionStreamOptionsParam",
]
