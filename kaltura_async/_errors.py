"""Every exception kaltura-async raises, and the map from Kaltura error codes to classes.

All of them are importable from ``kaltura_async`` (their ``__module__`` says so, which is
what tracebacks print). The tree::

    KalturaError
    ├── KalturaAPIError                the server answered a KalturaAPIException
    │   ├── InvalidKSError             INVALID_KS (carries .reason, never the KS)
    │   ├── MissingKSError, ServiceForbiddenError, EntryNotFoundError, ... (one per code
    │   │                              family, see API_ERROR_CLASSES)
    │   └── (any other code: KalturaAPIError with .code)
    ├── KalturaCommunicationError      no valid answer arrived for the request
    │   ├── KalturaTransportError      the HTTP exchange did not complete
    │   │   ├── KalturaConnectionError connect/reset/DNS; .request_sent tells if the
    │   │   │                          server may have acted (outcome unknown)
    │   │   └── KalturaTimeoutError    also a builtin TimeoutError
    │   ├── KalturaHTTPError           a non-200 answer (proxy 502, HTML error page)
    │   └── KalturaProtocolError       a 200 answer that is not what the protocol promises
    ├── KalturaValidationError         bad input, caught before any I/O (also ValueError)
    │   ├── RefPathError               a batch ref path the result type lacks (AttributeError)
    │   └── CryptoUnavailableError     KS v2 without the ``crypto`` extra (ImportError)
    ├── KalturaClientStateError        the client is closed, or used from another event loop
    ├── DependencyError                a batched call whose input (a ref) failed
    └── EntryProcessingError           ``ingest(wait_ready=True)``: the entry failed to convert

``KalturaCommunicationError`` is what a retry loop of the caller's own catches: the
transport already retried what :class:`~kaltura_async.RetryPolicy` allows.
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
    "KalturaAPIError",
    "KalturaClientStateError",
    "KalturaCommunicationError",
    "KalturaConnectionError",
    "KalturaError",
    "KalturaHTTPError",
    "KalturaPaginationError",
    "KalturaProtocolError",
    "KalturaRedirectError",
    "KalturaResponseTooLargeError",
    "KalturaTimeoutError",
    "KalturaTransportError",
    "KalturaValidationError",
    "MissingKSError",
    "MissingMandatoryParameterError",
    "ObjectTypeAbstractError",
    "PropertyValidationError",
    "QueryExceededMaxMatchesError",
    "RefPathError",
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


class RefPathError(KalturaValidationError, AttributeError):
    """A batch ref path the result type does not have (also an AttributeError, so
    ``hasattr`` on a ref answers False instead of raising)."""


class CryptoUnavailableError(KalturaValidationError, ImportError):
    """KS v2 needs the ``cryptography`` package: ``pip install 'kaltura-async[crypto]'``."""


class KalturaClientStateError(KalturaError, RuntimeError):
    """The client cannot send now: it was closed, or it is used from an event loop other
    than the one it first ran on (one client per loop: its pool belongs to that loop)."""


class KalturaCommunicationError(KalturaError):
    """No valid answer arrived for a request: the exchange broke, the server (or a proxy)
    answered with an HTTP error, or its answer broke the protocol. The transport has
    already retried what the call's :class:`~kaltura_async.RetryPolicy` allows."""


class KalturaTransportError(KalturaCommunicationError):
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
    """A timeout (total, connect or read) or the retry deadline expired."""


class KalturaHTTPError(KalturaCommunicationError):
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


class KalturaRedirectError(KalturaHTTPError):
    """The server answered a redirect (3xx). API calls never follow one: the request carries
    the KS (and, for ``session.start``, the admin secret), and re-sending it elsewhere would
    hand them to another host, or turn a POST into a body-less GET that "succeeds" without
    writing anything. Nothing further is sent.

    ``location_host`` is the host the redirect points at (None when it gave none);
    ``suggested_service_url`` is set when it is this very host on https: use it as
    ``service_url``.
    """

    def __init__(
        self,
        status: int,
        *,
        location_host: str | None,
        suggested_service_url: str | None = None,
        service: str | None = None,
        action: str | None = None,
    ) -> None:
        where = f" from {service}.{action}" if service else ""
        target = f"to host {location_host!r}" if location_host else "without a Location"
        advice = (
            f"; the same host on https: set service_url={suggested_service_url!r}"
            if suggested_service_url
            else "; set service_url to the API's own address"
        )
        KalturaCommunicationError.__init__(
            self,
            f"HTTP {status}{where}: a redirect {target}, not followed (API calls carry the KS "
            f"and are never re-sent elsewhere){advice}",
        )
        self.status = status
        self.body_excerpt = ""
        self.service = service
        self.action = action
        self.retry_after = None
        self.location_host = location_host
        self.suggested_service_url = suggested_service_url


