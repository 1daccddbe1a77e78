"""The import graph points one way: an ``ast`` walk over the packages pins the layer rules.

Every import counts: module level, inside functions (lazy imports), inside ``try`` blocks,
``importlib.import_module("...")`` and ``__import__("...")`` with a literal name, and imports
under ``if TYPE_CHECKING:``. Those last ones cost nothing at run time, but they still make a
layer know about the one it names (its types, hence its changes), so they count too; the
failure message says when an import is one.

What the walk cannot see: a name built at run time (``import_module(prefix + name)``) and an
attribute reached through a parent package (``import conformance`` then ``conformance.run``).
Neither occurs in the packages; keep it that way.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("conformance", "strategies")


@dataclass(frozen=True)
class ImportSite:
    """One import statement: where it is, what it says, and every module name it may load."""

    module: str
    path: str
    line: int
    statement: str
    targets: tuple[str, ...]
    type_checking: bool


@dataclass(frozen=True)
class Rule:
    layer: str
    forbidden: tuple[str, ...]
    why: str
    exempt: tuple[str, ...] = ()
    """Parts of ``layer`` the rule does not apply to."""


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    """``from ..x import y`` in ``a.b.c`` names ``a.x``; a package's own ``.`` is itself."""
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[: -(level - 1)]
    return ".".join([*base, *([name] if name else [])])


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _dynamic_import(node: ast.Call) -> str | None:
    """The literal module name of ``importlib.import_module("x")`` or ``__import__("x")``."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, path: str, is_package: bool, source: str) -> None:
        self.module, self.path, self.is_package, self.source = module, path, is_package, source
        self.sites: list[ImportSite] = []
        self._type_checking = 0

    def _add(self, node: ast.AST, targets: list[str]) -> None:
        statement = ast.get_source_segment(self.source, node) or ast.unparse(node)
        self.sites.append(
            ImportSite(
                module=self.module,
                path=self.path,
                line=getattr(node, "lineno", 0),
                statement=" ".join(statement.split()),
                targets=tuple(targets),
                type_checking=self._type_checking > 0,
            )
        )

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        self.visit(node.test)
        self._type_checking += 1
        for child in node.body:
            self.visit(child)
        self._type_checking -= 1
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        self._add(node, [alias.name for alias in node.names])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            source = _resolve_relative(self.module, self.is_package, node.level, node.module)
        else:
            source = node.module or ""
        # ``from a import b`` loads ``a``, and ``a.b`` too when ``b`` is a submodule.
        self._add(node, [source, *(f"{source}.{alias.name}" for alias in node.names)])

    def visit_Call(self, node: ast.Call) -> None:
        name = _dynamic_import(node)
        if name is not None:
            self._add(node, [name])
        self.generic_visit(node)


def import_sites(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[ImportSite]:
    """Every import in the packages under ``root``, in file and line order."""
    sites: list[ImportSite] = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            collector = _Collector(
                _module_name(root, path),
                path.relative_to(root).as_posix(),
                path.name == "__init__.py",
                source,
            )
            collector.visit(ast.parse(source, filename=str(path)))
            sites.extend(collector.sites)
    return sites


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(rule: Rule, sites: list[ImportSite]) -> list[str]:
    """One failure message per import in ``rule.layer`` that names a forbidden module."""
    messages = []
    for site in sites:
        if not _within(site.module, rule.layer):
            continue
        if any(_within(site.module, part) for part in rule.exempt):
            continue
        hit = next((f for f in rule.forbidden if any(_within(t, f) for t in site.targets)), None)
        if hit is None:
            continue
        guarded = " (under TYPE_CHECKING)" if site.type_checking else ""
        messages.append(
            f"{rule.layer} imports {hit}\n"
            f"Received: {site.statement}{guarded}\n"
            f"Expected: nothing from {', '.join(rule.forbidden)} ({rule.why})\n"
            f"At: {site.path}:{site.line} ({site.module})"
        )
    return messages


CHECKS_STAY_PURE = Rule(
    "conformance.checks",
    (
        "conformance.run",
        "conformance.reference",
        "conformance.adapters",
        "strategies",
        "httpx",
        "requests",
        "hypothesis",
        "schemathesis",
    ),
    "checks are pure functions of an exchange; the adapters bridge them to schemathesis",
)
STRATEGIES_STAY_PURE = Rule(
    "strategies",
    ("conformance.run", "conformance.reference", "conformance.adapters", "schemathesis"),
    "strategies derive from the spec alone; the adapters bridge them to schemathesis",
)
RUN_STARTS_NO_SERVER = Rule(
    "conformance.run",
    ("conformance.reference",),
    "the command line chooses the embedded server and hands the run a target",
)
REFERENCE_IS_NO_ORACLE = Rule(
    "conformance.reference",
    ("conformance.checks", "conformance.readback"),
    "the reference API implements the contract on its own; it must not become the oracle",
)
PLUGIN_IS_ON_TOP = Rule(
    "conformance",
    ("conformance.pytest_plugin",),
    "the pytest plugin builds on the other layers; none of them may depend on it",
    exempt=("conformance.pytest_plugin",),
)
STRATEGIES_IGNORE_THE_PLUGIN = Rule(
    "strategies",
    ("conformance.pytest_plugin",),
    "the pytest plugin builds on the strategies, not the other way round",
)
TRIAGE_SENDS_NOTHING = Rule(
    "conformance.triage",
    ("conformance.run", "conformance.reference", "httpx", "hypothesis", "schemathesis"),
    "triage reads reports and files; replaying a finding is the run layer's job",
)
READBACK_MODEL_STAYS_PURE = Rule(
    "conformance.readback",
    (
        "conformance.run",
        "conformance.reference",
        "conformance.adapters",
        "strategies",
        "httpx",
        "requests",
        "hypothesis",
        "schemathesis",
    ),
    "the read-back model judges what it is handed; reading the incidents is the run layer's",
)

RULES = [
    pytest.param(CHECKS_STAY_PURE, id="checks-import-no-run-reference-strategies-or-clients"),
    pytest.param(STRATEGIES_STAY_PURE, id="strategies-import-no-run-reference-or-schemathesis"),
    pytest.param(RUN_STARTS_NO_SERVER, id="run-imports-no-reference"),
    pytest.param(REFERENCE_IS_NO_ORACLE, id="reference-imports-no-checks"),
    pytest.param(PLUGIN_IS_ON_TOP, id="no-package-layer-imports-the-pytest-plugin"),
    pytest.param(STRATEGIES_IGNORE_THE_PLUGIN, id="strategies-import-no-pytest-plugin"),
    pytest.param(TRIAGE_SENDS_NOTHING, id="triage-imports-no-run-reference-or-clients"),
    pytest.param(READBACK_MODEL_STAYS_PURE, id="readback-model-imports-no-run-or-clients"),
]


@pytest.fixture(scope="module")
def sites() -> list[ImportSite]:
    return import_sites(ROOT)


@pytest.mark.parametrize("rule", RULES)
def test_layer_rule_holds(rule: Rule, sites: list[ImportSite]) -> None:
    # A walk that found nothing in the layer would pass any rule: make sure it looked.
    assert any(_within(site.module, rule.layer) for site in sites), rule.layer
    found = violations(rule, sites)
    if found:
        pytest.fail("\n\n".join(found), pytrace=False)


# --- the walker, on a planted tree -----------------------------------------------------------

PLANTED = {
    "conformance/__init__.py": "",
    "conformance/clauses.py": "",
    "conformance/checks/__init__.py": """
        from conformance.checks import envelope
        from . import outcome
        """,
    "conformance/checks/envelope.py": """
        from __future__ import annotations

        import json
        from typing import TYPE_CHECKING

        from conformance import clauses
        from conformance.checksums import digest

        if TYPE_CHECKING:
            from conformance.run.client import TargetClient
        else:
            import os

        def send() -> None:
            import httpx as client
        """,
    "conformance/checks/outcome.py": """
        import importlib

        try:
            from ..reference import app
        except ImportError:
            pass

        def later():
            return importlib.import_module("hypothesis.strategies")
        """,
    "conformance/run/__init__.py": "",
    "conformance/run/runner.py": """
        from conformance import (
            reference,
            sandbox,
        )
        """,
    "conformance/reference/__init__.py": "",
    "conformance/reference/app.py": """
        import conformance.checks.registry as registry
        import conformance.clauses
        """,
    "strategies/__init__.py": """
        def hooks():
            __import__("schemathesis")
        """,
    "conformance/cli/__init__.py": """
        from conformance.pytest_plugin.plugin import FIXTURES
        """,
    "conformance/pytest_plugin/__init__.py": "",
    "conformance/pytest_plugin/plugin.py": """
        from conformance.pytest_plugin import session
        """,
}


@pytest.fixture
def planted(tmp_path: Path) -> list[ImportSite]:
    for name, text in PLANTED.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return import_sites(tmp_path)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        pytest.param(
            CHECKS_STAY_PURE,
            [
                ("conformance/checks/envelope.py", 10, "conformance.run", True),
                ("conformance/checks/envelope.py", 15, "httpx", False),
                ("conformance/checks/outcome.py", 4, "conformance.reference", False),
                ("conformance/checks/outcome.py", 9, "hypothesis", False),
            ],
            id="checks-type-checking-lazy-relative-and-dynamic",
        ),
        pytest.param(
            STRATEGIES_STAY_PURE,
            [("strategies/__init__.py", 2, "schemathesis", False)],
            id="strategies-dunder-import",
        ),
        pytest.param(
            RUN_STARTS_NO_SERVER,
            [("conformance/run/runner.py", 1, "conformance.reference", False)],
            id="run-from-package-import-module",
        ),
        pytest.param(
            REFERENCE_IS_NO_ORACLE,
            [("conformance/reference/app.py", 1, "conformance.checks", False)],
            id="reference-aliased-import",
        ),
        pytest.param(
            PLUGIN_IS_ON_TOP,
            [("conformance/cli/__init__.py", 1, "conformance.pytest_plugin", False)],
            id="plugin-imported-from-below-but-not-from-itself",
        ),
    ],
)
def test_the_walk_finds_planted_wrong_way_imports(
    planted: list[ImportSite], rule: Rule, expected: list[tuple[str, int, str, bool]]
) -> None:
    found = violations(rule, planted)
    located = [message.splitlines()[-1] for message in found]
    assert located == [f"At: {path}:{line} ({_dotted(path)})" for path, line, _, _ in expected]
    titles = [message.splitlines()[0] for message in found]
    assert titles == [f"{rule.layer} imports {hit}" for _, _, hit, _ in expected]
    guarded = [message.splitlines()[1].endswith("(under TYPE_CHECKING)") for message in found]
    assert guarded == [under for _, _, _, under in expected]


def _dotted(path: str) -> str:
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def test_a_failure_names_the_module_the_line_and_the_import(planted: list[ImportSite]) -> None:
    assert violations(CHECKS_STAY_PURE, planted)[0] == (
        "conformance.checks imports conformance.run\n"
        "Received: from conformance.run.client import TargetClient (under TYPE_CHECKING)\n"
        "Expected: nothing from conformance.run, conformance.reference, conformance.adapters, "
        "strategies, httpx, requests, hypothesis, schemathesis (checks are pure functions of "
        "an exchange; the adapters bridge them to schemathesis)\n"
        "At: conformance/checks/envelope.py:10 (conformance.checks.envelope)"
    )


def test_a_multi_line_import_is_shown_on_one_line(planted: list[ImportSite]) -> None:
    assert violations(RUN_STARTS_NO_SERVER, planted)[0].splitlines()[1] == (
        "Received: from conformance import ( reference, sandbox, )"
    )


def test_the_walk_sees_every_import_with_its_targets(planted: list[ImportSite]) -> None:
    envelope = [s for s in planted if s.module == "conformance.checks.envelope"]
    assert [(s.line, s.targets, s.type_checking) for s in envelope] == [
        (1, ("__future__", "__future__.annotations"), False),
        (3, ("json",), False),
        (4, ("typing", "typing.TYPE_CHECKING"), False),
        (6, ("conformance", "conformance.clauses"), False),
        (7, ("conformance.checksums", "conformance.checksums.digest"), False),
        (10, ("conformance.run.client", "conformance.run.client.TargetClient"), True),
        (12, ("os",), False),
        (15, ("httpx",), False),
    ]
    package = [s.targets for s in planted if s.module == "conformance.checks"]
    assert package == [
        ("conformance.checks", "conformance.checks.envelope"),
        ("conformance.checks", "conformance.checks.outcome"),
    ]


def test_a_name_that_only_shares_a_prefix_is_not_a_match(planted: list[ImportSite]) -> None:
    near_miss = Rule("conformance.checks", ("conformance.check",), "prefix of a name")
    assert violations(near_miss, planted) == []
