"""``required``: narrowing a field the server always fills, or a typed error naming it."""

from __future__ import annotations

import pytest

from kaltura_async import UNSET, KalturaProtocolError, required
from kaltura_async.types import AppToken, MediaEntry


def test_returns_the_value_itself() -> None:
    entry = MediaEntry(id="0_abc123")
    assert required(entry.id, "MediaEntry.id") == "0_abc123"
    falsy = 0
    assert required(falsy, "MediaEntry.duration") == 0  # a falsy value is still a value
    assert required("", "MediaEntry.name") == ""


def test_unset_raises_protocol_error_naming_the_field() -> None:
    with pytest.raises(KalturaProtocolError, match=r"^MediaEntry\.id is missing .*UNSET"):
        required(MediaEntry().id, "MediaEntry.id")
    with pytest.raises(KalturaProtocolError, match=r"^AppToken\.token "):
        required(UNSET, "AppToken.token")


def test_none_raises_protocol_error_saying_null() -> None:
    with pytest.raises(KalturaProtocolError, match=r"^UploadToken\.id is null"):
        required(None, "UploadToken.id")


def test_message_never_holds_a_value() -> None:
    token = AppToken(id="1_tok", token=None)
    with pytest.raises(KalturaProtocolError) as caught:
        required(token.token, "AppToken.token")
    assert "1_tok" not in str(caught.value)
    assert str(caught.value) == "AppToken.token is null in the answer"
