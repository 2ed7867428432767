"""String enums holding numbers compare equal to those numbers, as Kaltura's guides expect.

The schema declares ``KalturaEntryStatus`` and ``KalturaEntryType`` as string enums, so
``READY`` is ``"2"``; the server's JSON sends ``"status":2`` and the guides write
``status == 2``.
"""

from __future__ import annotations

import enum

from kaltura_async import enums
from kaltura_async._model import KalturaStrEnum
from kaltura_async.enums import EntryStatus, EntryType, MediaType
from kaltura_async.types import MediaEntry


def test_the_guides_comparisons_hold() -> None:
    # What the decoder makes of ``"status":2,"type":1`` in the server's JSON.
    entry = MediaEntry(status=EntryStatus(2), type=EntryType(1))
    assert entry.status is EntryStatus.READY
    assert entry.status == 2
    assert 2 == entry.status
    assert entry.status == "2"
    assert entry.status in (2, 7)
    assert entry.status in [EntryStatus.READY]
    assert entry.type == 1
    assert entry.status != 7
    assert not (entry.status != 2)
    assert EntryStatus.ERROR_CONVERTING == -1


def test_every_numeric_string_enum_equals_its_int() -> None:
    checked = 0
    for name in enums.__all__:
        cls = getattr(enums, name)
        if not (isinstance(cls, type) and issubclass(cls, KalturaStrEnum)):
            continue
        for member in cls:
            text = member.value
            if text.lstrip("-").isdigit() and str(int(text)) == text:
                assert member == int(text)
                assert member != int(text) + 1
                checked += 1
            else:
                assert all(member != n for n in (0, 1, 2))
    assert checked > 500


def test_unknown_server_values_compare_as_well() -> None:
    assert EntryStatus(99) == 99
    assert EntryStatus("99") == 99
    assert EntryStatus("099") != 99  # not an int as Kaltura writes one


def test_what_does_not_hold() -> None:
    # Hashing stays the string's: sets and dict keys see "2".
    assert hash(EntryStatus.READY) == hash("2")
    assert EntryStatus.READY in {"2", "7"}
    assert EntryStatus.READY not in {2, 7}
    assert {EntryStatus.READY: "ready"}["2"] == "ready"
    # Bools and other enums' members are not ints for this.
    assert EntryStatus.PRECONVERT != True  # noqa: E712
    assert EntryStatus.READY != MediaType.IMAGE
    assert isinstance(MediaType.IMAGE, enum.Enum)
    assert EntryStatus.INFECTED != 0
