"""The one entry point for newcomers, CI and nightly jobs: ``nox -s <session>``."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "tests"]
nox.options.reuse_existing_virtualenvs = True

PYPROJECT = nox.project.load_toml("pyproject.toml")


def _groups(*names: str) -> list[str]:
    return [req for name in names for req in nox.project.dependency_groups(PYPROJECT, name)]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the unit and integration tests with branch coverage."""
    # A regular (non-editable) install: the tests then prove the wheel carries the spec.
    session.install(".", *_groups("test"))
    # One worker per core: most of the time goes to tests that wait on a local server or a
    # subprocess. ``nox -s tests -- -n 0`` runs them in one process.
    session.run(
        "pytest",
        "--cov",
        "--cov-branch",
        "--cov-report=term",
        "-n",
        "auto",
        *session.posargs,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.install(*_groups("lint"))
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the packages with mypy --strict."""
    session.install("-e", ".", *_groups("typecheck"))
    session.run("mypy", *session.posargs)


@nox.session
def conformance(session: nox.Session) -> None:
    """Run the conformance suite (default: against the embedded reference API)."""
    session.install(".")
    session.run("cf-conformance", "run", *session.posargs)


@nox.session(name="spec-update")
def spec_update(session: nox.Session) -> None:
    """Re-vendor spec/openapi.yaml from a URL: nox -s spec-update -- URL (shows the diff first)."""
    if len(session.posargs) != 1:
        session.error("usage: nox -s spec-update -- URL (the published spec, JSON or YAML)")
    session.install(".")
    # --spec-dir: the installed package carries its own copy; the checkout's spec/ is the one
    # to rewrite.
    session.run("cf-conformance", "spec", "update", "--spec-dir", "spec", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmark against the embedded reference API (not in CI): nox -s bench -- --json out.json"""
    session.install(".")
    # benchmarks/ is not part of the wheel: ``-m`` runs it from the checkout.
    session.run("python", "-m", "benchmarks", *session.posargs)
