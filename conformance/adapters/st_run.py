"""Everything plain ``st run`` needs to test a server against the contract, as one hooks module.

::

    SCHEMATHESIS_HOOKS=conformance.adapters.st_run st run spec/openapi.yaml \\
        --url https://staging.example.com --auth CLIENT_ID:SECRET

Without the corrections, schemathesis reads the vendored spec as written: it sends
``{"id": null}`` as valid data, and a server's sensible 400 (S1) then hides every other
finding behind "Schema-valid request rejected". Loading this module gives ``st run`` the
corrected document, the generation fixes, the contract's tolerated rejections and the clause
checks (see ``conformance.adapters`` for each).
"""

from conformance.adapters import positive_data, schemathesis_checks, schemathesis_hooks

__all__ = ["positive_data", "schemathesis_checks", "schemathesis_hooks"]
