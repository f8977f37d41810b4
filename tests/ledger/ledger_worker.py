"""A separate process for the concurrency and fault tests (run as a script, never collected by pytest).

python ledger_worker.py check URL DIR WORKER COUNT SUBJECTS   # COUNT check-and-records; prints a JSON summary
python ledger_worker.py hang URL DIR                          # records inside a transaction, then waits
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from ledger_helpers import make_manifest

from gba_dataflow import load_rulebook
from gba_dataflow.ledger import open_ledger
from gba_dataflow.ledger.identity import exporter_of


def check(url: str, directory: Path, worker: int, count: int, subjects: int) -> None:
    rulebook = load_rulebook(None)
    allowed: list[str] = []
    decisions = 0
    with open_ledger(url) as ledger:
        for number in range(count):
            manifest = make_manifest(directory, f"w{worker}-{number}", subjects)
            decision = ledger.check(rulebook, manifest, record=True)
            decisions += 1
            if decision.record is not None:
                allowed.append(manifest.data["id"])
    print(json.dumps({"worker": worker, "decisions": decisions, "allowed": allowed}))


def hang(url: str, directory: Path) -> None:
    manifest = make_manifest(directory, "killed", 5000)
    with open_ledger(url) as ledger:
        ledger.backend.begin_write()
        ledger._insert_transfer(exporter_of(manifest.data), 2026, None, manifest, None, "check")
        print("inside the transaction", flush=True)
        time.sleep(120)


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    else:
        hang(sys.argv[2], Path(sys.argv[3]))
