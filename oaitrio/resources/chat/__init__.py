"""``client.chat``."""

from __future__ import annotations

from functools import cached_property

from ..._resource import AsyncAPIResource
from .completions import AsyncCompletions

__all__ = ["AsyncChat", "AsyncCompletions"]


class AsyncChat(AsyncAPIResource):
    @cached_property
    def completions(self) -> AsyncCompletions:
        return self._child(AsyncCompletions)
