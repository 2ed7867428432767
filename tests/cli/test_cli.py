"""The kaltura-async command line: every subcommand, error exits and the no-secret rule."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kaltura_async import generate_ks, parse_ks
from kaltura_async.cli import Settings, main, parse_assignments, render_table
from kaltura_async.cli._output import PlainProgress, parse_value, progress_bar
from kaltura_async.testing import KalturaEmulator

ROOT = Path(__file__).resolve().parents[2]


class Run:
    """One CLI run: exit code and captured streams."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        out, err = io.StringIO(), io.StringIO()
        self.code = main(argv, stdout=out, stderr=err, environ=env)
        self.out = out.getvalue()
        self.err = err.getvalue()


@pytest.fixture(scope="module")
def emu() -> Iterator[KalturaEmulator]:
    # A background-thread emulator: the CLI runs its own event loop (asyncio.run).
    with KalturaEmulator.run_in_thread(final_chunk_wait=2.0) as emulator:
        emulator.seed_entries(12, name_prefix="demo")
        emulator.seed_entries(3, name_prefix="other")
        yield emulator


@pytest.fixture
def env(emu: KalturaEmulator) -> dict[str, str]:
    return {
        "KALTURA_SERVICE_URL": emu.url,
        "KALTURA_PARTNER_ID": str(emu.partner_id),
        "KALTURA_ADMIN_SECRET": emu.admin_secret,
    }


def assert_no_secret(run: Run, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in run.out
        assert secret not in run.err


# ---------------------------------------------------------------------------- parsing


def test_values_parse_as_json_scalars_or_strings() -> None:
    assert parse_value("5") == 5
    assert parse_value("-2") == -2
    assert parse_value("1.5") == 1.5
    assert parse_value("true") is True
    assert parse_value("false") is False
    assert parse_value("0_abc123") == "0_abc123"
    assert parse_value("12abc") == "12abc"
    assert parse_value('"123"') == "123"  # quoted: a string that looks like a number
    assert parse_value("KalturaMediaEntryFilter") == "KalturaMediaEntryFilter"
    assert parse_value("") == ""


def test_nested_assignments() -> None:
    params = parse_assignments(
        [
            "filter.objectType=KalturaMediaEntryFilter",
            "filter.nameLike=demo",
            "pager.pageSize=5",
            "entryId=0_x",
        ]
    )
    assert params == {
        "filter": {"objectType": "KalturaMediaEntryFilter", "nameLike": "demo"},
        "pager": {"pageSize": 5},
        "entryId": "0_x",
    }
    for bad in (
        ["novalue"],
        ["=x"],
        ["a..b=1"],
        ["a=1", "a.b=2"],
        ["a.b=1", "a=2"],
        ["a=1", "a=2"],
    ):
        with pytest.raises(ValueError):
            parse_assignments(bad)


def test_table_rendering() -> None:
    data = {
        "objects": [
            {"id": "0_a", "name": "first", "status": 2, "objectType": "KalturaMediaEntry"},
            {
                "id": "0_bbbbbb",
                "name": "second one",
                "status": 7,
                "objectType": "KalturaMediaEntry",
            },
        ],
        "totalCount": 2,
    }
    lines = render_table(data).splitlines()
    assert lines[0].split() == ["id", "name", "status"]
    assert lines[2].startswith("0_a       first       2")
    assert lines[3].startswith("0_bbbbbb  second one  7")
    assert lines[-1] == "(2 shown, totalCount 2)"
    assert render_table(data, columns="name").splitlines()[2].strip() == "first"
    single = render_table({"id": "0_a", "nested": {"x": 1}}).splitlines()
    assert single[2].split() == ["id", "0_a"]
    assert single[3].split() == ["nested", '{"x":1}']
    assert render_table(17) == "17"
    assert render_table([]) == "(no results)"


# ---------------------------------------------------------------------------- call


def test_call_lists_as_a_table(env: dict[str, str]) -> None:
    run = Run(["call", "media", "list", "filter.nameLike=demo", "pager.pageSize=5"], env)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].split()[:3] == ["id", "name", "status"]
    assert lines[2].split()[2] == "READY"  # enums by name in tables
    assert len(lines) == 2 + 5 + 1
    assert lines[-1] == "(5 shown, totalCount 12)"
    assert_no_secret(run, env["KALTURA_ADMIN_SECRET"])


