"""Outputs and processes (issue 19 points 3 and 6): -o never replaces what it should write into, leaves no
temporary file, fails with E550 and exit 2; SIGTERM and SIGINT end every worker; --jobs is capped."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
from security_helpers import ALLOWED, command, environment, run_command

from gba_dataflow.core.safe_write import replace_file

pytestmark = pytest.mark.e2e


def leftovers(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir() if path.name.endswith(".tmp"))


def test_replace_file_writes_whole_files_and_leaves_nothing_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    with replace_file(str(target)) as handle:
        handle.write(b"new")
        assert target.read_text() == "old"  # not replaced before the block ends
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    with pytest.raises(RuntimeError), replace_file(str(target)) as handle:
        handle.write(b"half")
        raise RuntimeError("stop")
    assert target.read_text() == "new" and leftovers(tmp_path) == []


def test_replace_file_writes_through_a_symlink_to_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with replace_file(str(link)) as handle:
        handle.write(b"new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_fifo_is_written_directly(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    with replace_file(str(fifo)) as handle:
        handle.write(b"through the pipe")
    out, _ = reader.communicate(timeout=10)
    assert out == b"through the pipe" and stat.S_ISFIFO(fifo.stat().st_mode)


def test_output_to_a_full_device_exits_2_with_a_located_message() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    for args, option in (
        (["-o", "/dev/full"], "--output"),
        (["--format", "json", "-o", "/dev/full"], "--output"),
        (["--report", "sarif:/dev/full"], "--report"),
    ):
        ran = run_command("check", ALLOWED, *args)
        assert ran.code == 2, args
        expected = f"/dev/full:1:1: error E550: cannot write {option} `/dev/full`: No space left on device"
        assert expected in ran.err, args
        assert "E900" not in ran.err


def test_output_to_dev_null_keeps_the_device(tmp_path: Path) -> None:
    before = os.stat("/dev/null")
    ran = run_command("check", ALLOWED, "-o", "/dev/null", cwd=tmp_path)
    after = os.stat("/dev/null")
    assert ran.code == 0 and stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_dash_means_stdout(tmp_path: Path) -> None:
    ran = run_command("check", ALLOWED, "--format", "json", "-o", "-", cwd=tmp_path)
    assert ran.code == 0 and json.loads(ran.out)["results"][0]["decision"] == "allow"
    assert not (tmp_path / "-").exists()


def test_a_symlink_planted_at_the_old_temporary_name_is_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (tmp_path / ".report.txt.tmp").symlink_to(victim)
    ran = run_command("check", ALLOWED, "-o", "report.txt", cwd=tmp_path)
    assert ran.code == 0 and victim.read_text() == "precious"
    assert "ALLOW" in (tmp_path / "report.txt").read_text()


def test_five_runs_writing_one_output_at_once_all_succeed(tmp_path: Path) -> None:
    runs = [
        subprocess.Popen(
            [*command(), "check", str(ALLOWED), "--format", "json", "-o", "same.json"],
            cwd=tmp_path,
            env=environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(5)
    ]
    results = [(run.wait(timeout=60), run.stderr.read() if run.stderr else b"") for run in runs]
    assert all(code == 0 for code, _ in results), results
    assert json.loads((tmp_path / "same.json").read_text())["results"][0]["decision"] == "allow"
    assert leftovers(tmp_path) == []


def test_an_unwritable_directory_exits_2_and_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    ran = run_command("check", ALLOWED, "-o", f"{blocker}/out.txt")
    assert ran.code == 2 and "E550" in ran.err and str(blocker) in ran.err


def many_manifests(folder: Path, count: int) -> Path:
    folder.mkdir()
    data = ALLOWED.read_bytes()
    for index in range(count):
        (folder / f"m{index:05}.yaml").write_bytes(data)
    return folder


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_parallel_check_ends_every_worker_and_leaves_no_output(
    signum: int, tmp_path: Path
) -> None:
    folder = many_manifests(tmp_path / "many", 4000)
    process = subprocess.Popen(
        [*command(), "check", str(folder), "--jobs", "2", "--format", "json", "-o", "out.json"],
        cwd=tmp_path,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # SIGINT is not ignored, as it would be for a shell's background job
    )
    deadline = time.monotonic() + 30
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.05)
        workers = children_of(process.pid)
    assert workers, "no worker started"
    process.send_signal(signum)
    code = process.wait(timeout=30)
    time.sleep(0.2)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]
    assert code == 128 + signum and alive == []
    assert not (tmp_path / "out.json").exists() and leftovers(tmp_path) == []
    assert b"E900" not in (process.stderr.read() if process.stderr else b"")


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_jobs_beyond_the_cpus_are_capped_with_a_note(tmp_path: Path) -> None:
    from gba_dataflow.app.batch import cpu_count, resolve_jobs

    assert resolve_jobs(10_000) == cpu_count() and resolve_jobs(0) == cpu_count()
    folder = many_manifests(tmp_path / "few", 3)
    ran = run_command("check", folder, "--jobs", "64")
    assert ran.code == 0
    assert f"note: --jobs 64 is more than the {cpu_count()} CPUs here; using {cpu_count()}" in ran.err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving files to another user")
def test_the_cache_race_of_issue_19_never_runs_the_attackers_code(tmp_path: Path) -> None:
    """Issue 19 point 1, end to end: while the victim runs `check` again and again, another user swaps the
    victim's cache directory for a symlink to a directory of their own, holding well-formed (sealed) entries
    of the victim's entry names whose code would write a marker file. Every run must give the right answer
    and the marker must never appear."""
    import marshal
    import threading

    from gba_dataflow.core import diskcache

    cache = tmp_path / "home" / "cache"
    env = environment(GBA_DATAFLOW_CACHE_DIR=str(cache))
    first = run_command("check", "--format", "json", ALLOWED, env=env)
    assert first.code == 0
    marker = tmp_path / "owned"
    evil = diskcache.seal(marshal.dumps(compile(f"open({str(marker)!r}, 'w').write('x')", "<evil>", "exec")))
    attacker = tmp_path / "attacker"
    attacker.mkdir()
    for entry in cache.iterdir():
        (attacker / entry.name).write_bytes(evil)
        os.chown(attacker / entry.name, 54321, -1)
    os.chown(attacker, 54321, -1)
    (tmp_path / "home").chmod(0o755)
    stop = threading.Event()
    swaps: list[int] = []

    def swap() -> None:
        import shutil

        real = tmp_path / "home" / "real"
        while not stop.is_set():
            if cache.is_dir() and not cache.is_symlink():
                cache.rename(real)
            cache.symlink_to(attacker)
            time.sleep(0.002)
            cache.unlink()
            if cache.exists():  # the victim made a new cache directory meanwhile
                shutil.rmtree(cache)
            if real.exists():
                real.rename(cache)
            swaps.append(1)
            time.sleep(0.002)

    swapper = threading.Thread(target=swap)
    swapper.start()
    try:
        runs = [run_command("check", "--format", "json", ALLOWED, env=env) for _ in range(12)]
    finally:
        stop.set()
        swapper.join()
    assert all((run.code, run.out) == (0, first.out) for run in runs), [run.err for run in runs]
    assert not marker.exists() and len(swaps) > 100
    assert any("belongs to another user" in run.err for run in runs)  # the race was met (12 of 12 here)
