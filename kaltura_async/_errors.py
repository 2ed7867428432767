"""The exception tree of kaltura-async, and the map from Kaltura error codes to classes.

::

    KalturaError
    ├── KalturaAPIError                the server answered a KalturaAPIException
    │   ├── InvalidKSError             INVALID_KS (carries .reason, never the KS)
    │   ├── MissingKSError, ServiceForbiddenError, EntryNotFoundError, ...
    │   └── (any other code: KalturaAPIError with .code)
    ├── KalturaTransportError          the request did not complete
    │   ├── KalturaConnectionError     connect/reset/DNS; .request_sent tells if the
    │   │                              server may have acted (outcome unknown)
    │   └── KalturaTimeoutError        also a builtin TimeoutError
    ├── KalturaHTTPError               a non-200 answer (proxy 502, HTML error page)
    ├── KalturaProtocolError           a 200 answer that is not what the protocol promises
    ├── KalturaValidationError         bad input, caught before any I/O (also ValueError)
    └── DependencyError                a batched call whose input (a ref) failed
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = [
    "API_ERROR_CLASSES",
    "ActionBlockedError",
    "ActionDoesNotExistError",
    "AppTokenExpiredError",
    "AppTokenNotActiveError",
    "AppTokenNotFoundError",
    "CategoryNotFoundError",
    "DependencyError",
    "EntryAlreadyWithContentError",
    "EntryNotFoundError",
    "FlavorAssetNotFoundError",
    "InternalServerError",
    "InvalidAppTokenHashError",
    "InvalidEnumValueError",
    "InvalidKSError",
    "InvalidObjectIdError",
    "KalturaAPIError",
    "KalturaConnectionError",
    "KalturaError",
    "KalturaHTTPError",
    "KalturaProtocolError",
    "KalturaTimeoutError",
    "KalturaTransportError",
    "KalturaValidationError",
    "MissingKSError",
    "MissingMandatoryParameterError",
    "ObjectTypeAbstractError",
    "PropertyValidationError",
    "QueryExceededMaxMatchesError",
    "ServiceDoesNotExistError",
    "ServiceForbiddenError",
    "StartSessionError",
    "UploadTokenCannotMatchExpectedSizeError",
    "UploadTokenInvalidStatusError",
    "UploadTokenNotFoundError",
    "UserNotFoundError",
    "api_error_from_payload",
]


class KalturaError(Exception):
    """Root of every error kaltura-async raises."""


class KalturaValidationError(KalturaError, ValueError):
    """Bad input, detected before any request was sent. ``field`` names the culprit."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class KalturaTransportError(KalturaError):
    """The HTTP exchange did not complete."""

    def __init__(
        self,
        message: str,
        *,
        service: str | None = None,
        action: str | None = None,
        request_sent: bool = False,
    ) -> None:
        super().__init__(message)
        self.service = service
        self.action = action
        #: True when the request may have reached the server: the outcome is unknown.
        self.request_sent = request_sent


class KalturaConnectionError(KalturaTransportError):
    """Connecting failed, or the connection broke before a full response arrived."""


class KalturaTimeoutError(KalturaTransportError, TimeoutError):
    """A timeout (total, connect or read) expired."""


class KalturaHTTPError(KalturaError):
    """The server (or a proxy in front of it) answered with a status other than 200."""

    def __init__(
        self,
        status: int,
        body_excerpt: str = "",
        *,
        service: str | None = None,
        action: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        where = f" from {service}.{action}" if service else ""
        super().__init__(f"HTTP {status}{where}: {body_excerpt[:200]!r}")
        self.status = status
        self.body_excerpt = body_excerpt[:200]
        self.service = service
        self.action = action
        self.retry_after = retry_after


class KalturaProtocolError(KalturaError):
    """A 200 answer whose body is not what the protocol promises."""


class DependencyError(KalturaError):
    """A batched call whose input came from a call that failed.

    ``dependency`` is the 1-based number of the failed call in its batch. ``__cause__`` is
    the server's answer to this call when it ran inside one multirequest (the server ran
    it with ``""`` in place of the missing value), else the failed input's own error.
    """

    def __init__(self, message: str, *, dependency: int) -> None:
        super().__init__(message)
        self.dependency = dependency


class KalturaAPIError(KalturaError):
    """The server answered a ``KalturaAPIException``: ``code``, ``message`` and ``args``."""

    #: The Kaltura error code(s) this class stands for; the root class takes the rest.
    codes: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        code: str,
        message: str,
        args: Mapping[str, str] | None = None,
        *,
        service: str | None = None,
        action: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.args_map: dict[str, str] = dict(args or {})
        self.service = service
        self.action = action

    @property
    def arguments(self) -> dict[str, str]:
        """The error's named arguments, e.g. ``{"ENTRY_ID": "0_nope"}``."""
        return self.args_map

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_api_error,
            (type(self), self.code, self.message, self.args_map, self.service, self.action),
        )


