"""Pins the public surface other layers (the runner, the CLI) build on."""

from __future__ import annotations

import inspect

from conformance import reference


def test_public_names() -> None:
    assert sorted(reference.__all__) == sorted(
        [
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
    )
    assert all(hasattr(reference, name) for name in reference.__all__)


def test_create_app_signature() -> None:
    parameters = inspect.signature(reference.create_app).parameters
    assert list(parameters) == ["credentials", "faults", "max_items", "apply_delay"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    assert parameters["max_items"].default == 100
