"""KalturaClient: configuration, lifecycle, lazy service attributes and sending calls."""

from __future__ import annotations

import importlib
import re
from collections.abc import Awaitable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Never, TypeVar, Unpack
from urllib.parse import urlsplit

from ._call import ActionSpec, Call, is_safe_action
from ._checks import check_int, check_optional_int
from ._config import (
    USE_CLIENT_DEFAULT,
    Limits,
    RequestOptions,
    RetryPolicy,
    Timeout,
    UseClientDefault,
    option_changes,
)
from ._errors import KalturaValidationError
from ._kind import Kind
from ._logging import logger
from ._transport import Transport
from .regions import DEFAULT_SERVICE_URL, REGIONS

if TYPE_CHECKING:
    import ssl

    import aiohttp
    import anyio

    from ._model import KalturaObject
    from ._multirequest import BatchOptions, MultiRequest, MultiResponse
    from ._pagination import Paginator, Strategy
    from ._partition import Partition
    from ._readers import UploadSource
    from ._session import KSProvider
    from ._upload import ProgressCallback
    from .services._accessors import ServiceAccessors
    from .types.media_entry import MediaEntry
    from .types.upload_token import UploadToken
else:
    # Service attributes resolve lazily in __getattr__; the generated accessor class only
    # carries their types for checkers, so importing it at run time would buy nothing.
    ServiceAccessors = object

__all__ = ["KalturaClient"]

T = TypeVar("T")

DEFAULT_CLIENT_TAG = "kaltura-async"


def normalize_service_url(url: str) -> str:
    """``https://host[:port][/prefix]`` without ``/api_v3`` or a trailing slash."""
    if not isinstance(url, str) or not url.strip():
        raise KalturaValidationError("service_url must be a non-empty string", field="service_url")
    text = url.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        # Not the URL itself: its user info may hold a password.
        what = (
            "no host"
            if parts.scheme in ("http", "https")
            else f"the scheme {parts.scheme!r}"
            if parts.scheme
            else "no scheme"
        )
        raise KalturaValidationError(
            f"service_url must be an http(s) URL with a host (this one has {what})",
            field="service_url",
        )
    if parts.query or parts.fragment:
        raise KalturaValidationError(
            "service_url must not carry a query or fragment", field="service_url"
        )
    text = re.sub(r"/api_v3(/index\.php)?$", "", text, flags=re.IGNORECASE)
    return text.rstrip("/")


class _Shared:
    """What a client and all its ``with_options`` views share."""

    __slots__ = ("ks_provider", "limiter", "transport")

    def __init__(self, transport: Transport, ks_provider: KSProvider | None) -> None:
        self.transport = transport
        self.ks_provider = ks_provider
        self.limiter: anyio.CapacityLimiter | None = None