def test_call_json_with_object_type(env: dict[str, str]) -> None:
    run = Run(
        [
            "call",
            "baseEntry",
            "list",
            "filter.objectType=KalturaMediaEntryFilter",
            "filter.nameLike=other",
            "--json",
        ],
        env,
    )
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["totalCount"] == 3
    assert sorted(e["name"] for e in data["objects"]) == ["other-0", "other-1", "other-2"]
    assert data["objects"][0]["objectType"] == "KalturaMediaEntry"


def test_call_single_object_and_scalar(env: dict[str, str], emu: KalturaEmulator) -> None:
    entry_id = next(iter(emu.entries))
    run = Run(["call", "media", "get", f"entryId={entry_id}"], env)
    assert run.code == 0, run.err
    assert any(line.split() == ["id", entry_id] for line in run.out.splitlines())
    run = Run(["call", "media", "count", "filter.nameLike=demo"], env)
    assert (run.code, run.out) == (0, "12\n")


def test_unreachable_server_is_one_line(env: dict[str, str]) -> None:
    # --retries 0: one refused connection, no backoff waits to sit through.
    argv = ["call", "system", "ping", "--retries", "0"]
    run = Run(argv, {**env, "KALTURA_SERVICE_URL": "http://127.0.0.1:9"})
    assert run.code == 1
    assert run.err.startswith("kaltura-async: error: KalturaConnectionError")
    assert run.err.count("\n") == 1


def test_call_api_error_is_one_line_and_exits_1(env: dict[str, str]) -> None:
    run = Run(["call", "media", "get", "entryId=0_nosuch"], env)
    assert run.code == 1
    assert run.out == ""
    assert run.err.count("\n") == 1
    assert "EntryNotFoundError: ENTRY_ID_NOT_FOUND" in run.err
    assert "Traceback" not in run.err


def test_debug_shows_the_traceback_without_secrets(env: dict[str, str]) -> None:
    run = Run(["--debug", "call", "media", "get", "entryId=0_nosuch"], env)
    assert run.code == 1
    assert "Traceback (most recent call last)" in run.err
    assert run.err.rstrip().splitlines()[-1].startswith("kaltura-async: error: EntryNotFoundError")
    assert "DEBUG kaltura_async" in run.err  # the SDK's redacted debug log
    assert_no_secret(run, env["KALTURA_ADMIN_SECRET"])
    # The same flag after the subcommand.
    assert "Traceback" in Run(["call", "media", "get", "entryId=0_nosuch", "--debug"], env).err


def test_call_with_a_ks_from_the_environment(emu: KalturaEmulator) -> None:
    ks = emu.admin_ks()
    env = {"KALTURA_SERVICE_URL": emu.url, "KALTURA_KS": ks}
    run = Run(["call", "media", "list", "pager.pageSize=1", "--json"], env)
    assert run.code == 0, run.err
    assert json.loads(run.out)["totalCount"] >= 15
    assert_no_secret(run, ks)
    # A KS the server refuses: one line, and the KS is not in it (nor in the traceback).
    bad = ks[:-6] + "AAAAAA"
    run = Run(["--debug", "call", "media", "list"], {**env, "KALTURA_KS": bad})
    assert run.code == 1
    assert "InvalidKSError" in run.err
    assert_no_secret(run, bad, ks)


def test_flags_override_the_environment(env: dict[str, str]) -> None:
    run = Run(["call", "media", "count", "--partner-id", "nope"], env)
    assert run.code == 2
    assert "partner id must be an integer" in run.err
    run = Run(["call", "media", "count", "--service-url", "ftp://user:s3cr3t@x"], env)
    assert run.code == 2
    assert "the scheme 'ftp'" in run.err and "--service-url or KALTURA_SERVICE_URL" in run.err
    assert "s3cr3t" not in run.err + run.out
    run = Run(["call", "media", "count"], {**env, "KALTURA_SERVICE_URL": "https://h?x=1"})
    assert run.code == 2
    assert "query or fragment" in run.err


