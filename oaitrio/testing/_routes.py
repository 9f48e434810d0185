"""The POST routes that answer a model call: which body each takes, and when it streams.

A route takes a JSON object, a multipart/form-data body (a :class:`Form`),
or both (image edits). A body of the other kind gets a 400 naming the
``Content-Type`` expected, as the API answers. ``streams`` tells the server,
before the answer is built, whether it will be an event stream: stream
faults (``Fault.DropMidStream``, ...) wait for such a request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ._audio import speech, speech_streams, transcription, transcription_streams
from ._chat import chat_completion
from ._completions import completion
from ._embeddings import embeddings
from ._form import Form, is_multipart
from ._images import edit_images, generate_images, images_stream
from ._responses import create_response
from ._wire import BadRequest, Reply, StreamReply, as_object, object_or_none

__all__ = ["POST_ROUTES", "PostRoute"]

Answer = Reply | StreamReply
JsonHandler = Callable[[dict[str, Any], Mapping[str, str]], Answer]
FormHandler = Callable[[Form, Mapping[str, str]], Answer]


def _stream_flag(payload: Any) -> bool:
    return (object_or_none(payload) or {}).get("stream") is True


def _never(payload: Any) -> bool:
    return False


@attrs.frozen
class PostRoute:
    """How one POST path is answered."""

    json: JsonHandler | None
    """The handler of a JSON body, or None when the route takes none."""
    form: FormHandler | None
    """The handler of a multipart/form-data body, or None when the route takes none."""
    streams: Callable[[Any], bool] = _stream_flag
    """Whether the decoded body (a dict, a :class:`Form`, None or a
    :class:`BadRequest`) asks for a stream; may raise :class:`BadRequest`."""

    def answer(self, payload: Any, headers: Mapping[str, str], content_type: str) -> Answer:
        """Hand the body to its handler.

        ``payload`` is what the server made of the body: a :class:`Form` for a
        multipart ``content_type``, else the decoded JSON (None for no body),
        or the :class:`BadRequest` that reading it raised.

        Raises:
            BadRequest: the body is of a kind the route does not take, or the
                handler refused it.
        """
        if is_multipart(content_type):
            if self.form is None:
                raise _wrong_content_type(content_type, "application/json")
            if isinstance(payload, BadRequest):
                raise payload
            return self.form(payload, headers)
        if self.json is None:
            raise _wrong_content_type(content_type or "none", "multipart/form-data")
        if isinstance(payload, BadRequest):
            raise payload
        if payload is None:
            raise BadRequest("The request body must be a JSON object.")
        return self.json(as_object(payload), headers)


def _wrong_content_type(got: str, expected: str) -> BadRequest:
    media_type = got.partition(";")[0].strip()
    return BadRequest(f"Invalid Content-Type header ({media_type}), expected {expected}.")


def _transcription_streams(payload: Any) -> bool:
    return isinstance(payload, Form) and transcription_streams(payload)


def _speech_streams(payload: Any) -> bool:
    body = object_or_none(payload)
    return body is not None and speech_streams(body)


def _embeddings(body: dict[str, Any], headers: Mapping[str, str]) -> Answer:
    return embeddings(body)


POST_ROUTES: dict[str, PostRoute] = {
    "/v1/chat/completions": PostRoute(chat_completion, None),
    "/v1/completions": PostRoute(completion, None),
    "/v1/responses": PostRoute(create_response, None),
    "/v1/embeddings": PostRoute(_embeddings, None, streams=_never),
    "/v1/audio/transcriptions": PostRoute(None, transcription, streams=_transcription_streams),
    "/v1/audio/speech": PostRoute(speech, None, streams=_speech_streams),
    "/v1/images/generations": PostRoute(generate_images, None, streams=images_stream),
    "/v1/images/edits": PostRoute(edit_images, edit_images, streams=images_stream),
}
