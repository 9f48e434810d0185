"""Side-by-side benchmarks: oaitrio (trio) against the official ``openai`` SDK (asyncio).

Run ``python -m benchmarks`` (``--quick`` for a smoke run, ``--only NAME[,NAME]``
to select). Every measurement runs in a fresh child process per client per
repetition, against one fake server process; ``docs/performance.md`` explains
what each benchmark measures.

This package imports nothing but the standard library at module level, so a
child process that measures one client never imports the other one.
"""
