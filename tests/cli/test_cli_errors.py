"""Every command-line failure is one line and a non-zero exit; values are never echoed.

Covers ``kaltura-async`` (including ``emulator``) and ``python -m kaltura_async.codegen``.
A value typed on a command line may be a secret, so usage errors name the flag instead.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kaltura_async._argparse import safe_usage_message
from kaltura_async.cli import main
from kaltura_async.codegen import _cli as codegen_cli

ROOT = Path(__file__).resolve().parents[2]
VALUE = "s3cr3t-Value-9f2"


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err, environ=env or {})
    return code, err.getvalue()


def one_line(text: str) -> bool:
    return text.count("\n") == 1 and text.endswith("\n")


@pytest.mark.parametrize(
    "argv",
    [
        ["ks", "generate", "--expiry", VALUE],
        ["ks", "generate", "--type", VALUE],
        ["ks", "generate", "--ks-version", VALUE],
        ["upload", "x.mp4", "--parallel", VALUE],
        ["call", "media", "list", f"--bogus={VALUE}"],
        ["ks", "decode", "--no-verify", VALUE, "second-positional"],
        ["emulator", "--port", VALUE],
        ["emulator", f"--seed={VALUE}"],
    ],
)
def test_a_bad_flag_value_is_named_not_echoed(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(argv)
    usage = capsys.readouterr().err
    assert code == 2
    assert VALUE not in usage + err
    assert one_line(usage), usage
    assert usage.startswith("kaltura-async")
    assert "error: " in usage


def test_the_message_names_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ks", "generate", "--expiry", VALUE])[0] == 2
    assert "argument --expiry: must be an integer 1 or more" in capsys.readouterr().err
    assert run(["ks", "generate", "--type", VALUE])[0] == 2
    assert "argument --type: invalid choice (choose from" in capsys.readouterr().err
    assert run(["call", "media", "list", f"--bogus={VALUE}", VALUE])[0] == 2
    assert "unrecognized arguments: --bogus and 1 value" in capsys.readouterr().err


@pytest.mark.parametrize(
    "message",
    [
        f"argument --port: invalid int value: '{VALUE}'",
        f"argument --type: invalid choice: '{VALUE}' (choose from 'admin', 'user')",
        f"argument --type: invalid choice: '{VALUE}' (choose from admin, user)",
        f"argument --json: ignored explicit argument '{VALUE}'",
        f"ambiguous option: --adm={VALUE} could match --admin-secret, --admin-x",
        f"argument --x: invalid float value: '{VALUE}\nsecond line'",
    ],
)
def test_safe_usage_message_drops_values(message: str) -> None:
    text = safe_usage_message(message)
    assert VALUE not in text
    assert "\n" not in text
    assert text.startswith(message.split(":")[0])


def test_a_bad_environment_value_is_named_not_echoed() -> None:
    code, err = run(["call", "media", "count"], {"KALTURA_PARTNER_ID": VALUE})
    assert code == 2
    assert one_line(err)
    assert VALUE not in err
    assert "KALTURA_PARTNER_ID" in err


def test_a_parameter_without_a_name_is_not_echoed() -> None:
    env = {"KALTURA_SERVICE_URL": "http://127.0.0.1:9", "KALTURA_KS": "x"}
    code, err = run(["call", "session", "start", VALUE], env)
    assert code == 2
    assert one_line(err)
    assert VALUE not in err
    assert "parameter 1 has no '='" in err


def test_an_unreadable_file_is_one_line(tmp_path: Path) -> None:
    env = {"KALTURA_SERVICE_URL": "http://127.0.0.1:9", "KALTURA_KS": "x"}
    code, err = run(["upload", str(tmp_path / "missing.mp4")], env)
    assert code == 1
    assert one_line(err)
    assert "no such file" in err


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def test_emulator_on_a_port_in_use_is_one_line(busy_port: int) -> None:
    code, err = run(["emulator", "--port", str(busy_port)])
    assert code == 1
    assert one_line(err), err
    assert err.startswith("kaltura-async: error: OSError")
    assert "Traceback" not in err


def test_emulator_module_on_a_port_in_use_is_one_line(busy_port: int) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "kaltura_async.testing", "--port", str(busy_port)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert one_line(run.stderr), run.stderr
    assert run.stderr.startswith("python -m kaltura_async.testing: error: ")


def test_emulator_with_debug_shows_the_traceback(busy_port: int) -> None:
    for argv in (
        ["--debug", "emulator", "--port", str(busy_port)],
        ["emulator", "--port", str(busy_port), "--debug"],
    ):
        code, err = run(argv)
        assert code == 1
        assert "Traceback (most recent call last)" in err
        assert err.rstrip().splitlines()[-1].startswith("kaltura-async: error: OSError")


# ---------------------------------------------------------------------------- codegen


def codegen(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = codegen_cli.main(argv)
    return code, capsys.readouterr().err


def test_codegen_defaults_to_the_schema_in_the_repository() -> None:
    assert codegen_cli.DEFAULT_SCHEMA == ROOT / "schema" / "kaltura_api_schema_23.10.0.xml"
    assert codegen_cli.DEFAULT_SCHEMA.is_file()


def test_codegen_without_a_schema_says_what_to_pass(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(codegen_cli, "DEFAULT_SCHEMA", tmp_path / "none.xml")
    code, err = codegen(["--check"], capsys)
    assert code == 1
    assert one_line(err)
    assert "pass a schema file or an api_schema.php URL" in err


def test_codegen_missing_schema_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = codegen([str(tmp_path / "missing.xml"), "--check"], capsys)
    assert code == 1
    assert one_line(err)
    assert err.startswith("python -m kaltura_async.codegen: error: cannot read schema")
    assert "FileNotFoundError" in err


@pytest.mark.parametrize(
    "content", [b"<html>not a schema</html>", b"\x00\x01 not xml", b'<xml apiVersion="1">']
)
def test_codegen_bad_schema_is_one_line(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    code, err = codegen([str(path), "--out", str(tmp_path / "out")], capsys)
    assert code == 1
    assert one_line(err), err
    assert "Traceback" not in err


def test_codegen_unreachable_url_is_one_line_without_credentials(
    busy_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://user:{VALUE}@127.0.0.1:{port}/api_v3/api_schema.php?ks={VALUE}"
    code, err = codegen([url, "--check"], capsys)
    assert code == 1
    assert one_line(err), err
    assert VALUE not in err
    assert f"http://127.0.0.1:{port}/api_v3/api_schema.php" in err


def test_codegen_debug_adds_the_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = codegen([str(tmp_path / "missing.xml"), "--debug"], capsys)
    assert code == 1
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().splitlines()[-1].startswith("python -m kaltura_async.codegen: error:")


def test_codegen_bad_flag_is_named_not_echoed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        codegen_cli.main([f"--out-dir={VALUE}"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert one_line(err)
    assert VALUE not in err
    assert "--out-dir" in err
