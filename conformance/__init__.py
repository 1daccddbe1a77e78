"""Contract-testing and spec-conformance suite for the ContraForce v2 API.

The package root stays light: importing ``conformance`` must not pull in the server, the
runner or schemathesis, so that ``conformance.checks`` can be used on its own.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
