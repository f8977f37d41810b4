"""Helpers for the service tests: an in-process client, example manifests, and a real server process."""

from __future__ import annotations

import codecs
import os
import re
import select
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
EXAMPLES = ROOT / "examples" / "manifests"
ALLOWED = EXAMPLES / "shenzhen-bank-gba-contract-to-hk.yaml"
DENIED = EXAMPLES / "important-data-refused.yaml"
LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")


def example_text(path: Path = ALLOWED) -> str:
    return path.read_text(encoding="utf-8")


@dataclass
class RunningServer:
    """A `gba-dataflow serve` process started by a test, on a free loopback port."""

    process: subprocess.Popen[str]
    port: int
    log: list[str]
    decoder: codecs.IncrementalDecoder = field(default_factory=codecs.getincrementaldecoder("utf-8"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def read_log(self, seconds: float = 0.2) -> str:
        """Everything the server wrote to stderr so far (waiting up to `seconds` for more).

        Reads the pipe's descriptor itself: `select` says nothing of what a buffered reader already holds,
        so a `readline` after `select` could leave a line unseen until the server writes another."""
        assert self.process.stderr is not None
        descriptor = self.process.stderr.fileno()
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([descriptor], [], [], max(left, 0))
            if not ready:
                break
            chunk = os.read(descriptor, 65536)
            if not chunk:
                break
            self.log.append(self.decoder.decode(chunk))
        return "".join(self.log)

    def signal(self, sig: int) -> None:
        self.process.send_signal(sig)

    def wait_for(self, condition: str, seconds: float = 20) -> str:
        """Read the log until it holds `condition` (a substring)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            text = self.read_log(0.2)
            if condition in text:
                return text
            if self.process.poll() is not None:
                break
        raise AssertionError(f"the server never logged {condition!r}; log:\n{self.read_log(0)}")


@contextmanager
def running_server(
    command: Sequence[str], *args: str, env: dict[str, str] | None = None
) -> Iterator[RunningServer]:
    """Start `gba-dataflow serve --port 0 ARGS`, wait until it listens and is ready, stop it after."""
    process = subprocess.Popen(
        [*command, "serve", "--host", "127.0.0.1", "--port", "0", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env if env is not None else dict(os.environ),
        cwd=ROOT,
    )
    server = RunningServer(process, 0, [])
    try:
        text = server.wait_for("listening on", 60)
        match = LISTENING.search(text)
        assert match, text
        server.port = int(match.group(1))
        _wait_ready(server)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr is not None:
            process.stderr.close()


def _wait_ready(server: RunningServer, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    with server.client() as client:
        while time.monotonic() < deadline:
            try:
                if client.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise AssertionError("the server never became ready:\n" + server.read_log(0))
