"""oaitrio: an actor-based trio runtime for the OpenAI API."""

from __future__ import annotations

from ._version import __version__ as __version__
