"""Running pytest in a fresh process, as a team would, with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_pytest(
    *args: str, cwd: Path, environ: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # Nothing of an outer target, pytest options or plugin list leaks in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CF_", "PYTEST_"))}
    env.update(environ or {})
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
