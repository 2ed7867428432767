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
        USE_CLIENT_DEFAULT as USE_CLIENT_DEFAULT,
        Limits as Limits,
        OptionChanges as OptionChanges,
        RequestOptions as RequestOptions,
        RetryPolicy as RetryPolicy,
        Timeout as Timeout,
        UseClientDefault as UseClientDefault,
    )
    from ._errors import (
        API_ERROR_CLASSES as API_ERROR_CLASSES,
        ActionBlockedError as ActionBlockedError,
        ActionDoesNotExistError as ActionDoesNotExistError,
        AppTokenExpiredError as AppTokenExpiredError,
        AppTokenNotActiveError as AppTokenNotActiveError,
        AppTokenNotFoundError as AppTokenNotFoundError,
        CategoryNotFoundError as CategoryNotFoundError,
        DependencyError as DependencyError,
        EntryAlreadyWithContentError as EntryAlreadyWithContentError,
        EntryNotFoundError as EntryNotFoundError,
        EntryProcessingError as EntryProcessingError,
        FlavorAssetNotFoundError as FlavorAssetNotFoundError,
        InternalServerError as InternalServerError,
        InvalidAppTokenHashError as InvalidAppTokenHashError,
        InvalidEnumValueError as InvalidEnumValueError,
        InvalidKSError as InvalidKSError,
        InvalidObjectIdError as InvalidObjectIdError,
        KalturaAPIError as KalturaAPIError,
        KalturaClientStateError as KalturaClientStateError,
        KalturaCommunicationError as KalturaCommunicationError,
        KalturaConnectionError as KalturaConnectionError,
        KalturaError as KalturaError,
        KalturaHTTPError as KalturaHTTPError,
        KalturaPaginationError as KalturaPaginationError,
        KalturaProtocolError as KalturaProtocolError,
        KalturaRedirectError as KalturaRedirectError,
        KalturaResponseTooLargeError as KalturaResponseTooLargeError,
        KalturaTimeoutError as KalturaTimeoutError,
        KalturaTransportError as KalturaTransportError,
        KalturaValidationError as KalturaValidationError,
        MissingKSError as MissingKSError,
        MissingMandatoryParameterError as MissingMandatoryParameterError,
        ObjectTypeAbstractError as ObjectTypeAbstractError,
        PropertyValidationError as PropertyValidationError,
        QueryExceededMaxMatchesError as QueryExceededMaxMatchesError,
        RefPathError as RefPathError,
        ServiceDoesNotExistError as ServiceDoesNotExistError,
        ServiceForbiddenError as ServiceForbiddenError,
        StartSessionError as StartSessionError,
        UploadTokenCannotMatchExpectedSizeError as UploadTokenCannotMatchExpectedSizeError,
        UploadTokenInvalidStatusError as UploadTokenInvalidStatusError,
        UploadTokenNotFoundError as UploadTokenNotFoundError,
        UserNotFoundError as UserNotFoundError,
    )
    from ._ks import (
        KSInfo as KSInfo,
        generate_ks as generate_ks,
        parse_ks as parse_ks,
    )
    from ._model import (
        UNSET as UNSET,
        KalturaObject as KalturaObject,
        UnsetType as UnsetType,
        required as required,
    )
    from ._multirequest import (
        MultiRequest as MultiRequest,
    )
    from ._pagination import (
        Paginator as Paginator,
    )
    from ._partition import (
        Partition as Partition,
    )
    from ._refs import (
        Ref as Ref,
    )
    from ._results import (
        CallResult as CallResult,
        MultiResponse as MultiResponse,
    )
    from ._session import (
        AppTokenKSProvider as AppTokenKSProvider,
        KSProvider as KSProvider,
        SecretKSProvider as SecretKSProvider,
        StaticKS as StaticKS,
    )

