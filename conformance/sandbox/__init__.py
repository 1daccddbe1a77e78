"""The sandbox: which incidents the suite may touch, what C20 expects of each, and the write
rule that keeps every request inside it (docs/contract.md, "Safety rules").

Plain data and pure functions, no I/O: the strategies, the checks and the run layer all read
it, and the run layer enforces ``check_write_rule`` where requests are sent.
"""

from conformance.sandbox.incidents import Incident, Outcome, Sandbox, expected_outcomes
from conformance.sandbox.read_rule import (
    PLACEHOLDERS,
    UnsafeReadError,
    check_read_rule,
    placeholders,
    read_path,
)
from conformance.sandbox.reserved import (
    FORBIDDEN_SUFFIX_PARTS,
    RESERVED_PREFIX,
    is_reserved_id,
    reserved_id,
    reserved_id_with,
    suffix_problem,
)
from conformance.sandbox.users import User
from conformance.sandbox.write_rule import UnsafeWriteError, check_write_rule, unsafe_ids

__all__ = [
    "FORBIDDEN_SUFFIX_PARTS",
    "PLACEHOLDERS",
    "RESERVED_PREFIX",
    "Incident",
    "Outcome",
    "Sandbox",
    "UnsafeReadError",
    "UnsafeWriteError",
    "User",
    "check_read_rule",
    "check_write_rule",
    "expected_outcomes",
    "is_reserved_id",
    "placeholders",
    "read_path",
    "reserved_id",
    "reserved_id_with",
    "suffix_problem",
    "unsafe_ids",
]