class KalturaResponseTooLargeError(KalturaCommunicationError):
    """The answer grew past ``Limits.max_response_size`` (counted after decompression, while
    it streamed in); reading stopped there and the connection was dropped. Not retried."""

    def __init__(
        self,
        limit: int,
        *,
        service: str | None = None,
        action: str | None = None,
    ) -> None:
        where = f"{service}.{action}" if service else "the server"
        super().__init__(
            f"the answer of {where} exceeds limits.max_response_size ({limit:,} bytes after "
            "decompression); reading stopped there. Raise Limits(max_response_size=...) if "
            "such an answer is expected"
        )
        self.limit = limit
        self.service = service
        self.action = action


class KalturaProtocolError(KalturaCommunicationError):
    """A 200 answer whose body is not what the protocol promises."""


class KalturaPaginationError(KalturaProtocolError):
    """The server's pages cannot be walked to the end without losing or repeating items.

    Raised by ``client.paginate`` when a page brings nothing new (a server that repeats a
    page, e.g. one that ignores ``pageIndex``), or when a cursor walk cannot finish one
    ``createdAt`` second. The items yielded before it were each yielded once.
    """


class DependencyError(KalturaError):
    """A batched call whose input came from a call that failed.

    ``dependency`` is the 1-based number of the failed call in its batch. ``__cause__`` is
    the server's answer to this call when it ran inside one multirequest (the server ran
    it with ``""`` in place of the missing value), else the failed input's own error.
    """

    def __init__(self, message: str, *, dependency: int) -> None:
        super().__init__(message)
        self.dependency = dependency


class EntryProcessingError(KalturaError):
    """The entry reached a status it never leaves for READY (ERROR_CONVERTING,
    ERROR_IMPORTING, DELETED, INFECTED) while ``ingest(wait_ready=True)`` waited for it."""

    def __init__(self, entry_id: str, status: object) -> None:
        super().__init__(f"entry {entry_id} ended in status {status}")
        self.entry_id = entry_id
        self.status = status


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


class MissingKSError(KalturaAPIError):
    """MISSING_KS: the action needs a KS."""

    codes = ("MISSING_KS",)


class ServiceForbiddenError(KalturaAPIError):
    """SERVICE_FORBIDDEN: the KS may not call this."""

    codes = ("SERVICE_FORBIDDEN",)


class ServiceDoesNotExistError(KalturaAPIError):
    """SERVICE_DOES_NOT_EXISTS."""

    codes = ("SERVICE_DOES_NOT_EXISTS",)


class ActionDoesNotExistError(KalturaAPIError):
    """ACTION_DOES_NOT_EXISTS."""

    codes = ("ACTION_DOES_NOT_EXISTS",)


class ActionBlockedError(KalturaAPIError):
    """ACTION_BLOCKED: rate limited by the server."""

    codes = ("ACTION_BLOCKED",)


class MissingMandatoryParameterError(KalturaAPIError):
    """MISSING_MANDATORY_PARAMETER: a required argument is absent."""

    codes = ("MISSING_MANDATORY_PARAMETER",)


class InvalidEnumValueError(KalturaAPIError):
    """INVALID_ENUM_VALUE."""

    codes = ("INVALID_ENUM_VALUE",)


class ObjectTypeAbstractError(KalturaAPIError):
    """OBJECT_TYPE_ABSTRACT: an object argument needs a concrete objectType."""

    codes = ("OBJECT_TYPE_ABSTRACT",)


