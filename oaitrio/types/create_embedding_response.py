"""The answer to ``embeddings.create``."""

from __future__ import annotations

from .._models import BaseModel
from .embedding import Embedding

__all__ = ["CreateEmbeddingResponse", "Usage"]


class Usage(BaseModel, kw_only=True):
    prompt_tokens: int
    total_tokens: int


class CreateEmbeddingResponse(BaseModel, kw_only=True):
    data: list[Embedding]
    model: str
    object: str = "list"
    usage: Usage
