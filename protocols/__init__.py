"""Sans-I/O building blocks of oaitrio: bytes in, events out.

Nothing in this package performs I/O, sleeps, reads a clock or imports trio,
httpx, ``actors`` or ``oaitrio``; ``tests/test_layers.py`` enforces it.
"""
