"""A model the API offers (hand-written; generated from the spec later)."""

from __future__ import annotations

from .._models import BaseModel

__all__ = ["Model"]


class Model(BaseModel, kw_only=True):
    id: str
    created: int
    object: str = "model"
    owned_by: str
