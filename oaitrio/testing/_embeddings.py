"""``POST /v1/embeddings``: deterministic, normalized vectors.

Each vector is derived from a SHAKE-256 digest of the model name, the input
item (its text, or its token ids) and the dimension, then normalized to unit
length and rounded to float32, so the ``"float"`` and ``"base64"`` encodings
(little-endian float32 bytes) carry exactly the same numbers. Dimensions:
``dimensions`` when given (text-embedding-3 models only), else 3072 for
``text-embedding-3-large`` and 1536 for every other model.
"""

from __future__ import annotations

import base64
import hashlib
import math
import sys
from array import array
from typing import Any

from ._text import count_tokens
from ._wire import BadRequest, Reply, json_reply

__all__ = ["embedding_vector", "embeddings"]

_NATIVE_DIMENSIONS = {"text-embedding-3-large": 3072}
_DEFAULT_DIMENSIONS = 1536
MAX_INPUTS = 2048


def embedding_vector(model: str, item: str | list[int], dimensions: int) -> array[float]:
    """The float32 unit vector the fake returns for one input item."""
    seed = hashlib.shake_256(
        f"{model}\0{dimensions}\0{item if isinstance(item, str) else list(item)!r}".encode()
    )
    raw = array("b", seed.digest(dimensions))
    norm = math.sqrt(sum(value * value for value in raw)) or 1.0
    return array("f", [value / norm for value in raw])


def _items(value: Any) -> list[str | list[int]]:
    invalid = BadRequest(
        "Invalid 'input': expected a string, an array of strings, an array of token ids"
        " or an array of arrays of token ids.",
        param="input",
        code="invalid_value",
    )

    def tokens(candidate: Any) -> list[int] | None:
        if isinstance(candidate, list) and all(
            isinstance(tok, int) and not isinstance(tok, bool)
            for tok in candidate  # pyright: ignore[reportUnknownVariableType]
        ):
            return list(candidate)  # pyright: ignore[reportUnknownArgumentType]
        return None

    if isinstance(value, str):
        items: list[str | list[int]] = [value]
    elif not isinstance(value, list) or not value:
        raise invalid
    elif (single := tokens(value)) is not None:
        items = [single]
    else:
        items = []
        for entry in value:  # pyright: ignore[reportUnknownVariableType]
            if isinstance(entry, str):
                items.append(entry)
            elif (ids := tokens(entry)) is not None and ids:
                items.append(ids)
            else:
                raise invalid
    if len(items) > MAX_INPUTS:
        raise BadRequest(
            f"Invalid 'input': at most {MAX_INPUTS} items.", param="input", code="invalid_value"
        )
    if any(item == "" for item in items):
        raise BadRequest("'$.input' is invalid: an input may not be empty.", param="input")
    return items


def _dimensions(model: str, requested: Any) -> int:
    native = _NATIVE_DIMENSIONS.get(model, _DEFAULT_DIMENSIONS)
    if requested is None:
        return native
    if not model.startswith("text-embedding-3"):
        raise BadRequest("This model does not support specifying dimensions.", param="dimensions")
    if (
        isinstance(requested, bool)
        or not isinstance(requested, int)
        or not 1 <= requested <= native
    ):
        raise BadRequest(
            f"Invalid 'dimensions': expected an integer from 1 to {native}.",
            param="dimensions",
        )
    return requested


def embeddings(body: dict[str, Any]) -> Reply:
    """Answer an embeddings request (see the module docstring)."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("you must provide a model parameter")
    if "input" not in body:
        raise BadRequest("Missing required parameter: 'input'.", param="input")
    items = _items(body["input"])
    dimensions = _dimensions(model, body.get("dimensions"))
    encoding = body.get("encoding_format", "float")
    if encoding not in ("float", "base64"):
        raise BadRequest(
            "Invalid 'encoding_format': expected 'float' or 'base64'.", param="encoding_format"
        )
    data: list[dict[str, Any]] = []
    prompt_tokens = 0
    for index, item in enumerate(items):
        vector = embedding_vector(model, item, dimensions)
        prompt_tokens += count_tokens(item) if isinstance(item, str) else len(item)
        if encoding == "float":
            encoded: object = vector.tolist()
        else:
            if sys.byteorder != "little":  # pragma: no cover - big-endian hosts
                vector.byteswap()
            encoded = base64.b64encode(vector.tobytes()).decode("ascii")
        data.append({"object": "embedding", "index": index, "embedding": encoded})
    return json_reply(
        {
            "object": "list",
            "data": data,
            "model": model,
            "usage": {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens},
        }
    )
