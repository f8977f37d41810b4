"""SHA-256 without OpenSSL: the same digests as hashlib's."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from gba_dataflow.core.digest import sha256


@given(parts=st.lists(st.binary(max_size=3000), max_size=4))
def test_digests_are_hashlibs(parts: list[bytes]) -> None:
    ours = sha256(parts[0] if parts else b"")
    theirs = hashlib.sha256(parts[0] if parts else b"")
    for part in parts[1:]:
        ours.update(part)
        theirs.update(part)
    assert ours.hexdigest() == theirs.hexdigest()


def test_the_empty_digest() -> None:
    assert sha256().hexdigest() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_digesting_does_not_load_openssl() -> None:
    probe = (
        "import sys\n"
        "from gba_dataflow.core.digest import sha256\n"
        "sha256(b'abc').hexdigest()\n"
        "print(sorted({'hashlib', '_hashlib'} & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
