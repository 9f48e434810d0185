"""Hand-written code beside the generated resources and types.

Resource mixins the generated classes derive from (``protocols/openapi/overrides.py``
names them) and resources the spec has no operations for (webhooks).
"""
