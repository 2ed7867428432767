"""Client configuration: timeouts, retry policy, connection limits and per-call options.

All of these are frozen attrs classes: a policy never mutates, ``evolve`` makes a copy.
"""

from __future__ import annotations

import enum
import math
import random
import time
from collections.abc import Generator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, TypedDict

import attrs

from ._errors import KalturaValidationError

if TYPE_CHECKING:
    import aiohttp

    from ._model import KalturaObject

__all__ = [
    "USE_CLIENT_DEFAULT",
    "OptionChanges",
    "UseClientDefault",
    "option_changes",
    "INT32_MAX",
    "INT32_MIN",
    "Limits",
    "RequestOptions",
    "RetryPolicy",
    "retry_after_seconds",
    "Timeout",
    "check_text",
]


def check_text(value: str, name: str) -> str:
    """``value`` if it can go on the wire: encodable as UTF-8 (no lone surrogate), no NUL."""
    if "\x00" in value:
        raise KalturaValidationError(f"{name} contains a NUL character", field=name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise KalturaValidationError(
            f"{name} is not encodable as UTF-8 (a lone surrogate at index {exc.start})",
            field=name,
        ) from None
    return value


def _number(name: str, *, minimum: float, inclusive: bool, optional: bool) -> Any:
    """A finite int or float (never a bool) above ``minimum``; None too when ``optional``."""
    bound = f">= {minimum:g}" if inclusive else f"> {minimum:g}"
    expected = f"a finite number {bound}" + (" or None" if optional else "")

    def check(_inst: object, _attr: object, value: Any) -> None:
        if value is None and optional:
            return
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or (value < minimum if inclusive else value <= minimum)
        ):
            shown = type(value).__name__ if not isinstance(value, (int, float)) else value
            raise KalturaValidationError(f"{name} must be {expected}, got {shown}", field=name)

    return check


def _strict_bool(name: str) -> Any:
    def check(_inst: object, _attr: object, value: Any) -> None:
        if not isinstance(value, bool):
            raise KalturaValidationError(
                f"{name} must be True or False, got {type(value).__name__}", field=name
            )

    return check


