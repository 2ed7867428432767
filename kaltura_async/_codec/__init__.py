"""The codec: Python values to wire parameters, and wire JSON back to typed objects.

Three parts, one job each:

- :mod:`._registry`: wire names to classes (``objectType`` and enum names), resolved
  lazily through the generated registries, and the merged field specs of a class;
- :mod:`._encode`: models and arguments to the JSON wire form, validating before I/O;
- :mod:`._decode`: parsed wire JSON to models, lenient where the server is loose.

What a field holds is a :class:`~kaltura_async._kind.Kind`. The user-facing cattrs
converter, for turning models into JSON-safe dicts and back, is
:mod:`kaltura_async.converter`.
"""

from __future__ import annotations

from ._decode import (
    API_EXCEPTION,
    Decoder,
    decode,
    decode_any,
    decoder_for,
    is_api_exception,
    structure_object,
    without_gc,
)
from ._encode import encode_object, encode_params, encode_untyped, encode_value, flatten
from ._registry import (
    all_fields,
    is_a,
    register_enum,
    register_type,
    resolve_enum,
    resolve_type,
)

__all__ = [
    "API_EXCEPTION",
    "Decoder",
    "all_fields",
    "decode",
    "decode_any",
    "decoder_for",
    "encode_object",
    "encode_params",
    "encode_untyped",
    "encode_value",
    "flatten",
    "is_a",
    "is_api_exception",
    "register_enum",
    "register_type",
    "resolve_enum",
    "resolve_type",
    "structure_object",
    "without_gc",
]
