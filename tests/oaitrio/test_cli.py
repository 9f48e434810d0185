"""``oaitrio demo`` / ``oaitrio chat``: one clear line per failure, status 1 or 130, no traceback.

``main()`` runs its own ``trio.run``, so these tests are synchronous; a fake
server they need runs in a thread of its own (``ServerThread``).
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator

import pytest
import trio

from oaitrio import APIConnectionError, cli
from oaitrio.testing import FakeOpenAI, SlowFirstByte, StatusError
from oaitrio.testing._faults import Fault

KEY = "sk-cli-test-SECRETKEY-0123456789"
CHAT = "/v1/chat/completions"


class ScriptedServer(FakeOpenAI):
    """The fake server, with a fault chosen per request by ``script(path, streaming)``."""

    def __init__(self, script: Callable[[str, bool], Fault | None]) -> None:
        super().__init__()
        self._script = script

    def _take_fault(self, path: str, streaming: bool) -> Fault | None:
        return self._script(path, streaming)


class ServerThread:
    """Runs a fake server in its own thread and trio run, for code that calls trio.run itself."""

    def __init__(self, server: FakeOpenAI) -> None:
        self.server = server
        self._ready = threading.Event()
        self._token: trio.lowlevel.TrioToken | None = None
        self._scope: trio.CancelScope | None = None
        self._thread = threading.Thread(target=trio.run, args=(self._serve,), daemon=True)

    async def _serve(self) -> None:
        with trio.CancelScope() as scope:
            self._scope = scope
            self._token = trio.lowlevel.current_trio_token()
            async with trio.open_nursery() as nursery:
                await nursery.start(self.server.run)
                self._ready.set()

    def __enter__(self) -> str:
        self._thread.start()
        assert self._ready.wait(10), "the fake server did not start"
        return self.server.base_url

    def __exit__(self, *exc_info: object) -> None:
        assert self._token is not None and self._scope is not None
        trio.from_thread.run_sync(self._scope.cancel, trio_token=self._token)
        self._thread.join(10)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_clear_line(err: str, starts: str) -> None:
    last = err.strip().splitlines()[-1]
    assert last.startswith(starts), err
    for noise in ("Traceback", "ExceptionGroup", "+-+", KEY):
        assert noise not in err


def test_without_a_key_the_chat_runs_against_the_embedded_server(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, "chat", "hello")
    assert status == 0
    assert out.strip()
    assert "embedded fake server" in err and "Traceback" not in err


def test_a_bad_key_is_one_line_and_status_1(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    refuse = StatusError(status=401, message=f"Incorrect API key provided: {KEY}.")
    with ServerThread(ScriptedServer(lambda path, streaming: refuse)) as base_url:
        env.setenv("OPENAI_API_KEY", KEY)
        env.setenv("OPENAI_BASE_URL", base_url)
        status, _, err = run_cli(capsys, "chat", "hello")
    assert status == 1
    assert_one_clear_line(err, "oaitrio: AuthenticationError: Error code: 401")


def test_a_server_that_is_down_is_one_line_and_status_1(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env.setenv("OPENAI_API_KEY", KEY)
    env.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    status, _, err = run_cli(capsys, "chat", "hello")
    assert status == 1
    assert_one_clear_line(err, "oaitrio: APIConnectionError: Connection error")


def test_a_failing_fan_out_request_is_one_line_not_a_group(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The streamed step passes; the fan-out's plain requests are refused.
    bad = StatusError(status=400, message="max_tokens is too small")

    def script(path: str, streaming: bool) -> Fault | None:
        return bad if path == CHAT and not streaming else None

    with ServerThread(ScriptedServer(script)) as base_url:
        env.setenv("OPENAI_API_KEY", KEY)
        env.setenv("OPENAI_BASE_URL", base_url)
        status, _, err = run_cli(capsys, "demo", "--fan-out", "3")
    assert status == 1
    assert_one_clear_line(
        err, "oaitrio: BadRequestError: Error code: 400 - max_tokens is too small"
    )


def test_ctrl_c_during_the_fan_out_exits_130_without_a_traceback(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    interrupted = threading.Event()

    def script(path: str, streaming: bool) -> Fault | None:
        if path == CHAT and not streaming:
            if not interrupted.is_set():
                interrupted.set()
                # The user presses Ctrl-C while the fan-out waits for its answer.
                # (One request: the client is idle then, so the signal meets
                # trio's loop rather than the middle of opening a socket.)
                os.kill(os.getpid(), signal.SIGINT)
            return SlowFirstByte(seconds=60)
        return None

    with ServerThread(ScriptedServer(script)) as base_url:
        env.setenv("OPENAI_API_KEY", KEY)
        env.setenv("OPENAI_BASE_URL", base_url)
        status, _, err = run_cli(capsys, "demo", "--fan-out", "1")
    assert interrupted.is_set()
    assert status == 130
    assert_one_clear_line(err, "oaitrio: interrupted")


def test_several_failures_at_once_are_counted_on_the_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def two_failures(*_: object) -> None:
        async def fail(message: str) -> None:
            with trio.CancelScope(shield=True):  # both fail, neither is cancelled first
                await trio.lowlevel.checkpoint()
            raise APIConnectionError(message=message, request=None)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(fail, "first")
            nursery.start_soon(fail, "second")

    monkeypatch.setattr(cli, "_chat", two_failures)
    status, _, err = run_cli(capsys, "chat", "hello")
    assert status == 1
    assert_one_clear_line(err, "oaitrio: APIConnectionError: ")
    assert err.strip().endswith("(and 1 more failures)")


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    assert not [t for t in threading.enumerate() if t not in before and t.is_alive()]
