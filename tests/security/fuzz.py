"""`make fuzz`: run the fuzz properties of test_fuzz.py for FUZZ_SECONDS (default 60), round after round.

Each round runs every property for FUZZ_EXAMPLES examples (default 200) with a fresh random seed; a
failure stops the run with hypothesis's shrunk example (saved in .hypothesis/, so that `make test`
replays it until it is fixed) and exit 1.

    FUZZ_SECONDS=600 make fuzz
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> int:
    seconds = float(os.environ.get("FUZZ_SECONDS", "60"))
    os.environ.setdefault("FUZZ_EXAMPLES", "200")
    sys.path.insert(0, str(Path(__file__).parent))
    import test_fuzz

    properties = [getattr(test_fuzz, name) for name in dir(test_fuzz) if name.startswith("test_any_")]
    deadline = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < deadline:
        for run in properties:
            run()
        rounds += 1
        done = rounds * int(os.environ["FUZZ_EXAMPLES"])
        print(
            f"round {rounds}: {done:,} examples of each of {len(properties)} properties, no failure",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
