"""The benchmark runner end to end on one tiny scenario: a table and JSON with ratios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import __main__ as runner, bench_decode


@pytest.fixture
def tiny_decode(monkeypatch: pytest.MonkeyPatch) -> None:
    # A small response keeps the test fast; the runner and harness are what is tested.
    monkeypatch.setattr(bench_decode, "ENTRIES", 20)


def test_quick_decode_run_prints_a_table_and_writes_json_with_ratios(
    tiny_decode: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = runner.main(["--quick", "--only", "decode", "--out", str(tmp_path)])
    out = capsys.readouterr().out

    assert code == 0
    assert "| scenario | contender | median | min | max | ratio vs baseline |" in out
    assert "decode 20-entry MediaListResponse" in out
    assert "| figure | before | goal | this run | holds |" in out
    assert "| typed decode of a 20-entry list, parse included / json.loads alone | 2.57x |" in out
    # rows of scenarios this invocation did not run say so
    assert "| typed media.list / raw aiohttp + json.loads, concurrency 32 |" in out
    assert "not run in this invocation" in out

    rows = json.loads((tmp_path / "decode.json").read_text())["rows"]
    by_name = {
        r["contender"]: r for r in rows if r["scenario"] == "decode 20-entry MediaListResponse"
    }
    sweep = {r["scenario"] for r in rows if r["contender"] == bench_decode.SDK}
    assert sweep == {f"decode {n}-entry MediaListResponse" for n in (1, 10, 20, 100, 500, 2000)}
    assert by_name[bench_decode.BASELINE]["ratio"] == 1.0
    sdk = by_name[bench_decode.SDK]
    assert sdk["baseline"] == bench_decode.BASELINE
    assert sdk["ratio"] > 0 and sdk["rounds"] == 5
    assert sdk["min"] <= sdk["median"] <= sdk["max"]

    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["quick"] is True
    assert summary["machine"]["cpus"] >= 1
    decode_target = next(t for t in summary["targets"] if "20-entry list" in t["target"])
    assert decode_target["holds"] is (sdk["ratio"] <= 1.0)
    per_entry = next(t for t in summary["targets"] if t["target"].startswith("per-entry"))
    assert per_entry["holds"] is not None and "µs" in per_entry["measured"]


def test_unknown_scenario_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert runner.main(["--only", "nope", "--out", str(tmp_path)]) == 2
    assert "unknown scenario(s): nope" in capsys.readouterr().out
    assert not any(tmp_path.iterdir())


def test_list_names_every_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert runner.main(["--list"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(runner.SCENARIOS)