def _rebuild_api_error(
    cls: type[KalturaAPIError],
    code: str,
    message: str,
    args: dict[str, str],
    service: str | None,
    action: str | None,
) -> KalturaAPIError:
    return cls(code, message, args, service=service, action=action)


class InvalidKSError(KalturaAPIError):
    """INVALID_KS. ``reason`` is the server's word (EXPIRED, LOGOUT, ...), never the KS."""

    codes = ("INVALID_KS",)

    def __init__(
        self,
        code: str,
        message: str,
        args: Mapping[str, str] | None = None,
        *,
        service: str | None = None,
        action: str | None = None,
    ) -> None:
        raw = dict(args or {})
        ksid = raw.get("KSID", "")
        # The server puts the reason word in KSID for validation failures, but the KS
        # itself for a parse failure: keep a reason word, never anything KS-shaped.
        reason = ksid if ksid.isalpha() and ksid.isupper() and len(ksid) <= 40 else "INVALID_STR"
        raw["KSID"] = reason
        super().__init__(
            code,
            f"Invalid KS ({reason}), error {raw.get('ERR_CODE', '')} {raw.get('ERR_DESC', '')}".rstrip(),
            raw,
            service=service,
            action=action,
        )
        self.reason = reason


def _api(name: str, *codes: str, doc: str) -> type[KalturaAPIError]:
    cls = type(name, (KalturaAPIError,), {"codes": codes, "__doc__": doc, "__module__": __name__})
    return cls