class PropertyValidationError(KalturaAPIError):
    """A PROPERTY_VALIDATION_* error: the server refused a property value."""

    codes = (
        "PROPERTY_VALIDATION_CANNOT_BE_NULL",
        "PROPERTY_VALIDATION_NOT_UPDATABLE",
        "PROPERTY_VALIDATION_MIN_LENGTH",
        "PROPERTY_VALIDATION_MAX_LENGTH",
        "PROPERTY_VALIDATION_MIN_VALUE",
        "PROPERTY_VALIDATION_MAX_VALUE",
        "PROPERTY_VALIDATION_WRONG_FORMAT",
        "INVALID_PARAMETER_CHAR",
    )


class StartSessionError(KalturaAPIError):
    """START_SESSION_ERROR: wrong secret or partner."""

    codes = ("START_SESSION_ERROR",)


class EntryNotFoundError(KalturaAPIError):
    """ENTRY_ID_NOT_FOUND."""

    codes = ("ENTRY_ID_NOT_FOUND",)


class EntryAlreadyWithContentError(KalturaAPIError):
    """ENTRY_ALREADY_WITH_CONTENT."""

    codes = ("ENTRY_ALREADY_WITH_CONTENT",)


class InvalidObjectIdError(KalturaAPIError):
    """INVALID_OBJECT_ID."""

    codes = ("INVALID_OBJECT_ID",)


class InternalServerError(KalturaAPIError):
    """The server failed internally (the code's typo SERVERL is the server's)."""

    codes = ("INTERNAL_SERVERL_ERROR", "INTERNAL_SERVER_ERROR", "INTERNAL_DATABASE_ERROR")


class UploadTokenNotFoundError(KalturaAPIError):
    """UPLOAD_TOKEN_NOT_FOUND."""

    codes = ("UPLOAD_TOKEN_NOT_FOUND",)


class UploadTokenInvalidStatusError(KalturaAPIError):
    """UPLOAD_TOKEN_INVALID_STATUS_FOR_UPLOAD: the token is already full, closed or gone."""

    codes = ("UPLOAD_TOKEN_INVALID_STATUS_FOR_UPLOAD",)


class UploadTokenCannotMatchExpectedSizeError(KalturaAPIError):
    """UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE: chunks still missing; the final call may be retried."""

    codes = ("UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE",)


class FlavorAssetNotFoundError(KalturaAPIError):
    """FLAVOR_ASSET_ID_NOT_FOUND."""

    codes = ("FLAVOR_ASSET_ID_NOT_FOUND",)


class CategoryNotFoundError(KalturaAPIError):
    """CATEGORY_NOT_FOUND."""

    codes = ("CATEGORY_NOT_FOUND",)


class UserNotFoundError(KalturaAPIError):
    """USER_NOT_FOUND / INVALID_USER_ID."""

    codes = ("USER_NOT_FOUND", "INVALID_USER_ID")


class AppTokenNotFoundError(KalturaAPIError):
    """APP_TOKEN_ID_NOT_FOUND."""

    codes = ("APP_TOKEN_ID_NOT_FOUND",)


class AppTokenNotActiveError(KalturaAPIError):
    """APP_TOKEN_NOT_ACTIVE."""

    codes = ("APP_TOKEN_NOT_ACTIVE",)


class AppTokenExpiredError(KalturaAPIError):
    """APP_TOKEN_EXPIRED."""

    codes = ("APP_TOKEN_EXPIRED",)


class InvalidAppTokenHashError(KalturaAPIError):
    """INVALID_APP_TOKEN_HASH."""

    codes = ("INVALID_APP_TOKEN_HASH",)


class QueryExceededMaxMatchesError(KalturaAPIError):
    """QUERY_EXCEEDED_MAX_MATCHES_ALLOWED: paged past the 10,000-result window."""

    codes = ("QUERY_EXCEEDED_MAX_MATCHES_ALLOWED",)


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


# Tracebacks and reprs name the public path (``kaltura_async.EntryNotFoundError``), where
# users import these from; pickling resolves the same path.
for _cls in list(globals().values()):
    if isinstance(_cls, type) and issubclass(_cls, KalturaError):
        _cls.__module__ = "kaltura_async"
del _cls
