"""The installed command with a ledger: check --ledger/--record, ledger ..., audit ... on both backends."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from ledger_helpers import import_rows, write_manifest

pytestmark = pytest.mark.e2e


def _run(command: list[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_check_record_totals_and_audit_end_to_end(
    cli_command: list[str], cli_env: dict[str, str], ledger_url: str, tmp_path: Path
) -> None:
    small = write_manifest(tmp_path, "small", 4_000)
    big = write_manifest(tmp_path, "big", 8_000)
    env = {**cli_env, "GBA_DATAFLOW_LEDGER": ledger_url}
    assert _run(cli_command, env, "ledger", "migrate").returncode == 0
    imported = _run(
        cli_command, env, "ledger", "import", str(import_rows(tmp_path, [("2026-01-10", 90_000)]))
    )
    assert imported.returncode == 0 and "imported 1 transfers" in imported.stdout
    allowed = _run(cli_command, env, "check", str(small), "--record", "--format", "json")
    assert allowed.returncode == 0, allowed.stderr
    result = json.loads(allowed.stdout)["results"][0]
    assert result["decision"] == "allow"
    assert f"recorded in the ledger: #2 {small}" in allowed.stderr
    denied = _run(cli_command, env, "check", str(big), "--record")  # 102,000 with it
    assert denied.returncode == 1 and "DENY" in denied.stdout
    plain = _run(cli_command, env, "check", str(small))  # plain `check PATH` with the ledger from the env
    assert plain.returncode == 0
    totals = _run(cli_command, env, "ledger", "totals", "--format", "json")
    [found] = json.loads(totals.stdout)
    assert (found["transfers"], found["personal"]) == (2, 94_000)
    shown = _run(cli_command, env, "ledger", "show")
    assert "#2 2026-06-08" in shown.stdout and "small" in shown.stdout
    exported = _run(cli_command, env, "ledger", "export", "--format", "csv")
    assert exported.stdout.splitlines()[0].startswith("id,kind,exporter_key")
    assert len(exported.stdout.splitlines()) == 3
    log = tmp_path / "log.jsonl"
    assert _run(cli_command, env, "audit", "export", "-o", str(log)).returncode == 0
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(e["action"], e["decision"]) for e in entries] == [
        ("check-record", "allow"),
        ("check-record", "deny"),
        ("check", "allow"),
    ]
    assert (
        _run(cli_command, env, "audit", "export", "--from", "2000-01-01", "--to", "2000-12-31").stdout == ""
    )
    since = _run(cli_command, env, "audit", "export", "--from", entries[0]["at"][:10])
    assert len(since.stdout.splitlines()) == 3
    records = tmp_path / "records.json"
    assert _run(cli_command, env, "ledger", "export", "--format", "json", "-o", str(records)).returncode == 0
    assert [r["source"] for r in json.loads(records.read_text(encoding="utf-8"))] == ["import", "check"]
    verified = _run(cli_command, env, "audit", "verify", str(log))
    assert verified.returncode == 0 and "intact: 3 entries" in verified.stdout
    assert _run(cli_command, env, "audit", "verify").returncode == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    log.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")
    broken = _run(cli_command, env, "audit", "verify", str(log))
    assert broken.returncode == 1
    assert "E609" in broken.stderr and "line 2 (seq 3)" in broken.stderr and "dropped" in broken.stderr
    voided = _run(cli_command, env, "ledger", "void", "2", "--reason", "never sent")
    assert voided.returncode == 0 and "void of #2" in voided.stdout
    again = _run(cli_command, env, "ledger", "void", "2", "--reason", "again")
    assert again.returncode == 2 and "E608" in again.stderr


def test_ledger_failures_exit_2_and_never_allow(
    cli_command: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    small = write_manifest(tmp_path, "small", 10)
    env = {key: value for key, value in cli_env.items() if key != "GBA_DATAFLOW_LEDGER"}
    unreachable = _run(
        cli_command, env, "check", str(small), "--ledger", "postgresql://x:y@127.0.0.1:1/none?timeout=2"
    )
    assert unreachable.returncode == 2 and "E601" in unreachable.stderr and "ALLOW" not in unreachable.stdout
    no_ledger = _run(cli_command, env, "check", str(small), "--record")
    assert no_ledger.returncode == 2 and "E501" in no_ledger.stderr
    bad_url = _run(cli_command, env, "ledger", "totals", "--ledger", "ledger.db")
    assert bad_url.returncode == 2 and "E603" in bad_url.stderr
    ids = tmp_path / "ids.txt"
    ids.write_text("someone@example.com\n", encoding="utf-8")
    env.pop("GBA_DATAFLOW_SUBJECTS_KEY", None)
    env.pop("GBA_DATAFLOW_SUBJECTS_KEY_FILE", None)
    url = f"sqlite://{tmp_path / 'l.db'}"
    keyless = _run(cli_command, env, "check", str(small), "--ledger", url, "--subjects", str(ids))
    assert keyless.returncode == 2 and "E605" in keyless.stderr and "someone" not in keyless.stderr
    bad_import = tmp_path / "bad.csv"
    bad_import.write_text("exporter_name,date,personal,sensitive\nX,2026-01-01,many,0\n", encoding="utf-8")
    imported = _run(cli_command, env, "ledger", "import", str(bad_import), "--ledger", url)
    assert imported.returncode == 2 and f"{bad_import}:2:" in imported.stderr


def test_subjects_with_a_key_file_count_exactly(
    cli_command: list[str], cli_env: dict[str, str], ledger_url: str, tmp_path: Path
) -> None:
    key = tmp_path / "org.key"
    key.write_text("0123456789abcdef0123456789abcdef\n", encoding="utf-8")
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("".join(f"id-{n}\n" for n in range(10)), encoding="utf-8")
    second.write_text("".join(f"id-{n}\n" for n in range(5, 20)), encoding="utf-8")
    env = {**cli_env, "GBA_DATAFLOW_LEDGER": ledger_url}
    for name, ids, count in (("a", first, 10), ("b", second, 15)):
        manifest = write_manifest(tmp_path, name, count)
        recorded = _run(
            cli_command,
            env,
            "ledger",
            "record",
            str(manifest),
            "--subjects",
            str(ids),
            "--subjects-key-file",
            str(key),
        )
        assert recorded.returncode == 0, recorded.stderr
    totals = json.loads(_run(cli_command, env, "ledger", "totals", "-f", "json").stdout)
    assert [(t["personal"], t["exact"]) for t in totals] == [(20, True)]
