"""A fake OpenAI API server for tests, demos and benchmarks.

It runs on loopback inside a trio nursery (trio, with our own sans-I/O HTTP/1.1
request parser), or as its own process with ``python -m oaitrio.testing``::

    from oaitrio.testing import Fault, open_fake_server

    async with open_fake_server() as server:
        server.add_fault(Fault.Status(status=429, retry_after=1), path="/v1/chat/completions")
        ...  # point a client at server.base_url
        assert server.requests[-1].path == "/v1/chat/completions"

It answers chat completions, legacy completions, responses, embeddings,
transcriptions (multipart uploads), speech, image generations and edits,
models and a paginated test list; every operation that streams sends the
events of the spec's event schema, ending at ``data: [DONE]`` (chat and legacy
completions) or at the stream's terminal event (the others).

Test-only request headers: ``x-fake-chunks: N`` (text deltas of a chat or
legacy completion, a response or a transcription) and ``x-fake-write-mode:
token | coalesced`` (one HTTP chunk and socket write per event, the default,
or events batched into ~64 KiB chunks) and ``x-fake-interval-ms: T`` (a
stream's events paced T ms apart, on timers shared by all streams). Faults are the classes below, also
reachable as attributes of ``Fault``.
"""

from __future__ import annotations

from ._faults import DelayAfterDone as DelayAfterDone
from ._faults import DropConnection as DropConnection
from ._faults import DropMidStream as DropMidStream
from ._faults import EndBeforeDone as EndBeforeDone
from ._faults import ErrorEvent as ErrorEvent
from ._faults import Fault as Fault
from ._faults import MalformedEvent as MalformedEvent
from ._faults import SlowFirstByte as SlowFirstByte
from ._faults import StallMidStream as StallMidStream
from ._faults import StatusError as StatusError
from ._server import FakeOpenAI as FakeOpenAI
from ._server import RecordedRequest as RecordedRequest
from ._server import open_fake_server as open_fake_server

__all__ = [
    "DelayAfterDone",
    "DropConnection",
    "DropMidStream",
    "EndBeforeDone",
    "ErrorEvent",
    "FakeOpenAI",
    "Fault",
    "MalformedEvent",
    "RecordedRequest",
    "SlowFirstByte",
    "StallMidStream",
    "StatusError",
    "open_fake_server",
]
