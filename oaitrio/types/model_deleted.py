"""The answer to deleting a fine-tuned model."""

from __future__ import annotations

from .._models import BaseModel

__all__ = ["ModelDeleted"]


class ModelDeleted(BaseModel, kw_only=True):
    id: str
    deleted: bool
    object: str = "model"
