"""What the benches share (bench_common, not common: a name no installed package
holds): bench/editions.py, loaded as a module of its own.

bench/ is not a package (each bench runs as a script), so a bench that reuses
editions.py's database setup, environment, subprocesses and HTTP client loads
it by path; each caller gets its own copy and may point its paths elsewhere.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def editions_bench():
    """A fresh copy of bench/editions.py as a module."""
    spec = importlib.util.spec_from_file_location(
        "bench_editions", BASE_DIR / "bench" / "editions.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
