"""The aiohttp.web application: routing, KS checks, dispatch, faults and response writing.

Routes: ``/api_v3/service/{service}/action/{action}[/key/value...]``,
``/api_v3/service/multirequest``, ``/api_v3/index.php?service=...`` and ``/api_v3/?...``.
Order of checks for one call, as the server does: service and action exist in the schema
(SERVICE_DOES_NOT_EXISTS / ACTION_DOES_NOT_EXISTS), the emulator implements them
(ACTION_NOT_EMULATED: neither a hand-written handler nor the generic engine serves them), the
KS is valid (INVALID_KS) or present when needed (MISSING_KS), the
session type may call the action (SERVICE_FORBIDDEN), then arguments are cast and the handler
runs; only then does the action count as having run.
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
import struct
import time
from typing import Any

from aiohttp import web

from ._casting import cast_args
from ._errors import APIError, api_error
from ._faults import AFTER, BEFORE, FaultRule, Faults
from ._ks import KSInfo, KSParseError, parse_ks
from ._multirequest import run_multirequest, sub_requests
from ._params import UploadedFile, read_params
from ._render import FileBody, render_json, render_xml, to_wire
from ._schema import schema
from ._services import (
    Context,
    account as _account_actions,  # noqa: F401
    assets as _asset_actions,  # noqa: F401
    catalog as _catalog_actions,  # noqa: F401  (importing registers)
    data as _data_actions,  # noqa: F401
    entries as _entry_actions,  # noqa: F401
    esearch as _esearch_actions,  # noqa: F401
    find_spec,
    players as _player_actions,  # noqa: F401
    playlists as _playlist_actions,  # noqa: F401
    sessions as _session_actions,  # noqa: F401
    uploads as _upload_actions,  # noqa: F401
)
from ._services.response_profiles import resolve_response_profile, shape_result
from ._state import State
from ._uploads import UploadStore

__all__ = ["build_app"]

# Actions that never change the store: they leave list indexes valid (``_query``).
_READS = frozenset({"get", "list", "count"})

_HTML = (
    "<html><head><title>{status} Error</title></head><body><center><h1>{status}</h1>"
    "</center><hr><center>nginx</center></body></html>"
)


class Dispatcher:
    def __init__(self, state: State, uploads: UploadStore, faults: Faults) -> None:
        self.state = state
        self.uploads = uploads
        self.faults = faults

    def _session(self, ks: str) -> KSInfo:
        cfg = self.state.config
        try:
            session = parse_ks(ks, cfg.admin_secrets)
        except KSParseError as err:
            raise api_error("INVALID_KS", ks, -1, "INVALID_STR") from err
        if session.partner_id != cfg.partner_id:
            raise api_error("INVALID_KS", "INVALID_PARTNER", -1, "INVALID_STR")
        if session.valid_until <= self.state.now():
            raise api_error("INVALID_KS", "EXPIRED", -1, "INVALID_STR")
        revoked = hashlib.sha1(ks.encode()).hexdigest() in self.state.revoked_ks
        for value in session.privilege_map.get("sessionid", []):
            revoked = revoked or value in self.state.revoked_session_ids
        if revoked:
            raise api_error("INVALID_KS", "LOGOUT", -1, "INVALID_STR")
        return session

    async def call(self, params: dict[str, Any]) -> Any:
        service, act = params.get("service"), params.get("action")
        if not service or not isinstance(service, str):
            raise api_error("SERVICE_NOT_SPECIFIED")
        if not act or not isinstance(act, str):
            raise api_error("ACTION_NOT_SPECIFIED")
        service, act = service.lower(), act.lower()
        sch = schema()
        svc = sch.services.get(service)
        if svc is None:
            raise api_error("SERVICE_DOES_NOT_EXISTS", service)
        info = svc.actions.get(act)
        if info is None:
            raise api_error("ACTION_DOES_NOT_EXISTS", act, service)
        spec = find_spec(service, act)
        if spec is None:
            raise api_error("ACTION_NOT_EMULATED", service, act)
        ks = params.get("ks") or params.get("sessionId")
        ks = ks if isinstance(ks, str) and ks else None
        session = self._session(ks) if ks else None
        if spec.needs_ks and session is None:
            raise api_error("MISSING_KS")
        if spec.admin_only and session is not None and not session.is_admin:
            raise api_error("SERVICE_FORBIDDEN", f"{service}->{act}")
        if self.faults.rules and self.faults.blocked(service, act):
            raise api_error("ACTION_BLOCKED", act, service)
        args = cast_args(info, params)
        ctx = Context(self.state, self.uploads, session, ks, service, act)
        profile = await resolve_response_profile(ctx, params.get("responseProfile"))
        self.state.counters.hit(service, info.name)
        if act in _READS:
            result = await spec.func(ctx, args)
        else:
            try:
                result = await spec.func(ctx, args)
            finally:
                self.state.touch()
        return result if profile is None else await shape_result(ctx, profile, result)

    async def call_isolated(self, params: dict[str, Any], *, raw_file: bool = False) -> Any:
        """One call's result as a wire snapshot (later calls must not change it).

        ``raw_file`` keeps a :class:`FileBody` as it is, for a single call to send it bare.
        """
        try:
            result = await self.call(params)
            if raw_file and isinstance(result, FileBody):
                return result
            return to_wire(result)
        except APIError:
            raise
        except Exception as err:
            raise api_error("INTERNAL_SERVERL_ERROR") from err


def _targets(
    params: dict[str, Any], requests: list[dict[str, Any]] | None
) -> list[tuple[str, str]]:
    if requests is None:
        return [(str(params.get("service") or ""), str(params.get("action") or ""))]
    return [("multirequest", ""), *((str(r["service"]), str(r["action"])) for r in requests)]


def _reset(request: web.Request) -> None:
    """Drop the connection with a TCP RST, so the client sees a reset, not a clean close."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    transport.abort()


