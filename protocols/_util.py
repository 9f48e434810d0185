"""The two kinds of protocol error, shared by every parser in this package."""

from __future__ import annotations

__all__ = ["LocalProtocolError", "ProtocolError", "RemoteProtocolError"]


class ProtocolError(Exception):
    """Base class of the errors a sans-I/O protocol object raises."""


class LocalProtocolError(ProtocolError):
    """The caller misused the protocol object (for example fed it after EOF)."""


class RemoteProtocolError(ProtocolError):
    """The peer sent bytes that break the protocol or exceed a configured bound."""
