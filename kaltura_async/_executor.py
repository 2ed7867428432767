"""Running a batch: the two strategies and the dependency graph between their groups.

``server`` sends each chunk of at most ``max_batch`` calls as one multirequest (refs
within a chunk are resolved by the server, refs across chunks here); ``concurrent`` sends
each call on its own once the calls it refers to have answered.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import anyio
import attrs

from ._call import Call
from ._codec import decode, decode_any, is_api_exception
from ._config import RequestOptions
from ._errors import (
    DependencyError,
    InvalidKSError,
    KalturaError,
    KalturaProtocolError,
    api_error_from_payload,
)
from ._kind import Kind
from ._refs import (
    PLACEHOLDER,
    Ref,
    coerce,
    encode_in,
    lookup,
    placeholder_text,
    server_rules,
    walk_params,
)
from ._results import CallResult, MultiResponse

if TYPE_CHECKING:
    from ._multirequest import MultiRequest
    from ._transport import FilePart

__all__ = ["Entry", "Run", "Strategy"]

Strategy = Literal["server", "concurrent"]


@attrs.define(slots=True)
class Entry:
    number: int
    call: Call[Any]
    deps: frozenset[int]
    options: RequestOptions
    encoded: dict[str, Any] | None = None


_Outcome = CallResult[Any]


class Run:
    """One execution of a batch: the outcomes so far and the executors."""

    def __init__(self, mr: MultiRequest, strategy: Strategy, limit: int | None, max_batch: int):
        self.mr = mr
        self.client = mr._client
        self.entries = mr._entries
        self.strategy = strategy
        self.limiter = anyio.CapacityLimiter(limit) if limit is not None else None
        self.max_batch = max_batch
        self.outcomes: dict[int, _Outcome] = {}
        self.batch_options = mr._overrides.over(self.client.options)

    def entry(self, number: int) -> Entry:
        return self.entries[number - 1]

    async def execute(self) -> MultiResponse:
        self.validate()
        if self.strategy == "concurrent":
            groups = [[e.number] for e in self.entries]
            work: Callable[[list[int]], Awaitable[None]] = self.run_single
        else:
            size = self.max_batch
            numbers = [e.number for e in self.entries]
            groups = [numbers[i : i + size] for i in range(0, len(numbers), size)]
            work = self.run_chunk
        await self.run_graph(groups, work)
        return MultiResponse(self.mr._token, [self.outcomes[e.number] for e in self.entries])

    def validate(self) -> None:
        """Encode every call now so that bad input fails before any I/O."""
        for entry in self.entries:
            entry.encoded = encode_in(self.mr._token, entry.call, entry.options)
            if self.strategy == "server":
                where = f"call {entry.number} ({entry.call.service}.{entry.call.action})"
                server_rules(entry.encoded, where)

    async def run_graph(
        self, groups: list[list[int]], work: Callable[[list[int]], Awaitable[None]]
    ) -> None:
        """Run each group once the groups holding its dependencies are done."""
        group_of = {n: g for g, members in enumerate(groups) for n in members}
        done = [anyio.Event() for _ in groups]
        shared = self.client.limiter

        async def one(g: int) -> None:
            try:
                needs = {group_of[d] for n in groups[g] for d in self.entry(n).deps} - {g}
                for d in sorted(needs):
                    await done[d].wait()
                if self.limiter is not None:
                    async with self.limiter, shared:
                        await work(groups[g])
                else:
                    async with shared:
                        await work(groups[g])
            finally:
                done[g].set()

        async with anyio.create_task_group() as tg:
            for g in range(len(groups)):
                tg.start_soon(one, g)

    # ------------------------------------------------------------------ outcomes

    def failed_dep(self, entry: Entry) -> int | None:
        for d in sorted(entry.deps):
            got = self.outcomes.get(d)
            if got is not None and not got.ok:
                return d
        return None

    def dependency_error(self, entry: Entry, dep: int) -> DependencyError:
        cause = self.outcomes[dep].error
        other = self.entry(dep).call
        code = getattr(cause, "code", type(cause).__name__)
        return DependencyError(
            f"call {entry.number} ({entry.call.service}.{entry.call.action}) used the result "
            f"of call {dep} ({other.service}.{other.action}), which failed ({code})",
            dependency=dep,
        )

    def finish(self, entry: Entry, value: Any, error: KalturaError | None) -> None:
        """Record an outcome; a failure whose input had failed becomes a DependencyError."""
        if error is not None:
            dep = self.failed_dep(entry)
            if dep is not None:
                wrapped = self.dependency_error(entry, dep)
                wrapped.__cause__ = error
                error = wrapped
        self.outcomes[entry.number] = CallResult(entry.number, entry.call, value, error)

    def skip(self, entry: Entry, dep: int) -> None:
        """A call whose input failed is not sent."""
        error = self.dependency_error(entry, dep)
        error.__cause__ = self.outcomes[dep].error
        self.outcomes[entry.number] = CallResult(entry.number, entry.call, None, error)

    def rewrite(self, entry: Entry, renumber: Mapping[int, int]) -> Call[Any]:
        """The call with refs to finished calls replaced by their values and the other
        refs renumbered (``renumber``: batch number -> number in this request)."""

        def on_ref(ref: Ref[Any], kind: Kind) -> Any:
            if ref.number in renumber:
                return ref._renumbered(renumber[ref.number])
            value = self.outcomes[ref.number].value
            if ref._joined:
                return coerce(lookup(value, ref.path, text=True), kind)
            return coerce(lookup(value, ref.path, text=False), kind)

        def on_str(text: str, kind: Kind) -> str:
            if "result" not in text:
                return text

            def sub(m: re.Match[str]) -> str:
                n = int(m[1])
                if n in renumber:
                    return placeholder_text(renumber[n], m[2].split(":") if m[2] else ())
                value = self.outcomes[n].value
                return str(lookup(value, m[2].split(":") if m[2] else (), text=True))

            return PLACEHOLDER.sub(sub, text)

        return walk_params(entry.call, on_ref, on_str)

    # ------------------------------------------------------------------ concurrent

    async def run_single(self, numbers: list[int]) -> None:
        entry = self.entry(numbers[0])
        dep = self.failed_dep(entry)
        if dep is not None:
            self.skip(entry, dep)
            return
        call = self.rewrite(entry, {}) if entry.deps else entry.call
        try:
            value = await call
        except KalturaError as err:
            self.finish(entry, None, err)
        else:
            self.finish(entry, value, None)

    # ------------------------------------------------------------------ server

    async def run_chunk(self, numbers: list[int], *, may_renew: bool = True) -> None:
        sent: list[Entry] = []
        for n in numbers:
            entry = self.entry(n)
            dep = self.failed_dep(entry)
            if dep is not None:
                self.skip(entry, dep)
            else:
                sent.append(entry)
        if not sent:
            return
        renumber = {e.number: i for i, e in enumerate(sent, start=1)}
        common_ks = await self.client.resolve_ks(self.batch_options)
        body: dict[str, Any] = {}
        if common_ks is not None:
            body["ks"] = common_ks
        if self.batch_options.partner_id is not None:
            body["partnerId"] = self.batch_options.partner_id
        if self.batch_options.client_tag:
            body["clientTag"] = self.batch_options.client_tag
        files: list[FilePart] = []
        provider_ks: dict[int, str] = {}
        for local, entry in enumerate(sent, start=1):
            params = (
                entry.encoded
                if entry.encoded is not None
                and entry.deps <= renumber.keys()
                and all(renumber[d] == d for d in entry.deps)
                and renumber[entry.number] == entry.number
                else None
            )
            call = entry.call
            if params is None:
                call = self.rewrite(entry, renumber)
                params = encode_in(self.mr._token, call, entry.options)
            sub: dict[str, Any] = {"service": entry.call.service, "action": entry.call.action}
            for key, value in params.items():
                # Inherited from the common level by the server: send once, not per call.
                if key in ("partnerId", "clientTag") and body.get(key) == value:
                    continue
                sub[key] = value
            ks = await call.client.resolve_ks(entry.options)
            if ks is not None and ks != common_ks:
                sub["ks"] = ks
            if ks is not None and call.client.uses_provider(entry.options):
                provider_ks[local] = ks
            body[str(local)] = sub
            files.extend(call.client.file_parts(call, prefix=f"{local}:"))
        safe = all(
            e.call.spec.safe if e.options.idempotent is None else e.options.idempotent for e in sent
        )
        if self.batch_options.idempotent is not None:
            safe = self.batch_options.idempotent
        assert self.batch_options.retry is not None
        try:
            raw = await self.client.transport.post(
                "multirequest",
                None,
                body,
                files=files or None,
                safe=safe,
                retry=self.batch_options.retry,
                timeout=self.batch_options.timeout,
            )
            answers = self.split(raw, sent)
        except KalturaError as err:
            for entry in sent:
                self.finish(entry, None, err)
            return
        if may_renew and provider_ks and await self.renewed(answers, provider_ks):
            # Every sub-call that carried the provider's KS was refused with INVALID_KS:
            # the server checks a sub-call's KS before running it, so none of them ran and
            # sending them again with the renewed KS cannot duplicate a write. The others
            # keep their answers; refs to them are resolved here in the second request.
            again = [sent[local - 1].number for local in sorted(provider_ks)]
            for local, entry in enumerate(sent, start=1):
                if local not in provider_ks:
                    self.finish(entry, *answers[local - 1])
            await self.run_chunk(again, may_renew=False)
            return
        for entry, (value, error) in zip(sent, answers, strict=True):
            self.finish(entry, value, error)

    async def renewed(
        self, answers: list[tuple[Any, KalturaError | None]], provider_ks: Mapping[int, str]
    ) -> bool:
        if not all(isinstance(answers[i - 1][1], InvalidKSError) for i in provider_ks):
            return False
        provider = self.client.ks_provider
        if provider is None:
            return False
        view = self.client._provider_view()
        changed = False
        for ks in set(provider_ks.values()):
            changed = (await provider.renew(view, ks)) != ks or changed
        return changed

    def split(self, raw: Any, sent: list[Entry]) -> list[tuple[Any, KalturaError | None]]:
        """The multirequest answer as one (value, error) per sent call."""
        if is_api_exception(raw):  # the whole request was refused
            raise api_error_from_payload(raw, service="multirequest")
        if not isinstance(raw, list):
            raise KalturaProtocolError(
                f"a multirequest answered a {type(raw).__name__}, not a list"
            )
        if len(raw) != len(sent):
            raise KalturaProtocolError(
                f"a multirequest of {len(sent)} calls answered {len(raw)} results "
                "(the server stops silently at the first sub-request it cannot read)"
            )
        out: list[tuple[Any, KalturaError | None]] = []
        for entry, element in zip(sent, raw, strict=True):
            spec = entry.call.spec
            if is_api_exception(element):
                out.append(
                    (
                        None,
                        api_error_from_payload(element, service=spec.service, action=spec.action),
                    )
                )
                continue
            try:
                value = (
                    decode_any(element)
                    if spec.result is Kind.UNTYPED
                    else decode(spec.result, element)
                )
            except KalturaProtocolError as err:
                out.append((None, err))
            else:
                out.append((value, None))
        return out
