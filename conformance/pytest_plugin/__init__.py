"""The pytest plugin: the suite's target, guarded client, sandbox and clause checks as fixtures.

pytest loads ``conformance.pytest_plugin.plugin`` through the ``pytest11`` entry point. It
stays inert (no target loaded, no server started, nothing heavy imported) until a session
uses one of its options (``--cf-target``, ``--cf-profile``, ``--cf-run``, ...) or fixtures
(``cf_target``, ``cf_client``, ``cf_sandbox``, ``cf_check``), so this package imports
nothing at all: the pieces live in their own modules.

- ``plugin``: the options, the hooks and the fixtures;
- ``session``: what one pytest session shares (the target, its client, its checks);
- ``client``: ``ContractClient``, the guarded client that returns redacted exchanges;
- ``check``: ``ContractCheck`` and ``ExchangeFailure``, every clause check on one exchange;
- ``sandbox_ids``: ``SandboxIds``, the target's sandbox plus fresh reserved ids;
- ``clause_items``: ``pytest --cf-run``, one test item per clause of a whole run.
"""

__all__: list[str] = []
