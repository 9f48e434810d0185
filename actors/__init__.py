"""Trio tasks that own I/O and long-lived state (the middle layer of oaitrio).

Imports point one way: ``oaitrio -> actors -> protocols``. Nothing here imports
``oaitrio``; types to decode are passed in by the caller.
"""
