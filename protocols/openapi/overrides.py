"""Where hand-written code takes the place of generated code.

The generator never writes a file without its generated-file header, so
hand-written modules can sit beside generated ones. A resource listed in
``MIXINS`` derives from the named hand-written class instead of
``AsyncAPIResource``; the operations in ``HAND_WRITTEN`` are left to that
class (it defines the method, with the same name and parameters as the SDK's,
plus whatever oaitrio adds).
"""

from __future__ import annotations

__all__ = ["HAND_WRITTEN", "MIXINS"]

#: Resource path -> (module under ``oaitrio`` as parts, class name).
MIXINS: dict[str, tuple[tuple[str, ...], str]] = {
    # Base64 on the wire by default, decoded to floats or a numpy array.
    "embeddings": (("lib", "embeddings"), "EmbeddingsMethods"),
}

#: Operations whose method is written by hand in the resource's mixin.
HAND_WRITTEN: dict[str, str] = {
    "createEmbedding": "embeddings",
}
