"""RFC 3339 timestamps in UTC (C3), parsed without guessing."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal

__all__ = ["TimestampKind", "classify_timestamp"]

TimestampKind = Literal["utc", "not_utc", "unparseable"]

# RFC 3339 section 5.6. It allows any number of fractional digits (.NET sends seven), and its
# note lets applications separate date and time with a space instead of "T".
_RFC3339 = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[Tt ]"
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:\.\d+)?"
    r"(?P<offset>[Zz]|[+-](?P<offset_hour>\d{2}):(?P<offset_minute>\d{2}))",
    re.ASCII,
)
# "-00:00" is RFC 3339's "the time is in UTC, the local offset is unknown" (section 4.3): the
# time is UTC all the same, which is all C3 asks.
_UTC_OFFSETS = frozenset({"Z", "z", "+00:00", "-00:00"})


def classify_timestamp(text: str) -> TimestampKind:
    match = _RFC3339.fullmatch(text)
    if match is None:
        return "unparseable"
    second = int(match["second"])
    if second > 60:
        return "unparseable"
    try:
        # A leap second (60) is valid RFC 3339 but not a valid datetime; the date is the point.
        datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            min(second, 59),
            tzinfo=UTC,
        )
    except ValueError:
        return "unparseable"
    if match["offset"] in _UTC_OFFSETS:
        return "utc"
    if int(match["offset_hour"]) > 23 or int(match["offset_minute"]) > 59:
        return "unparseable"
    return "not_utc"
