"""kaltura-async: the async-first Python SDK for the Kaltura API v3.

Public names resolve lazily, so ``import kaltura_async`` costs almost nothing and imports
none of the generated API surface.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ._call import Call
    from ._client import KalturaClient
    from ._config import Limits, RequestOptions, RetryPolicy, Timeout
    from ._errors import (
        DependencyError,
        EntryNotFoundError,
        InvalidKSError,
        KalturaAPIError,
        KalturaConnectionError,
        KalturaError,
        KalturaHTTPError,
        KalturaProtocolError,
        KalturaTimeoutError,
        KalturaTransportError,
        KalturaValidationError,
        MissingKSError,
        ServiceForbiddenError,
    )
    from ._model import UNSET, KalturaObject, UnsetType

_EXPORTS: dict[str, str] = {
    "Call": "._call",
    "KalturaClient": "._client",
    "Limits": "._config",
    "RequestOptions": "._config",
    "RetryPolicy": "._config",
    "Timeout": "._config",
    "DependencyError": "._errors",
    "EntryNotFoundError": "._errors",
    "InvalidKSError": "._errors",
    "KalturaAPIError": "._errors",
    "KalturaConnectionError": "._errors",
    "KalturaError": "._errors",
    "KalturaHTTPError": "._errors",
    "KalturaProtocolError": "._errors",
    "KalturaTimeoutError": "._errors",
    "KalturaTransportError": "._errors",
    "KalturaValidationError": "._errors",
    "MissingKSError": "._errors",
    "ServiceForbiddenError": "._errors",
    "UNSET": "._model",
    "KalturaObject": "._model",
    "UnsetType": "._model",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kaltura_async' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
