"""`gba-dataflow serve` as installed, in a real process on a loopback port: reload on SIGHUP and --watch,
graceful shutdown, several workers, start-up errors, and what the log holds."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from service_helpers import ALLOWED, ROOT, RULES, example_text, running_server

pytestmark = pytest.mark.e2e

OLD_TEXT = "The GBA Standard Contract (Mainland-Hong Kong)"
NEW_TEXT = "REVISED: the GBA Standard Contract (Mainland-Hong Kong)"


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("*.test.yaml"))
    return target


def revise(rules: Path) -> None:
    path = rules / "mainland_export.rules"
    path.write_text(path.read_text(encoding="utf-8").replace(OLD_TEXT, NEW_TEXT), encoding="utf-8")


def digest(client: httpx.Client) -> str:
    return str(client.get("/v1/rules").json()["rules"]["digest"])


def first_message(client: httpx.Client) -> str:
    response = client.post("/v1/check", content=example_text(ALLOWED))
    return str(response.json()["results"][0]["reasons"][0]["message"])


def test_sighup_reloads_and_a_broken_reload_keeps_the_old_rules(
    tmp_path: Path, cli_command: list[str], cli_env: dict[str, str]
) -> None:
    rules = copy_rules(tmp_path)
    secret = "purpose-93ab1-kept-out-of-logs"
    with running_server(cli_command, "--rules", str(rules), env=cli_env) as server, server.client() as client:
        before = digest(client)
        assert first_message(client).startswith(OLD_TEXT)
        revise(rules)
        server.signal(signal.SIGHUP)
        server.wait_for("rules reloaded (SIGHUP)")
        after = digest(client)
        assert after != before
        assert first_message(client).startswith(NEW_TEXT)
        (rules / "mainland_export.rules").write_text("ruleset mainland_export\nrule\n", encoding="utf-8")
        server.signal(signal.SIGHUP)
        log = server.wait_for("the old rules stay in use")
        assert "E10" in log.split("the old rules stay in use")[1]  # the parse error, with its code
        assert digest(client) == after
        rules_document = client.get("/v1/rules").json()
        assert rules_document["last_reload"]["ok"] is False
        assert first_message(client).startswith(NEW_TEXT)
        client.post(
            "/v1/check", content=example_text().replace("customer service for account holders", secret)
        )
        log = server.read_log(0.5)
    assert '"POST /v1/check" 200' in log
    assert secret not in log


def test_watch_reloads_when_a_rule_file_changes(
    tmp_path: Path, cli_command: list[str], cli_env: dict[str, str]
) -> None:
    rules = copy_rules(tmp_path)
    with (
        running_server(cli_command, "--rules", str(rules), "--watch", env=cli_env) as server,
        server.client() as client,
    ):
        before = digest(client)
        revise(rules)
        server.wait_for("rules reloaded (a rule file changed)")
        assert digest(client) != before


def test_sigterm_lets_an_in_flight_request_finish(cli_command: list[str], cli_env: dict[str, str]) -> None:
    """The request's headers and half its body are sent, then SIGTERM: the server stops accepting, waits
    for the rest of the body, answers in full, and exits 0."""
    body = example_text(ALLOWED).encode("utf-8")
    with running_server(cli_command, "--rules", str(RULES), env=cli_env) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
            head = (
                f"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/yaml\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode()
            connection.sendall(head + body[:100])
            time.sleep(0.5)
            server.signal(signal.SIGTERM)
            server.wait_for("Shutting down")
            connection.sendall(body[100:])
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        response = b"".join(chunks)
        assert response.startswith(b"HTTP/1.1 200 ")
        assert b'"decision":"allow"' in response
        assert response.rstrip().endswith(b"}")
        assert server.process.wait(timeout=30) == 0


def test_two_workers_share_the_port_and_all_reload_on_sighup_and_watch(
    tmp_path: Path, cli_command: list[str], cli_env: dict[str, str]
) -> None:
    rules = copy_rules(tmp_path)
    with running_server(
        cli_command, "--rules", str(rules), "--workers", "2", "--watch", env=cli_env
    ) as server:
        assert "(2 workers;" in server.read_log(0)
        server.wait_for("Application startup complete", 60)
        with server.client() as client:
            before = digest(client)
            assert all(first_message(client).startswith(OLD_TEXT) for _ in range(10))
            revise(rules)
            server.signal(signal.SIGHUP)
            deadline = time.monotonic() + 60
            while server.read_log(0.2).count("rules reloaded (SIGHUP)") < 2 and time.monotonic() < deadline:
                pass
            assert server.read_log(0).count("rules reloaded (SIGHUP)") >= 2  # --watch may add its own
            deadline = time.monotonic() + 60
            revised = 0
            while revised < 20 and time.monotonic() < deadline:  # twenty fresh connections in a row, spread
                with server.client() as fresh:  # over the workers by the kernel, all on the new rules
                    revised = revised + 1 if digest(fresh) != before else 0
                time.sleep(0.05)
            assert revised == 20
            # --watch: the supervisor sees the file change and has every worker reload
            shutil.copy(RULES / "mainland_export.rules", rules / "mainland_export.rules")
            deadline = time.monotonic() + 60
            agreeing = 0
            while agreeing < 10 and time.monotonic() < deadline:  # ten fresh connections in a row
                with server.client() as fresh:
                    agreeing = agreeing + 1 if digest(fresh) == before else 0
                time.sleep(0.05)
            assert agreeing == 10
            assert "rules reloaded" in server.read_log(0).split("(2 workers;")[1]
        server.signal(signal.SIGTERM)
        assert server.process.wait(timeout=60) == 0


def test_rules_that_do_not_check_stop_the_start_with_exit_2(
    tmp_path: Path, cli_command: list[str], cli_env: dict[str, str]
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.rules").write_text("ruleset bad\nrule r\n  deny when\n", encoding="utf-8")
    done = subprocess.run(
        [*cli_command, "serve", "--port", "0", "--rules", str(rules)],
        capture_output=True,
        text=True,
        env=cli_env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "E103" in done.stderr
    assert "bad.rules:3" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers `0` is not between 1 and 64"),
        (["--port", "70000"], "--port `70000` is not between 0 and 65,535"),
        (["--timeout", "0"], "--timeout and --graceful-timeout are seconds"),
    ],
)
def test_bad_options_exit_2_with_e501(
    cli_command: list[str], cli_env: dict[str, str], args: list[str], message: str
) -> None:
    done = subprocess.run(
        [*cli_command, "serve", *args], capture_output=True, text=True, env=cli_env, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "E501" in done.stderr and message in done.stderr


def test_a_short_token_is_refused(tmp_path: Path, cli_command: list[str], cli_env: dict[str, str]) -> None:
    token = tmp_path / "token"
    token.write_text("short\n", encoding="utf-8")
    done = subprocess.run(
        [*cli_command, "serve", "--token-file", str(token)],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "shorter than 16 characters" in done.stderr


def test_the_cli_does_not_load_the_web_stack(cli_env: dict[str, str]) -> None:
    import sys

    code = (
        "import sys, gba_dataflow.cli.app; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'anyio')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env, check=True
    )
    assert done.stdout.strip() == "[]"
