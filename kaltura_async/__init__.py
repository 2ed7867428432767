"""kaltura-async: the async-first Python SDK for the Kaltura API v3.

Public names resolve lazily, so ``import kaltura_async`` costs almost nothing and imports
none of the generated API surface.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ._call import Call as Call
    from ._client import KalturaClient as KalturaClient
    from ._config import (
        Limits as Limits,
    )
    from ._config import (
        RequestOptions as RequestOptions,
    )
    from ._config import (
        RetryPolicy as RetryPolicy,
    )
    from ._config import (
        Timeout as Timeout,
    )
    from ._errors import (
        DependencyError as DependencyError,
    )
    from ._errors import (
        EntryNotFoundError as EntryNotFoundError,
    )
    from ._errors import (
        InvalidKSError as InvalidKSError,
    )
    from ._errors import (
        KalturaAPIError as KalturaAPIError,
    )
    from ._errors import (
        KalturaConnectionError as KalturaConnectionError,
    )
    from ._errors import (
        KalturaError as KalturaError,
    )
    from ._errors import (
        KalturaHTTPError as KalturaHTTPError,
    )
    from ._errors import (
        KalturaProtocolError as KalturaProtocolError,
    )
    from ._errors import (
        KalturaTimeoutError as KalturaTimeoutError,
    )
    from ._errors import (
        KalturaTransportError as KalturaTransportError,
    )
    from ._errors import (
        KalturaValidationError as KalturaValidationError,
    )
    from ._errors import (
        MissingKSError as MissingKSError,
    )
    from ._errors import (
        ServiceForbiddenError as ServiceForbiddenError,
    )
    from ._model import UNSET as UNSET
    from ._model import KalturaObject as KalturaObject
    from ._model import UnsetType as UnsetType
    from ._multirequest import CallResult as CallResult
    from ._multirequest import MultiRequest as MultiRequest
    from ._multirequest import MultiResponse as MultiResponse
    from ._multirequest import Ref as Ref
    from ._session import (
        AppTokenKSProvider as AppTokenKSProvider,
    )
    from ._session import (
        CryptoUnavailableError as CryptoUnavailableError,
    )
    from ._session import (
        KSInfo as KSInfo,
    )
    from ._session import (
        KSProvider as KSProvider,
    )
    from ._session import (
        SecretKSProvider as SecretKSProvider,
    )
    from ._session import (
        StaticKS as StaticKS,
    )
    from ._session import (
        generate_ks as generate_ks,
    )
    from ._session import (
        parse_ks as parse_ks,
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
    "parse_ks": "._session",
}

__all__ = [
    "AppTokenKSProvider",
    "Call",
    "CallResult",
    "CryptoUnavailableError",
    "DependencyError",
    "EntryNotFoundError",
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
