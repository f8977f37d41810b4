"""The disk cache against another local user and against damage (docs/security.md, issue 19 points 1-2).

Every attack must end in a correct decision or a clean rebuild: a planted symlink is never followed, a
directory or entry another user controls is never read, a swapped directory is noticed, and a flipped bit
anywhere in an entry is caught by the digest before anything is unmarshalled."""

from __future__ import annotations

import marshal
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from gba_dataflow.core import diskcache

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership and permissions")
OTHER_UID = 54321
"""A user id that is not ours (the tests that need to give a file to it run as root)."""
needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")


@pytest.fixture()
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "cache"
    monkeypatch.setenv(diskcache.ENV, str(home))
    diskcache.forget()
    yield home
    diskcache.forget()


NAME = f"code-{'1' * 64}.marshal"


def test_an_entry_carries_a_version_and_the_digest_of_its_payload(cache_home: Path) -> None:
    diskcache.write(NAME, b"payload")
    raw = (cache_home / NAME).read_bytes()
    assert raw.startswith(diskcache.MAGIC) and raw.endswith(b"payload")
    assert diskcache.unseal(raw) == b"payload"
    assert diskcache.unseal(raw.replace(diskcache.MAGIC, b"gba-dataflow cache 1\n")) is None


def test_every_single_bit_flip_of_an_entry_is_caught_before_marshal(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every bit of a small marshalled code entry, header included: the flip is caught by the digest, so
    marshal.loads never sees damaged data; the damaged entry is deleted (a clean rebuild follows)."""
    code = marshal.dumps(compile("x = 1 + 2", "<t>", "exec"))
    diskcache.write(NAME, code)
    good = (cache_home / NAME).read_bytes()
    seen: list[bytes] = []
    real_loads = marshal.loads
    monkeypatch.setattr(marshal, "loads", lambda data: seen.append(bytes(data)) or real_loads(data))
    for bit in range(len(good) * 8):
        damaged = bytearray(good)
        damaged[bit // 8] ^= 1 << (bit % 8)
        (cache_home / NAME).write_bytes(bytes(damaged))
        assert diskcache.read_marshal(NAME) is None, f"bit {bit}"
        assert not (cache_home / NAME).exists()
    assert seen == []
    (cache_home / NAME).write_bytes(good)
    assert diskcache.read_marshal(NAME) is not None and seen == [code]


def test_a_truncated_entry_reads_as_a_miss(cache_home: Path) -> None:
    diskcache.write(NAME, b"x" * 1000)
    path = cache_home / NAME
    for size in (0, 5, len(diskcache.MAGIC) + 10, path.stat().st_size - 1):
        diskcache.write(NAME, b"x" * 1000)
        full = path.read_bytes()
        path.write_bytes(full[:size])
        assert diskcache.read(NAME) is None


def test_a_planted_symlink_at_an_entry_is_not_followed(cache_home: Path, tmp_path: Path) -> None:
    diskcache.write(NAME, b"mine")
    target = tmp_path / "planted"
    target.write_bytes(diskcache.seal(b"planted"))  # a well-formed entry, as an attacker would write
    (cache_home / NAME).unlink()
    (cache_home / NAME).symlink_to(target)
    assert diskcache.read(NAME) is None
    diskcache.write(NAME, b"again")  # a write replaces the link itself, never writes through it
    assert target.read_bytes() == diskcache.seal(b"planted")
    assert not (cache_home / NAME).is_symlink() and diskcache.read(NAME) == b"again"


def test_a_planted_symlink_at_a_temporary_name_is_not_followed(cache_home: Path, tmp_path: Path) -> None:
    """The old fixed temporary name is gone: temporaries are random and made with O_EXCL, so a link an
    attacker planted where one might be made is never written through."""
    diskcache.write(NAME, b"first")
    victim = tmp_path / "victim"
    victim.write_text("keep")
    for guess in (f".{NAME}.tmp", f".{NAME}-", f".{NAME}-0000000000000000.tmp"):
        (cache_home / guess).symlink_to(victim)
    diskcache.write(NAME, b"second")
    assert victim.read_text() == "keep" and diskcache.read(NAME) == b"second"


def test_a_fifo_at_an_entry_does_not_block(cache_home: Path) -> None:
    diskcache.write(f"code-{'2' * 64}.marshal", b"x")
    os.mkfifo(cache_home / NAME, 0o600)
    assert diskcache.read(NAME) is None


def test_a_directory_writable_by_others_is_refused_with_one_warning(
    cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    diskcache.write(NAME, b"x")
    cache_home.chmod(0o777)
    try:
        assert diskcache.read(NAME) is None
        assert diskcache.read(NAME) is None
        diskcache.write(NAME, b"y")
    finally:
        cache_home.chmod(0o700)
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == 1 and "writable by other users" in warnings[0] and str(cache_home) in warnings[0]
    assert diskcache.read(NAME) == b"x"


def test_a_parent_writable_by_others_without_the_sticky_bit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv(diskcache.ENV, str(shared / "cache"))
    diskcache.forget()
    diskcache.write(NAME, b"x")
    assert diskcache.read(NAME) is None
    assert "writable by other users" in capsys.readouterr().err
    shared.chmod(0o1777)  # sticky, as /tmp: nobody else may rename or delete what is ours
    diskcache.forget()
    diskcache.write(NAME, b"x")
    assert diskcache.read(NAME) == b"x"
    diskcache.forget()


@needs_root
def test_entries_and_directories_of_another_user_are_never_read(cache_home: Path, tmp_path: Path) -> None:
    diskcache.write(NAME, b"x")
    os.chown(cache_home / NAME, OTHER_UID, -1)
    assert diskcache.read(NAME) is None
    diskcache.write(NAME, b"x")
    os.chown(cache_home, OTHER_UID, -1)
    assert diskcache.read(NAME) is None
    os.chown(cache_home, os.getuid(), -1)
    assert diskcache.read(NAME) == b"x"


@needs_root
def test_a_cache_directory_swapped_for_a_symlink_mid_run_is_noticed(
    cache_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The race of issue 19: the victim's directory is replaced by a link to one the attacker owns,
    holding a well-formed entry of the right name. The next read checks the location again."""
    diskcache.write(NAME, b"mine")
    assert diskcache.read(NAME) == b"mine"
    attacker = tmp_path / "attacker"
    attacker.mkdir(mode=0o700)
    (attacker / NAME).write_bytes(diskcache.seal(b"evil"))
    os.chown(attacker / NAME, OTHER_UID, -1)
    os.chown(attacker, OTHER_UID, -1)
    cache_home.rename(tmp_path / "moved")
    cache_home.symlink_to(attacker)
    for _ in range(20):
        assert diskcache.read(NAME) is None
    assert "belongs to another user" in capsys.readouterr().err
    # the attacker's entry, even owned by us (say, copied in), is refused by ownership of its directory
    os.chown(attacker / NAME, os.getuid(), -1)
    assert diskcache.read(NAME) is None


def test_a_cache_directory_that_is_a_symlink_of_ours_is_used(cache_home: Path, tmp_path: Path) -> None:
    """A link the user made (a cache on another disk) is fine: the link's target is what is checked."""
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    cache_home.symlink_to(real)
    diskcache.write(NAME, b"x")
    assert (real / NAME).exists() and diskcache.read(NAME) == b"x"


def test_random_bit_flips_in_a_large_entry_are_caught(cache_home: Path) -> None:
    payload = marshal.dumps({"code": compile("y = [i * 2 for i in range(10)]", "<t>", "exec"), "n": 100000})
    chooser = random.Random(19)
    for _ in range(200):
        diskcache.write(NAME, payload)
        raw = bytearray((cache_home / NAME).read_bytes())
        bit = chooser.randrange(len(raw) * 8)
        raw[bit // 8] ^= 1 << (bit % 8)
        (cache_home / NAME).write_bytes(bytes(raw))
        assert diskcache.read_marshal(NAME) is None
