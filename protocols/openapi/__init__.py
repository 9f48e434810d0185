"""OpenAI's OpenAPI description of its REST API, and the generator of oaitrio's surface.

- ``openapi.yaml``: the spec as published, unmodified; ``SOURCE.txt`` says where
  it came from (the public ``openai/openai-openapi`` repository, at the commit it
  names); ``LICENSE``: its licence (MIT). Update the three together.
- ``generate``: ``python -m protocols.openapi.generate`` writes ``oaitrio/types``
  and ``oaitrio/resources`` from the spec (``_schemas`` reads it, ``_typegen``
  and ``_resgen`` write types and resources, ``_module`` and ``_source`` write
  Python text); ``naming`` and ``sdk_names`` give every operation and type the
  official SDK's name; ``overrides`` says where hand-written code or facts the
  spec gets wrong take over.

Nothing here is imported at run time. The conformance tests
(``tests/conformance/``) run a Stoplight Prism mock of the spec and call every
generated method through it.
"""
