"""The official KalturaApiClient 23.10.0 as a contender (bench-only; never shipped).

It is synchronous, speaks XML only (format=2), and opens a new HTTP connection per call
through ``requests``; it is not thread-safe, so the thread-pool contender gives every
thread its own client.
"""

from __future__ import annotations

import importlib.util
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

NAME = "official client 23.10.0"


def available() -> bool:
    return importlib.util.find_spec("KalturaClient") is not None


MISSING_NOTE = (
    "official client not installed (it comes with the bench extra: pip install '.[bench]')"
)


def client(url: str, ks: str) -> Any:
    from KalturaClient import KalturaClient, KalturaConfiguration

    config = KalturaConfiguration()
    config.serviceUrl = url
    official = KalturaClient(config)
    official.setKs(ks)
    return official


def media_list(official: Any) -> Any:
    from KalturaClient.Plugins.Core import KalturaFilterPager, KalturaMediaEntryFilter

    entry_filter = KalturaMediaEntryFilter()
    entry_filter.nameLike = "demo"
    pager = KalturaFilterPager()
    pager.pageSize = 5
    result = official.media.list(entry_filter, pager)
    if len(result.objects) != 5:
        raise RuntimeError("the official client decoded an unexpected response")
    return result


def sequential(url: str, ks: str, n_ops: int) -> Any:
    official = client(url, ks)

    def run() -> int:
        for _ in range(n_ops):
            media_list(official)
        return n_ops

    return run


class ThreadPool:
    """``n_ops`` official calls over a pool of ``threads`` threads, one client each."""

    def __init__(self, url: str, ks: str, threads: int) -> None:
        self._local = threading.local()
        self._url = url
        self._ks = ks
        self._pool = ThreadPoolExecutor(threads)

    def _one(self, _i: int) -> None:
        official = getattr(self._local, "client", None)
        if official is None:
            official = self._local.client = client(self._url, self._ks)
        media_list(official)

    def runner(self, n_ops: int) -> Any:
        def run() -> int:
            for _ in self._pool.map(self._one, range(n_ops)):
                pass
            return n_ops

        return run

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def parse_list(xml: bytes) -> Any:
    """The official client's decode of a list response: lxml parse, then its object factory."""
    from KalturaClient import KalturaClient, KalturaConfiguration
    from KalturaClient.Base import KalturaObjectFactory

    parser_owner = KalturaClient(KalturaConfiguration())

    def run() -> Any:
        node = parser_owner.parsePostResult(xml)
        return KalturaObjectFactory.create(node, "KalturaMediaListResponse")

    return run
