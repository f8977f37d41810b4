"""Batch checking: `--jobs N` gives byte-identical output in input order, progress only on a terminal,
the closing summary by decision and by rule."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from ci_helpers import AS_OF, FIXTURES, copy_fixtures, run_cli

from gba_dataflow.app import batch
from gba_dataflow.app.batch import plan_inputs, resolve_jobs, run_check
from gba_dataflow.cli.progress import LARGE_BATCH, ProgressBar
from gba_dataflow.engine.rulebook import load_rulebook
from gba_dataflow.reports.summary import closing_summary, rule_counts

BATCH_SIZE = 60


@pytest.fixture(scope="module")
def big_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory with rules/ and BATCH_SIZE manifests under batch/ (every fixture, repeated, each
    copy with an id of its own, so that no W425 is due)."""
    root = copy_fixtures(tmp_path_factory.mktemp("batch"))
    sources = sorted((FIXTURES / "manifests").iterdir())
    (root / "batch").mkdir()
    for number in range(BATCH_SIZE):
        source = sources[number % len(sources)]
        text = source.read_text(encoding="utf-8")
        text = re.sub(r'^(id: |\s*"id": ")([a-z0-9._-]+)', rf"\g<1>\g<2>-{number:03d}", text, flags=re.M)
        (root / "batch" / f"{number:03d}-{source.name}").write_text(text, encoding="utf-8")
    return root


