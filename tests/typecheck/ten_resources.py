"""Ten resources used as a user would; pyright checks it in strict mode (test_typecheck.py).

Never run: it only has to type-check, and a copy with a deliberate mistake must not.
"""

from __future__ import annotations

from pathlib import Path

import oaitrio
from oaitrio.types import Batch, FileObject, Model
from oaitrio.types.chat import ChatCompletion, ChatCompletionChunk
from oaitrio.types.responses import Response


async def tour(client: oaitrio.AsyncOpenAI) -> list[str]:
    seen: list[str] = []

    completion: ChatCompletion = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
    )
    content: str | None = completion.choices[0].message.content
    seen.append(content or "")

    stream = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    async with stream:
        async for chunk in stream:
            piece: ChatCompletionChunk = chunk
            seen.append(piece.choices[0].delta.content or "")

    vectors = await client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    first: list[float] = vectors.data[0].embedding
    seen.append(str(len(first)))

    async for model in client.models.list():
        listed: Model = model
        seen.append(listed.id)

    upload: FileObject = await client.files.create(file=Path("data.jsonl"), purpose="batch")
    batch: Batch = await client.batches.create(
        input_file_id=upload.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    seen.append(batch.status)

    images = await client.images.generate(prompt="a lighthouse", model="gpt-image-1")
    seen.append(str(len(images.data or [])))

    speech = await client.audio.speech.create(model="gpt-4o-mini-tts", input="hi", voice="alloy")
    seen.append(str(len(speech.content)))

    moderation = await client.moderations.create(input="hello")
    seen.append(str(moderation.results[0].flagged))

    store = await client.vector_stores.create(name="docs")
    seen.append(store.id)

    response: Response = await client.responses.create(model="gpt-4o-mini", input="hi")
    seen.append(response.status or "")

    async for job in client.fine_tuning.jobs.list(limit=5):
        seen.append(job.status)
    return seen
