"""Fixtures shared by the test tree: the embedded fake server and a client on it."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import pytest
import trio
from hypothesis import HealthCheck, settings

import oaitrio
from oaitrio.testing import FakeOpenAI, open_fake_server

FAKE_KEY = "sk-test-0123456789abcdef"

# CI shares 2 cores with other work: timing is not what these properties test,
# so no per-example deadline and no failure for slow input generation.
settings.register_profile("oaitrio", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("oaitrio")


@pytest.fixture
async def server() -> AsyncGenerator[FakeOpenAI]:
    async with open_fake_server() as fake:
        yield fake


@pytest.fixture
async def client(server: FakeOpenAI) -> AsyncGenerator[oaitrio.AsyncOpenAI]:
    policy = oaitrio.DefaultRetryPolicy(max_retries=2, initial_delay=0.01, max_delay=0.05)
    async with oaitrio.AsyncOpenAI(
        api_key=FAKE_KEY, base_url=server.base_url, retry_policy=policy
    ) as c:
        yield c


def client_side_tasks() -> list[str]:
    """Names of the living tasks, leaving out the fake server's (it shares the run)."""
    found: list[str] = []

    def walk(task: trio.lowlevel.Task) -> None:
        if "FakeOpenAI" in task.name or "fake_server" in task.name:
            return
        found.append(task.name)
        for nursery in task.child_nurseries:
            for child in nursery.child_tasks:
                walk(child)

    walk(trio.lowlevel.current_root_task())
    return sorted(found)
