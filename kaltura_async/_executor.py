"""Running a batch: the two strategies and the dependency graph between their groups.

``server`` sends each chunk of at most ``max_batch`` calls as one multirequest (refs
within a chunk are resolved by the server, refs across chunks here); ``concurrent`` sends
each call on its own once the calls it refers to have answered.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import anyio
import attrs

from ._answers import in_worker
from ._call import Call
from ._codec import is_api_exception
from ._config import RequestOptions
from ._errors import (
    DependencyError,
    InvalidKSError,
    KalturaError,
    KalturaProtocolError,
    api_error_from_payload,
)
from ._kind import Kind
from ._pipeline import (
    Prepared,
    call_deadline,
    many_items,
    outcome_or_error,
    provider_ks,
    renew_ks,
    send,
)
from ._refs import (
    PLACEHOLDER,
    Ref,
    coerce,
    lookup,
    placeholder_text,
    prepare_in,
    server_rules,
    walk_params,
)
from ._results import CallResult, MultiResponse

if TYPE_CHECKING:
    from ._client import KalturaClient
    from ._files import FilePart
    from ._multirequest import MultiRequest

__all__ = ["Entry", "Run", "Strategy"]

Strategy = Literal["server", "concurrent"]


@attrs.define(slots=True)
class Entry:
    number: int
    call: Call[Any]
    deps: frozenset[int]
    options: RequestOptions
    #: prepared before any I/O (:meth:`Run.validate`)
    prepared: Prepared | None = None


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
        """Prepare every call now so that bad input fails before any I/O."""
        for entry in self.entries:
            entry.prepared = prepare_in(self.mr._token, entry.call, entry.options)
            if self.strategy == "server":
                where = f"call {entry.number} ({entry.call.service}.{entry.call.action})"
                server_rules(entry.prepared.params, where)

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

    def prepared(self, entry: Entry, renumber: Mapping[int, int]) -> Prepared:
        """The entry ready to send in a request whose numbering is ``renumber`` (the one
        prepared before any I/O when its refs need no rewriting)."""
        assert entry.prepared is not None
        if all(renumber.get(d) == d for d in entry.deps) and renumber.get(entry.number) in (
            entry.number,
            None,
        ):
            return entry.prepared
        return prepare_in(self.mr._token, self.rewrite(entry, renumber), entry.options)

    # ------------------------------------------------------------------ concurrent

    async def run_single(self, numbers: list[int]) -> None:
        entry = self.entry(numbers[0])
        dep = self.failed_dep(entry)
        if dep is not None:
            self.skip(entry, dep)
            return
        try:
            prepared = self.prepared(entry, {})
            self.finish(entry, *outcome_or_error(prepared.spec, await send(prepared)))
        except KalturaError as err:
            self.finish(entry, None, err)

    # ------------------------------------------------------------------ server

    async def run_chunk(
        self, numbers: list[int], *, deadline: float | None = None, may_renew: bool = True
    ) -> None:
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
        if deadline is None:
            deadline = call_deadline(self.batch_options)
        renumber = {e.number: i for i, e in enumerate(sent, start=1)}
        try:
            prepared = [self.prepared(entry, renumber) for entry in sent]
            keys = [await provider_ks(p.client, p.options) for p in prepared]
            raw = await self.post(prepared, [ks for ks, _ in keys], deadline)
            if many_items(raw):
                # Thousands of objects: built in a worker thread (see the pipeline's run).
                owned = [raw]
                del raw
                answers = await asyncio.to_thread(in_worker, self._split_owned, owned, prepared)
            else:
                answers = self.split(raw, prepared)
        except KalturaError as err:
            for entry in sent:
                self.finish(entry, None, err)
            return
        renewable = {
            local: (ks, p.client)
            for local, ((ks, from_provider), p) in enumerate(zip(keys, prepared, strict=True), 1)
            if from_provider and ks is not None
        }
        if may_renew and renewable and await self.renewed(answers, renewable):
            # Every sub-call that carried the provider's KS was refused with INVALID_KS:
            # the server checks a sub-call's KS before running it, so none of them ran and
            # sending them again with the renewed KS cannot duplicate a write. The others
            # keep their answers; refs to them are resolved here in the second request.
            again = [sent[local - 1].number for local in sorted(renewable)]
            for local, entry in enumerate(sent, start=1):
                if local not in renewable:
                    self.finish(entry, *answers[local - 1])
            await self.run_chunk(again, deadline=deadline, may_renew=False)
            return
        for entry, (value, error) in zip(sent, answers, strict=True):
            self.finish(entry, value, error)

    async def post(
        self, prepared: list[Prepared], keys: list[str | None], deadline: float | None
    ) -> Any:
        """Send prepared calls as one multirequest (sub-call ``N`` is ``prepared[N-1]``)."""
        options = self.batch_options
        common_ks, _ = await provider_ks(self.client, options)
        body: dict[str, Any] = {}
        if common_ks is not None:
            body["ks"] = common_ks
        if options.partner_id is not None:
            body["partnerId"] = options.partner_id
        if options.client_tag:
            body["clientTag"] = options.client_tag
        files: list[FilePart] = []
        for local, (p, ks) in enumerate(zip(prepared, keys, strict=True), start=1):
            sub: dict[str, Any] = {"service": p.spec.service, "action": p.spec.action}
            for key, value in p.params.items():
                # Inherited from the common level by the server: send once, not per call.
                if key in ("partnerId", "clientTag") and body.get(key) == value:
                    continue
                sub[key] = value
            if ks is not None and ks != common_ks:
                sub["ks"] = ks
            body[str(local)] = sub
            files.extend(part.renamed(f"{local}:{part.field}") for part in p.files)
        safe = all(p.safe for p in prepared) if options.idempotent is None else options.idempotent
        assert options.retry is not None
        return await self.client.transport.post(
            "multirequest",
            None,
            body,
            files=files or None,
            safe=safe,
            retry=options.retry,
            timeout=options.timeout,
            deadline=deadline,
        )

    async def renewed(
        self,
        answers: list[tuple[Any, KalturaError | None]],
        renewable: Mapping[int, tuple[str, KalturaClient]],
    ) -> bool:
        """Renew the provider's KS if every sub-call that carried it got INVALID_KS."""
        if not all(isinstance(answers[i - 1][1], InvalidKSError) for i in renewable):
            return False
        changed = False
        for ks, client in {ks: client for ks, client in renewable.values()}.items():
            changed = (await renew_ks(client, ks)) is not None or changed
        return changed

    def _split_owned(
        self, owned: list[Any], sent: list[Prepared]
    ) -> list[tuple[Any, KalturaError | None]]:
        raw = owned.pop()
        answers = self.split(raw, sent)
        del raw
        return answers

    def split(self, raw: Any, sent: list[Prepared]) -> list[tuple[Any, KalturaError | None]]:
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
        return [outcome_or_error(p.spec, element) for p, element in zip(sent, raw, strict=True)]
