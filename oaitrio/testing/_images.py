"""``POST /v1/images/generations`` (JSON) and ``POST /v1/images/edits`` (multipart or JSON).

Every image is a solid-colour PNG of the size asked for (``auto`` is
1024x1024), its colour drawn from the request (model, prompt, settings and,
for an edit, the input images), so the same request gives the same image.
The fake encodes PNG only: ``output_format`` is checked and reported back, but
the bytes are PNG whatever it says.

GPT image models (every model but ``dall-e-2`` and ``dall-e-3``) answer
``b64_json`` and report ``background``, ``output_format``, ``size``,
``quality`` (``auto`` resolved) and the token ``usage``; DALL·E models answer
a ``url`` unless ``response_format`` is ``b64_json``. As the spec says,
generations default to ``dall-e-2`` unless a parameter only GPT image models
take is given (``stream``, ``partial_images``, ``output_format``, ...), and
edits to ``gpt-image-1.5``, which the fake also takes in the first case.

``stream=true`` (GPT image models, one image) answers ``partial_images``
``*.partial_image`` events (0 to 3; ``partial_image_index`` counts from 0,
each a different colour), then one ``*.completed`` event with the same image
a plain request gets, and no ``data: [DONE]``. The prefix is
``image_generation`` for generations and ``image_edit`` for edits, and each
event also names its type in an ``event:`` line.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import struct
import time
import zlib
from collections.abc import Iterator, Mapping
from typing import Any, cast

import attrs

from ._form import Form
from ._text import coalesced, count_tokens, sse_event
from ._wire import BadRequest, Reply, StreamReply, encode_json, json_reply, object_or_none

__all__ = ["edit_images", "generate_images", "images_stream"]

MAX_PROMPT = 32_000
MAX_INPUT_IMAGES = 16
MAX_SIDE = 3840
_DALL_E_SIZES = {
    "dall-e-2": frozenset({"256x256", "512x512", "1024x1024"}),
    "dall-e-3": frozenset({"1024x1024", "1792x1024", "1024x1792"}),
}
_SIZE_RE = re.compile(r"([1-9][0-9]{1,3})x([1-9][0-9]{1,3})")
_QUALITIES = frozenset({"standard", "hd", "low", "medium", "high", "auto"})
_BACKGROUNDS = frozenset({"transparent", "opaque", "auto"})
_FORMATS = frozenset({"png", "jpeg", "webp"})
# Output tokens a GPT image model bills per image, by quality (auto counts as high).
_IMAGE_TOKENS = {"low": 272, "medium": 1056, "high": 4160}
# "Defaults to dall-e-2 unless a parameter specific to the GPT image models is used."
_GPT_ONLY = ("stream", "partial_images", "output_format", "output_compression", "background")
GPT_DEFAULT_MODEL = "gpt-image-1.5"


def _text_param(params: Mapping[str, Any], name: str, default: str, allowed: frozenset[str]) -> str:
    value = params.get(name)
    if value is None:
        return default
    if not isinstance(value, str) or value not in allowed:
        raise BadRequest(
            f"Invalid '{name}': expected one of {', '.join(sorted(allowed))}.", param=name
        )
    return value


def _int_param(params: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, str) and value.isdigit():
        value = int(value)  # a multipart form sends numbers as text
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadRequest(f"Invalid '{name}': expected an integer from {low} to {high}.", param=name)
    return value


def _flag_param(params: Mapping[str, Any], name: str) -> bool:
    value = params.get(name)
    if value in (None, False, "false"):
        return False
    if value in (True, "true"):
        return True
    raise BadRequest(f"Invalid '{name}': expected true or false.", param=name)


@attrs.frozen
class _Job:
    """What to draw, decided once from the request."""

    kind: str
    """``image_generation`` or ``image_edit``: the prefix of the stream's event types."""
    model: str
    n: int
    width: int
    height: int
    size: str
    quality: str
    background: str
    output_format: str
    b64: bool
    """Answer ``b64_json`` (else a ``url``)."""
    stream: bool
    partial_images: int
    seed: bytes
    prompt_tokens: int
    input_images: int

    @property
    def gpt(self) -> bool:
        return not self.model.startswith("dall-e")

    def image(self, index: int, partial: int | None = None) -> bytes:
        tag = b"final" if partial is None else b"partial%d" % partial
        colour = hashlib.sha256(self.seed + b"\0%d\0" % index + tag).digest()[:3]
        return _png(self.width, self.height, colour)

    def resolved(self) -> dict[str, str]:
        """The settings a GPT image model reports, ``auto`` resolved."""
        return {
            "background": "opaque" if self.background == "auto" else self.background,
            "output_format": self.output_format,
            "size": f"{self.width}x{self.height}",
            "quality": "high" if self.quality in ("auto", "hd", "standard") else self.quality,
        }

    def output_tokens(self) -> int:
        return _IMAGE_TOKENS[self.resolved()["quality"]] * self.n

    def input_details(self) -> dict[str, int]:
        return {"text_tokens": self.prompt_tokens, "image_tokens": 194 * self.input_images}


