"""Helpers shared by the tests of the core layer."""

from __future__ import annotations

import os
import subprocess
import sys

from gba_dataflow.core import diskcache


def run_python(code: str, cache: str) -> str:
    """What `python -c code` prints, with the disk cache in `cache` (or `off`)."""
    env = {**os.environ, diskcache.ENV: cache}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()
