"""`gba-dataflow explain MANIFEST`: the full evaluation trace of one manifest."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gba_dataflow.cli.console import print_error, use_color, write_output
from gba_dataflow.cli.exit_codes import ExitCode
from gba_dataflow.cli.options import AsOfOption, NoColorOption, OutputOption, RulesOption
from gba_dataflow.cli.values import LANGUAGES, check_choice, language_for_errors, parse_as_of
from gba_dataflow.core.errors import GbaError

ExplainLangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of messages: en, zh-Hans or zh-Hant. Default: the configuration file's `lang`, "
        "else en.",
        show_default=False,
    ),
]


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
    lang: ExplainLangOption = None,
    output: OutputOption = None,
    no_color: NoColorOption = False,
    full: Annotated[
        bool, typer.Option("--full", help="Show every ruleset, rule and sub-condition (text format).")
    ] = False,
    depth: Annotated[
        int | None,
        typer.Option(
            "--depth",
            help="Show conditions N levels deep (default 2; all with --full).",
            metavar="N",
            min=1,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show how a manifest is decided: by default what decided and why (the rulesets that apply, the rules
    that fired, for a default deny the closest allow rules, each condition two levels deep, with the facts
    it read); --full shows every ruleset and rule, active or not, and every sub-condition.

    Exit codes: 0 allowed; 1 denied; 2 an input error.
    """
    from gba_dataflow.app.config import load_config
    from gba_dataflow.engine.rulebook import load_rulebook
    from gba_dataflow.engine.trace import explain_manifest
    from gba_dataflow.manifests import load_manifest, load_manifest_bytes

    try:
        config = load_config()
        lang = lang or config.get("lang")
        chosen = check_choice("--format", output_format, ("text", "json"))
        language = check_choice("--lang", lang or "en", LANGUAGES)
        day = parse_as_of(as_of)
        rulebook = load_rulebook(rules or config.rules)
        if manifest == "-":
            loaded = load_manifest_bytes(sys.stdin.buffer.read(), "<stdin>")
        else:
            loaded = load_manifest(manifest)
        trace = explain_manifest(rulebook, loaded, as_of=day, lang=language, rule=rule)
    except GbaError as error:
        print_error(error, language_for_errors(lang))
        raise typer.Exit(ExitCode.INPUT_ERROR) from None
    if chosen == "json":
        from gba_dataflow.reports.trace_json import render_trace_json

        text = render_trace_json(trace)
    else:
        from gba_dataflow.reports.trace_text import TraceView, render_trace_text

        view = TraceView(full=full, depth=depth, lang=language)
        text = render_trace_text(trace, color=use_color(no_color) and output is None, view=view)
    try:
        write_output(text, output)
    except GbaError as error:
        print_error(error, language)
        raise typer.Exit(ExitCode.INPUT_ERROR) from None
    denied = trace.result.decision.value != "allow"
    raise typer.Exit(ExitCode.DENIED if denied else ExitCode.ALLOWED)