def _check(root: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    return run_cli("check", *args, "--rules", "rules", *AS_OF, cwd=root, input=stdin)


@pytest.mark.parametrize("output_format", ["json", "sarif", "junit", "text", "github"])
def test_jobs_give_byte_identical_output(big_batch: Path, output_format: str) -> None:
    inputs = ("manifests/denied.yaml", "batch", "missing.yaml", "-")
    stdin = (FIXTURES / "manifests" / "allowed.yaml").read_text(encoding="utf-8")
    serial = _check(big_batch, *inputs, "--format", output_format, stdin=stdin)
    assert serial[0] == 2 and serial[2] == ""
    for jobs in ("2", "0"):
        parallel = _check(big_batch, *inputs, "--format", output_format, "--jobs", jobs, stdin=stdin)
        assert parallel == serial, f"--jobs {jobs} differs for {output_format}"


def test_results_come_in_input_order(big_batch: Path) -> None:
    stdin = (FIXTURES / "manifests" / "allowed.yaml").read_text(encoding="utf-8")
    code, out, _ = _check(
        big_batch,
        "manifests/denied.yaml",
        "batch",
        "missing.yaml",
        "-",
        "--format",
        "json",
        "-j",
        "2",
        stdin=stdin,
    )
    assert code == 2
    names = [result["manifest"] for result in json.loads(out)["results"]]
    expected = ["manifests/denied.yaml", *sorted(f"batch/{p.name}" for p in (big_batch / "batch").iterdir())]
    assert names == [*expected, "missing.yaml", "<stdin>"]


def test_the_worker_pool_really_decides(big_batch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parallel path runs (a failure there would silently fall back to deciding in this process)."""
    monkeypatch.chdir(big_batch)
    plan = plan_inputs(["batch"])
    seen: list[tuple[int, int]] = []
    results = list(
        batch._iter_parallel(
            plan, [Path("rules")], None, "en", 2, lambda d, t: seen.append((d, t)), batch._identity
        )
    )
    serial = run_check(["batch"], rules_dirs=[Path("rules")])
    assert results == list(serial.results)
    assert seen[-1] == (BATCH_SIZE, BATCH_SIZE) and len(seen) > 1


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked only on Linux")
def test_workers_are_forked_with_the_rules_already_loaded(
    big_batch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if threading.active_count() != 1:
        pytest.skip("another thread runs in this test process, so workers would not be forked")
    monkeypatch.chdir(big_batch)
    assert batch._context().get_start_method() == "fork"
    rulebook = load_rulebook([Path("rules")])
    serial = run_check(["batch"], rules_dirs=[Path("rules")])

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a forked worker must not load the rules again")

    monkeypatch.setattr(batch, "load_rulebook", refuse)
    plan = plan_inputs(["batch"])
    results = list(
        batch._iter_parallel(plan, [Path("rules")], None, "en", 2, None, batch._identity, rulebook)
    )
    assert results == list(serial.results)


def test_workers_are_never_forked_while_another_thread_runs() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert batch._context().get_start_method() in ("forkserver", "spawn")
    finally:
        release.set()
        other.join()


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_is_reported_up_to_the_total(
    big_batch: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    monkeypatch.chdir(big_batch)
    calls: list[tuple[int, int]] = []
    run = run_check(
        ["batch", "missing.yaml"],
        rules_dirs=[Path("rules")],
        jobs=jobs,
        progress=lambda d, t: calls.append((d, t)),
    )
    total = BATCH_SIZE + 1
    assert len(run.results) == total
    assert calls[-1] == (total, total)
    assert all(t == total for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_resolve_jobs() -> None:
    import os

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    assert resolve_jobs(1) == 1
    assert resolve_jobs(3) == min(3, cpus)  # never more processes than CPUs
    assert resolve_jobs(0) == cpus


def test_negative_jobs_is_a_usage_error(big_batch: Path) -> None:
    code, out, err = _check(big_batch, "manifests/allowed.yaml", "--jobs", "-1")
    assert code == 2 and out == ""
    assert "--jobs `-1` is negative" in err


def test_no_progress_bar_or_stderr_chatter_on_a_pipe(big_batch: Path) -> None:
    assert BATCH_SIZE >= LARGE_BATCH
    code, out, err = _check(big_batch, "batch", "--format", "json")
    assert code == 2 and err == ""
    json.loads(out)


def test_progress_bar_draws_only_for_a_large_batch_on_a_terminal() -> None:
    stream = io.StringIO()
    with ProgressBar(stream, force=True) as bar:
        for done in range(1, LARGE_BATCH):
            bar.update(done, LARGE_BATCH - 1)
    assert stream.getvalue() == ""
    with ProgressBar(stream, force=True) as bar:
        for done in range(1, LARGE_BATCH + 1):
            bar.update(done, LARGE_BATCH)
    assert "checking manifests" in stream.getvalue()
    piped = io.StringIO()
    with ProgressBar(piped) as bar:  # StringIO is not a terminal
        bar.update(LARGE_BATCH, LARGE_BATCH)
    assert piped.getvalue() == ""


def test_closing_summary_counts_by_decision_and_rule() -> None:
    run = run_check([str(FIXTURES / "manifests")], rules_dirs=[FIXTURES / "rules"])
    assert closing_summary(run).splitlines() == [
        "7 manifests: 2 allowed, 4 denied, 1 with input errors, 1 with warnings",
        "  manifests per rule that fired:",
        "    2  deny rule    ci/important_data",
        "    1  deny rule    ci/core_data",
        "    1  deny rule    ci/default",
        "    1  deny rule    gba-dataflow/no-ruleset",
        "    1  warn rule    ci/sensitive_field",
        "    1  input error  E410 (schema-violation)",
        "    2  allow rule   ci/small_volume",
    ]
    counts = {(count.kind, count.rule): count.manifests for count in rule_counts(run.results)}
    assert counts[("deny", "ci/important_data")] == 2


def test_text_output_of_a_batch_ends_with_the_closing_summary() -> None:
    code, out, _ = run_cli("check", "manifests", "--rules", "rules", *AS_OF, "--quiet")
    assert code == 2
    expected = closing_summary(run_check([str(FIXTURES / "manifests")], rules_dirs=[FIXTURES / "rules"]))
    assert out.endswith("\n" + expected)
    assert expected.count("\n") == 9
    single = run_cli("check", "manifests/denied.yaml", "--rules", "rules", *AS_OF)[1]
    assert single.endswith("1 manifest: 0 allowed, 1 denied, 0 with input errors, 0 with warnings\n")


def test_closing_summary_goes_to_a_terminal_stderr_for_machine_formats(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gba_dataflow.cli.progress as progress

    monkeypatch.setattr(progress, "stream_is_terminal", lambda stream: True)
    code, out, err = run_cli("check", "manifests", "--rules", "rules", *AS_OF, "--format", "sarif")
    assert code == 2
    json.loads(out)
    assert "7 manifests: 2 allowed, 4 denied, 1 with input errors, 1 with warnings" in err
    assert "1  deny rule    ci/core_data" in err
    code, out, err = run_cli("check", "manifests", "--rules", "rules", *AS_OF, "--format", "sarif", "--quiet")
    assert "deny rule" not in err


@pytest.mark.e2e
@pytest.mark.parametrize("output_format", ["sarif", "json"])
def test_installed_command_with_jobs_matches_serial_and_keeps_stderr_empty(
    big_batch: Path, cli_command: list[str], cli_env: dict[str, str], output_format: str
) -> None:
    """JSON is streamed: its first lines are in the stdout buffer when workers are forked, and must not
    come out twice (a forked worker flushes its copy of the buffer when it exits)."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*cli_command, "check", "batch", "--rules", "rules", *AS_OF, "--format", output_format, *args],
            capture_output=True, text=True, cwd=big_batch, env=cli_env, timeout=120, check=False,
        )  # fmt: skip

    serial, parallel = run(), run("--jobs", "2")
    assert serial.returncode == parallel.returncode == 2
    assert parallel.stdout == serial.stdout
    assert serial.stderr == parallel.stderr == ""


def test_chunks_keep_input_order_and_shrink_towards_the_end() -> None:
    names = [f"m{index:05d}.yaml" for index in range(5000)]
    known = batch.error_result("missing.yaml", [])
    items: list[str | object] = [*names[:100], known, *names[100:]]
    chunks = list(batch._segments(iter(items), len(names), 2))  # type: ignore[arg-type]
    assert [item for chunk in chunks for item in chunk] == items
    assert [known] in chunks
    sizes = [len(chunk) for chunk in chunks if isinstance(chunk[0], str)]
    assert max(sizes) <= batch.MAX_CHUNK
    assert sizes[-1] == 1 and sizes[-5:] == sorted(sizes[-5:], reverse=True)


def test_quiet_fail_on_warn_shows_the_warning_it_fails_on() -> None:
    """Exit 1 under --fail-on-warn never comes with lines that all read as clean allows."""
    code, out, _ = run_cli(
        "check", "manifests/allowed-warned.yaml", "manifests/allowed.yaml", "--rules", "rules", *AS_OF,
        "--quiet", "--fail-on-warn",
    )  # fmt: skip
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("✔ ALLOW ! 1 warning  manifests/allowed-warned.yaml")
    assert lines[1].startswith("✔ ALLOW  manifests/allowed.yaml")
    assert lines[2] == "2 manifests: 2 allowed, 0 denied, 0 with input errors, 1 with warnings"
