"""The decision service over loopback (design §9): checks per second and latency, measured from outside.

Starts `gba-dataflow serve` (the installed command, access log off) on a free loopback port, then drives it
from this process with an asyncio client of `--connections` keep-alive connections, each sending its next
request when the previous answer has arrived. Requests rotate through the bundled example manifests
(allowed and denied ones; every answer is checked to be a 200 with a decision). Each scenario runs
`--seconds` after a one-second warm-up, and never more than `--max-requests` requests:

1. single checks (`POST /v1/check`), 1 worker;
2. single checks, 2 workers (the target: >= 1,500 checks/s, p99 <= 25 ms);
3. batches of 100 manifests (`POST /v1/check/batch`), 2 workers: manifests/s and the latency of a batch.

The client shares the machine's cores with the server, as a pipeline on the same host would; the load
average is printed with the figures, since other work on the machine lowers them.

    python benchmarks/bench_service.py [--seconds 5] [--connections 8] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common

EXAMPLES = sorted((common.REPO / "examples" / "manifests").glob("*.yaml"))
LISTENING = re.compile(rb"listening on http://127\.0\.0\.1:(\d+)")


@dataclass
class Figures:
    scenario: str
    workers: int
    requests: int
    decisions: int
    seconds: float
    latencies: list[float]

    @property
    def decisions_per_second(self) -> float:
        return self.decisions / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def start_server(workers: int) -> tuple[subprocess.Popen[bytes], int]:
    script = Path(sys.executable).with_name("gba-dataflow")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "gba_dataflow"]
    process = subprocess.Popen(
        [
            *command,
            "serve",
            "--port",
            "0",
            "--workers",
            str(workers),
            "--no-access-log",
            "--rules",
            str(common.SHIPPED_RULES),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=common.command_env(),
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    match = LISTENING.search(line)
    if not match:
        process.kill()
        common.fail(f"the server did not start: {line!r}")
    port = int(match.group(1))
    ready = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and ready < workers:
        text = process.stderr.readline()
        ready += b"Application startup complete" in text
    return process, port


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def request_bytes(path: str, body: bytes, media: str) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {media}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    return status, await reader.readexactly(length)


async def drive(
    port: int, requests: Sequence[bytes], per_request: int, connections: int, seconds: float, cap: int
) -> tuple[int, float, list[float]]:
    """Send requests over `connections` connections for `seconds` (after 1 s of warm-up)."""
    latencies: list[float] = []
    sent = 0
    measuring = False
    stop_at = 0.0

    async def one(index: int) -> None:
        nonlocal sent
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        position = index
        try:
            while True:
                now = time.perf_counter()
                if measuring and (now >= stop_at or sent >= cap):
                    return
                writer.write(requests[position % len(requests)])
                position += connections
                status, body = await read_response(reader)
                elapsed = time.perf_counter() - now
                if status != 200 or b'"decision":"error"' in body:
                    common.fail(f"the service answered {status}: {body[:300]!r}")
                if measuring:
                    latencies.append(elapsed)
                    sent += 1
        finally:
            writer.close()

    tasks = [asyncio.create_task(one(i)) for i in range(connections)]
    await asyncio.sleep(1.0)
    measuring = True
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    return sent * per_request, elapsed, latencies


def run_scenario(name: str, workers: int, batch: int, args: argparse.Namespace) -> Figures:
    bodies = [path.read_bytes() for path in EXAMPLES]
    if batch:
        entries = [
            {"name": EXAMPLES[i % len(EXAMPLES)].name, "content": bodies[i % len(bodies)].decode()}
            for i in range(batch)
        ]
        requests = [
            request_bytes("/v1/check/batch", json.dumps({"manifests": entries}).encode(), "application/json")
        ]
    else:
        requests = [request_bytes("/v1/check", body, "application/yaml") for body in bodies]
    process, port = start_server(workers)
    try:
        cap = args.max_requests if not batch else max(1, args.max_requests // batch)
        connections = args.connections if not batch else workers * 2
        decisions, seconds, latencies = asyncio.run(
            drive(port, requests, batch or 1, connections, args.seconds, cap)
        )
    finally:
        stop_server(process)
    return Figures(name, workers, len(latencies), decisions, seconds, latencies)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per scenario")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections for single checks")
    parser.add_argument("--max-requests", type=int, default=50_000, help="most requests per scenario")
    parser.add_argument("--json", type=Path, help="write the figures as JSON (for run_all.py)")
    args = parser.parse_args(argv)
    print(f"machine: {common.machine_line()}", flush=True)
    runs = [
        run_scenario("single checks", 1, 0, args),
        run_scenario("single checks", 2, 0, args),
        run_scenario("batches of 100", 2, 100, args),
    ]
    rows = [
        (
            run.scenario,
            run.workers,
            run.requests,
            f"{run.decisions_per_second:,.0f}",
            f"{run.percentile(0.5):.1f}",
            f"{run.percentile(0.99):.1f}",
        )
        for run in runs
    ]
    print(
        common.table(
            ["scenario", "workers", "requests", "decisions/s", "p50 ms", "p99 ms"],
            rows,
            right=(1, 2, 3, 4, 5),
        )
    )
    with contextlib.suppress(OSError):
        print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    two = runs[1]
    targets = [
        common.Target(
            "service: single checks/s, 2 workers",
            ">= 1,500/s",
            f"{two.decisions_per_second:,.0f}/s",
            two.decisions_per_second >= 1500,
        ),
        common.Target(
            "service: p99 latency, 2 workers",
            "<= 25 ms",
            f"{two.percentile(0.99):.1f} ms",
            two.percentile(0.99) <= 25,
        ),
    ]
    print(common.targets_table(targets))
    figures: dict[str, Any] = {
        f"{run.scenario}, {run.workers} worker(s)": {
            "requests": run.requests,
            "decisions_per_second": round(run.decisions_per_second, 1),
            "p50_ms": round(run.percentile(0.5), 2),
            "p99_ms": round(run.percentile(0.99), 2),
        }
        for run in runs
    }
    common.write_json(args.json, "bench_service.py", figures, targets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
