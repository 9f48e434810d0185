"""``client.models``: list, retrieve and delete models."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping

from .._resource import AsyncAPIResource, CallOptions, TimeoutArg
from .._types import NOT_GIVEN, Omit
from ..pagination import AsyncPage, AsyncPaginator
from ..types.model import Model
from ..types.model_deleted import ModelDeleted

__all__ = ["AsyncModels"]


def _model_path(model: str) -> str:
    if not model:
        raise ValueError(f"Expected a non-empty value for `model` but received {model!r}")
    return "/models/" + urllib.parse.quote(model, safe="")


class AsyncModels(AsyncAPIResource):
    async def retrieve(
        self,
        model: str,
        *,
        extra_headers: Mapping[str, str | Omit] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> Model:
        """A model's details: its owner and when it was created."""
        return await self._request(
            "GET",
            _model_path(model),
            cast_to=Model,
            options=CallOptions(
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
            ),
        )

    def list(
        self,
        *,
        extra_headers: Mapping[str, str | Omit] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> AsyncPaginator[Model, AsyncPage[Model]]:
        """The models available; ``await`` it for the page, ``async for`` it for the models."""
        return self._list(
            "/models",
            page=AsyncPage[Model],
            query={},
            options=CallOptions(
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
            ),
        )

    async def delete(
        self,
        model: str,
        *,
        extra_headers: Mapping[str, str | Omit] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> ModelDeleted:
        """Delete a fine-tuned model (you need the Owner role in its organization)."""
        return await self._request(
            "DELETE",
            _model_path(model),
            cast_to=ModelDeleted,
            options=CallOptions(
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
            ),
        )