def _statuses(value: Any) -> frozenset[int]:
    """Any iterable of HTTP statuses as a frozenset (a str is not one); checked after."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise KalturaValidationError(
            f"retry.retry_statuses must be a set of HTTP status ints, got {type(value).__name__}",
            field="retry.retry_statuses",
        )
    return frozenset(value)


def _check_statuses(_inst: object, _attr: object, value: frozenset[Any]) -> None:
    for status in value:
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            shown = status if isinstance(status, int) else f"a {type(status).__name__}"
            raise KalturaValidationError(
                f"retry.retry_statuses holds HTTP error statuses (ints 400-599), got {shown}",
                field="retry.retry_statuses",
            )


class UseClientDefault(enum.Enum):
    """The type of :data:`USE_CLIENT_DEFAULT` (an enum, so a checker narrows ``is``)."""

    USE_CLIENT_DEFAULT = "USE_CLIENT_DEFAULT"

    def __repr__(self) -> str:
        return "USE_CLIENT_DEFAULT"


#: "Use the client's value": the default of every ``with_options`` keyword. It is not
#: ``None``, because ``None`` has a meaning of its own there (``timeout=None``: no timeout;
#: ``retry=None``: no retries). Pass it to forward an option you may not have.
USE_CLIENT_DEFAULT: Final = UseClientDefault.USE_CLIENT_DEFAULT


class OptionChanges(TypedDict, total=False):
    """The ``with_options`` keywords, for ``**options`` of batches (each one optional)."""

    ks: str | UseClientDefault
    partner_id: int | UseClientDefault
    client_tag: str | UseClientDefault
    response_profile: KalturaObject | Mapping[str, Any] | UseClientDefault
    language: str | UseClientDefault
    timeout: Timeout | UseClientDefault | None
    retry: RetryPolicy | UseClientDefault | None
    idempotent: bool | UseClientDefault


def option_changes(given: Mapping[str, object]) -> dict[str, Any]:
    """``with_options`` keywords as :class:`RequestOptions` fields: ``USE_CLIENT_DEFAULT``
    dropped, ``timeout=None`` as :meth:`Timeout.none`, ``retry=None`` as
    :meth:`RetryPolicy.none`. ``None`` for any other option is refused: leave it out."""
    changes: dict[str, Any] = {}
    for name, value in given.items():
        if value is USE_CLIENT_DEFAULT:
            continue
        if value is None:
            if name == "timeout":
                value = Timeout.none()
            elif name == "retry":
                value = RetryPolicy.none()
            else:
                raise KalturaValidationError(
                    f"{name}=None has no meaning; leave {name} out to use the client's value",
                    field=name,
                )
        changes[name] = value
    return changes


def _positive_or_none(name: str) -> Any:
    def check(_inst: object, _attr: object, value: float | None) -> None:
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value <= 0
        ):
            raise KalturaValidationError(f"{name} must be a positive number or None", field=name)

    return check


def _count(name: str) -> Any:
    """An int >= 0 (aiohttp reads 0 as "no limit"), or None where aiohttp allows it."""

    def check(_inst: object, attr: attrs.Attribute[Any], value: int | None) -> None:
        if value is None and attr.name == "ttl_dns_cache":
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise KalturaValidationError(f"{name} must be an int >= 0", field=name)

    return check


#: See :class:`Limits`: one answer, after decompression.
DEFAULT_MAX_RESPONSE_SIZE = 128 * 1024 * 1024

#: Kaltura's ``int`` (partner ids among them) is a 32-bit signed integer.
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def _optional(name: str, *types: type, non_empty: bool = False) -> Any:
    """None, or an instance of ``types`` (never a bool passed for an int); strings must be
    sendable (:func:`check_text`), ints fit Kaltura's 32-bit ``int``."""

    def check(_inst: object, _attr: object, value: Any) -> None:
        if value is None:
            return
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            expected = " or ".join(t.__name__ for t in types)
            raise KalturaValidationError(
                f"{name} must be {expected} or None, got {type(value).__name__}", field=name
            )
        if non_empty and not value:
            raise KalturaValidationError(f"{name} must not be empty", field=name)
        if isinstance(value, str):
            check_text(value, name)
        elif isinstance(value, int) and not isinstance(value, bool):
            if not INT32_MIN <= value <= INT32_MAX:
                raise KalturaValidationError(
                    f"{name} must fit a 32-bit int ({INT32_MIN} to {INT32_MAX})", field=name
                )

    return check


def _response_profile(_inst: object, _attr: object, value: Any) -> None:
    from collections.abc import Mapping

    from ._model import KalturaObject

    if value is not None and not isinstance(value, (KalturaObject, Mapping)):
        raise KalturaValidationError(
            "response_profile must be a Kaltura response profile object (e.g. "
            f"DetachedResponseProfile) or a mapping, got {type(value).__name__}",
            field="response_profile",
        )