def _html_response(rule: FaultRule, default_status: int) -> web.Response:
    status = rule.status or default_status
    headers = {}
    if rule.retry_after is not None or rule.kind == "too_many_requests":
        headers["Retry-After"] = str(rule.retry_after if rule.retry_after is not None else 1)
    return web.Response(
        status=status, text=_HTML.format(status=status), content_type="text/html", headers=headers
    )


def _file_response(body: FileBody) -> web.Response:
    headers = {}
    if body.filename is not None:
        quoted = "".join(c for c in body.filename if c not in '"\r\n')
        headers["Content-Disposition"] = f'attachment; filename="{quoted}"'
    return web.Response(body=body.content, content_type=body.content_type, headers=headers)


def build_app(state: State, uploads: UploadStore, faults: Faults, tmpdir: str) -> web.Application:
    dispatcher = Dispatcher(state, uploads, faults)

    async def handle(request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        files: list[UploadedFile] = []
        try:
            params, files = await read_params(
                request,
                request.match_info.get("tail", ""),
                tmpdir,
                state.multipart_filenames.append,
            )
            return await _respond(request, params, started)
        finally:
            for uploaded in files:
                uploaded.discard()

    async def _respond(
        request: web.Request, params: dict[str, Any], started: float
    ) -> web.StreamResponse:
        fmt = str(params.get("format") or "2")
        is_multi = str(params.get("service") or "").lower() == "multirequest"
        requests = sub_requests(params) if is_multi else None
        fired = faults.draw(_targets(params, requests)) if faults.rules else []
        delay = faults.latency + sum(r.latency for r in fired if r.kind == "latency")
        if delay > 0:
            await asyncio.sleep(delay)
        for rule in fired:
            if rule.kind in BEFORE:
                if rule.kind == "reset_before":
                    _reset(request)
                    return web.Response()
                if rule.kind == "html":
                    return _html_response(rule, 200)
                return _html_response(rule, 429 if rule.kind == "too_many_requests" else 503)
        if requests is not None:
            result: Any = await run_multirequest(requests, dispatcher.call_isolated)
        else:
            try:
                result = await dispatcher.call_isolated(params, raw_file=True)
            except APIError as err:
                result = err
            if isinstance(result, FileBody):
                return _file_response(result)
        headers: dict[str, str] = {}
        if isinstance(result, APIError) and result.code == "SERVICE_FORBIDDEN":
            headers["X-Kaltura"] = "error-SERVICE_FORBIDDEN"
        if fmt == "1":
            body = render_json(result, wire=True)
            headers["Content-Type"] = "application/json"
        elif fmt == "2":
            body = render_xml(result, time.perf_counter() - started, multi=requests is not None)
            headers["Content-Type"] = "text/xml; charset=utf-8"
        else:
            headers["X-Kaltura"] = f"error-{fmt}"
            headers["X-Kaltura-App"] = f"exiting on error {fmt} - unknown format"
            return web.Response(body=b"", headers=headers)
        for rule in fired:
            if rule.kind in AFTER:
                if rule.kind == "reset_after":
                    _reset(request)
                    return web.Response()
                response = web.StreamResponse(headers=headers)
                response.content_length = len(body)
                await response.prepare(request)
                await response.write(body[: len(body) // 2])
                _reset(request)
                return response
        return web.Response(body=body, headers=headers)

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/api_v3", handle)
    app.router.add_route("*", "/api_v3{tail:/.*}", handle)
    return app
