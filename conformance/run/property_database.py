"""Where a property keeps its failing examples: its own corner of ``--hypothesis-db``.

Hypothesis files a test's examples under a key it derives from the test function. Every
property runs the same function of ours, so the key alone would not tell one property from
another, and last night's failures of one property would be replayed into all of them. Each
property therefore sees the directory through a database of its own (``PropertyDatabase``,
Hypothesis's public ``ExampleDatabase`` interface) that files every key under the property's
name and the target's: a failure goes back to the property, and the target, that found it.
"""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis.database import (
    DirectoryBasedExampleDatabase,
    ExampleDatabase,
    InMemoryExampleDatabase,
)

from conformance.run.phases import PhaseContext

__all__ = ["PropertyDatabase", "property_database"]


class PropertyDatabase(ExampleDatabase):
    """``inner``, with every key filed under ``prefix``: one property's view of a database."""

    def __init__(self, inner: ExampleDatabase, prefix: bytes) -> None:
        super().__init__()
        self.inner = inner
        self.prefix = prefix

    def _key(self, key: bytes) -> bytes:
        return self.prefix + b"\0" + key

    def save(self, key: bytes, value: bytes) -> None:
        self.inner.save(self._key(key), value)

    def fetch(self, key: bytes) -> Iterable[bytes]:
        return self.inner.fetch(self._key(key))

    def delete(self, key: bytes, value: bytes) -> None:
        self.inner.delete(self._key(key), value)

    def move(self, src: bytes, dest: bytes, value: bytes) -> None:
        self.inner.move(self._key(src), self._key(dest), value)

    def __repr__(self) -> str:
        return f"PropertyDatabase({self.inner!r}, {self.prefix!r})"


def property_database(context: PhaseContext, name: str) -> ExampleDatabase:
    """The database of property ``name``: in memory, or its part of ``--hypothesis-db``."""
    if context.database_dir is None:
        return InMemoryExampleDatabase()
    prefix = f"{name}@{context.client.target.name}".encode()
    return PropertyDatabase(DirectoryBasedExampleDatabase(context.database_dir), prefix)