@attrs.frozen(kw_only=True)
class Timeout:
    """Timeouts in seconds; ``None`` disables one.

    Defaults: ``total=60`` bounds one HTTP attempt (a slow ``media.list`` with a large
    response profile takes seconds, never a minute); ``connect=10`` covers DNS + TCP + TLS
    to a regional endpoint with margin; ``sock_read`` (the silence allowed between two
    reads) is off, because ``total`` already bounds a stalled answer and a read timer
    re-armed on every received packet costs the event loop about 7 us per call with 256
    calls in flight (``benchmarks``). Upload chunks, whose totals run to minutes, get
    their own totals and a 90 s ``sock_read`` (see ``client.upload``).

    ``connect`` also bounds the wait for a free connection of the pool (aiohttp counts
    that wait as part of connecting), so a pool that stays full fails as a connect timeout.
    """

    total: float | None = attrs.field(default=60.0, validator=_positive_or_none("timeout.total"))
    connect: float | None = attrs.field(
        default=10.0, validator=_positive_or_none("timeout.connect")
    )
    sock_read: float | None = attrs.field(
        default=None, validator=_positive_or_none("timeout.sock_read")
    )

    @classmethod
    def none(cls) -> Timeout:
        """No timeout at all (what ``with_options(timeout=None)`` means)."""
        return cls(total=None, connect=None, sock_read=None)

    def to_aiohttp(self) -> aiohttp.ClientTimeout:
        import aiohttp

        return aiohttp.ClientTimeout(
            total=self.total, connect=self.connect, sock_read=self.sock_read
        )


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The wait a ``Retry-After`` header asks for, in seconds (0 or more), from either of its
    forms (RFC 9110 §10.2.3: delay-seconds or an HTTP date); None when absent or unreadable."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    # The HTTP-date form is rare: its parser (and the email package) load on first use.
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How failed attempts are retried: the one budget for every HTTP attempt of a call.

    Only the transport sends a request again, and only within this policy: single calls,
    each multirequest of a batch and each chunk of an upload alike.

    Defaults: up to 3 retries (4 attempts), ``base_delay=1`` doubling per attempt with full
    jitter (AWS's "full jitter": a uniform draw in ``[0, min(cap, base * 2**n)]``, which
    spreads a fleet of workers that failed together), capped at ``max_delay=20`` s; the
    waits come from ``backoff.expo`` and ``backoff.full_jitter``. ``Retry-After`` is
    honoured up to ``max_retry_after=60`` s (a longer wait is not retried: the caller
    decides). ``deadline=120`` s bounds the whole call, the attempt in flight included (it
    is cut short when the deadline comes first). ``retry_statuses`` are the HTTP statuses
    worth another attempt: 408, 429, 500, 502, 503 and 504 (501 Not Implemented and the
    other 4xx will answer the same again). ``retry_writes=False``: a write is re-sent only
    when it provably never left this process (connect phase) or the server refused it
    unread (429), so a lost response never creates a second entry.
    """

    max_retries: int = attrs.field(default=3)
    base_delay: float = attrs.field(
        default=1.0,
        validator=_number("retry.base_delay", minimum=0, inclusive=True, optional=False),
    )
    max_delay: float = attrs.field(
        default=20.0,
        validator=_number("retry.max_delay", minimum=0, inclusive=True, optional=False),
    )
    max_retry_after: float = attrs.field(
        default=60.0,
        validator=_number("retry.max_retry_after", minimum=0, inclusive=True, optional=False),
    )
    deadline: float | None = attrs.field(
        default=120.0,
        validator=_number("retry.deadline", minimum=0, inclusive=False, optional=True),
    )
    retry_writes: bool = attrs.field(default=False, validator=_strict_bool("retry.retry_writes"))
    retry_statuses: frozenset[int] = attrs.field(
        default=frozenset({408, 429, 500, 502, 503, 504}),
        converter=_statuses,
        validator=_check_statuses,
    )

    @max_retries.validator
    def _check_retries(self, _attr: object, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise KalturaValidationError(
                "retry.max_retries must be an int >= 0", field="retry.max_retries"
            )

    def ceilings(self) -> Iterator[float]:
        """The un-jittered delay ceilings of retries 1, 2, 3...: backoff's exponential."""
        import backoff  # on the first retry: most processes never wait for one

        gen = backoff.expo(base=2, factor=self.base_delay, max_value=self.max_delay)
        next(gen)  # backoff's wait generators are primed before their first value
        return gen

    def delays(
        self, rng: random.Random | None = None
    ) -> Generator[float | None, float | None, None]:
        """Yield the wait before each retry, or None when the call must not be retried.

        Send the server's ``Retry-After`` (seconds, or None) for the failure being handled:
        it wins over the computed backoff (the server knows its own load), and one beyond
        ``max_retry_after`` stops retrying. Full jitter: a uniform draw in
        ``[0, ceiling]``, which spreads a fleet of workers that failed together.
        """
        import backoff

        jitter = backoff.full_jitter if rng is None else (lambda v: rng.uniform(0.0, v))
        ceilings = self.ceilings()
        retry_after = yield None  # primed by the caller with send(None)
        for _ in range(self.max_retries):
            ceiling = next(ceilings)
            if retry_after is not None:
                if retry_after > self.max_retry_after:
                    break
                retry_after = yield max(0.0, retry_after)
            else:
                retry_after = yield jitter(ceiling)
        while True:
            yield None

    @classmethod
    def none(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_retries=0)


