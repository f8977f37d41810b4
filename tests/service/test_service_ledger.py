"""Two `gba-dataflow serve` processes on two ports sharing one PostgreSQL ledger (design §10): recording
needs the bearer token; concurrent check-and-record through both servers gives one set of totals and one
decision log, and two transfers racing for the last room under a threshold are never both let through.

Runs where GBA_DATAFLOW_TEST_POSTGRES_URL names a PostgreSQL server (`.ci/run` starts one); else skips."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from service_helpers import EXAMPLES, RULES, RunningServer, running_server

pytestmark = pytest.mark.e2e

POSTGRES_ENV = "GBA_DATAFLOW_TEST_POSTGRES_URL"
TOKEN = "two-replicas-one-ledger-token-0123456789"
SMALL = EXAMPLES / "dongguan-retailer-small-volume-to-hk.yaml"
EXPORTERS = 6


@pytest.fixture()
def ledger_url() -> Iterator[str]:
    """An empty ledger in a schema of its own on the test PostgreSQL server."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"the two-replica ledger test needs {POSTGRES_ENV} (.ci/run sets it)")
    import psycopg

    schema = f"service_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}', safe='')}"
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def manifest(exporter: int, copy: int) -> str:
    """60,000 individuals of exporter N, no declared volume: alone it is exempt (under 100,000 this year);
    after another such transfer of the same exporter it is not."""
    text = SMALL.read_text(encoding="utf-8")
    text = text.replace("id: loyalty-members-to-hk", f"id: loyalty-members-{exporter}-{copy}")
    text = text.replace(
        "Example Retail (Dongguan) Co., Ltd.", f"Example Retail {exporter} (Dongguan) Co., Ltd."
    )
    text = text.replace("  subjects: 38000\n", "  subjects: 60000\n")
    return text.replace("volume: {personal_subjects_ytd: 72000, sensitive_subjects_ytd: 0}\n", "")


def post(server: RunningServer, text: str, *, token: str | None = TOKEN) -> httpx.Response:
    headers = {"content-type": "application/yaml"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    with server.client() as client:
        return client.post("/v1/check", params={"record": "true"}, content=text, headers=headers)


def test_two_servers_one_postgresql_ledger(
    ledger_url: str, tmp_path: Path, cli_command: list[str], cli_env: dict[str, str]
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    args = ("--rules", str(RULES), "--ledger", ledger_url, "--token-file", str(token_file))
    with (
        running_server(cli_command, *args, env=cli_env) as first,
        running_server(cli_command, *args, env=cli_env) as second,
    ):
        for server in (first, second):
            with server.client() as client:
                ready = client.get("/readyz").json()
            assert ready["ledger"] == "reachable", ready
        refused = post(first, manifest(0, 0), token=None)
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["code"] == "E522"
        assert post(second, manifest(0, 0), token="not-the-token-0123456789").status_code == 401

        # each exporter's two transfers race, one through each server
        jobs = [
            (first if copy == 0 else second, manifest(exporter, copy))
            for exporter in range(EXPORTERS)
            for copy in (0, 1)
        ]
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            responses = list(pool.map(lambda job: post(*job), jobs))
        assert all(response.status_code == 200 for response in responses), [r.text[:300] for r in responses]
        decisions = [response.json()["results"][0]["decision"] for response in responses]
        for exporter in range(EXPORTERS):
            pair = decisions[2 * exporter : 2 * exporter + 2]
            assert sorted(pair) == ["allow", "deny"], (exporter, pair)  # never both under the threshold

        # both servers now see the same totals: a third transfer is denied through either
        for server in (first, second):
            with server.client() as client:
                again = client.post(
                    "/v1/check", content=manifest(1, 2), headers={"content-type": "application/yaml"}
                )
            assert again.json()["results"][0]["decision"] == "deny"
        first_log, second_log = first.read_log(0), second.read_log(0)

    from gba_dataflow.ledger import open_ledger

    with open_ledger(ledger_url) as ledger:
        totals = {total.exporter_key: total for total in ledger.totals()}
        assert len(totals) == EXPORTERS
        assert all(total.transfers == 1 and total.personal_summed == 60000 for total in totals.values())
        entries = list(ledger.log())
        assert len(entries) == 2 * EXPORTERS + 2  # every decision made with the ledger, through both servers
        verification = ledger.verify_log()
        assert verification.intact and verification.entries == len(entries)
    assert "Example Retail" not in first_log + second_log  # no manifest contents in the logs


# ---- in process, on a SQLite ledger -----------------------------------------------------------------


def test_recording_through_the_service_on_a_sqlite_ledger(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from gba_dataflow.ledger import open_ledger
    from gba_dataflow.service.app import create_app
    from gba_dataflow.service.settings import ServiceSettings

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    app = create_app(ServiceSettings(rules=(str(RULES),), ledger=url, token=TOKEN))
    bearer = {"authorization": f"Bearer {TOKEN}", "content-type": "application/yaml"}
    with TestClient(app) as client:
        assert client.get("/readyz").json()["ledger"] == "reachable"
        first = client.post("/v1/check", params={"record": "true"}, content=manifest(7, 0), headers=bearer)
        assert first.status_code == 200
        assert first.json()["results"][0]["decision"] == "allow"
        again = client.post("/v1/check", params={"record": "true"}, content=manifest(7, 0), headers=bearer)
        assert again.json()["results"][0]["decision"] == "allow"  # the same manifest: recorded once
        second = client.post("/v1/check", params={"record": "true"}, content=manifest(7, 1), headers=bearer)
        assert second.json()["results"][0]["decision"] == "deny"  # 60,000 + 60,000 this year
        facts = [
            fact["path"] for reason in second.json()["results"][0]["reasons"] for fact in reason["facts"]
        ]
        assert "volume.personal_subjects_ytd" in facts
        plain = client.post("/v1/check", content=manifest(7, 1), headers={"content-type": "application/yaml"})
        assert plain.json()["results"][0]["decision"] == "deny"  # a check without record reads the ledger too
    with open_ledger(url) as ledger:
        totals = ledger.totals()
        assert [(total.transfers, total.personal_summed) for total in totals] == [(1, 60000)]
        assert len(list(ledger.log())) == 4


def test_a_ledger_that_cannot_be_opened_makes_the_service_not_ready_and_checks_503(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from gba_dataflow.service.app import create_app
    from gba_dataflow.service.settings import ServiceSettings

    url = f"sqlite:///{tmp_path / 'missing' / 'dir' / 'ledger.db'}"
    app = create_app(ServiceSettings(rules=(str(RULES),), ledger=url, token=TOKEN))
    with TestClient(app) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["problems"][0]["code"] == "E601"
        response = client.post(
            "/v1/check", content=manifest(8, 0), headers={"content-type": "application/yaml"}
        )
        assert response.status_code == 503
        assert response.json()["errors"][0]["code"] == "E601"
        batch = client.post("/v1/check/batch", json={"manifests": [{"content": manifest(8, 0)}]})
        assert batch.status_code == 503
