"""The read-back model (C21): what each sandbox incident should read back as, and the verdicts.

Pure: no I/O and no HTTP client. The run layer reads the incidents (``conformance.run``) and
hands this package what it read; this package says whether the API did what it answered.
"""

from conformance.readback.judgement import Evidence, failures_of
from conformance.readback.model import (
    FIELDS,
    CommentDemand,
    Demand,
    Expectation,
    Rules,
    SentWrite,
    Snapshot,
    Value,
    expect,
    normal,
    normal_comment,
)

__all__ = [
    "FIELDS",
    "CommentDemand",
    "Demand",
    "Evidence",
    "Expectation",
    "Rules",
    "SentWrite",
    "Snapshot",
    "Value",
    "expect",
    "failures_of",
    "normal",
    "normal_comment",
]
