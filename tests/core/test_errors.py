"""The exception classes: one module, all exported, public ``__module__``, one tree."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import kaltura_async
from kaltura_async import (
    API_ERROR_CLASSES,
    EntryNotFoundError,
    KalturaAPIError,
    KalturaClientStateError,
    KalturaCommunicationError,
    KalturaConnectionError,
    KalturaError,
    KalturaHTTPError,
    KalturaProtocolError,
    KalturaTimeoutError,
    KalturaValidationError,
    _errors,
)

ERROR_CLASSES = sorted(
    (
        value
        for value in vars(_errors).values()
        if isinstance(value, type) and issubclass(value, KalturaError)
    ),
    key=lambda cls: cls.__name__,
)


def test_every_error_class_is_exported_under_its_public_module() -> None:
    assert len(ERROR_CLASSES) >= 35
    for cls in ERROR_CLASSES:
        assert cls.__name__ in kaltura_async.__all__, cls
        assert getattr(kaltura_async, cls.__name__) is cls
        assert cls.__module__ == "kaltura_async", cls


def test_every_code_class_is_a_class_statement_of_the_errors_module() -> None:
    # Made with ``class``, not ``type()``: each appears in the module's source.
    source = Path(_errors.__file__).read_text(encoding="utf-8")
    for cls in set(API_ERROR_CLASSES.values()):
        assert f"class {cls.__name__}(KalturaAPIError):" in source


@pytest.mark.parametrize(
    "error",
    [
        KalturaConnectionError("reset", request_sent=True),
        KalturaTimeoutError("slow"),
        KalturaHTTPError(502, "bad gateway"),
        KalturaProtocolError("html"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_request_failures_share_one_base(error: KalturaError) -> None:
    assert isinstance(error, KalturaCommunicationError)
    assert not isinstance(error, KalturaAPIError | KalturaValidationError)


def test_state_error_is_neither_bad_input_nor_a_request_failure() -> None:
    error = KalturaClientStateError("this client is closed")
    assert isinstance(error, KalturaError) and isinstance(error, RuntimeError)
    assert not isinstance(error, KalturaValidationError | KalturaCommunicationError)


def test_code_classes_pickle_and_trace_by_their_public_path() -> None:
    error = _errors.api_error_from_payload(
        {"code": "ENTRY_ID_NOT_FOUND", "message": "no", "args": {"ENTRY_ID": "0_x"}},
        service="media",
        action="get",
    )
    assert type(error) is EntryNotFoundError
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is EntryNotFoundError and copy.arguments == {"ENTRY_ID": "0_x"}
    assert f"{type(error).__module__}.{type(error).__qualname__}" == (
        "kaltura_async.EntryNotFoundError"
    )
    timeout = pickle.loads(pickle.dumps(KalturaTimeoutError("slow")))
    assert type(timeout) is KalturaTimeoutError and str(timeout) == "slow"
