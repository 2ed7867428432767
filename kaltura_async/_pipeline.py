"""The one way a call travels: prepare -> send -> outcome.

``prepare`` (no I/O)
    the call's effective options (its own over its client's), its wire parameters
    (everything validated here, so bad input fails before any I/O), its file parts, and
    whether it is safe to send again once it may have reached the server.
``send``
    the KS (the call's own, or the client's provider's), then the transport, which owns
    every HTTP attempt and every wait between them (:class:`~kaltura_async.RetryPolicy` is
    the only budget). When the server answers INVALID_KS to a provider's KS, ``send``
    renews it and sends the call once more: the server checks the KS before it runs the
    action, so that second request cannot duplicate anything. The retry deadline covers
    both requests.
``outcome``
    the answer as the declared result, or the typed error for an API exception.

A batch is another way to send prepared calls (``_executor``): the ``server`` strategy
sends many in one multirequest and takes each element's outcome; the ``concurrent`` one
sends each with :func:`send`.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, Final, TypeVar
from urllib.parse import urlencode

from ._answers import in_worker
from ._codec import (
    all_fields,
    decode,
    decode_any,
    encode_object,
    encode_params,
    encode_untyped,
    flatten,
    is_api_exception,
)
from ._config import RequestOptions
from ._errors import KalturaError, api_error_from_payload
from ._files import FilePart, file_part
from ._kind import Kind
from ._model import KalturaObject

if TYPE_CHECKING:
    from ._call import ActionSpec, Call
    from ._client import KalturaClient
    from ._session import KSProvider

__all__ = [
    "Prepared",
    "call_deadline",
    "effective_options",
    "outcome",
    "outcome_or_error",
    "prepare",
    "provider_ks",
    "renew_ks",
    "run",
    "send",
    "serve_url",
]

T = TypeVar("T")

_INVALID_KS: Final = "INVALID_KS"


class Prepared:
    """One call made ready to send: validated and encoded, nothing sent yet."""

    __slots__ = ("call", "files", "options", "params", "safe", "spec")

    def __init__(
        self,
        call: Call[Any],
        options: RequestOptions,
        params: dict[str, Any],
        files: list[FilePart],
        safe: bool,
    ) -> None:
        self.call = call
        self.spec: ActionSpec = call.spec
        #: the effective options: the call's own over its client's
        self.options = options
        #: the wire parameters, without the KS
        self.params = params
        self.files = files
        #: whether the call may be sent again after it may have reached the server
        self.safe = safe

    @property
    def client(self) -> KalturaClient:
        return self.call.client


# ---------------------------------------------------------------------------- prepare


def effective_options(call: Call[Any]) -> RequestOptions:
    """The call's own options over its client's."""
    base = call.client._options
    return call.options.over(base) if call.options is not None else base


def prepare(call: Call[Any], options: RequestOptions | None = None) -> Prepared:
    """Validate and encode ``call`` (``options``: its effective options, if known)."""
    if options is None:
        options = effective_options(call)
    spec = call.spec
    if spec.result is Kind.UNTYPED:
        params: dict[str, Any] = {}
        for name, value in call.params.items():
            if value is not None:
                params[name] = encode_untyped(value, name)
    else:
        params = encode_params(
            spec.params,
            call.params,
            update=spec.update,
            where=f"{spec.service}.{spec.action}",
            required=spec.required,
        )
    if options.partner_id is not None and "partnerId" not in params:
        # An action's own partnerId argument (session.start, partner.get...) wins.
        params["partnerId"] = options.partner_id
    if options.client_tag:
        params["clientTag"] = options.client_tag
    if options.language is not None:
        params["language"] = options.language
    if options.response_profile is not None:
        rp = options.response_profile
        params["responseProfile"] = (
            encode_object(rp, path="response_profile")
            if isinstance(rp, KalturaObject)
            else encode_untyped(rp, "response_profile")
        )
    files = [
        file_part(name, call.params[name])
        for name in spec.files
        if call.params.get(name) is not None
    ]
    safe = spec.safe if options.idempotent is None else options.idempotent
    return Prepared(call, options, params, files, safe)


# ---------------------------------------------------------------------------- the KS


async def provider_ks(client: KalturaClient, options: RequestOptions) -> tuple[str | None, bool]:
    """The KS a call with these options carries, and whether the client's provider gave it
    (only such a KS is renewed on INVALID_KS)."""
    if options.ks is not None:
        return options.ks, False
    provider = client._active_provider()
    if provider is None:
        return None, False
    return await provider.get_ks(client._provider_view()), True


async def renew_ks(client: KalturaClient, rejected: str) -> str | None:
    """A new KS for one the server rejected, or None when the provider cannot renew."""
    provider: KSProvider | None = client._active_provider()
    if provider is None:
        return None
    renewed = await provider.renew(client._provider_view(), rejected)
    return None if renewed == rejected else renewed


def is_invalid_ks(raw: Any) -> bool:
    """Whether an answer (or one multirequest element) is the INVALID_KS exception."""
    return is_api_exception(raw) and raw.get("code") == _INVALID_KS


# ---------------------------------------------------------------------------- send


def call_deadline(options: RequestOptions) -> float | None:
    """The ``time.monotonic()`` by which every request of the call must be done."""
    retry = options.retry
    if retry is None or retry.deadline is None:
        return None
    return time.monotonic() + retry.deadline


async def send(prepared: Prepared) -> Any:
    """Send one prepared call (KS, transport, one renewal) and return its raw answer."""
    options = prepared.options
    deadline = call_deadline(options)
    if options.ks is not None:
        # The call's own KS: nothing to fetch, nothing to renew.
        return await _post(prepared, options.ks, deadline)
    client = prepared.client
    ks, renewable = await provider_ks(client, options)
    raw = await _post(prepared, ks, deadline)
    if renewable and ks is not None and is_invalid_ks(raw):
        renewed = await renew_ks(client, ks)
        if renewed is not None:
            raw = await _post(prepared, renewed, deadline)
    return raw


async def _post(prepared: Prepared, ks: str | None, deadline: float | None) -> Any:
    body = dict(prepared.params)
    if ks is not None:
        body["ks"] = ks
    spec = prepared.spec
    options = prepared.options
    assert options.retry is not None
    return await prepared.client.transport.post(
        spec.service,
        spec.action,
        body,
        files=prepared.files or None,
        safe=prepared.safe,
        retry=options.retry,
        timeout=options.timeout,
        deadline=deadline,
    )


# ---------------------------------------------------------------------------- outcome


def outcome(spec: ActionSpec, raw: Any) -> Any:
    """The answer as the declared result; an API exception raises its typed error."""
    if is_api_exception(raw):
        raise api_error_from_payload(raw, service=spec.service, action=spec.action)
    if spec.result is Kind.UNTYPED:
        return decode_any(raw)
    return decode(spec.result, raw)


def outcome_or_error(spec: ActionSpec, raw: Any) -> tuple[Any, KalturaError | None]:
    """:func:`outcome` as ``(value, error)``: for one element of a multirequest answer."""
    try:
        return outcome(spec, raw), None
    except KalturaError as err:
        return None, err


# ---------------------------------------------------------------------------- a call


def serve_url(prepared: Prepared, ks: str | None) -> str:
    """The GET URL of a serve action (a download link: nothing is sent)."""
    query: dict[str, Any] = dict(prepared.params)
    if ks is not None:
        query["ks"] = ks
    spec = prepared.spec
    url = prepared.client.transport.url(spec.service, spec.action)
    return f"{url}?{urlencode(flatten(query))}"


async def run(call: Call[T]) -> T:
    """What ``await call`` does: prepare, send, outcome (a serve action gives its URL)."""
    prepared = prepare(call)
    if prepared.spec.is_serve:
        ks, _ = await provider_ks(prepared.client, prepared.options)
        return serve_url(prepared, ks)  # type: ignore[return-value]
    raw = await send(prepared)
    if many_items(raw) and not is_api_exception(raw):
        # Building thousands of objects takes longer than the loop may wait: a worker
        # thread does it (pure Python, so the loop gets its turn every few ms), and drops
        # the wire form there too, so freeing it does not stall the loop either.
        owned = [raw]
        del raw
        value: T = await asyncio.to_thread(in_worker, _outcome_owned, prepared.spec, owned)
        return value
    return outcome(prepared.spec, raw)  # type: ignore[no-any-return]


#: Answers holding more items than this are decoded in a worker thread.
_THREAD_DECODE_ITEMS = 1_000


def many_items(raw: Any) -> bool:
    """Whether an answer holds enough items (a list response's ``objects``, or those of
    every answer of a multirequest) that decoding it would hold the event loop for more
    than a few milliseconds."""
    if isinstance(raw, dict):
        raw = raw.get("objects")
        return isinstance(raw, list) and len(raw) > _THREAD_DECODE_ITEMS
    if not isinstance(raw, list):
        return False
    count = len(raw)
    for element in raw:
        if count > _THREAD_DECODE_ITEMS:
            return True
        if isinstance(element, dict) and isinstance(element.get("objects"), list):
            count += len(element["objects"])
    return count > _THREAD_DECODE_ITEMS


#: Items decoded between two explicit hand-overs of the interpreter lock (~1 ms of work).
_DECODE_STEP = 128


def _outcome_owned(spec: ActionSpec, owned: list[Any]) -> Any:
    """:func:`outcome` of the one answer in ``owned``, dropped here (in the worker).

    A list response's ``objects`` are decoded a slice at a time, handing the interpreter
    lock over between slices (``time.sleep(0)``): the event loop waiting for it then runs
    within about a millisecond instead of waiting out the switch interval.
    """
    raw = owned.pop()
    items = raw.get("objects") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        result = outcome(spec, raw)
        del raw
        return result
    raw["objects"] = []
    result = outcome(spec, raw)
    del raw
    decoded: list[Any] = []
    if isinstance(result, dict):
        kind = Kind.UNTYPED
    else:
        kind = next(
            (k for _a, wire, k, _f in all_fields(type(result)) if wire == "objects"),
            Kind.UNTYPED,
        )
    for start in range(0, len(items), _DECODE_STEP):
        chunk = items[start : start + _DECODE_STEP]
        decoded += decode_any(chunk) if kind is Kind.UNTYPED else decode(kind, chunk)
        time.sleep(0)
    del items
    if isinstance(result, dict):
        result["objects"] = decoded
    else:
        result.objects = decoded
    return result
