"""One embedding vector (hand-written; generated from the spec later)."""

from __future__ import annotations

from .._models import BaseModel

__all__ = ["Embedding"]


class Embedding(BaseModel, kw_only=True):
    embedding: list[float]
    """The vector (a float32 ``numpy.ndarray`` instead when the call passed ``as_numpy=True``)."""
    index: int
    object: str = "embedding"
