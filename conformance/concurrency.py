"""How many requests a run keeps in flight: the default and the ceiling.

A light module of its own, so that the command line can name them without loading the run
layer.
"""

from __future__ import annotations

__all__ = ["DEFAULT_CONCURRENCY", "MAX_CONCURRENCY"]

DEFAULT_CONCURRENCY = 4
"""Requests in flight at once unless ``limits.concurrency`` or ``--concurrency`` says otherwise.

Four overlapping requests make a run against a distant target several times quicker, while
asking of it no more than one visitor's browser asks of a web site (browsers open six
connections to a host). The rate a target tolerates is a separate matter: set it as
``limits.requests_per_second``, which holds exactly at any concurrency.
"""

MAX_CONCURRENCY = 32
"""The ceiling: past a few dozen, more threads only add overhead in one Python process."""
