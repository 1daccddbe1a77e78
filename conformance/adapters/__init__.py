"""Bridges from the suite's pure packages to schemathesis, for ``st run`` and the fuzzing phase.

``conformance.checks`` and ``strategies`` import nothing of schemathesis (``tests/test_layers.py``
pins this); whatever ties them to it lives here:

- ``schemathesis_checks`` registers the clause checks as schemathesis checks (``cf_*``);
- ``schemathesis_hooks`` applies the spec corrections as the document loads and fixes
  generation (ints stay ints, int32 numeric strings stay in range);
- ``positive_data`` holds schemathesis's ``positive_data_acceptance`` to the rejections the
  contract allows (S1, S2, S5, S8);
- ``case_intent`` reads what a schemathesis case was meant to be, as the checks' ``Intent``
  (for the checks above and the fuzzing phase alike);
- ``st_run`` loads all three: the one module to name in ``SCHEMATHESIS_HOOKS``.

Importing one of them changes schemathesis's global registries, as hooks modules do; this
package imports none of them itself, so that each is loaded only where it is wanted.
"""

__all__: list[str] = []