def _job(kind: str, params: Mapping[str, Any], *, default_model: str, seed: bytes) -> _Job:
    prompt = params.get("prompt")
    if not isinstance(prompt, str) or not prompt:
        raise BadRequest("Missing required parameter: 'prompt'.", param="prompt")
    if len(prompt) > MAX_PROMPT:
        raise BadRequest(
            f"Invalid 'prompt': at most {MAX_PROMPT} characters.",
            param="prompt",
            code="string_above_max_length",
        )
    model = params.get("model") or (
        GPT_DEFAULT_MODEL
        if any(params.get(name) is not None for name in _GPT_ONLY)
        else default_model
    )
    if not isinstance(model, str):
        raise BadRequest("Invalid 'model': expected a string.", param="model")
    n = _int_param(params, "n", 1, 1, 10)
    if model == "dall-e-3" and n != 1:
        raise BadRequest("Invalid 'n': dall-e-3 makes one image per request.", param="n")
    size = params.get("size") or "auto"
    match = _SIZE_RE.fullmatch(size) if isinstance(size, str) else None
    if model in _DALL_E_SIZES:
        if size == "auto":
            size = "1024x1024"
        if size not in _DALL_E_SIZES[model]:
            raise BadRequest(
                f"Invalid 'size' for {model}: expected one of"
                f" {', '.join(sorted(_DALL_E_SIZES[model]))}.",
                param="size",
            )
        match = _SIZE_RE.fullmatch(cast("str", size))
    elif size != "auto" and (
        match is None or any(int(side) % 16 or int(side) > MAX_SIDE for side in match.groups())
    ):
        raise BadRequest(
            f"Invalid 'size': expected 'auto' or WIDTHxHEIGHT, both multiples of 16 up to"
            f" {MAX_SIDE}.",
            param="size",
        )
    width, height = (int(side) for side in match.groups()) if match else (1024, 1024)
    response_format = _text_param(params, "response_format", "url", frozenset({"url", "b64_json"}))
    stream = _flag_param(params, "stream")
    partial_images = _int_param(params, "partial_images", 0, 0, 3)
    job = _Job(
        kind=kind,
        model=model,
        n=n,
        width=width,
        height=height,
        size=cast("str", size),
        quality=_text_param(params, "quality", "auto", _QUALITIES),
        background=_text_param(params, "background", "auto", _BACKGROUNDS),
        output_format=_text_param(params, "output_format", "png", _FORMATS),
        b64=not model.startswith("dall-e") or response_format == "b64_json",
        stream=stream,
        partial_images=partial_images,
        seed=hashlib.sha256(encode_json([model, prompt, size, n]) + seed).digest(),
        prompt_tokens=count_tokens(prompt),
        input_images=0,
    )
    if stream and not job.gpt:
        raise BadRequest(f"Streaming is not supported for {model}.", param="stream")
    if stream and n != 1:
        raise BadRequest("Invalid 'n': a streamed request makes one image.", param="n")
    return job