_EXPORTS: dict[str, str] = {
    "Call": "._call",
    "KalturaClient": "._client",
    "Limits": "._config",
    "RequestOptions": "._config",
    "USE_CLIENT_DEFAULT": "._config",
    "UseClientDefault": "._config",
    "OptionChanges": "._config",
    "RetryPolicy": "._config",
    "Timeout": "._config",
    "API_ERROR_CLASSES": "._errors",
    "ActionBlockedError": "._errors",
    "ActionDoesNotExistError": "._errors",
    "AppTokenExpiredError": "._errors",
    "AppTokenNotActiveError": "._errors",
    "AppTokenNotFoundError": "._errors",
    "CategoryNotFoundError": "._errors",
    "CryptoUnavailableError": "._errors",
    "DependencyError": "._errors",
    "EntryAlreadyWithContentError": "._errors",
    "EntryNotFoundError": "._errors",
    "EntryProcessingError": "._errors",
    "FlavorAssetNotFoundError": "._errors",
    "InternalServerError": "._errors",
    "InvalidAppTokenHashError": "._errors",
    "InvalidEnumValueError": "._errors",
    "InvalidKSError": "._errors",
    "InvalidObjectIdError": "._errors",
    "KalturaAPIError": "._errors",
    "KalturaClientStateError": "._errors",
    "KalturaCommunicationError": "._errors",
    "KalturaConnectionError": "._errors",
    "KalturaError": "._errors",
    "KalturaHTTPError": "._errors",
    "KalturaPaginationError": "._errors",
    "KalturaProtocolError": "._errors",
    "KalturaRedirectError": "._errors",
    "KalturaResponseTooLargeError": "._errors",
    "KalturaTimeoutError": "._errors",
    "KalturaTransportError": "._errors",
    "KalturaValidationError": "._errors",
    "MissingKSError": "._errors",
    "MissingMandatoryParameterError": "._errors",
    "ObjectTypeAbstractError": "._errors",
    "PropertyValidationError": "._errors",
    "QueryExceededMaxMatchesError": "._errors",
    "RefPathError": "._errors",
    "ServiceDoesNotExistError": "._errors",
    "ServiceForbiddenError": "._errors",
    "StartSessionError": "._errors",
    "UploadTokenCannotMatchExpectedSizeError": "._errors",
    "UploadTokenInvalidStatusError": "._errors",
    "UploadTokenNotFoundError": "._errors",
    "UserNotFoundError": "._errors",
    "UNSET": "._model",
    "KalturaObject": "._model",
    "UnsetType": "._model",
    "required": "._model",
    "CallResult": "._results",
    "MultiRequest": "._multirequest",
    "MultiResponse": "._results",
    "Ref": "._refs",
    "AppTokenKSProvider": "._session",
    "KSInfo": "._ks",
    "KSProvider": "._session",
    "SecretKSProvider": "._session",
    "StaticKS": "._session",
    "generate_ks": "._ks",
    "Paginator": "._pagination",
    "Partition": "._partition",
    "parse_ks": "._ks",
}

__all__ = [
    "API_ERROR_CLASSES",
    "ActionBlockedError",
    "ActionDoesNotExistError",
    "AppTokenExpiredError",
    "AppTokenKSProvider",
    "AppTokenNotActiveError",
    "AppTokenNotFoundError",
    "Call",
    "CallResult",
    "CategoryNotFoundError",
    "CryptoUnavailableError",
    "DependencyError",
    "EntryAlreadyWithContentError",
    "EntryNotFoundError",
    "EntryProcessingError",
    "FlavorAssetNotFoundError",
    "InternalServerError",
    "InvalidAppTokenHashError",
    "InvalidEnumValueError",
    "InvalidKSError",
    "InvalidObjectIdError",
    "KSInfo",
    "KSProvider",
    "KalturaAPIError",
    "KalturaClient",
    "KalturaClientStateError",
    "KalturaCommunicationError",
    "KalturaConnectionError",
    "KalturaError",
    "KalturaHTTPError",
    "KalturaObject",
    "KalturaPaginationError",
    "KalturaProtocolError",
    "KalturaRedirectError",
    "KalturaResponseTooLargeError",
    "KalturaTimeoutError",
    "KalturaTransportError",
    "KalturaValidationError",
    "Limits",
    "MissingKSError",
    "MissingMandatoryParameterError",
    "MultiRequest",
    "MultiResponse",
    "ObjectTypeAbstractError",
    "OptionChanges",
    "Paginator",
    "Partition",
    "PropertyValidationError",
    "QueryExceededMaxMatchesError",
    "Ref",
    "RefPathError",
    "RequestOptions",
    "RetryPolicy",
    "SecretKSProvider",
    "ServiceDoesNotExistError",
    "ServiceForbiddenError",
    "StartSessionError",
    "StaticKS",
    "Timeout",
    "UNSET",
    "USE_CLIENT_DEFAULT",
    "UnsetType",
    "UploadTokenCannotMatchExpectedSizeError",
    "UploadTokenInvalidStatusError",
    "UploadTokenNotFoundError",
    "UseClientDefault",
    "UserNotFoundError",
    "__version__",
    "generate_ks",
    "parse_ks",
    "required",
]


if not TYPE_CHECKING:
    # Hidden from checkers: a module ``__getattr__`` would make every name, a misspelt one
    # too, importable as ``Any``. They see the explicit imports above instead.

    def __getattr__(name: str) -> Any:
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module 'kaltura_async' has no attribute {name!r}")
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return __all__
