"""``create_app``: one reference API instance, conforming or with faults switched on."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from conformance.reference.accounts import Credentials, generate_credentials
from conformance.reference.body import RequestValidator
from conformance.reference.fault_layer import FaultLayer
from conformance.reference.faults import FaultContext, resolve_faults
from conformance.reference.handlers import http_exception_problem, internal_error_problem, routes
from conformance.reference.state import ReferenceState, Settings
from conformance.reference.store import seed_store
from conformance.reference.worker import DEFAULT_APPLY_DELAY, UpdateWorker, check_apply_delay

__all__ = ["create_app", "reference_state"]


def create_app(
    *,
    credentials: Credentials | None = None,
    faults: Iterable[str] = (),
    max_items: int = 100,
    apply_delay: float = DEFAULT_APPLY_DELAY,
) -> Starlette:
    """A fresh app with its own seeded store; ``credentials`` default to newly generated ones.

    ``faults`` names entries of ``FAULTS``; an unknown name raises ``ValueError``.
    ``apply_delay`` is how many seconds after its answer an accepted update is applied.
    """
    if max_items < 1:
        raise ValueError(f"max_items must be at least 1, got {max_items}")
    check_apply_delay(apply_delay)
    chosen = resolve_faults(faults)
    settings = Settings(max_items=max_items, apply_delay_seconds=apply_delay)
    for fault in chosen:
        if fault.settings is not None:
            settings = fault.settings(settings)
    store = seed_store()
    worker = UpdateWorker(
        store, apply_delay=settings.apply_delay_seconds, pending=settings.pending_updates
    )
    state = ReferenceState(
        settings=settings,
        credentials=credentials or generate_credentials(),
        store=store,
        worker=worker,
        validator=RequestValidator(),
    )
    contexts = {fault.name: FaultContext(state) for fault in chosen}
    for fault in chosen:
        if fault.updates is not None:
            worker.rewrites.append(fault.updates(contexts[fault.name]))
    # The first fault listed is the outermost layer.
    layers = [
        Middleware(
            FaultLayer, hooks=fault.hooks, context=contexts[fault.name], stopping=state.stopping
        )
        for fault in chosen
        if fault.hooks.any
    ]
    app = Starlette(
        routes=routes(),
        middleware=layers,
        exception_handlers={
            HTTPException: http_exception_problem,
            Exception: internal_error_problem,
        },
    )
    # "/bulk-update/" is another, unknown path: a 404 problem, not a redirect.
    app.router.redirect_slashes = False
    app.state.reference = state
    app.state.faults = tuple(fault.name for fault in chosen)
    return app


def reference_state(app: Starlette) -> ReferenceState:
    """The store, worker, accounts and sandbox behind an app made by ``create_app``."""
    state: ReferenceState = app.state.reference
    return state
