"""``client.embeddings.create``, written by hand: base64 on the wire, floats or numpy out.

The generated ``AsyncEmbeddings`` (``oaitrio/resources/embeddings.py``)
derives from :class:`EmbeddingsMethods` and leaves ``create`` to it
(``protocols/openapi/overrides.py`` says so).
"""

from __future__ import annotations

import array
import base64
import sys
from collections.abc import Iterable, Mapping
from typing import Any, Literal, Union

from .._models import BaseModel
from .._resource import AsyncAPIResource, CallOptions, TimeoutArg
from .._types import NOT_GIVEN, NotGiven, Omit
from ..types.create_embedding_response import CreateEmbeddingResponse, Usage
from ..types.embedding import Embedding

__all__ = ["EmbeddingsMethods"]

EmbeddingInput = Union[str, list[str], Iterable[int], Iterable[Iterable[int]]]


class _Base64Embedding(BaseModel, kw_only=True):
    embedding: Union[str, list[float]]  # a server may ignore the base64 request
    index: int
    object: Literal["embedding"] = "embedding"


class _Base64Response(BaseModel, kw_only=True):
    data: list[_Base64Embedding]
    model: str
    object: Literal["list"] = "list"
    usage: Usage


def _floats(encoded: str | list[float]) -> list[float]:
    if isinstance(encoded, list):
        return encoded
    values = array.array("f", base64.b64decode(encoded))
    if sys.byteorder != "little":
        values.byteswap()
    return values.tolist()


def _numpy_vector(encoded: str | list[float]) -> Any:
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is in the test and audio extras
        raise ImportError(
            "as_numpy=True needs numpy: pip install 'oaitrio[audio]' or numpy"
        ) from None
    if isinstance(encoded, list):
        return np.asarray(encoded, dtype=np.float32)
    return np.frombuffer(base64.b64decode(encoded), dtype="<f4")


def _as_sent(value: str | list[float]) -> str | list[float]:
    return value


class EmbeddingsMethods(AsyncAPIResource):
    async def create(
        self,
        *,
        input: EmbeddingInput,
        model: str,
        dimensions: int | NotGiven = NOT_GIVEN,
        encoding_format: Literal["float", "base64"] | NotGiven = NOT_GIVEN,
        user: str | NotGiven = NOT_GIVEN,
        as_numpy: bool = False,
        extra_headers: Mapping[str, str | Omit] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> CreateEmbeddingResponse:
        """Embedding vectors for ``input``.

        As the official SDK does, when ``encoding_format`` is not given the
        vectors travel as base64 (a quarter of the JSON size) and are decoded to
        lists of floats here. ``encoding_format="base64"`` returns the base64
        strings as sent. ``as_numpy=True`` (an oaitrio extension) gives each
        ``embedding`` as a float32 ``numpy.ndarray`` decoded straight from the
        wire bytes.
        """
        if as_numpy and encoding_format == "float":
            raise ValueError("as_numpy=True decodes base64 vectors; leave encoding_format unset")
        wire_format = "base64" if isinstance(encoding_format, NotGiven) else encoding_format
        body = {
            "input": input if isinstance(input, (str, list)) else list(input),  # type: ignore[arg-type]
            "model": model,
            "dimensions": dimensions,
            "encoding_format": wire_format,
            "user": user,
        }
        options = CallOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        if wire_format == "float":
            return await self._request(
                "POST", "/embeddings", cast_to=CreateEmbeddingResponse, body=body, options=options
            )
        if encoding_format == "base64":
            convert: Any = _as_sent  # the caller asked for the base64 text itself
        else:
            convert = _numpy_vector if as_numpy else _floats

        def to_vectors(raw: _Base64Response) -> CreateEmbeddingResponse:
            response = CreateEmbeddingResponse(
                data=[
                    Embedding(
                        embedding=convert(item.embedding), index=item.index, object=item.object
                    )
                    for item in raw.data
                ],
                model=raw.model,
                object=raw.object,
                usage=raw.usage,
            )
            response._request_id = getattr(raw, "_request_id", None)  # type: ignore[attr-defined]
            return response

        return await self._request(
            "POST",
            "/embeddings",
            cast_to=_Base64Response,
            body=body,
            options=options,
            post=to_vectors,
        )
