"""Raw-HTTP access to the emulator for its own tests (the SDK is deliberately not used)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from kaltura_async.testing import KalturaEmulator

__all__ = ["Raw", "api_error"]


class Raw:
    """Posts to the emulator and decodes JSON (format=1) answers."""

    def __init__(self, session: aiohttp.ClientSession, emu: KalturaEmulator) -> None:
        self.session = session
        self.emu = emu
        self.ks = emu.admin_ks()

    def url(self, service: str, action: str | None = None) -> str:
        tail = f"/action/{action}" if action else ""
        return f"{self.emu.url}/api_v3/service/{service}{tail}"

    async def call(
        self, service: str, action: str, *, ks: str | bool | None = True, **params: Any
    ) -> Any:
        body = {"format": 1, **params}
        if ks is True:
            body["ks"] = self.ks
        elif isinstance(ks, str):
            body["ks"] = ks
        async with self.session.post(self.url(service, action), json=body) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json"
            return json.loads(await resp.text())

    async def form(self, url: str, data: Any) -> Any:
        async with self.session.post(url, data=data) as resp:
            assert resp.status == 200
            return json.loads(await resp.text())

    async def multi(self, body: dict[str, Any]) -> Any:
        async with self.session.post(self.url("multirequest"), json=body) as resp:
            assert resp.status == 200
            return json.loads(await resp.text())

    async def upload(
        self, token_id: str, data: bytes, *, filename: str = "a.mp4", **fields: Any
    ) -> Any:
        form = aiohttp.FormData()
        form.add_field("format", "1")
        form.add_field("ks", self.ks)
        form.add_field("uploadTokenId", token_id)
        for key, value in fields.items():
            form.add_field(key, str(value))
        form.add_field("fileData", data, filename=filename, content_type="application/octet-stream")
        async with self.session.post(self.url("uploadtoken", "upload"), data=form) as resp:
            assert resp.status == 200
            return json.loads(await resp.text())

    async def add_entry(self, name: str = "clip", media_type: int = 1, **fields: Any) -> Any:
        entry = {"objectType": "KalturaMediaEntry", "name": name, "mediaType": media_type, **fields}
        return await self.call("media", "add", entry=entry)


def api_error(result: Any, code: str) -> dict[str, Any]:
    """Assert ``result`` is the API error ``code`` in the wire shape, and return it."""
    assert isinstance(result, dict), result
    assert result.get("objectType") == "KalturaAPIException", result
    assert result["code"] == code, result
    assert list(result) == ["code", "message", "objectType", "args"]
    return result
