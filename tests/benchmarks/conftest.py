"""``benchmarks/`` is not installed with the packages: make the checkout's copy importable.

Appended, not prepended, so that ``conformance`` and ``strategies`` still come from the
installed wheel when there is one.
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.append(ROOT)
