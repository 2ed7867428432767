"""KalturaEmulator: the public handle that starts the server and lets tests look inside."""

from __future__ import annotations

import asyncio
import contextlib
import random
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any

from aiohttp import web

from ._app import build_app
from ._faults import Faults
from ._schema import schema
from ._services import Context
from ._services.entries import attach_content, attach_waiting_entry, new_entry
from ._services.sessions import mint
from ._state import ActionCounters, EmulatorConfig, State
from ._uploads import UploadStore

__all__ = ["KalturaEmulator"]


def _default_secret(seed: int, label: str) -> str:
    return f"{random.Random(f'{seed}:{label}').getrandbits(128):032x}"


class KalturaEmulator:
    """A local Kaltura api_v3 server on 127.0.0.1 (a free port unless ``port`` is given).

    ``async with KalturaEmulator() as emu:`` starts it; ``emu.url`` is the service URL to give
    a client. Secrets default to values derived from ``seed``. ``transcode_delay`` is how long
    a video stays in PRECONVERT (0: READY at once); ``final_chunk_wait`` bounds how long a
    final upload chunk waits for missing chunks (the server waits 45 s).
    """

    def __init__(
        self,
        *,
        partner_id: int = 1000,
        admin_secret: str | None = None,
        user_secret: str | None = None,
        seed: int = 0,
        transcode_delay: float = 0.0,
        final_chunk_wait: float = 45.0,
        ks_version: int = 2,
        host: str = "127.0.0.1",
        port: int = 0,
        extra_admin_secrets: tuple[str, ...] = (),
    ) -> None:
        admin = admin_secret or _default_secret(seed, "admin")
        self.config = EmulatorConfig(
            partner_id=partner_id,
            admin_secrets=[admin, *extra_admin_secrets],
            user_secret=user_secret or _default_secret(seed, "user"),
            seed=seed,
            transcode_delay=transcode_delay,
            final_chunk_wait=final_chunk_wait,
            ks_version=ks_version,
        )
        self.host = host
        self.port = port
        self.state = State(self.config)
        self.faults = Faults(seed)
        self._tmpdir: str | None = None
        self._uploads: UploadStore | None = None
        self._runner: web.AppRunner | None = None

    # lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            return
        schema()
        self._tmpdir = tempfile.mkdtemp(prefix="kaltura-emulator-")
        self._uploads = UploadStore(
            self.state,
            self._tmpdir,
            self.config.final_chunk_wait,
            lambda token: attach_waiting_entry(self.state, token),
        )
        app = build_app(self.state, self._uploads, self.faults, self._tmpdir)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self.port = int(address[1])
        self.config.public_url = self.url

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        if self._uploads is not None:
            self._uploads.reset()
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    async def __aenter__(self) -> KalturaEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @classmethod
    @contextlib.contextmanager
    def run_in_thread(cls, **options: Any) -> Iterator[KalturaEmulator]:
        """Run an emulator on its own event loop in a daemon thread (for sync clients)."""
        emu = cls(**options)
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(emu.start())
            except BaseException as err:
                failure.append(err)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(emu.stop())
            loop.close()

        thread = threading.Thread(target=run, name="kaltura-emulator", daemon=True)
        thread.start()
        ready.wait(30)
        if failure:
            raise failure[0]
        try:
            yield emu
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(30)

    # identity -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def partner_id(self) -> int:
        return self.config.partner_id

    @property
    def admin_secret(self) -> str:
        return self.config.admin_secrets[0]

    @property
    def user_secret(self) -> str:
        return self.config.user_secret

    def __repr__(self) -> str:
        return f"KalturaEmulator(url={self.url!r}, partner_id={self.partner_id})"

    def admin_ks(self, user_id: str = "", expiry: int = 86400, privileges: str = "") -> str:
        """A fresh ADMIN KS (the configured KS version) valid for ``expiry`` seconds."""
        return mint(self.state, 2, user_id, expiry, privileges)

    def user_ks(self, user_id: str = "user", expiry: int = 86400, privileges: str = "") -> str:
        """A fresh USER KS for ``user_id``."""
        return mint(self.state, 0, user_id, expiry, privileges)

    # inspection -----------------------------------------------------------------------------

    @property
    def counters(self) -> ActionCounters:
        """(service, action) -> times the action ran; lookups ignore case."""
        return self.state.counters

    @property
    def entries(self) -> Mapping[str, dict[str, Any]]:
        """Entries by id; changing one counts as a write (list indexes are rebuilt)."""
        self.state.settle()
        self.state.touch()
        return self.state.entries

    @property
    def upload_tokens(self) -> Mapping[str, dict[str, Any]]:
        return {tid: t.obj for tid, t in self._store().tokens.items()}

    @property
    def multipart_filenames(self) -> list[str]:
        """Every filename seen in a multipart part's Content-Disposition, in arrival order."""
        return self.state.multipart_filenames

    def _store(self) -> UploadStore:
        if self._uploads is None:
            raise RuntimeError("the emulator is not started")
        return self._uploads

    def upload_token_bytes(self, token_id: str) -> bytes:
        return self._store().read_bytes(token_id)

    def upload_token_sha256(self, token_id: str) -> str:
        return self._store().sha256(token_id)

    def reset(self) -> None:
        """Forget every object, token, counter and fault rule."""
        self.state.reset()
        self.faults.clear()
        self.faults.reseed(self.config.seed)
        if self._uploads is not None:
            self._uploads.reset()

    def set_latency(self, seconds: float) -> None:
        """Delay every request by ``seconds`` (benchmarks use 5 ms)."""
        self.faults.latency = seconds

    def seed_entries(
        self,
        n: int,
        *,
        name_prefix: str = "entry",
        media_type: int = 1,
        user_id: str = "",
        tags: str | None = None,
        with_content: bool = False,
    ) -> list[str]:
        """Create ``n`` READY media entries directly in the store; returns their ids."""
        ctx = Context(self.state, self._store(), None, None, "media", "add")
        ids: list[str] = []
        now = int(time.time())
        for i in range(n):
            obj: dict[str, Any] = {
                "objectType": "KalturaMediaEntry",
                "name": f"{name_prefix}-{i}",
                "mediaType": media_type,
                "userId": user_id,
            }
            if tags is not None:
                obj["tags"] = tags
            entry = new_entry(ctx, obj, 1)
            if with_content:
                attach_content(self.state, entry, 0)
            entry.update(status=2, createdAt=now)
            ids.append(entry["id"])
        self.state.touch()
        return ids
