"""The official SDK's README examples, run on oaitrio.

Each example is the README's code (openai 3.57.0, its dist-info METADATA) with
the changes a move to oaitrio needs and no others: ``from oaitrio import ...``
for ``from openai import ...``, ``import trio`` / ``trio.run(main)`` for
asyncio, ``httpx`` for ``httpx2``, and, where the README shows the sync client
and says "in the async client, all methods will be async", ``AsyncOpenAI`` with
``await`` / ``async with`` / ``async for``. Examples that need the sync client,
Azure, stream helpers or realtime are not here; the model-serialisation ones
(``model_dump_json``, unknown properties, null vs missing) have their own file.

Each runs as a script would: in a worker thread with its own ``trio.run``,
against the embedded fake server found through ``OPENAI_BASE_URL``, and its
``print`` output is compared.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import trio

import oaitrio
from oaitrio.testing import FakeOpenAI, StatusError

from ..conftest import FAKE_KEY


@pytest.fixture
def readme_env(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    return server


async def run_example(source: str, printed: list[str] | None = None) -> list[str]:
    """Run ``source`` as a script (it calls ``trio.run`` itself); the lines it printed.

    ``printed`` collects them as they come, for an example that ends by raising.
    """
    if printed is None:
        printed = []

    def capture(*args: Any, **kwargs: Any) -> None:
        printed.append(" ".join(str(arg) for arg in args))

    def script() -> None:
        namespace: dict[str, Any] = {"__name__": "__main__", "print": capture}
        try:
            exec(compile(textwrap.dedent(source), "<readme>", "exec"), namespace)
        finally:
            # What the end of the script's process would do: a module-level
            # client the example never closed (the README's shape) is closed.
            for value in namespace.values():
                if isinstance(value, oaitrio.AsyncOpenAI):
                    trio.run(value.close)

    with trio.fail_after(30):
        # abandon_on_cancel: a hung example fails the test instead of hanging it.
        await trio.to_thread.run_sync(script, abandon_on_cancel=True)
    return printed


def job(n: int) -> dict[str, Any]:
    return {
        "id": f"ftjob-{n:03d}",
        "object": "fine_tuning.job",
        "model": "gpt-4o-mini-2024-07-18",
        "created_at": 1_700_000_000 + n,
        "status": "succeeded",
        "training_file": "file-abc123",
        "hyperparameters": {"n_epochs": 3},
        "organization_id": "org-1",
        "result_files": [],
        "seed": 7,
        "error": None,
        "fine_tuned_model": None,
        "finished_at": None,
        "trained_tokens": None,
        "validation_file": None,
    }


def jobs_page(count: int, *, has_more: bool) -> dict[str, Any]:
    return {"object": "list", "data": [job(n) for n in range(count)], "has_more": has_more}


async def test_async_usage(readme_env: FakeOpenAI) -> None:
    printed = await run_example(
        """
        import os
        import trio
        from oaitrio import AsyncOpenAI

        client = AsyncOpenAI(
            # This is the default and can be omitted
            api_key=os.environ.get("OPENAI_API_KEY"),
        )


        async def main() -> None:
            response = await client.responses.create(
                model="gpt-5.5", input="Explain disestablishmentarianism to a smart five year old."
            )
            print(response.output_text)


        trio.run(main)
        """
    )
    assert len(printed) == 1 and printed[0]
    assert readme_env.requests[-1].json()["model"] == "gpt-5.5"


async def test_pagination_async(readme_env: FakeOpenAI) -> None:
    readme_env.set_response("/v1/fine_tuning/jobs", json=jobs_page(3, has_more=False))
    printed = await run_example(
        """
        import trio
        from oaitrio import AsyncOpenAI

        client = AsyncOpenAI()


        async def main() -> None:
            all_jobs = []
            # Iterate through items across all pages, issuing requests as needed.
            async for job in client.fine_tuning.jobs.list(
                limit=20,
            ):
                all_jobs.append(job)
            print(all_jobs)


        trio.run(main)
        """
    )
    assert printed[0].count("FineTuningJob(") == 3
    assert readme_env.requests[-1].query == {"limit": "20"}


async def test_manual_pagination(readme_env: FakeOpenAI) -> None:
    # A fixed reply: the "next" page is the same page again, which is all this needs.
    readme_env.set_response("/v1/fine_tuning/jobs", json=jobs_page(2, has_more=True))
    printed = await run_example(
        """
        import trio
        from oaitrio import AsyncOpenAI

        client = AsyncOpenAI()


        async def main() -> None:
            first_page = await client.fine_tuning.jobs.list(
                limit=20,
            )
            if first_page.has_next_page():
                print(f"will fetch next page using these details: {first_page.next_page_info()}")
                next_page = await first_page.get_next_page()
                print(f"number of items we just fetched: {len(next_page.data)}")

            for job in first_page.data:
                print(job.id)


        trio.run(main)
        """
    )
    assert printed == [
        "will fetch next page using these details: PageInfo(params={'after': 'ftjob-001'})",
        "number of items we just fetched: 2",
        "ftjob-000",
        "ftjob-001",
    ]
    assert readme_env.requests[-1].query == {"limit": "20", "after": "ftjob-001"}


async def test_accessing_raw_response_data(readme_env: FakeOpenAI) -> None:
    printed = await run_example(
        """
        import trio
        from oaitrio import AsyncOpenAI

        client = AsyncOpenAI()


        async def main() -> None:
            response = await client.chat.completions.with_raw_response.create(
                messages=[
                    {
                        "role": "user",
                        "content": "Say this is a test",
                    }
                ],
                model="gpt-5.5",
            )
            print(response.headers.get("X-Request-Id"))

            completion = response.parse()  # get the object that `chat.completions.create()` would have returned
            print(completion)


        trio.run(main)
        """
    )
    assert printed[0].startswith("req_")
    assert printed[1].startswith("ChatCompletion(")


async def test_with_streaming_response(readme_env: FakeOpenAI) -> None:
    printed = await run_example(
        """
        import trio
        from oaitrio import AsyncOpenAI

        client = AsyncOpenAI()


        async def main() -> None:
            async with client.chat.completions.with_streaming_response.create(
                messages=[
                    {
                        "role": "user",
                        "content": "Say this is a test",
                    }
                ],
                model="gpt-5.5",
            ) as response:
                print(response.headers.get("X-Request-Id"))

                async for line in response.iter_lines():
                    print(line)


        trio.run(main)
        """
    )
    assert printed[0].startswith("req_")
    assert '"object":"chat.completion"' in "".join(printed[1:]).replace(" ", "")


async def test_undocumented_endpoints(readme_env: FakeOpenAI) -> None:
    readme_env.set_response("/v1/foo", json={"ok": True}, headers={"x-foo": "bar"})
    printed = await run_example(
        """
        import httpx
        import trio
        from oaitrio import AsyncOpenAI

        client = AsyncOpenAI()


        async def main() -> None:
            response = await client.post(
                "/foo",
                cast_to=httpx.Response,
                body={"my_param": True},
            )

            print(response.headers.get("x-foo"))


        trio.run(main)
        """
    )
    assert printed == ["bar"]
    assert readme_env.requests[-1].json() == {"my_param": True}


async def test_request_ids(readme_env: FakeOpenAI) -> None:
    readme_env.add_fault(StatusError(status=400), path="/v1/chat/completions")
    printed: list[str] = []
    with pytest.raises(oaitrio.BadRequestError):  # the example re-raises what it caught
        await run_example(
            """
            import trio
            import oaitrio
            from oaitrio import AsyncOpenAI

            client = AsyncOpenAI()


            async def main() -> None:
                response = await client.responses.create(
                    model="gpt-5.5",
                    input="Say 'this is a test'.",
                )
                print(response._request_id)  # req_123

                try:
                    completion = await client.chat.completions.create(
                        messages=[{"role": "user", "content": "Say this is a test"}], model="gpt-5.5"
                    )
                except oaitrio.APIStatusError as exc:
                    print(exc.request_id)  # req_123
                    raise exc


            trio.run(main)
            """,
            printed,
        )
    assert len(printed) == 2
    assert all(line.startswith("req_") for line in printed)
    assert printed[0] != printed[1]


async def test_managing_http_resources(readme_env: FakeOpenAI) -> None:
    printed = await run_example(
        """
        import trio
        from oaitrio import AsyncOpenAI


        async def main() -> None:
            async with AsyncOpenAI() as client:
                response = await client.responses.create(model="gpt-5.5", input="Say this is a test")
                print(response.output_text)


        trio.run(main)
        """
    )
    assert len(printed) == 1 and printed[0]


async def test_configuring_the_http_client(readme_env: FakeOpenAI) -> None:
    # The README's proxy is left out (there is none here); the rest is its shape.
    printed = await run_example(
        f"""
        import httpx
        import trio
        from oaitrio import AsyncOpenAI, DefaultAsyncHttpxClient

        client = AsyncOpenAI(
            # Or use the `OPENAI_BASE_URL` env var
            base_url="{readme_env.base_url}",
            http_client=DefaultAsyncHttpxClient(
                transport=httpx.AsyncHTTPTransport(local_address="0.0.0.0"),
            ),
        )


        async def main() -> None:
            async with client:
                models = await client.models.list()
                print(len(models.data) > 0)


        trio.run(main)
        """
    )
    assert printed == ["True"]