@functools.lru_cache(maxsize=16)
def _png(width: int, height: int, colour: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    rows = (b"\x00" + colour * width) * height  # filter type 0 on every row
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _answer(job: _Job, headers: Mapping[str, str]) -> Reply | StreamReply:
    if job.stream:
        return StreamReply(
            _events(job),
            coalesced=coalesced(headers),
            headers=(("content-type", "text/event-stream; charset=utf-8"),),
            done=False,
        )
    data: list[dict[str, Any]] = []
    for index in range(job.n):
        if job.b64:
            data.append({"b64_json": _b64(job.image(index))})
        else:
            name = job.seed.hex()[:24]
            data.append({"url": f"https://images.fake-openai.invalid/{name}-{index}.png"})
    body: dict[str, Any] = {"created": int(time.time()), "data": data}
    if job.gpt:
        input_tokens = sum(job.input_details().values())
        output_tokens = job.output_tokens()
        body |= job.resolved()
        body["usage"] = {
            "input_tokens": input_tokens,
            "input_tokens_details": job.input_details(),
            "output_tokens": output_tokens,
            "output_tokens_details": {"image_tokens": output_tokens, "text_tokens": 0},
            "total_tokens": input_tokens + output_tokens,
        }
    return json_reply(body)


def _events(job: _Job) -> Iterator[bytes]:
    settings = {
        "size": job.size,
        "quality": job.quality,
        "background": job.background,
        "output_format": job.output_format,
    }
    created_at = int(time.time())
    kind = f"{job.kind}.partial_image"
    for index in range(job.partial_images):
        event = {
            "type": kind,
            "b64_json": _b64(job.image(0, partial=index)),
            "created_at": created_at,
            **settings,
            "partial_image_index": index,
        }
        yield sse_event(encode_json(event), kind)
    kind = f"{job.kind}.completed"
    input_tokens = sum(job.input_details().values())
    output_tokens = job.output_tokens()
    event = {
        "type": kind,
        "b64_json": _b64(job.image(0)),
        "created_at": created_at,
        **settings,
        "usage": {
            "total_tokens": input_tokens + output_tokens,
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "input_tokens_details": job.input_details(),
        },
    }
    yield sse_event(encode_json(event), kind)


def images_stream(payload: Any) -> bool:
    """Whether an images request asks for an event stream."""
    if isinstance(payload, Form):
        return payload.value("stream") == "true"
    return (object_or_none(payload) or {}).get("stream") is True


def generate_images(body: dict[str, Any], headers: Mapping[str, str]) -> Reply | StreamReply:
    """Answer ``POST /v1/images/generations`` (see the module docstring)."""
    job = _job("image_generation", body, default_model="dall-e-2", seed=b"")
    return _answer(job, headers)


def _form_params(form: Form) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for part in form.parts:
        if part.filename is None and part.name not in ("image", "image[]", "mask"):
            params[part.name] = form.value(part.name)
    return params


def edit_images(payload: Form | dict[str, Any], headers: Mapping[str, str]) -> Reply | StreamReply:
    """Answer ``POST /v1/images/edits`` (see the module docstring)."""
    if isinstance(payload, Form):
        images = [part.data for part in payload.files("image")]
        masks = [part.data for part in payload.files("mask")]
        params = _form_params(payload)
    else:
        refs = payload.get("images")
        if not isinstance(refs, list):
            refs = []
        images = [encode_json(ref) for ref in cast("list[Any]", refs) if _image_ref(ref)]
        if len(images) != len(cast("list[Any]", refs)):
            raise BadRequest(
                "Invalid 'images': each image is an object with an 'image_url' or a 'file_id'.",
                param="images",
            )
        mask = payload.get("mask")
        masks = [encode_json(mask)] if mask is not None else []
        params = payload
    if not images:
        raise BadRequest("Missing required parameter: 'image'.", param="image")
    if len(images) > MAX_INPUT_IMAGES:
        raise BadRequest(f"Invalid 'image': at most {MAX_INPUT_IMAGES} images.", param="image")
    if len(masks) > 1:
        raise BadRequest("Invalid 'mask': expected one mask.", param="mask")
    seed = hashlib.sha256(b"\0".join([*images, b"mask", *masks])).digest()
    job = _job("image_edit", params, default_model=GPT_DEFAULT_MODEL, seed=seed)
    return _answer(attrs.evolve(job, input_images=len(images)), headers)


def _image_ref(value: Any) -> bool:
    ref = object_or_none(value) or {}
    return any(isinstance(ref.get(key), str) and ref[key] for key in ("image_url", "file_id"))
