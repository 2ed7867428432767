"""The HTTP layer: the only module that uses aiohttp's client, the one retry loop, and the
one place where aiohttp errors become kaltura-async errors.

Every request is ``POST {service_url}/api_v3/service/{service}/action/{action}?format=1``
with a JSON body sent as ``Content-Type: application/json`` exactly (the server ignores a
body sent with a charset), or a multipart body with the parameters in a ``json`` field
when files are attached. Only a complete ``200`` JSON answer counts as a response.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Generator, Mapping
from typing import Any, Final

import aiohttp
from yarl import URL

from . import _json
from ._answers import (
    EXCERPT_CHARS,
    BodyTooLarge,
    RequestSecrets,
    ResponseReader,
    excerpt,
    parse_off_loop,
    parses_inline,
    scrub_api_errors,
    unparsable,
)
from ._config import Limits, RetryPolicy, Timeout, retry_after_seconds
from ._errors import (
    KalturaClientStateError,
    KalturaConnectionError,
    KalturaError,
    KalturaHTTPError,
    KalturaRedirectError,
    KalturaResponseTooLargeError,
    KalturaTimeoutError,
    KalturaValidationError,
)
from ._files import FilePart
from ._logging import logger

__all__ = ["Transport"]

JSON_CONTENT_TYPE: Final = "application/json"
_JSON_HEADERS: Final = {"Content-Type": JSON_CONTENT_TYPE}


class _Attempt:
    """What one failed attempt tells the retry loop."""

    __slots__ = ("error", "final", "request_sent", "retry_after", "status")

    def __init__(
        self,
        error: KalturaError,
        *,
        request_sent: bool,
        status: int | None = None,
        final: bool = False,
        retry_after: float | None = None,
    ) -> None:
        self.error = error
        self.request_sent = request_sent
        #: the HTTP status of a non-200 answer (None: no answer, or a garbled one)
        self.status = status
        #: no retry can help (a certificate the client does not trust)
        self.final = final
        self.retry_after = retry_after


class Transport:
    """A pooled aiohttp session bound to one event loop, plus the retry loop."""

    def __init__(
        self,
        service_url: str,
        *,
        timeout: Timeout,
        limits: Limits,
        session: aiohttp.ClientSession | None = None,
        verify_ssl: bool | ssl.SSLContext = True,
        user_agent: str = "kaltura-async",
    ) -> None:
        if not isinstance(verify_ssl, (bool, ssl.SSLContext)):
            raise KalturaValidationError(
                "verify_ssl must be True, False or an ssl.SSLContext", field="verify_ssl"
            )
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise KalturaValidationError(
                "session must be an aiohttp.ClientSession", field="session"
            )
        self.service_url = service_url
        self.timeout = timeout
        self.limits = limits
        self._session = session
        self._owns_session = session is None
        self._verify_ssl = verify_ssl
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._user_agent = user_agent
        # Parsed once per action: building a yarl URL and merging ``params`` on every
        # request costs more than the rest of the request preparation together.
        self._request_urls: dict[tuple[str, str | None], URL] = {}
        self._default_timeout = timeout.to_aiohttp()

    # ------------------------------------------------------------------ lifecycle

    @property
    def closed(self) -> bool:
        return self._closed

    def session(self) -> aiohttp.ClientSession:
        """The pooled session, opened on first use inside the running loop."""
        if self._closed:
            raise KalturaClientStateError("this client is closed")
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise KalturaClientStateError(
                "this client belongs to another event loop; create one client per loop"
            )
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self.limits.max_connections,
                limit_per_host=self.limits.max_connections_per_host,
                keepalive_timeout=self.limits.keepalive_timeout,
                ttl_dns_cache=self.limits.ttl_dns_cache,
                ssl=self._verify_ssl,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self.timeout.to_aiohttp(),
                headers={"User-Agent": self._user_agent, "Accept": JSON_CONTENT_TYPE},
                auto_decompress=True,
            )
        return self._session

    @property
    def connector(self) -> aiohttp.BaseConnector | None:
        return None if self._session is None else self._session.connector

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._session is not None and self._owns_session:
            await self._session.close()

    # ------------------------------------------------------------------ requests

    def url(self, service: str, action: str | None) -> str:
        if action is None:
            return f"{self.service_url}/api_v3/service/{service}"
        return f"{self.service_url}/api_v3/service/{service}/action/{action}"

    def _request_url(self, service: str, action: str | None) -> URL:
        key = (service, action)
        url = self._request_urls.get(key)
        if url is None:
            url = self._request_urls[key] = URL(self.url(service, action)).update_query(format="1")
        return url

    async def post(
        self,
        service: str,
        action: str | None,
        body: Mapping[str, Any],
        *,
        files: list[FilePart] | None = None,
        safe: bool,
        retry: RetryPolicy,
        timeout: Timeout | None = None,
        deadline: float | None = None,
    ) -> Any:
        """POST one request and return its parsed JSON, retrying what may be retried.

        This loop is the only place an HTTP request is sent again: ``retry`` is the whole
        budget (``max_retries`` attempts after the first, waits from its backoff). ``safe``
        calls (reads) retry on connection errors, timeouts, garbled answers and the HTTP
        statuses in ``retry.retry_statuses``. Other calls retry only when the request
        provably never left (the connect phase) or the server refused it unread (429, when
        listed), unless the policy says ``retry_writes``. A write whose answer was lost
        raises :class:`KalturaConnectionError` with ``request_sent=True``.

        ``deadline`` (a ``time.monotonic()`` value; default ``retry.deadline`` from now)
        bounds everything, the attempt in flight included: an attempt gets at most the
        time left, and no wait runs past it.
        """
        session = self.session()
        url = self._request_url(service, action)
        name = f"{service}.{action}" if action else service
        data = _json.dumps(body)
        secrets = RequestSecrets(body)
        replayable = all(f.replayable for f in files) if files else True
        may_retry_sent = (safe or retry.retry_writes) and replayable
        client_timeout = (
            self._default_timeout
            if timeout is None or timeout is self.timeout or timeout == self.timeout
            else timeout.to_aiohttp()
        )
        waits: Generator[float | None, float | None, None] | None = None  # made on a failure
        started = time.monotonic()
        if deadline is None and retry.deadline is not None:
            deadline = started + retry.deadline
        attempt = 0
        while True:
            attempt += 1
            attempt_timeout = client_timeout
            if deadline is not None:
                attempt_timeout = _capped(client_timeout, deadline - time.monotonic(), name)
            try:
                result = await self._once(session, url, data, files, attempt_timeout, name, secrets)
            except _AttemptFailed as failed:
                info = failed.info
                if info.status is not None:
                    # 429: the server refused the request without acting on it, so even a
                    # write may go again (if its body can be sent again).
                    retry_ok = info.status in retry.retry_statuses and (
                        may_retry_sent or (info.status == 429 and replayable)
                    )
                else:
                    retry_ok = not info.final and (not info.request_sent or may_retry_sent)
                if attempt_timeout is not client_timeout and isinstance(
                    info.error, KalturaTimeoutError
                ):
                    info.error = KalturaTimeoutError(
                        f"{name}: the call's deadline passed during the request",
                        request_sent=info.request_sent,
                        service=service,
                        action=action,
                    )
                if retry_ok and waits is None:
                    waits = retry.delays()
                    next(waits)
                wait = waits.send(info.retry_after) if retry_ok and waits is not None else None
                if wait is not None and deadline is not None and time.monotonic() + wait > deadline:
                    wait = None
                if wait is None:
                    if logger.isEnabledFor(logging.DEBUG):
                        logger.debug(
                            "%s failed after %d attempt(s) in %.3fs: %s",
                            name,
                            attempt,
                            time.monotonic() - started,
                            type(info.error).__name__,
                        )
                    raise info.error from failed.__cause__
                logger.info(
                    "retrying %s (attempt %d) in %.2fs after %s",
                    name,
                    attempt + 1,
                    wait,
                    type(info.error).__name__,
                )
                await asyncio.sleep(wait)
                continue
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s -> 200 in %.3fs (%d retries)", name, time.monotonic() - started, attempt - 1
                )
            return result

    async def _once(
        self,
        session: aiohttp.ClientSession,
        url: URL,
        data: bytes,
        files: list[FilePart] | None,
        timeout: aiohttp.ClientTimeout,
        name: str,
        secrets: RequestSecrets,
    ) -> Any:
        service, _, action_name = name.partition(".")
        action = action_name or None
        try:
            if files:
                form = aiohttp.FormData(quote_fields=False)
                form.add_field("json", data.decode(), content_type=JSON_CONTENT_TYPE)
                for part in files:
                    form.add_field(
                        part.field,
                        part.payload(),
                        filename=part.filename,
                        content_type=part.content_type,
                    )
                # Never follow a redirect: the request carries the KS (and secrets).
                request: Any = session.post(url, data=form, timeout=timeout, allow_redirects=False)
            else:
                request = session.post(
                    url,
                    data=data,
                    headers=_JSON_HEADERS,
                    timeout=timeout,
                    allow_redirects=False,
                )
            async with request as resp:
                status = resp.status
                if 300 <= status < 400:
                    raise _AttemptFailed(
                        _Attempt(
                            self._redirect(resp, status, service, action),
                            request_sent=True,
                            final=True,
                        )
                    )
                try:
                    raw = await ResponseReader(self.limits.max_response_size).read(resp)
                except BodyTooLarge:
                    raise _AttemptFailed(
                        _Attempt(
                            KalturaResponseTooLargeError(
                                self.limits.max_response_size, service=service, action=action
                            ),
                            request_sent=True,
                            final=True,
                        )
                    ) from None
                content_type = resp.headers.get("Content-Type", "")
                if status != 200:
                    retry_after = retry_after_seconds(resp.headers)
                    raise _AttemptFailed(
                        _Attempt(
                            KalturaHTTPError(
                                status,
                                excerpt(raw, secrets.values, EXCERPT_CHARS),
                                retry_after=retry_after,
                                service=service,
                                action=action,
                            ),
                            request_sent=True,
                            status=status,
                            retry_after=retry_after,
                        )
                    )
        except _AttemptFailed:
            raise
        except asyncio.CancelledError:
            raise
        except aiohttp.ConnectionTimeoutError as err:
            raise _AttemptFailed(
                _Attempt(
                    KalturaTimeoutError(
                        f"connect timeout to {name}", service=service, action=action
                    ),
                    request_sent=False,
                )
            ) from err
        except aiohttp.ClientConnectorCertificateError as err:
            raise _AttemptFailed(
                _Attempt(
                    KalturaConnectionError(
                        f"TLS certificate not trusted for {name}: {err.certificate_error}",
                        service=service,
                        action=action,
                    ),
                    request_sent=False,
                    final=True,
                )
            ) from err
        except aiohttp.ClientConnectorError as err:
            raise _AttemptFailed(
                _Attempt(
                    KalturaConnectionError(
                        f"cannot connect for {name}: {err.os_error}", service=service, action=action
                    ),
                    request_sent=False,
                )
            ) from err
        except (aiohttp.ServerTimeoutError, TimeoutError) as err:
            raise _AttemptFailed(
                _Attempt(
                    KalturaTimeoutError(
                        f"timed out waiting for {name}",
                        request_sent=True,
                        service=service,
                        action=action,
                    ),
                    request_sent=True,
                )
            ) from err
        except (aiohttp.ClientError, OSError) as err:
            # ClientConnectorError (the connect phase) was caught above: whatever broke
            # here broke after the request started leaving, so the server may have acted.
            raise _AttemptFailed(
                _Attempt(
                    KalturaConnectionError(
                        f"connection lost during {name}: {type(err).__name__}",
                        request_sent=True,
                        service=service,
                        action=action,
                    ),
                    request_sent=True,
                )
            ) from err
        try:
            # A small body (the common case) is parsed right here, without a coroutine.
            result = _json.loads(bytes(raw)) if parses_inline(raw) else await parse_off_loop(raw)
        except (ValueError, RecursionError) as err:
            error, cause = unparsable(raw, content_type, name, secrets.values, err)
            raise _AttemptFailed(_Attempt(error, request_sent=True)) from cause
        del raw
        if secrets.needed_for(result):
            scrub_api_errors(result, secrets.values)
        return result

    def _redirect(
        self, resp: aiohttp.ClientResponse, status: int, service: str, action: str | None
    ) -> KalturaRedirectError:
        """The error for a 3xx: the target host, and the https address when it is ours."""
        location = resp.headers.get("Location")
        host: str | None = None
        suggestion: str | None = None
        if location:
            try:
                target: URL | None = URL(self.url(service, action)).join(URL(location))
            except ValueError:
                target = None
            if target is not None and target.host:
                host = target.host
                here = URL(self.service_url)
                if target.host == here.host and target.scheme == "https" != here.scheme:
                    port = "" if target.port in (None, 443) else f":{target.port}"
                    suggestion = f"https://{target.host}{port}{here.path.rstrip('/')}"
        return KalturaRedirectError(
            status,
            location_host=host,
            suggested_service_url=suggestion,
            service=service,
            action=action,
        )


def _capped(timeout: aiohttp.ClientTimeout, left: float, name: str) -> aiohttp.ClientTimeout:
    """``timeout`` with its total cut to the ``left`` seconds of the call's deadline."""
    if left <= 0:
        service, _, action = name.partition(".")
        raise KalturaTimeoutError(
            f"{name}: the call's deadline passed before the request was sent",
            service=service,
            action=action or None,
        )
    if timeout.total is not None and timeout.total <= left:
        return timeout
    return aiohttp.ClientTimeout(
        total=left,
        connect=timeout.connect,
        sock_read=timeout.sock_read,
        sock_connect=timeout.sock_connect,
        ceil_threshold=timeout.ceil_threshold,
    )


class _AttemptFailed(Exception):
    """Internal: carries one failed attempt to the retry loop."""

    def __init__(self, info: _Attempt) -> None:
        super().__init__(str(info.error))
        self.info = info