MissingKSError = _api("MissingKSError", "MISSING_KS", doc="MISSING_KS: the action needs a KS.")
ServiceForbiddenError = _api(
    "ServiceForbiddenError", "SERVICE_FORBIDDEN", doc="SERVICE_FORBIDDEN: the KS may not call this."
)
ServiceDoesNotExistError = _api(
    "ServiceDoesNotExistError", "SERVICE_DOES_NOT_EXISTS", doc="SERVICE_DOES_NOT_EXISTS."
)
ActionDoesNotExistError = _api(
    "ActionDoesNotExistError", "ACTION_DOES_NOT_EXISTS", doc="ACTION_DOES_NOT_EXISTS."
)
ActionBlockedError = _api(
    "ActionBlockedError", "ACTION_BLOCKED", doc="ACTION_BLOCKED: rate limited by the server."
)
MissingMandatoryParameterError = _api(
    "MissingMandatoryParameterError",
    "MISSING_MANDATORY_PARAMETER",
    doc="MISSING_MANDATORY_PARAMETER: a required argument is absent.",
)
InvalidEnumValueError = _api(
    "InvalidEnumValueError", "INVALID_ENUM_VALUE", doc="INVALID_ENUM_VALUE."
)
ObjectTypeAbstractError = _api(
    "ObjectTypeAbstractError",
    "OBJECT_TYPE_ABSTRACT",
    doc="OBJECT_TYPE_ABSTRACT: an object argument needs a concrete objectType.",
)
PropertyValidationError = _api(
    "PropertyValidationError",
    "PROPERTY_VALIDATION_CANNOT_BE_NULL",
    "PROPERTY_VALIDATION_NOT_UPDATABLE",
    "PROPERTY_VALIDATION_MIN_LENGTH",
    "PROPERTY_VALIDATION_MAX_LENGTH",
    "PROPERTY_VALIDATION_MIN_VALUE",
    "PROPERTY_VALIDATION_MAX_VALUE",
    "PROPERTY_VALIDATION_WRONG_FORMAT",
    "INVALID_PARAMETER_CHAR",
    doc="A PROPERTY_VALIDATION_* error: the server refused a property value.",
)
StartSessionError = _api(
    "StartSessionError", "START_SESSION_ERROR", doc="START_SESSION_ERROR: wrong secret or partner."
)
EntryNotFoundError = _api("EntryNotFoundError", "ENTRY_ID_NOT_FOUND", doc="ENTRY_ID_NOT_FOUND.")
EntryAlreadyWithContentError = _api(
    "EntryAlreadyWithContentError", "ENTRY_ALREADY_WITH_CONTENT", doc="ENTRY_ALREADY_WITH_CONTENT."
)
InvalidObjectIdError = _api("InvalidObjectIdError", "INVALID_OBJECT_ID", doc="INVALID_OBJECT_ID.")
InternalServerError = _api(
    "InternalServerError",
    "INTERNAL_SERVERL_ERROR",
    "INTERNAL_SERVER_ERROR",
    "INTERNAL_DATABASE_ERROR",
    doc="The server failed internally (the code's typo SERVERL is the server's).",
)
UploadTokenNotFoundError = _api(
    "UploadTokenNotFoundError", "UPLOAD_TOKEN_NOT_FOUND", doc="UPLOAD_TOKEN_NOT_FOUND."
)
UploadTokenInvalidStatusError = _api(
    "UploadTokenInvalidStatusError",
    "UPLOAD_TOKEN_INVALID_STATUS_FOR_UPLOAD",
    doc="UPLOAD_TOKEN_INVALID_STATUS_FOR_UPLOAD: the token is already full, closed or gone.",
)
UploadTokenCannotMatchExpectedSizeError = _api(
    "UploadTokenCannotMatchExpectedSizeError",
    "UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE",
    doc="UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE: chunks still missing; the final call may be retried.",
)
FlavorAssetNotFoundError = _api(
    "FlavorAssetNotFoundError", "FLAVOR_ASSET_ID_NOT_FOUND", doc="FLAVOR_ASSET_ID_NOT_FOUND."
)
CategoryNotFoundError = _api(
    "CategoryNotFoundError", "CATEGORY_NOT_FOUND", doc="CATEGORY_NOT_FOUND."
)
UserNotFoundError = _api(
    "UserNotFoundError",
    "USER_NOT_FOUND",
    "INVALID_USER_ID",
    doc="USER_NOT_FOUND / INVALID_USER_ID.",
)
AppTokenNotFoundError = _api(
    "AppTokenNotFoundError", "APP_TOKEN_ID_NOT_FOUND", doc="APP_TOKEN_ID_NOT_FOUND."
)
AppTokenNotActiveError = _api(
    "AppTokenNotActiveError", "APP_TOKEN_NOT_ACTIVE", doc="APP_TOKEN_NOT_ACTIVE."
)
AppTokenExpiredError = _api("AppTokenExpiredError", "APP_TOKEN_EXPIRED", doc="APP_TOKEN_EXPIRED.")
InvalidAppTokenHashError = _api(
    "InvalidAppTokenHashError", "INVALID_APP_TOKEN_HASH", doc="INVALID_APP_TOKEN_HASH."
)
QueryExceededMaxMatchesError = _api(
    "QueryExceededMaxMatchesError",
    "QUERY_EXCEEDED_MAX_MATCHES_ALLOWED",
    doc="QUERY_EXCEEDED_MAX_MATCHES_ALLOWED: paged past the 10,000-result window.",
)


def _build_map() -> dict[str, type[KalturaAPIError]]:
    table: dict[str, type[KalturaAPIError]] = {}
    stack: list[type[KalturaAPIError]] = [KalturaAPIError]
    while stack:
        cls = stack.pop()
        for code in cls.codes:
            table[code] = cls
        stack.extend(cls.__subclasses__())
    return table


#: Kaltura error code -> exception class (codes not listed map to KalturaAPIError).
API_ERROR_CLASSES: dict[str, type[KalturaAPIError]] = _build_map()


def api_error_from_payload(
    payload: Mapping[str, Any], *, service: str | None = None, action: str | None = None
) -> KalturaAPIError:
    """Build the typed error for a ``KalturaAPIException`` JSON object."""
    code = str(payload.get("code") or "UNKNOWN")
    message = str(payload.get("message") or "")
    raw_args = payload.get("args")
    args: dict[str, str] = {}
    if isinstance(raw_args, Mapping):
        args = {str(k): str(v) for k, v in raw_args.items()}
    elif isinstance(raw_args, list):
        # Older servers send a list of {name, value} objects.
        for item in raw_args:
            if isinstance(item, Mapping) and "name" in item:
                args[str(item["name"])] = str(item.get("value", ""))
    cls = API_ERROR_CLASSES.get(code, KalturaAPIError)
    return cls(code, message, args, service=service, action=action)
