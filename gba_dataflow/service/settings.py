"""What a running service was started with: one frozen value, passed to every worker process as JSON."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

from gba_dataflow.core.errors import UsageError
from gba_dataflow.core.i18n import tr

TOKEN_ENV = "GBA_DATAFLOW_TOKEN"
"""Environment variable holding the bearer token that recording requests must present."""
LEDGER_ENV = "GBA_DATAFLOW_LEDGER"
"""Environment variable naming the ledger when `--ledger` is not given (design §8)."""
SETTINGS_ENV = "GBA_DATAFLOW_SERVE_SETTINGS"
"""How the serving process hands its settings to the worker processes it starts."""

DEFAULT_MAX_BODY = 16 * 1024 * 1024
DEFAULT_MAX_BATCH = 1000
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """The options of `gba-dataflow serve`, checked."""

    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    rules: tuple[str, ...] | None = None
    """Rule directories (None: the default rules, as for `check`)."""
    ledger: str | None = None
    token: str | None = None
    """The bearer token recording requests must present (None: the service records nothing)."""
    max_body: int = DEFAULT_MAX_BODY
    max_batch: int = DEFAULT_MAX_BATCH
    timeout: float = DEFAULT_TIMEOUT
    watch: bool = False
    watch_interval: float = 1.0
    access_log: bool = True
    graceful_timeout: float = 30.0

    def rules_dirs(self) -> list[Path] | None:
        return [Path(entry) for entry in self.rules] if self.rules is not None else None

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServiceSettings:
        data = json.loads(text)
        rules = data.pop("rules")
        return cls(rules=tuple(rules) if rules is not None else None, **data)

    @classmethod
    def from_environment(cls) -> ServiceSettings:
        """The settings a worker process was started with (`SETTINGS_ENV`), else the defaults."""
        text = os.environ.get(SETTINGS_ENV)
        return cls.from_json(text) if text else cls()


def read_token(token_file: Path | None) -> str | None:
    """The bearer token: the first line of `token_file`, else $GBA_DATAFLOW_TOKEN, else None.

    A token shorter than 16 characters is refused (E501): it would be guessable."""
    if token_file is not None:
        try:
            text = token_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(
                tr(
                    "--token-file `{file}` cannot be read: {reason}",
                    file=str(token_file),
                    reason=str(getattr(error, "strerror", None) or error),
                ),
                code="E501",
                hint=tr("give a readable file whose first line is the token"),
            ) from None
        token = text.strip().splitlines()[0].strip() if text.strip() else ""
        short = tr("the token in --token-file `{file}` is shorter than 16 characters", file=str(token_file))
    else:
        token = os.environ.get(TOKEN_ENV, "").strip()
        if not token:
            return None
        short = tr("the token in ${variable} is shorter than 16 characters", variable=TOKEN_ENV)
    if len(token) < 16:
        raise UsageError(
            short,
            code="E501",
            hint=tr("use a long random token: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"),
        )
    return token
