"""OpenAI's OpenAPI description of its REST API, vendored: the wire contract.

- ``openapi.yaml``: the spec as published, unmodified.
- ``SOURCE.txt``: where it came from (the public ``openai/openai-openapi``
  repository, at the commit it names) and its spec version.
- ``LICENSE``: the spec's licence (MIT).

The conformance tests (``tests/conformance/``) run a Stoplight Prism mock
server from this file; it validates each request the client sends against the
spec. Nothing here is imported at run time; update the three files together.
"""
