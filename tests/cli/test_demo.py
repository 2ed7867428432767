"""kaltura-async demo: the local tour, and the same tour against an 'account' that it must
leave as it found it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest

from kaltura_async.cli import main
from kaltura_async.cli._demo import DEMO_ENTRY_NAME
from kaltura_async.testing import KalturaEmulator

STEPS = (
    "session.start",
    "media.list",
    "multirequest",
    "client.gather",
    "upload",
    "client.paginate",
    "cleanup",
)


def run_demo(env: dict[str, str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["demo", "--fast"], stdout=out, stderr=err, environ=env)
    return code, out.getvalue(), err.getvalue()


def check_steps(out: str) -> None:
    lines = out.splitlines()
    titles = [line.split(":")[0].strip() for line in lines[1:-1]]
    assert tuple(titles) == STEPS, out
    assert all(re.search(r"\[\d[\d,]* ms\]$", line) for line in lines[1:-1]), out
    assert re.fullmatch(r"done in \d+\.\d\d s", lines[-1])


def test_demo_runs_locally_without_credentials() -> None:
    code, out, err = run_demo({})
    assert code == 0, err
    assert out.startswith("kaltura-async demo against an in-process emulator at http://127.0.0.1:")
    check_steps(out)
    assert "100 media.get calls at once" in out
    assert re.search(r"token 0_\w+ -> entry 0_\w+ \(READY\)", out)
    assert "121 entries in 1 pages" in out  # the 120 samples and the demo entry
    assert "uploading" in err  # the progress bar


@pytest.fixture
def account() -> Iterator[KalturaEmulator]:
    with KalturaEmulator.run_in_thread() as emu:
        emu.seed_entries(30, name_prefix="customer")
        yield emu


def test_demo_against_an_account_cleans_up_and_prints_no_secret(account: KalturaEmulator) -> None:
    before = {entry_id: dict(entry) for entry_id, entry in account.entries.items()}
    env = {
        "KALTURA_SERVICE_URL": account.url,
        "KALTURA_PARTNER_ID": str(account.partner_id),
        "KALTURA_ADMIN_SECRET": account.admin_secret,
    }
    code, out, err = run_demo(env)
    assert code == 0, err
    assert out.startswith(f"kaltura-async demo against {account.url}")
    check_steps(out)
    # One entry was written, the clearly named demo entry, and it is gone again.
    assert account.counters[("media", "add")] == 1
    assert account.counters[("media", "delete")] == 1
    assert all(
        e.get("name") != DEMO_ENTRY_NAME or e.get("status") == 3 for e in account.entries.values()
    )
    assert {i: e for i, e in account.entries.items() if i in before} == before
    assert account.admin_secret not in out + err


def test_demo_needs_complete_settings() -> None:
    code, _out, err = run_demo({"KALTURA_SERVICE_URL": "http://127.0.0.1:9"})
    assert code == 1
    assert err.startswith(
        "kaltura-async: error: KalturaValidationError: the demo against an account"
    )


def test_demo_with_a_ks_only(account: KalturaEmulator) -> None:
    ks = account.admin_ks()
    code, out, err = run_demo({"KALTURA_SERVICE_URL": account.url, "KALTURA_KS": ks})
    assert code == 0, err
    check_steps(out)
    assert "using the KS from KALTURA_KS" in out
    assert account.counters[("session", "start")] == 0
    assert ks not in out + err
