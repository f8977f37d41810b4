"""Run the service: one process, or a supervisor and N worker processes sharing one listening socket.

The socket is bound here, before anything else, so `--port 0` works and the address is printed. With one
worker the server runs in this process: SIGTERM and SIGINT stop it gracefully (in-flight requests finish,
up to `graceful_timeout`), SIGHUP reloads the rules. With more, this process binds, starts the workers
(each loads the rules and serves the shared socket), forwards SIGHUP (and, with `--watch`, a SIGHUP when a
rule file changes) and SIGTERM to them, restarts a worker that dies, and returns when all have stopped.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from multiprocessing.process import BaseProcess
from types import FrameType

import uvicorn

from gba_dataflow.service.app import create_app
from gba_dataflow.service.rules_state import RulesState, rules_signature
from gba_dataflow.service.settings import SETTINGS_ENV, ServiceSettings

log = logging.getLogger("gba_dataflow.service")
STARTUP_GRACE = 5.0
"""A worker that dies this soon (seconds) after it started is not restarted: the service stops."""
LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"


def configure_logging() -> None:
    """Log lines to stderr, one format for the service and uvicorn (whose own access log is off)."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format=LOG_FORMAT, force=True)
    logging.getLogger("uvicorn.access").disabled = True


def bind(host: str, port: int) -> socket.socket:
    """The listening socket (IPv6 when the host is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP stated, not left 0: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets
    # that say they are TCP, and with it on, a keep-alive answer written in two parts waited for the
    # client's delayed ACK: 40 ms per request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _config(app: object, settings: ServiceSettings) -> uvicorn.Config:
    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=int(settings.graceful_timeout),
        server_header=False,
        proxy_headers=False,
    )


def serve(settings: ServiceSettings, state: RulesState) -> int:
    """Serve until stopped; the exit code. `state` holds the rules already loaded (and checked)."""
    configure_logging()
    sock = bind(settings.host, settings.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    sys.stderr.write(
        f"gba-dataflow serve: listening on http://{shown}:{port} ({settings.workers} "
        f"{'worker' if settings.workers == 1 else 'workers'}; rules {state.current.digest})\n"
    )
    sys.stderr.flush()
    if settings.workers <= 1:
        app = create_app(settings, state, handle_signals=True)
        server = uvicorn.Server(_config(app, settings))
        _after_graceful_stop()
        server.run(sockets=[sock])
        return 0
    return Supervisor(settings, sock).run()


def _worker_main(settings_json: str, sock: socket.socket) -> None:
    """A worker process: load the rules, serve the shared socket until SIGTERM."""
    configure_logging()
    os.environ[SETTINGS_ENV] = settings_json
    settings = ServiceSettings.from_json(settings_json)
    app = create_app(settings, handle_signals=True)
    _after_graceful_stop()
    # Ctrl-C reaches the whole process group: uvicorn stops this worker gracefully, then raises SIGINT
    # again for the handler that was there before, which ignores it (the supervisor decides the exit).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    uvicorn.Server(_config(app, settings)).run(sockets=[sock])


def _after_graceful_stop() -> None:
    """uvicorn handles SIGTERM itself while it serves, then raises it again once it has stopped, for the
    handler that was there before: this one lets the process end normally (exit 0) after a graceful stop."""
    signal.signal(signal.SIGTERM, lambda sig, frame: None)


class Supervisor:
    """Starts `settings.workers` processes on one socket, forwards signals, replaces a dead worker."""

    def __init__(self, settings: ServiceSettings, sock: socket.socket) -> None:
        # Each worker watches nothing itself: the supervisor watches and sends SIGHUP to them all.
        self.settings = settings
        self.worker_settings = dataclasses.replace(settings, watch=False)
        self.sock = sock
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[BaseProcess] = []
        self.stopping = False
        self.hangups = 0

    def _start(self) -> BaseProcess:
        process = self.context.Process(
            target=_worker_main, args=(self.worker_settings.to_json(), self.sock), daemon=False
        )
        process.start()
        return process

    def _signal(self, sig: int) -> None:
        for process in self.workers:
            if process.pid is not None and process.is_alive():
                os.kill(process.pid, sig)

    def _on_stop(self, sig: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _on_hangup(self, sig: int, frame: FrameType | None) -> None:
        self.hangups += 1

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_hangup)
        self.workers = [self._start() for _ in range(self.settings.workers)]
        started = [time.monotonic()] * len(self.workers)
        dirs = self.settings.rules_dirs()
        seen = rules_signature(dirs)
        last_poll = time.monotonic()
        handled = 0
        code = 0
        while not self.stopping:
            time.sleep(0.2)
            if self.settings.watch and time.monotonic() - last_poll >= self.settings.watch_interval:
                last_poll = time.monotonic()
                now = rules_signature(dirs)
                if now != seen:
                    seen = now
                    self.hangups += 1
            if self.hangups != handled:
                handled = self.hangups
                log.info("reloading the rules in %d workers", len(self.workers))
                self._signal(signal.SIGHUP)
            for index, process in enumerate(self.workers):
                if process.is_alive() or self.stopping:
                    continue
                if time.monotonic() - started[index] < STARTUP_GRACE:
                    log.error(
                        "worker %s failed as it started (exit %s); stopping", process.pid, process.exitcode
                    )
                    self.stopping = True
                    code = 2
                    break
                log.error("worker %s exited with %s; starting another", process.pid, process.exitcode)
                self.workers[index] = self._start()
                started[index] = time.monotonic()
        log.info("stopping %d workers (in-flight requests finish first)", len(self.workers))
        self._signal(signal.SIGTERM)
        for process in self.workers:
            process.join()
        return code
