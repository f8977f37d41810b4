"""Every attack of issue 19 on inputs and limits (points 4-6), run through the command as a user would:
each ends in its own located error code (never E900), within the memory bound (200 MB), without a hang.

Memory is read from the process itself; time is only bounded by a CPU limit and a timeout (the figures
are in benchmarks/bench_attacks.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from security_helpers import ALLOWED, DENIED, command, environment, run_command, run_measured

pytestmark = pytest.mark.e2e
PEAK_KIB = 200 * 1024
RULE_HEAD = "ruleset r\nrule a\n  deny when "
RULE_TAIL = '\n  because "core"\n  cite "DSL, Art. 21"\n'


def one_megabyte_list() -> str:
    return "[" + ", ".join(["y"] * ((1_000_000 - 2) // 3)) + "]"


def one_megabyte_mapping() -> str:
    return "{" + ", ".join(f"y{index}: 1" for index in range(90_000))[:999_000].rsplit(",", 1)[0] + "}"


def unknown_keys(count: int) -> str:
    keys = "\n".join(f"k{index}: 1" for index in range(count))
    return f"apiVersion: gba-dataflow/v1\nkind: TransferManifest\n{keys}\n"


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("list.yaml", one_megabyte_list, "E450"),
        ("mapping.yaml", one_megabyte_mapping, "E450"),
        ("keys.yaml", lambda: unknown_keys(87_000), "E450"),
        ("list.json", lambda: json.dumps(["y"] * 150_000), "E450"),
    ],
)
def test_a_megabyte_of_tiny_values_is_refused_quickly_and_small(
    name: str, make: object, code: str, tmp_path: Path
) -> None:
    """Issue 19: 18.9 s, 1.27 GB and 110 MB of output for the first one before."""
    path = tmp_path / name
    path.write_text(make(), encoding="utf-8")  # type: ignore[operator]
    assert path.stat().st_size < 1_048_576
    ran = run_measured("check", path)
    assert ran.code == 2 and f"error {code}" in ran.err + ran.out.decode() and "E900" not in ran.err
    assert len(ran.out) < 10_000 and 0 < ran.peak_kib < PEAK_KIB


def test_thousands_of_problems_show_the_first_hundred_and_a_count(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(unknown_keys(4_990), encoding="utf-8")
    ran = run_measured("check", "--format", "json", path)
    assert ran.code == 2 and 0 < ran.peak_kib < PEAK_KIB
    errors = json.loads(ran.out)["results"][0]["errors"]
    assert len(errors) == 101 and errors[-1]["code"] == "E451"
    assert errors[-1]["message"].endswith("more problems in this manifest are not shown")
    assert len(ran.out) < 100_000


def test_the_limits_can_be_raised_and_lowered(tmp_path: Path) -> None:
    tight = environment(GBA_DATAFLOW_MAX_NODES="20")
    ran = run_command("check", ALLOWED, env=tight)
    assert ran.code == 2 and "E450" in ran.out.decode()
    path = tmp_path / "keys.yaml"
    path.write_text(unknown_keys(6_000), encoding="utf-8")
    loose = environment(GBA_DATAFLOW_MAX_NODES="20000", GBA_DATAFLOW_MAX_DIAGNOSTICS="3")
    ran = run_command("check", "--format", "json", path, env=loose)
    errors = json.loads(ran.out)["results"][0]["errors"]
    assert [error["code"] for error in errors][-1] == "E451" and len(errors) == 4


def test_a_lone_surrogate_is_refused_at_load_with_its_location(tmp_path: Path) -> None:
    """Before: it loaded, then every report failed with E900 UnicodeEncodeError and half a JSON file."""
    path = tmp_path / "s.json"
    path.write_text('{\n  "apiVersion": "gba-dataflow/v1",\n  "kind": "T\\ud800itle"\n}\n', encoding="utf-8")
    target = tmp_path / "report.json"
    ran = run_command("check", "--format", "json", "-o", target, path)
    assert ran.code == 2 and "E900" not in ran.err
    (error,) = json.loads(target.read_text(encoding="utf-8"))["results"][0]["errors"]
    assert (error["code"], error["line"], error["column"]) == ("E452", 3, 13)
    yaml_path = tmp_path / "s.yaml"
    yaml_path.write_text('apiVersion: "T\\ud800itle"\n', encoding="utf-8")
    ran = run_command("check", yaml_path)
    assert ran.code == 2 and "s.yaml:1:" in ran.out.decode() and "E900" not in ran.err


def test_a_symlinked_directory_is_followed_and_a_loop_is_not_endless(tmp_path: Path) -> None:
    """Before: a denied manifest inside a linked directory was skipped ("1 manifest: 1 allowed", exit 0)."""
    real = tmp_path / "elsewhere"
    real.mkdir()
    shutil.copy(DENIED, real / "denied.yaml")
    top = tmp_path / "manifests"
    top.mkdir()
    shutil.copy(ALLOWED, top / "allowed.yaml")
    (top / "linked").symlink_to(real)
    (top / "loop").symlink_to(top)
    ran = run_command("check", top, timeout=30)
    assert ran.code == 1
    assert "2 manifests: 1 allowed, 1 denied" in ran.out.decode()


def test_a_fifo_found_in_a_directory_is_reported_without_blocking(tmp_path: Path) -> None:
    top = tmp_path / "manifests"
    top.mkdir()
    shutil.copy(ALLOWED, top / "allowed.yaml")
    os.mkfifo(top / "x.yaml")
    ran = run_command("check", "--format", "json", top, timeout=30)
    results = json.loads(ran.out)["results"]
    assert ran.code == 2 and [result["decision"] for result in results] == ["allow", "error"]
    assert results[1]["errors"][0]["code"] == "E453"


def test_a_file_swapped_for_a_fifo_after_the_walk_is_refused_without_blocking(tmp_path: Path) -> None:
    """The race the walk alone cannot close: a regular file when the directory was searched, a FIFO by the
    time it is read. It is refused (E453) at once, never waited on; the other manifest is still decided."""
    import signal

    from gba_dataflow.app.batch import iter_plan, plan_inputs
    from gba_dataflow.engine.rulebook import load_rulebook

    top = tmp_path / "manifests"
    top.mkdir()
    shutil.copy(ALLOWED, top / "a.yaml")
    shutil.copy(DENIED, top / "b.yaml")
    plan = plan_inputs([str(top)])
    (top / "b.yaml").unlink()
    os.mkfifo(top / "b.yaml")  # no writer will ever come
    rulebook = load_rulebook([Path(__file__).resolve().parents[2] / "rules"])

    def stuck(signum: int, frame: object) -> None:
        raise TimeoutError("reading the FIFO blocked")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(20)
    try:
        results = list(iter_plan(rulebook, plan, None, None, "en", 1, None, lambda result: result))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert [result.decision.value for result in results] == ["allow", "error"]
    assert results[1].errors[0].code == "E453" and results[1].manifest.endswith("b.yaml")


@pytest.mark.skipif(shutil.which("bash") is None, reason="process substitution needs bash")
def test_a_stream_named_on_the_command_line_is_read(tmp_path: Path) -> None:
    """`check <(cat m.yaml)`: before, "no such file or directory"."""
    script = f'exec {" ".join(command())} check --format json <(cat "{DENIED}")'
    done = subprocess.run(
        ["bash", "-c", script], env=environment(), capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 1 and json.loads(done.stdout)["results"][0]["decision"] == "deny"


def write_rules(folder: Path, condition: str) -> Path:
    folder.mkdir()
    (folder / "r.rules").write_text(RULE_HEAD + condition + RULE_TAIL, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        (" or ".join(["dataset.core_data"] * 50_000), "E151"),
        (" or ".join(["dataset.core_data"] * 4_500), "E151"),
        ("not " * 1_000 + "dataset.core_data", "E150"),
        ("not " * 65 + "dataset.core_data", "E150"),
        ("dataset.subjects > " + " + ".join(["1"] * 500), "E150"),
        ("dataset.subjects > " + "9" * 4_301, "E152"),
        ("transfer.date > as_of + 99999999999999999999 days", "E152"),
        ("dataset.subjects > 1" + "0" * 308 + ".5", "E152"),
    ],
    ids=["or-50000", "or-4500", "not-1000", "not-65", "plus-500", "digits-4301", "days-1e20", "float-309"],
)
def test_a_rule_file_past_a_limit_gets_its_own_located_error(
    condition: str, code: str, tmp_path: Path
) -> None:
    """Before: RecursionError and OverflowError as E900, or a gigabyte of memory."""
    rules = write_rules(tmp_path / "rules", condition)
    ran = run_measured("check", "--rules", rules, ALLOWED)
    assert ran.code == 2 and "E900" not in ran.err and 0 < ran.peak_kib < PEAK_KIB
    assert f"error {code}:" in ran.err and f"{rules / 'r.rules'}:" in ran.err


def test_rules_fmt_refuses_a_309_digit_number_instead_of_writing_inf(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules", "dataset.subjects > 1" + "0" * 308 + ".5")
    before = (rules / "r.rules").read_bytes()
    ran = run_command("rules", "fmt", rules)
    assert ran.code != 0 and "E152" in ran.err + ran.out.decode() and "E900" not in ran.err
    assert (rules / "r.rules").read_bytes() == before


def test_expressions_at_the_limits_still_work(tmp_path: Path) -> None:
    """61 levels of `not` inside an `or`, a 36,600-day duration and 18-digit numbers decide as they should."""
    condition = (
        "not " * 61 + "dataset.core_data"
        " or (dataset.subjects > 999_999_999_999_999_999)"
        " or (transfer.date + 36600 days < as_of)"
    )
    rules = write_rules(tmp_path / "rules", condition)
    ran = run_command("check", "--rules", rules, "--format", "json", ALLOWED)
    assert ran.code == 1 and "E9" not in ran.err
    (reason,) = json.loads(ran.out)["results"][0]["reasons"]
    assert reason["rule"] == "r/a"  # 61 nots of false: true


def test_a_file_name_that_is_not_utf8_is_reported_not_a_crash(tmp_path: Path) -> None:
    """Found by the fuzzer: a name Python decodes with surrogateescape failed every report with E900."""
    top = tmp_path / "manifests"
    top.mkdir()
    (top / os.fsdecode(b"\xff.yaml")).write_bytes(ALLOWED.read_bytes())
    target = tmp_path / "out.json"
    ran = run_command("check", "--format", "json", "-o", target, top)
    assert ran.code == 0 and "E900" not in ran.err
    (result,) = json.loads(target.read_text(encoding="utf-8"))["results"]
    assert result["decision"] == "allow" and result["manifest"].endswith("\udcff.yaml")
    ran = run_command("check", top)
    assert ran.code == 0 and "\\udcff.yaml" in ran.out.decode("utf-8")