def test_usage_errors_exit_2(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert Run([], env).code == 2
    assert Run(["call", "media"], env).code == 2
    assert Run(["frobnicate"], env).code == 2
    assert "invalid choice" in capsys.readouterr().err
    assert Run(["call", "media", "list", "nonsense"], env).code == 2


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import kaltura_async

    assert Run(["--version"], {}).code == 0
    assert capsys.readouterr().out.strip() == f"kaltura-async {kaltura_async.__version__}"


# ---------------------------------------------------------------------------- ks


def test_ks_generate_and_decode(env: dict[str, str], emu: KalturaEmulator) -> None:
    secret = env["KALTURA_ADMIN_SECRET"]
    run = Run(["ks", "generate", "--user-id", "ops", "--privileges", "disableentitlement"], env)
    assert run.code == 0, run.err
    ks = run.out.strip()
    info = parse_ks(ks, admin_secret=secret)
    assert (info.partner_id, info.user_id, info.type) == (emu.partner_id, "ops", 2)
    assert info.privileges_string == "disableentitlement"
    assert_no_secret(run, secret)

    decoded = Run(["ks", "decode", ks, "--json"], env)
    assert decoded.code == 0, decoded.err
    fields = json.loads(decoded.out)
    assert fields["verified"] is True
    assert fields["user_id"] == "ops"
    assert fields["type"] == "ADMIN"
    assert fields["privileges"] == "disableentitlement"
    assert_no_secret(decoded, secret, ks)

    # From KALTURA_KS, as a table.
    table = Run(["ks", "decode"], {**env, "KALTURA_KS": ks})
    assert table.code == 0
    assert any(line.split()[:2] == ["user_id", "ops"] for line in table.out.splitlines())
    assert_no_secret(table, secret, ks)


def test_ks_decode_without_the_secret(emu: KalturaEmulator) -> None:
    v2 = generate_ks(emu.admin_secret, 55, user_id="someone", type=2)
    run = Run(["ks", "decode", v2, "--json"], {})
    assert run.code == 0
    fields = json.loads(run.out)
    assert fields == {
        "version": 2,
        "partner_id": 55,
        "verified": False,
        "note": "KS v2 is encrypted: set KALTURA_ADMIN_SECRET to read the rest",
    }
    v1 = generate_ks(emu.admin_secret, 55, user_id="someone", version=1)
    fields = json.loads(Run(["ks", "decode", v1, "--json"], {}).out)
    assert fields["user_id"] == "someone"
    assert fields["type"] == "USER"
    assert_no_secret(run, v2, emu.admin_secret)


def test_ks_errors(env: dict[str, str], emu: KalturaEmulator) -> None:
    run = Run(["ks", "generate"], {"KALTURA_PARTNER_ID": "1"})
    assert run.code == 2
    assert "needs the admin secret" in run.err
    run = Run(["ks", "decode"], {})
    assert run.code == 1
    assert "no KS to decode" in run.err
    other = generate_ks("another-secret-entirely-0123456789", emu.partner_id, version=1)
    run = Run(["ks", "decode", other], env)
    assert run.code == 1
    assert run.err.startswith("kaltura-async: error: KalturaValidationError")
    assert_no_secret(run, other, env["KALTURA_ADMIN_SECRET"])
    ok = Run(["ks", "decode", other, "--no-verify", "--json"], env)
    assert json.loads(ok.out)["verified"] is False


# ---------------------------------------------------------------------------- emulator


def test_emulator_help_is_the_emulators(capsys: pytest.CaptureFixture[str]) -> None:
    assert Run(["emulator", "--help"], {}).code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: kaltura-async emulator")
    assert "--transcode-delay" in out
    assert Run(["emulator", "--port", "notaport"], {}).code == 2


def test_emulator_serves_from_the_command_line() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kaltura_async", "emulator", "--port", "0", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the process prints its URL once it is serving
        assert line.startswith("Kaltura emulator serving http://127.0.0.1:"), line
        url = line.split()[3].removesuffix("/api_v3")
        emu = KalturaEmulator(seed=3)  # same seed, same secrets; never started
        run = Run(
            ["call", "media", "count"],
            {
                "KALTURA_SERVICE_URL": url,
                "KALTURA_PARTNER_ID": "1000",
                "KALTURA_ADMIN_SECRET": emu.admin_secret,
            },
        )
        assert (run.code, run.out) == (0, "0\n"), run.err
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_module_entry_point_runs() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    done = subprocess.run(
        [sys.executable, "-m", "kaltura_async", "--version"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("kaltura-async ")


# ---------------------------------------------------------------------------- upload


def test_upload_ingests_a_file_and_prints_the_entry_id(
    env: dict[str, str], emu: KalturaEmulator, tmp_path: Path
) -> None:
    data = bytes(range(256)) * 1_000
    path = tmp_path / "talk.mp4"
    path.write_bytes(data)
    run = Run(
        ["upload", str(path), "--name", "Keynote", "--parallel", "2", "--chunk-size", "65536"], env
    )
    assert run.code == 0, run.err
    entry_id = run.out.strip()
    entry = emu.entries[entry_id]
    assert entry["name"] == "Keynote"
    tokens = [t for t in emu.upload_tokens.values() if t.get("attachedObjectId") == entry_id]
    assert len(tokens) == 1
    assert emu.upload_token_sha256(tokens[0]["id"]) == hashlib.sha256(data).hexdigest()
    assert "talk.mp4" in run.err  # the progress bar, on stderr
    assert_no_secret(run, env["KALTURA_ADMIN_SECRET"])


def test_upload_errors(env: dict[str, str], tmp_path: Path) -> None:
    run = Run(["upload", str(tmp_path / "missing.mp4")], env)
    assert run.code == 1
    assert "no such file" in run.err
    (tmp_path / "a.mp4").write_bytes(b"x")
    run = Run(["upload", str(tmp_path / "a.mp4"), "--parallel", "0"], env)
    assert run.code == 2
    assert run.err == ""  # argparse wrote the usage line; no progress bar was drawn


def test_plain_progress_without_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes `import tqdm` fail
    stream = io.StringIO()
    bar = progress_bar("clip.mp4", 1000, stream)
    assert isinstance(bar, PlainProgress)
    bar(500, 1000)
    bar(1000, None)  # a total the source did not know falls back to the expected size
    bar.close()
    assert stream.getvalue() == "clip.mp4: 1,000 bytes sent\n"  # not a tty: one line

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = progress_bar("clip.mp4", 1000, tty)
    bar(500, 1000)
    bar(1000, 1000)
    bar.close()
    assert tty.getvalue() == (
        "\rclip.mp4:  50% (500 of 1,000 bytes)\rclip.mp4: 100% (1,000 of 1,000 bytes)\n"
    )


def test_settings_repr_hides_secrets() -> None:
    text = repr(Settings(partner_id=1, admin_secret="very-secret-value", ks="djJ8c2VjcmV0"))
    assert "very-secret-value" not in text
    assert "djJ8c2VjcmV0" not in text
    assert "partner_id=1" in text


def test_upload_defaults_are_the_sdks(capsys: pytest.CaptureFixture[str]) -> None:
    from kaltura_async._upload import DEFAULT_CHUNK_SIZE, DEFAULT_PARALLEL, FILE_CHUNK_SIZE
    from kaltura_async.cli import build_parser

    args = build_parser().parse_args(["upload", "a.mp4"])
    # Not given: client.upload's own defaults apply, so the two can never disagree.
    assert args.parallel is None and args.chunk_size is None
    with pytest.raises(SystemExit):
        build_parser().parse_args(["upload", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert f"default {DEFAULT_PARALLEL}," in shown
    assert f"{FILE_CHUNK_SIZE} for a regular file, {DEFAULT_CHUNK_SIZE} for a pipe" in shown


@pytest.mark.parametrize("module", ["_commands", "_demo", "_output", "_settings"])
def test_cli_modules_import_on_their_own(module: str) -> None:
    # A cycle between the CLI's modules shows as an ImportError when one is imported first.
    code = f"import kaltura_async.cli.{module}"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
