"""Process exit codes (design §6, a contract)."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """0 every manifest allowed; 1 at least one denied (or warned with --fail-on-warn); 2 any input error."""

    ALLOWED = 0
    DENIED = 1
    INPUT_ERROR = 2
