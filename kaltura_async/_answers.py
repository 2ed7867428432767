"""Reading a server's answer safely: a size cap while it streams in, parsing that keeps the
event loop free, and excerpts and messages that never carry a secret or a whole body.

- :class:`ResponseReader` reads the decompressed body chunk by chunk and stops as soon as
  it passes ``Limits.max_response_size``, so a never-ending chunked body or a gzip bomb
  costs at most the cap (plus one network chunk), never the whole stream.
- :func:`parses_inline` tells a small body, parsed at once on the loop, from a large one,
  which :func:`parse_off_loop` parses in a worker thread in steps of one array element or
  object member, so the thread gives the interpreter lock back between steps and the loop
  never waits on one long parse.
- :func:`excerpt` and :func:`scrub_api_errors` remove from what the server sent back the
  values of the request's secret-bearing parameters (KS, admin secret, token hash...) and
  anything shaped like a KS: a server or proxy that echoes the request cannot put a
  secret in an exception message.
"""

from __future__ import annotations

import asyncio
import codecs
import gc
import json
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, TypeVar

import aiohttp

from . import _json
from ._codec import without_gc
from ._errors import KalturaProtocolError
from ._logging import REDACTED, _secret_key, redact_text

T = TypeVar("T")

__all__ = [
    "EXCERPT_CHARS",
    "INLINE_PARSE_LIMIT",
    "BodyTooLarge",
    "ResponseReader",
    "excerpt",
    "parse_off_loop",
    "parses_inline",
    "RequestSecrets",
    "request_secrets",
    "scrub_api_errors",
    "unparsable",
    "in_worker",
]

#: Bodies up to this size are parsed on the loop (well under a millisecond or two); larger
#: ones in a worker thread.
INLINE_PARSE_LIMIT: Final = 1024 * 1024

#: Characters of an answer quoted in an error message (secrets removed).
EXCERPT_CHARS: Final = 200

#: Secrets shorter than this are not searched for in answers (``"1"`` would mask digits).
_MIN_SECRET = 6


class BodyTooLarge(Exception):
    """Internal: the body passed the cap (the transport raises the public error)."""


class ResponseReader:
    """Reads one response body, decompressed, refusing more than ``limit`` bytes (0: no cap)."""

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        self.limit = limit

    async def read(self, resp: aiohttp.ClientResponse) -> bytes | bytearray:
        limit = self.limit
        encoding = resp.headers.get("Content-Encoding", "").strip().lower()
        # An uncompressed body that announces more than the cap is refused unread (a
        # compressed length says nothing of the decompressed size).
        length = resp.content_length
        if encoding in ("", "identity") and length is not None:
            if limit and length > limit:
                raise BodyTooLarge
            # The announced length bounds what aiohttp's parser lets through: one read.
            whole = await resp.content.read()
            if limit and len(whole) > limit:
                raise BodyTooLarge
            return whole
        body = bytearray()
        async for chunk in resp.content.iter_any():
            if limit and len(body) + len(chunk) > limit:
                raise BodyTooLarge
            body += chunk
        return body


# ---------------------------------------------------------------------------- secrets