class KalturaClient(ServiceAccessors):
    """An async Kaltura API v3 client. One per process (or per event loop) is the norm.

    Services are attributes (``client.media``, ``client.upload_token``, ...) whose methods
    return :class:`Call` objects; ``await`` one to send it. Use it as an async context
    manager, or call :meth:`aclose` when done.
    """

    def __init__(
        self,
        service_url: str = DEFAULT_SERVICE_URL,
        *,
        partner_id: int | None = None,
        ks: str | None = None,
        ks_provider: KSProvider | None = None,
        client_tag: str = DEFAULT_CLIENT_TAG,
        timeout: Timeout | None = None,
        retry: RetryPolicy | None = None,
        limits: Limits | None = None,
        session: aiohttp.ClientSession | None = None,
        verify_ssl: bool | ssl.SSLContext = True,
        max_concurrency: int = 64,
    ) -> None:
        url = normalize_service_url(service_url)
        if partner_id is not None and (
            isinstance(partner_id, bool) or not isinstance(partner_id, int)
        ):
            raise KalturaValidationError("partner_id must be an int", field="partner_id")
        if ks is not None and (not isinstance(ks, str) or not ks):
            raise KalturaValidationError("ks must be a non-empty string", field="ks")
        if ks is not None and ks_provider is not None:
            raise KalturaValidationError("give ks or ks_provider, not both", field="ks_provider")
        if not isinstance(client_tag, str):
            raise KalturaValidationError("client_tag must be a string", field="client_tag")
        check_int(max_concurrency, "max_concurrency", low=1)
        for name, value, cls in (
            ("timeout", timeout, Timeout),
            ("retry", retry, RetryPolicy),
            ("limits", limits, Limits),
        ):
            if value is not None and not isinstance(value, cls):
                raise KalturaValidationError(f"{name} must be a {cls.__name__}", field=name)
        if verify_ssl is False:
            logger.warning(
                "TLS certificate verification is OFF for %s: use only against a test server", url
            )
        self._service_url = url
        self._max_concurrency = max_concurrency
        # One object for both: the transport recognises its own timeout by identity.
        timeout = timeout or Timeout()
        self._shared = _Shared(
            Transport(
                url,
                timeout=timeout,
                limits=limits or Limits(),
                session=session,
                verify_ssl=verify_ssl,
            ),
            ks_provider,
        )
        self._options = RequestOptions(
            ks=ks,
            partner_id=partner_id,
            client_tag=client_tag,
            timeout=timeout,
            retry=retry or RetryPolicy(),
        )
        self._owner = True
        self._use_provider = ks_provider is not None

    # ------------------------------------------------------------------ construction

    @classmethod
    def for_region(cls, region: str, **kwargs: Any) -> KalturaClient:
        """A client for one of the six regional SaaS endpoints (``nvp1``, ``frp2``, ...)."""
        if not isinstance(region, str) or region.lower() not in REGIONS:
            raise KalturaValidationError(
                f"unknown region {region!r}; one of {', '.join(sorted(REGIONS))}", field="region"
            )
        return cls(REGIONS[region.lower()], **kwargs)

    def with_options(
        self,
        *,
        ks: str | UseClientDefault = USE_CLIENT_DEFAULT,
        partner_id: int | UseClientDefault = USE_CLIENT_DEFAULT,
        client_tag: str | UseClientDefault = USE_CLIENT_DEFAULT,
        response_profile: KalturaObject | Mapping[str, Any] | UseClientDefault = USE_CLIENT_DEFAULT,
        language: str | UseClientDefault = USE_CLIENT_DEFAULT,
        timeout: Timeout | UseClientDefault | None = USE_CLIENT_DEFAULT,
        retry: RetryPolicy | UseClientDefault | None = USE_CLIENT_DEFAULT,
        idempotent: bool | UseClientDefault = USE_CLIENT_DEFAULT,
        **unknown: Never,
    ) -> KalturaClient:
        """A cheap view of this client with other defaults, sharing its connection pool.

        Every keyword defaults to :data:`USE_CLIENT_DEFAULT` (keep the current value).
        ``timeout=None`` means no timeout at all and ``retry=None`` no retries; ``None`` is
        refused for the others. ``idempotent`` says whether the call may be sent again
        after it may have reached the server (default: reads yes, writes no).
        A view given a ``ks`` uses it instead of the client's KS provider. A view's
        ``aclose`` does nothing: the client that opened the pool closes it.
        """
        changes = option_changes(
            {
                **unknown,
                "ks": ks,
                "partner_id": partner_id,
                "client_tag": client_tag,
                "response_profile": response_profile,
                "language": language,
                "timeout": timeout,
                "retry": retry,
                "idempotent": idempotent,
            }
        )
        view = object.__new__(type(self))
        view.__dict__.update(
            {k: v for k, v in self.__dict__.items() if k.startswith("_") and not k.startswith("__")}
        )
        view._options = self._options.merge(**changes)
        view._owner = False
        if "ks" in changes:
            view._use_provider = False
        return view

    def _provider_view(self) -> KalturaClient:
        """This client without KS or provider: what a KS provider talks through."""
        view = self.with_options()
        view._options = RequestOptions(
            partner_id=self._options.partner_id,
            client_tag=self._options.client_tag,
            timeout=self._options.timeout,
            retry=self._options.retry,
        )
        view._use_provider = False
        return view

    # ------------------------------------------------------------------ properties

    @property
    def service_url(self) -> str:
        return self._service_url

    @property
    def partner_id(self) -> int | None:
        return self._options.partner_id

    @property
    def options(self) -> RequestOptions:
        return self._options

    @property
    def ks_provider(self) -> KSProvider | None:
        return self._shared.ks_provider

    @property
    def transport(self) -> Transport:
        return self._shared.transport

    @property
    def closed(self) -> bool:
        return self._shared.transport.closed

    def __repr__(self) -> str:
        auth = (
            "ks=<redacted>"
            if self._options.ks
            else (
                f"ks_provider={type(self._shared.ks_provider).__name__}"
                if self._use_provider
                else "no ks"
            )
        )
        return f"KalturaClient(service_url={self._service_url!r}, partner_id={self.partner_id}, {auth})"

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> KalturaClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool this client opened (never a caller-supplied session)."""
        if self._owner:
            await self._shared.transport.aclose()

    # ------------------------------------------------------------------ services

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            from .services._registry import SERVICES
        except ImportError:  # pragma: no cover - the generated package is always shipped
            SERVICES = {}
        where = SERVICES.get(name)
        if where is None:
            raise AttributeError(f"{type(self).__name__!s} has no service or attribute {name!r}")
        module = importlib.import_module(f"kaltura_async.services.{where[0]}")
        service = getattr(module, where[1])(self)
        self.__dict__[name] = service
        return service

    def call(self, service: str, action: str, /, **params: Any) -> Call[Any]:
        """An untyped call, for actions newer than the generated code (or quick scripts).

        Parameters use wire names (``entryId``); values are encoded from their Python
        types; the result is decoded by ``objectType`` (unknown types stay dicts).
        """
        for label, value in (("service", service), ("action", action)):
            if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", value):
                raise KalturaValidationError(
                    f"{label} must be a Kaltura identifier string, got {value!r}", field=label
                )
        spec = ActionSpec(
            service,
            action,
            tuple((name, Kind.UNTYPED) for name in params),
            Kind.UNTYPED,
            safe=is_safe_action(action),
        )
        return Call(self, spec, params)

    # ------------------------------------------------------------------ sending

    def _active_provider(self) -> KSProvider | None:
        """The KS provider calls without a KS of their own use (None in a view that was
        given a fixed KS, and in the view a provider itself talks through)."""
        return self._shared.ks_provider if self._use_provider else None

    # ------------------------------------------------------------------ concurrency

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """The client-wide bound on calls that ``gather`` and batches run at once."""
        if self._shared.limiter is None:
            import anyio  # on first use: a client that only awaits calls never needs it

            self._shared.limiter = anyio.CapacityLimiter(self._max_concurrency)
        return self._shared.limiter

    async def gather(self, *calls: Awaitable[T], limit: int | None = None) -> list[T]:
        """Run independent calls concurrently; results in order; the first error raises
        (the others are cancelled). For per-call outcomes use a ``MultiRequest`` with
        ``strategy="concurrent"``."""
        import anyio

        check_optional_int(limit, "limit", low=1)
        results: list[Any] = [None] * len(calls)
        local = anyio.CapacityLimiter(limit) if limit is not None else None
        shared = self.limiter

        async def run(i: int, aw: Awaitable[T]) -> None:
            if local is not None:
                async with local, shared:
                    results[i] = await aw
            else:
                async with shared:
                    results[i] = await aw

        try:
            async with anyio.create_task_group() as tg:
                for i, aw in enumerate(calls):
                    tg.start_soon(run, i, aw)
        except BaseExceptionGroup as group:
            first = _first_error(group)
            if first is not None:
                raise first from None
            raise
        return results

    # ------------------------------------------------------------------ batches

    def multirequest(self, *calls: Call[Any], **options: Unpack[BatchOptions]) -> MultiRequest:
        """A :class:`MultiRequest` builder, optionally seeded with ``calls``."""
        from ._multirequest import MultiRequest

        mr = MultiRequest(self, **options)
        for call in calls:
            mr.add(call)
        return mr

    async def batch(self, *calls: Call[Any], **options: Unpack[BatchOptions]) -> MultiResponse:
        """Run ``calls`` as one multirequest and return the per-call results."""
        return await self.multirequest(*calls, **options).execute()

    # ------------------------------------------------------------------ uploads

    async def upload(
        self,
        source: UploadSource,
        *,
        file_name: str | None = None,
        chunk_size: int | None = None,
        parallel: int | None = None,
        progress: ProgressCallback | None = None,
        upload_token_id: str | None = None,
    ) -> UploadToken:
        """Upload a file in chunks, ``parallel`` at once, and return the FULL upload token.

        ``source`` is a path, bytes, a binary file object or an async iterator of bytes; it
        is streamed. ``chunk_size`` defaults to 32 MiB for a path, a disk file or bytes
        (read by position as each chunk is sent: memory stays near ``2 * parallel`` MiB)
        and to 8 MiB for an async iterable or another file object (each chunk is held
        while sent: memory stays near ``(parallel + 1) * chunk_size``); ``parallel``
        defaults to 2.
        Failed chunks are sent again. ``progress(bytes_sent, total)`` is called as chunks
        complete (``total`` is None for a stream of unknown size). ``upload_token_id``
        resumes an interrupted upload (after a cancel or a crash) from the bytes the token
        already holds. Only the file's base name is ever sent.
        """
        from ._upload import DEFAULT_PARALLEL, upload

        return await upload(
            self,
            source,
            file_name=file_name,
            chunk_size=chunk_size,
            parallel=DEFAULT_PARALLEL if parallel is None else parallel,
            progress=progress,
            upload_token_id=upload_token_id,
        )

    async def ingest(
        self,
        source: UploadSource,
        entry: MediaEntry | None = None,
        *,
        wait_ready: bool = False,
        timeout: float = 3600.0,
        poll_interval: float = 2.0,
        **upload_kwargs: Any,
    ) -> MediaEntry:
        """Upload ``source``, then ``media.add`` + ``media.addContent`` in one multirequest.

        ``entry`` defaults to a video entry named after the file. With ``wait_ready`` the
        entry is polled (from ``poll_interval`` seconds, growing) until READY; a failed
        conversion raises ``EntryProcessingError``, and ``timeout`` seconds without READY
        raise ``KalturaTimeoutError``. ``upload_kwargs`` go to :meth:`upload`.
        """
        from ._ingest import ingest

        return await ingest(
            self,
            source,
            entry,
            wait_ready=wait_ready,
            timeout=timeout,
            poll_interval=poll_interval,
            **upload_kwargs,
        )

    # pagination

    def paginate(
        self, list_call: Call[T], *, page_size: int = 500, strategy: Strategy = "pages"
    ) -> Paginator[T]:
        """Iterate a list call across pages: ``async for item in client.paginate(call)``.

        ``.pages()`` yields the list responses instead. ``strategy="cursor"`` walks entry
        lists past the server's 10,000-result window (see :mod:`kaltura_async._pagination`).
        """
        from ._pagination import Paginator

        return Paginator(self, list_call, page_size=page_size, strategy=strategy)

    async def partition(self, list_call: Call[T], *, parts: int) -> list[Partition[T]]:
        """Split an entry list call into at most ``parts`` disjoint ``createdAt`` windows,
        sized from count queries; walk each with ``partition.paginate()`` (the cursor walk).

        Every entry the call's filter matches is in exactly one window (see
        :mod:`kaltura_async._partition`).
        """
        from ._partition import partition

        return await partition(self, list_call, parts=parts)


def _first_error(group: BaseExceptionGroup[BaseException]) -> BaseException | None:
    import anyio

    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            inner = _first_error(exc)
            if inner is not None:
                return inner
        elif not isinstance(exc, anyio.get_cancelled_exc_class()):
            return exc
    return None
