"""Admin script: replace a tag on every entry that carries it.

    KALTURA_SERVICE_URL=... KALTURA_PARTNER_ID=... KALTURA_ADMIN_SECRET=... \\
        python examples/retag.py legacy archive [--dry-run]

It finds the entries with ``media.list`` (``tagsMultiLikeOr``), page by page with the cursor
strategy, and updates each page concurrently. To select by a full-text search instead, build
the pages with ``client.esearch.search_entry``: the rest is the same.
"""

from __future__ import annotations

import argparse
import asyncio
import os

from kaltura_async import KalturaClient, SecretKSProvider
from kaltura_async.types import MediaEntry, MediaEntryFilter


def retagged(tags: str, old: str, new: str) -> str:
    """``"a, legacy, b"`` -> ``"a, archive, b"`` (no duplicates, order kept)."""
    out: list[str] = []
    for tag in (t.strip() for t in tags.split(",")):
        tag = new if tag == old else tag
        if tag and tag not in out:
            out.append(tag)
    return ", ".join(out)


async def main(
    old: str,
    new: str,
    *,
    service_url: str,
    partner_id: int,
    admin_secret: str,
    dry_run: bool = False,
    concurrency: int = 8,
) -> list[str]:
    """Retag every entry tagged ``old``; returns the ids changed (or that would be)."""
    changed: list[str] = []
    provider = SecretKSProvider(admin_secret, partner_id, type=2, privileges="disableentitlement")
    async with KalturaClient(service_url, partner_id=partner_id, ks_provider=provider) as client:
        search = client.media.list(filter=MediaEntryFilter(tags_multi_like_or=old))
        # The cursor walks by createdAt, which retagging does not change: entries that stop
        # matching cannot shift the pages under us (page numbers would skip entries), and it
        # goes past the 10,000-result window.
        async for page in client.paginate(search, page_size=200, strategy="cursor").pages():
            updates = []
            for entry in page.objects or []:
                tags = entry.tags if isinstance(entry.tags, str) else ""
                if entry.id is None or old not in (t.strip() for t in tags.split(",")):
                    continue  # tagsMultiLikeOr also matches "legacy-2"; only exact tags change
                changed.append(entry.id)
                update = client.media.update(
                    entry_id=entry.id, media_entry=MediaEntry(tags=retagged(tags, old, new))
                )
                # Setting tags to a value is idempotent, so a lost answer may be retried.
                updates.append(update.with_options(idempotent=True))
            if updates and not dry_run:
                await client.gather(*updates, limit=concurrency)
    return changed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--dry-run", action="store_true")
    options = parser.parse_args()
    ids = asyncio.run(
        main(
            options.old,
            options.new,
            service_url=os.environ.get("KALTURA_SERVICE_URL", "https://www.kaltura.com"),
            partner_id=int(os.environ["KALTURA_PARTNER_ID"]),
            admin_secret=os.environ["KALTURA_ADMIN_SECRET"],
            dry_run=options.dry_run,
        )
    )
    verb = "would retag" if options.dry_run else "retagged"
    print(f"{verb} {len(ids)} entries")