def request_secrets(body: Mapping[str, Any]) -> frozenset[str]:
    """The values of every secret-bearing parameter of a request body, at any depth."""
    found: set[str] = set()
    stack: list[tuple[Any, int]] = [(body, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > 16:
            continue
        if isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and _secret_key(key):
                    if isinstance(item, str) and len(item) >= _MIN_SECRET:
                        found.add(item)
                else:
                    stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return frozenset(found)


class RequestSecrets:
    """The secret values of one request body, found only when an answer needs redacting.

    Most answers are a plain 200 result with no API exception and nothing to redact, so the
    walk over the body (:func:`request_secrets`) runs only for an error excerpt or an
    answer that holds an API exception.
    """

    __slots__ = ("_body", "_values")

    def __init__(self, body: Mapping[str, Any]) -> None:
        self._body = body
        self._values: frozenset[str] | None = None

    @property
    def values(self) -> frozenset[str]:
        if self._values is None:
            self._values = request_secrets(self._body)
        return self._values

    @staticmethod
    def needed_for(result: Any) -> bool:
        """Whether ``result`` (an answer, or a multirequest's list) holds an API exception."""
        if isinstance(result, dict):
            return result.get("objectType") == "KalturaAPIException"
        if isinstance(result, list):
            return any(
                isinstance(item, dict) and item.get("objectType") == "KalturaAPIException"
                for item in result
            )
        return False


def redact_answer_text(text: str, secrets: frozenset[str]) -> str:
    """``text`` with the request's secrets, ``ks=...`` pairs and KS-shaped runs masked."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return redact_text(text)


def excerpt(raw: bytes | bytearray, secrets: frozenset[str], limit: int) -> str:
    """At most ``limit`` characters from the head of a body, redacted.

    Redaction runs on a window longer than the excerpt by the longest secret, so a secret
    crossing the cut is masked whole, not left half visible.
    """
    window = limit + max((len(s) for s in secrets), default=0) + 64
    text = bytes(raw[: window * 4]).decode("utf-8", "replace")[:window]
    return redact_answer_text(text, secrets)[:limit]


def scrub_api_errors(result: Any, secrets: frozenset[str]) -> Any:
    """Redact the message and arguments of API exceptions in an answer (a single answer, or
    each answer of a multirequest): the server may echo the request in them."""
    if isinstance(result, dict):
        _scrub_one(result, secrets)
    elif isinstance(result, list):
        for item in result:
            if isinstance(item, dict):
                _scrub_one(item, secrets)
    return result


def _scrub_one(answer: dict[str, Any], secrets: frozenset[str]) -> None:
    if answer.get("objectType") != "KalturaAPIException":
        return
    message = answer.get("message")
    if isinstance(message, str):
        answer["message"] = redact_answer_text(message, secrets)
    args = answer.get("args")
    if isinstance(args, dict):
        answer["args"] = {
            k: redact_answer_text(v, secrets) if isinstance(v, str) else v for k, v in args.items()
        }
    elif isinstance(args, list):
        for arg in args:
            if isinstance(arg, dict) and isinstance(arg.get("value"), str):
                arg["value"] = redact_answer_text(arg["value"], secrets)


# ---------------------------------------------------------------------------- parsing


def parses_inline(raw: bytes | bytearray) -> bool:
    """Whether an answer is small enough (:data:`INLINE_PARSE_LIMIT`) to parse on the loop
    with :func:`kaltura_async._json.loads`; a larger one goes to :func:`parse_off_loop`."""
    return len(raw) <= INLINE_PARSE_LIMIT


async def parse_off_loop(raw: bytes | bytearray) -> Any:
    """Parse a large answer in a worker thread, in short steps (:func:`parse_in_steps`).

    Raises ValueError (or RecursionError) as :func:`kaltura_async._json.loads` does.
    """
    return await asyncio.to_thread(in_worker, parse_in_steps, raw)


def unparsable(
    raw: bytes | bytearray,
    content_type: str,
    name: str,
    secrets: frozenset[str],
    err: ValueError | RecursionError,
) -> tuple[KalturaProtocolError, ValueError]:
    """The error for an answer of ``name`` (``service.action``) that is not JSON, and a
    short cause to chain to it.

    ``err`` is the parser's: ``RecursionError`` for arrays or objects nested deeper than
    its stack. The message names what came (an HTML page, JSON nested too deep, invalid
    JSON) with a secret-free excerpt; the parser's own error is not chained, because it
    keeps the whole body (``JSONDecodeError.doc``).
    """
    head = excerpt(raw, secrets, EXCERPT_CHARS)
    kind = (
        "an HTML page"
        if "html" in content_type.lower() or head.lstrip().startswith("<")
        else "JSON nested too deep"
        if isinstance(err, RecursionError)
        else "invalid JSON"
    )
    pos = getattr(err, "pos", None)
    cause = ValueError(f"{type(err).__name__} at byte {pos if isinstance(pos, int) else '?'}")
    return KalturaProtocolError(f"{name} answered {kind}: {head[:80]!r}"), cause


def in_worker(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` for a worker thread building a large answer: with the cyclic collector
    paused (:func:`kaltura_async._codec.without_gc`), then the objects it built moved to
    the collector's oldest generation.

    Everything built while the collector was paused sits in its youngest generation, and
    the next young collection (on whichever thread allocates next: often the event loop's)
    would walk all of it at once, hundreds of thousands of objects, holding the
    interpreter lock. ``gc.freeze()`` then ``gc.unfreeze()`` moves them to the oldest
    generation in constant time instead: they are still collected, by the next full
    collection, which the collector schedules as usual. Only large answers take this path.

    ``gc.unfreeze()`` releases every frozen object, not only ours: an application that
    froze its own objects (a pre-fork server keeping pages shared after ``fork``) must
    keep them frozen, so the move is skipped whenever anything is already frozen (on
    CPython 3.12, which starts with objects of its own frozen, it is always skipped).
    """
    try:
        return without_gc(fn, *args)
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()


#: Text decoded per step, and the depth down to which containers are walked member by
#: member (deeper values are parsed whole: they are small in any real answer).
_STEP = 256 * 1024
_WALK_DEPTH = 2
_WS = " \t\n\r"
#: Values parsed between two explicit hand-overs of the interpreter lock (~0.5 ms of work).
_YIELD_EVERY = 64


def parse_in_steps(raw: bytes | bytearray) -> Any:
    """Parse UTF-8 JSON in many short C calls (one element or member each), so that a
    thread doing it gives the interpreter lock back every few milliseconds.

    Input the stepwise reader does not handle (a byte order mark, another encoding,
    trailing garbage...) is handed to :func:`kaltura_async._json.loads`, which decides.
    """
    if raw[:3] == b"\xef\xbb\xbf" or (len(raw) > 1 and (raw[0] == 0 or raw[1] == 0)):
        return _json.loads(bytes(raw))
    try:
        reader = _StepReader(raw)
        value = reader.value(0)
        reader.skip_ws()
        if not reader.at_end():
            raise ValueError("extra data")
        return value
    except (ValueError, RecursionError):
        # Let the reference parser decide (and word the error) on anything odd.
        return _json.loads(bytes(raw))


class _StepReader:
    """A window of decoded text over the body, extended a step at a time."""

    def __init__(self, raw: bytes | bytearray) -> None:
        self._pieces: Iterator[str] = self._decode(raw)
        self._text = ""
        self._pos = 0
        self._done = False
        self._scan = json.JSONDecoder().raw_decode
        self._steps = 0
        self._more()

    @staticmethod
    def _decode(raw: bytes | bytearray) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        view = memoryview(raw)
        for start in range(0, len(view), _STEP):
            yield decoder.decode(view[start : start + _STEP])
        yield decoder.decode(b"", final=True)

    def _more(self, grow: bool = False) -> bool:
        """Append decoded text to the window, dropping what was consumed: one piece, or with
        ``grow`` as much again as the window holds (a value larger than the window is
        widened geometrically, so it is copied a bounded number of times)."""
        rest = self._text[self._pos :]
        wanted = max(len(rest), 1) if grow else 1
        pieces = [rest]
        added = 0
        while added < wanted:
            piece = next(self._pieces, None)
            if piece is None:
                self._done = True
                break
            pieces.append(piece)
            added += len(piece) or 1
        self._text = "".join(pieces)
        self._pos = 0
        return added > 0

    def _breathe(self) -> None:
        """Every few hundred values, hand the interpreter lock over explicitly: a thread
        waiting for it (the event loop) otherwise waits out the switch interval, longer
        still when the machine's cores are busy."""
        self._steps += 1
        if self._steps % _YIELD_EVERY == 0:
            time.sleep(0)

    def at_end(self) -> bool:
        while self._pos >= len(self._text):
            if self._done or not self._more():
                return True
        return False

    def peek(self) -> str:
        if self.at_end():
            raise ValueError("unexpected end of JSON")
        return self._text[self._pos]

    def skip_ws(self) -> None:
        while not self.at_end() and self._text[self._pos] in _WS:
            text = self._text
            pos = self._pos
            end = len(text)
            while pos < end and text[pos] in _WS:
                pos += 1
            self._pos = pos

    def expect(self, char: str) -> None:
        self.skip_ws()
        if self.peek() != char:
            raise ValueError(f"expected {char!r}")
        self._pos += 1

    def whole(self) -> Any:
        """One complete value at the cursor, parsed by the C scanner."""
        self.skip_ws()
        while True:
            try:
                value, end = self._scan(self._text, self._pos)
            except json.JSONDecodeError:
                # The value may run past the window: widen it, unless nothing is left.
                if self._done or not self._more(grow=True):
                    raise
                continue
            if end == len(self._text) and not self._done and self._text[self._pos] not in '{["':
                # A number at the window's end may continue in the next piece.
                if self._more(grow=True):
                    continue
            self._pos = end
            return value

    def value(self, depth: int) -> Any:
        self.skip_ws()
        char = self.peek()
        if depth >= _WALK_DEPTH or char not in "[{":
            return self.whole()
        self._pos += 1
        if char == "[":
            items: list[Any] = []
            self.skip_ws()
            if self.peek() == "]":
                self._pos += 1
                return items
            while True:
                items.append(self.value(depth + 1))
                self._breathe()
                self.skip_ws()
                sep = self.peek()
                self._pos += 1
                if sep == "]":
                    return items
                if sep != ",":
                    raise ValueError("expected ',' or ']'")
        members: dict[str, Any] = {}
        self.skip_ws()
        if self.peek() == "}":
            self._pos += 1
            return members
        while True:
            self.skip_ws()
            if self.peek() != '"':
                raise ValueError("expected a member name")
            key = self.whole()
            self.expect(":")
            members[key] = self.value(depth + 1)
            self._breathe()
            self.skip_ws()
            sep = self.peek()
            self._pos += 1
            if sep == "}":
                return members
            if sep != ",":
                raise ValueError("expected ',' or '}'")
