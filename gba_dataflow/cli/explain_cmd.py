"""`gba-dataflow explain MANIFEST`: the full evaluation trace of one manifest."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gba_dataflow.cli.console import print_error, use_color, write_output
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.options import (
    AsOfOption,
    LangOption,
    NoColorOption,
    OutputOption,
    RulesOption,
    configured_rules,
)
from gba_dataflow.cli.values import LANGUAGES, check_choice, parse_as_of
from gba_dataflow.core.errors import GbaError


def register(app: typer.Typer) -> None:
    app.command("explain")(explain)


def explain(
    manifest: Annotated[
        str, typer.Argument(help="The manifest file (YAML or JSON), or - for stdin.", metavar="MANIFEST")
    ],
    rule: Annotated[
        str | None, typer.Option("--rule", help="Trace only this rule (ruleset/rule).", show_default=False)
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="Output format: text or json.")
    ] = "text",
    rules: RulesOption = None,
    as_of: AsOfOption = None,
    lang: LangOption = "en",
    output: OutputOption = None,
    no_color: NoColorOption = False,
) -> None:
    """Show how a manifest is decided: each ruleset (applies or not, and why), each rule (active or not,
    holds or not) and the value of every sub-condition with the facts it read.

    Exit codes: 0 allowed; 1 denied; 2 an input error.
    """
    from gba_dataflow.engine.rulebook import load_rulebook
    from gba_dataflow.engine.trace import explain_manifest
    from gba_dataflow.manifests import load_manifest, load_manifest_bytes

    try:
        chosen = check_choice("--format", output_format, ("text", "json"))
        language = check_choice("--lang", lang, LANGUAGES)
        day = parse_as_of(as_of)
        rulebook = load_rulebook(configured_rules(rules))
        if manifest == "-":
            loaded = load_manifest_bytes(sys.stdin.buffer.read(), "<stdin>")
        else:
            loaded = load_manifest(manifest)
        trace = explain_manifest(rulebook, loaded, as_of=day, lang=language, rule=rule)
    except GbaError as error:
        print_error(error)
        raise typer.Exit(ExitCode.INPUT_ERROR) from None
    if chosen == "json":
        from gba_dataflow.reports.trace_json import render_trace_json

        text = render_trace_json(trace)
    else:
        from gba_dataflow.reports.trace_text import render_trace_text

        text = render_trace_text(trace, color=use_color(no_color) and output is None)
    try:
        write_output(text, output)
    except GbaError as error:
        print_error(error)
        raise typer.Exit(ExitCode.INPUT_ERROR) from None
    denied = trace.result.decision.value != "allow"
    raise typer.Exit(ExitCode.DENIED if denied else ExitCode.ALLOWED)
