"""Wire types, laid out like the official SDK's ``openai.types``.

Names load on first use, so ``import oaitrio`` does not pay for every type.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .completion_usage import CompletionUsage as CompletionUsage
    from .create_embedding_response import CreateEmbeddingResponse as CreateEmbeddingResponse
    from .embedding import Embedding as Embedding
    from .model import Model as Model
    from .model_deleted import ModelDeleted as ModelDeleted

_LAZY = {
    "CompletionUsage": ".completion_usage",
    "CreateEmbeddingResponse": ".create_embedding_response",
    "Embedding": ".embedding",
    "Model": ".model",
    "ModelDeleted": ".model_deleted",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
