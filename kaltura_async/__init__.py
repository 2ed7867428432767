"""kaltura-async: the async-first Python SDK for the Kaltura API v3.

Public names resolve lazily, so ``import kaltura_async`` costs almost nothing and imports
none of the generated API surface.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ._call import (
        Call as Call,
    )
    from ._client import (
        KalturaClient as KalturaClient,
    )
    from ._config import (
        Limits as Limits,
        RequestOptions as RequestOptions,
        RetryPolicy as RetryPolicy,
        Timeout as Timeout,
    )
    from ._errors import (
        DependencyError as DependencyError,
        EntryNotFoundError as EntryNotFoundError,
        InvalidKSError as InvalidKSError,
        KalturaAPIError as KalturaAPIError,
        KalturaConnectionError as KalturaConnectionError,
        KalturaError as KalturaError,
        KalturaHTTPError as KalturaHTTPError,
        KalturaProtocolError as KalturaProtocolError,
        KalturaTimeoutError as KalturaTimeoutError,
        KalturaTransportError as KalturaTransportError,
        KalturaValidationError as KalturaValidationError,
        MissingKSError as MissingKSError,
        ServiceForbiddenError as ServiceForbiddenError,
    )
    from ._model import (
        UNSET as UNSET,
        KalturaObject as KalturaObject,
        UnsetType as UnsetType,
    )
    from ._multirequest import (
        CallResult as CallResult,
        MultiRequest as MultiRequest,
        MultiResponse as MultiResponse,
        Ref as Ref,
    )
    from ._pagination import (
        Paginator as Paginator,
    )
    from ._partition import (
        Partition as Partition,
    )
    from ._session import (
        AppTokenKSProvider as AppTokenKSProvider,
        CryptoUnavailableError as CryptoUnavailableError,
        KSInfo as KSInfo,
        KSProvider as KSProvider,
        SecretKSProvider as SecretKSProvider,
        StaticKS as StaticKS,
        generate_ks as generate_ks,
        parse_ks as parse_ks,
    )
    from ._upload import (
        EntryProcessingError as EntryProcessingError,
    )

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
    "CallResult": "._multirequest",
    "MultiRequest": "._multirequest",
    "MultiResponse": "._multirequest",
    "Ref": "._multirequest",
    "AppTokenKSProvider": "._session",
    "CryptoUnavailableError": "._session",
    "KSInfo": "._session",
    "KSProvider": "._session",
    "SecretKSProvider": "._session",
    "StaticKS": "._session",
    "generate_ks": "._session",
    "EntryProcessingError": "._upload",
    "Paginator": "._pagination",
    "Partition": "._partition",
    "parse_ks": "._session",
}

__all__ = [
    "AppTokenKSProvider",
    "Call",
    "CallResult",
    "CryptoUnavailableError",
    "DependencyError",
    "EntryNotFoundError",
    "EntryProcessingError",
    "InvalidKSError",
    "KSInfo",
    "KSProvider",
    "KalturaAPIError",
    "KalturaClient",
    "KalturaConnectionError",
    "KalturaError",
    "KalturaHTTPError",
    "KalturaObject",
    "KalturaProtocolError",
    "KalturaTimeoutError",
    "KalturaTransportError",
    "KalturaValidationError",
    "Limits",
    "MissingKSError",
    "MultiRequest",
    "MultiResponse",
    "Paginator",
    "Partition",
    "Ref",
    "RequestOptions",
    "RetryPolicy",
    "SecretKSProvider",
    "ServiceForbiddenError",
    "StaticKS",
    "Timeout",
    "UNSET",
    "UnsetType",
    "__version__",
    "generate_ks",
    "parse_ks",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kaltura_async' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
