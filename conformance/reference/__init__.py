"""The embedded reference API: a conforming ContraForce v2 bulk-update endpoint for the suite.

It is test tooling, never the suite's oracle: the checks come from docs/contract.md, not from what
this server answers. ``create_app`` builds one instance (optionally with named faults from
``FAULTS``); ``ReferenceServer`` serves it with uvicorn on 127.0.0.1. Accepted updates are
applied after a short delay, and read back through ``READ_BACK_PATH`` and ``COMMENTS_PATH``.
"""

from conformance.reference.accounts import Credentials, ServiceAccount, generate_credentials
from conformance.reference.app import create_app, reference_state
from conformance.reference.faults import FAULTS, Fault
from conformance.reference.handlers import COMMENTS_PATH, READ_BACK_PATH
from conformance.reference.inprocess import InProcessTransport, in_process_client
from conformance.reference.server import LOOPBACK_HOSTS, ReferenceServer
from conformance.reference.state import MAX_BODY_BYTES, ReferenceState
from conformance.reference.target_files import (
    DEFAULT_ENV_NAMES,
    EnvNames,
    env_file_text,
    env_values,
    target_file_text,
    write_env_file,
    write_target_file,
)

__all__ = [
    "COMMENTS_PATH",
    "DEFAULT_ENV_NAMES",
    "FAULTS",
    "LOOPBACK_HOSTS",
    "MAX_BODY_BYTES",
    "READ_BACK_PATH",
    "Credentials",
    "EnvNames",
    "Fault",
    "InProcessTransport",
    "ReferenceServer",
    "ReferenceState",
    "ServiceAccount",
    "create_app",
    "env_file_text",
    "env_values",
    "generate_credentials",
    "in_process_client",
    "reference_state",
    "target_file_text",
    "write_env_file",
    "write_target_file",
]