@attrs.frozen(kw_only=True)
class Limits:
    """Connection pool limits.

    Defaults: 100 connections in all (aiohttp's own default, enough for a backend serving
    hundreds of concurrent requests), 100 per host (one Kaltura endpoint is the usual only
    host, so the per-host cap must not be lower than the total), keep-alive 30 s (below
    the 60 s idle timeout common on load balancers, so we never reuse a socket the far
    side is closing).

    ``max_response_size`` (default 128 MiB, ``0`` for no cap) bounds one answer after
    decompression, so a never-ending chunked body or a gzip bomb ends in a typed error
    instead of exhausting memory. The default holds the largest real answers with room to
    spare: a 500-entry ``media.list`` page is about 1.5 MB, and with a response profile
    that adds flavors, thumbnails and metadata to every entry rarely more than 50 MB; a
    multirequest of 100 such pages would need a higher cap, set it then.
    """

    max_connections: int = attrs.field(default=100, validator=_count("limits.max_connections"))
    max_connections_per_host: int = attrs.field(
        default=100, validator=_count("limits.max_connections_per_host")
    )
    keepalive_timeout: float = attrs.field(
        default=30.0, validator=_positive_or_none("limits.keepalive_timeout")
    )
    ttl_dns_cache: int | None = attrs.field(default=300, validator=_count("limits.ttl_dns_cache"))
    #: Bytes one answer may hold after decompression, counted while it streams in; past it
    #: the call raises ``KalturaResponseTooLargeError`` and the connection is dropped.
    max_response_size: int = attrs.field(
        default=DEFAULT_MAX_RESPONSE_SIZE, validator=_count("limits.max_response_size")
    )


@attrs.frozen(kw_only=True)
class RequestOptions:
    """Options of one call or one client view; ``None`` means "inherit"."""

    ks: str | None = attrs.field(
        default=None, repr=False, validator=_optional("ks", str, non_empty=True)
    )
    partner_id: int | None = attrs.field(default=None, validator=_optional("partner_id", int))
    client_tag: str | None = attrs.field(default=None, validator=_optional("client_tag", str))
    response_profile: Any = attrs.field(default=None, validator=_response_profile)
    language: str | None = attrs.field(
        default=None, validator=_optional("language", str, non_empty=True)
    )
    timeout: Timeout | None = attrs.field(default=None, validator=_optional("timeout", Timeout))
    retry: RetryPolicy | None = attrs.field(default=None, validator=_optional("retry", RetryPolicy))
    #: force this call to be treated as safe (True) or unsafe (False) to retry
    idempotent: bool | None = attrs.field(default=None, validator=_optional("idempotent", bool))

    def merge(self, **changes: Any) -> RequestOptions:
        unknown = set(changes) - {a.name for a in attrs.fields(RequestOptions)}
        if unknown:
            name = sorted(unknown)[0]
            raise KalturaValidationError(f"unknown request option {name!r}", field=name)
        return attrs.evolve(self, **changes)

    def over(self, base: RequestOptions) -> RequestOptions:
        """These options, falling back to ``base`` for anything unset."""
        return RequestOptions(
            **{
                a.name: getattr(self, a.name)
                if getattr(self, a.name) is not None
                else getattr(base, a.name)
                for a in attrs.fields(RequestOptions)
            }
        )

    def __repr__(self) -> str:
        shown = {
            a.name: getattr(self, a.name)
            for a in attrs.fields(RequestOptions)
            if getattr(self, a.name) is not None and a.name != "ks"
        }
        if self.ks is not None:
            shown["ks"] = "<redacted>"
        return "RequestOptions(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"
