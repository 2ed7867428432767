"""Flags and configuration are checked at parse time: one line, exit 2, no I/O, no value echoed."""

from __future__ import annotations

import io

import pytest

from kaltura_async.cli import main
from kaltura_async.cli._output import render_table
from kaltura_async.cli._settings import UsageError

VALUE = "s3cr3t-Value-9f2"


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err, environ=env or {})
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "argv",
    [["call", "media", "list"], ["upload", "pyproject.toml"]],
)
def test_a_command_with_no_account_says_what_to_set(argv: list[str]) -> None:
    code, out, err = run(argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "KALTURA_SERVICE_URL" in err and "--service-url" in err
    assert "KALTURA_ADMIN_SECRET" in err and "KALTURA_KS" in err


def test_a_secret_without_partner_id_is_refused_before_io() -> None:
    code, _, err = run(
        ["call", "media", "list"],
        {"KALTURA_SERVICE_URL": "http://127.0.0.1:9", "KALTURA_ADMIN_SECRET": VALUE},
    )
    assert code == 2
    assert "partner id" in err and VALUE not in err


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["upload", "pyproject.toml", "--parallel", "0"], "--parallel"),
        (["upload", "pyproject.toml", "--parallel", "65"], "--parallel"),
        (["upload", "pyproject.toml", "--chunk-size", "0"], "--chunk-size"),
        (["upload", "pyproject.toml", "--media-type", "9"], "--media-type"),
        (["ks", "generate", "--expiry", "-5"], "--expiry"),
        (["ks", "generate", "--expiry", "0"], "--expiry"),
        (["call", "media", "list", "--retries", "-1"], "--retries"),
        (["emulator", "--latency", "-1"], "--latency"),
        (["emulator", "--transcode-delay", "nan"], "--transcode-delay"),
        (["emulator", "--port", "99999"], "--port"),
        (["emulator", "--port", "-1"], "--port"),
    ],
)
def test_an_out_of_range_flag_is_a_usage_error(
    argv: list[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"KALTURA_PARTNER_ID": "1", "KALTURA_ADMIN_SECRET": VALUE}
    code, out, err = run(argv, env)
    usage = capsys.readouterr()
    assert code == 2
    assert out == "" and err == "" and usage.out == ""  # no progress bar, nothing ran
    assert usage.err.count("\n") == 1
    assert f"argument {flag}: must be" in usage.err or "invalid choice (choose from" in usage.err


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--nosuchflag"], "--nosuchflag"),
        ([f"--nosuchflag={VALUE}"], "--nosuchflag"),
        (["call", "--nosuch", "media", "list"], "--nosuch"),
        (["ks", "generate", "--bogus", VALUE], "--bogus"),
    ],
)
def test_an_unknown_flag_is_named_before_missing_arguments(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv)[0] == 2
    usage = capsys.readouterr().err
    assert f"unrecognized arguments: {named}" in usage
    assert "required" not in usage and VALUE not in usage


def test_call_does_not_list_the_optional_parameters_as_required(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["call"])[0] == 2
    usage = capsys.readouterr().err
    assert "required: service, action" in usage
    assert "key=value" not in usage


def test_negative_numbers_are_values_not_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ks", "generate", "--expiry", "-5"])[0] == 2
    assert "unrecognized" not in capsys.readouterr().err


@pytest.mark.parametrize("text", ["notaks", "djJ8MTAwMHw", "YWJj"])
def test_decoding_a_non_ks_says_so_without_echoing_it(text: str) -> None:
    code, out, err = run(["ks", "decode", "--no-verify", text])
    assert code == 2
    assert out == ""
    assert err.startswith("kaltura-async: error: not a KS (")
    assert text not in err and "<redacted>" not in err
    assert err.count("\n") == 1


def test_unknown_columns_are_refused_with_the_known_ones() -> None:
    data = {"objects": [{"id": "0_a", "name": "first"}], "totalCount": 1}
    with pytest.raises(UsageError, match=r"no column nosuch in this result; columns: id, name"):
        render_table(data, columns="id,nosuch")


ACCOUNT = {"KALTURA_SERVICE_URL": "http://127.0.0.1:9", "KALTURA_KS": "x"}


@pytest.mark.parametrize(
    ("param", "named"),
    [
        ("pager.pageSize=abc", "pager.pageSize must be an integer"),
        ("pager.pageSize=0", "pager.pageSize must be from 1 to 500"),
        ("pager.pageSize=501", "pager.pageSize must be from 1 to 500"),
        ("filter.nosuchField=1", "KalturaMediaEntryFilter has no field nosuchField"),
        ("nosuch=1", "media.list has no parameter nosuch (parameters: filter, pager)"),
        ("filter.statusEqual=NOPE", "filter.statusEqual must be a KalturaEntryStatus"),
        ("filter=abc", "filter is a KalturaMediaEntryFilter"),
        ("filter.objectType=KalturaFilterPager", "filter.objectType must name a"),
    ],
)
def test_typed_action_parameters_are_checked_before_io(param: str, named: str) -> None:
    # the service URL is a closed port: a check that let the call through would fail with rc 1
    code, out, err = run(["call", "media", "list", param], ACCOUNT)
    assert (code, out) == (2, "")
    assert named in err
    assert err.count("\n") == 1
    value = param.partition("=")[2]
    assert f"={value}" not in err and f"'{value}'" not in err


def test_typed_parameters_are_converted_to_their_field_types() -> None:
    from kaltura_async.cli._output import parse_assignments
    from kaltura_async.cli._params import check_params

    raw = parse_assignments(
        ["filter.statusEqual=READY", "filter.nameLike=007", "pager.pageSize=5"], raw=True
    )
    assert check_params("media", "list", raw) == {
        "filter": {"statusEqual": "2", "nameLike": "007"},
        "pager": {"pageSize": 5},
    }
    # an action the schema does not know is sent as given, numbers read as JSON
    assert check_params("newService", "newAction", {"a": "1", "b": {"c": "true"}}) == {
        "a": 1,
        "b": {"c": True},
    }
