"""`gba-dataflow serve`: the decision service (design §10). The service itself lives in
`gba_dataflow.service`, imported only when this command runs, so the rest of the CLI never loads
starlette or uvicorn (they come with the optional extra `gba-dataflow[serve]`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from gba_dataflow.cli.console import print_error
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.options import RulesOption
from gba_dataflow.cli.values import configured_language
from gba_dataflow.core.errors import GbaError, UsageError
from gba_dataflow.core.i18n import os_problem, tr

LEDGER_ENV = "GBA_DATAFLOW_LEDGER"


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).")] = 8080,
    workers: Annotated[
        int, typer.Option("--workers", help="Worker processes sharing the port.", metavar="N")
    ] = 1,
    rules: RulesOption = None,
    ledger: Annotated[
        str | None,
        typer.Option(
            "--ledger",
            help=f"Ledger URL (postgresql://... for several replicas). Default: ${LEDGER_ENV}, else none.",
            show_default=False,
        ),
    ] = None,
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            help="File whose first line is the bearer token that recording requests must send. "
            "Default: $GBA_DATAFLOW_TOKEN, else recording is refused.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    watch: Annotated[
        bool, typer.Option("--watch", help="Reload the rules when a rule file changes.")
    ] = False,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest batch body accepted, in bytes.", metavar="BYTES")
    ] = 16 * 1024 * 1024,
    max_batch: Annotated[
        int, typer.Option("--max-batch", help="Most manifests in one batch.", metavar="N")
    ] = 1000,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Time limit of a request, in seconds.", metavar="SECONDS")
    ] = 10.0,
    graceful_timeout: Annotated[
        float,
        typer.Option(
            "--graceful-timeout",
            help="On SIGTERM, how long in-flight requests may take to finish, in seconds.",
            metavar="SECONDS",
        ),
    ] = 30.0,
    no_access_log: Annotated[bool, typer.Option("--no-access-log", help="Do not log each request.")] = False,
) -> None:
    """Serve the engine over HTTP: POST /v1/check, POST /v1/check/batch, GET /v1/rules, /healthz,
    /readyz, /metrics, /openapi.json, and a web page at / for data stewards.

    SIGHUP reloads the rules (a reload that fails keeps the old rules); SIGTERM stops after in-flight
    requests finish. Needs the optional extra: pip install 'gba-dataflow[serve]'.
    """
    raise typer.Exit(
        run_serve(
            host=host,
            port=port,
            workers=workers,
            rules=rules,
            ledger=ledger if ledger is not None else os.environ.get(LEDGER_ENV) or None,
            token_file=token_file,
            watch=watch,
            max_body=max_body,
            max_batch=max_batch,
            timeout=timeout,
            graceful_timeout=graceful_timeout,
            access_log=not no_access_log,
        )
    )


def run_serve(
    *,
    host: str,
    port: int,
    workers: int,
    rules: list[Path] | None,
    ledger: str | None,
    token_file: Path | None,
    watch: bool,
    max_body: int,
    max_batch: int,
    timeout: float,
    graceful_timeout: float,
    access_log: bool,
) -> int:
    """Check the options, load the rules, and serve until stopped; the exit code."""
    try:
        _check_range("--port", port, 0, 65535)
        _check_range("--workers", workers, 1, 64)
        _check_range("--max-body", max_body, 1024, 1 << 30)
        _check_range("--max-batch", max_batch, 1, 100_000)
        if not 0 < timeout <= 3600 or not 0 <= graceful_timeout <= 3600:
            raise UsageError(
                tr("--timeout and --graceful-timeout are seconds between 0 and 3600"),
                code="E501",
                hint=tr("e.g. --timeout 10"),
            )
        try:
            from gba_dataflow.service.rules_state import RulesState
            from gba_dataflow.service.server import serve as run_server
            from gba_dataflow.service.settings import ServiceSettings, read_token
        except ImportError as error:
            raise UsageError(
                tr("the decision service is not installed ({module} is missing)", module=error.name),
                code="E526",
                hint=tr("pip install 'gba-dataflow[serve]'"),
            ) from None
        settings = ServiceSettings(
            host=host,
            port=port,
            workers=workers,
            rules=tuple(str(path) for path in rules) if rules else None,
            ledger=ledger,
            token=read_token(token_file),
            max_body=max_body,
            max_batch=max_batch,
            timeout=timeout,
            watch=watch,
            access_log=access_log,
            graceful_timeout=graceful_timeout,
        )
        state = RulesState(settings.rules_dirs())
        return run_server(settings, state)
    except GbaError as error:
        print_error(error, configured_language())
        return ExitCode.INPUT_ERROR
    except OSError as error:  # the address is in use, or not ours to bind
        print_error(
            UsageError(
                tr(
                    "cannot listen on {host}:{port}: {reason}",
                    host=host,
                    port=port,
                    reason=os_problem(error),
                ),
                code="E501",
                hint=tr("choose another --port, or stop what listens there"),
            ),
            configured_language(),
        )
        return ExitCode.INPUT_ERROR


def _check_range(option: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise UsageError(
            tr(
                "{option} `{value}` is not between {low:,} and {high:,}",
                option=option,
                value=value,
                low=low,
                high=high,
            ),
            code="E501",
            hint=tr("e.g. {option} {low}", option=option, low=low),
        )
