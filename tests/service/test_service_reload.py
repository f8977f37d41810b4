"""Rules reload by an atomic swap: a request sees the old rules or the new, never a mix; a reload that
fails keeps the old rules and says why."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import httpx
import pytest
from service_helpers import ALLOWED, RULES, example_text

from gba_dataflow.service.app import Service, build_app
from gba_dataflow.service.rules_state import RulesState
from gba_dataflow.service.settings import ServiceSettings

RULE = "m9_gba_contract_hk"
OLD_TEXT = "The GBA Standard Contract (Mainland-Hong Kong)"
NEW_TEXT = "REVISED: the GBA Standard Contract (Mainland-Hong Kong)"


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("*.test.yaml"))
    return target


def revise(rules: Path) -> None:
    path = rules / "mainland_export.rules"
    text = path.read_text(encoding="utf-8")
    assert OLD_TEXT in text
    path.write_text(text.replace(OLD_TEXT, NEW_TEXT), encoding="utf-8")


def test_a_reload_swaps_in_new_rules_and_a_failed_one_keeps_the_old(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    state = RulesState([rules])
    first = state.current
    revise(rules)
    outcome = state.reload()
    assert outcome.ok
    assert state.current.generation == 2
    assert state.current.digest != first.digest
    assert outcome.digest == state.current.digest
    working = state.current
    (rules / "broken.rules").write_text("ruleset broken\nrule r\n  deny when\n", encoding="utf-8")
    failed = state.reload()
    assert not failed.ok
    assert failed.errors and failed.errors[0].code.startswith("E1")
    assert failed.errors[0].path is not None and failed.errors[0].path.endswith("broken.rules")
    assert state.current is working
    assert failed.digest == working.digest


def test_the_rules_endpoint_reports_a_failed_reload_and_checks_go_on(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    service = Service(ServiceSettings(rules=(str(rules),)))
    app = build_app(service)

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            before = (await client.get("/v1/rules")).json()
            (rules / "mainland_export.rules").write_text("ruleset\n", encoding="utf-8")
            outcome = await service.reload("test")
            assert not outcome.ok
            after = (await client.get("/v1/rules")).json()
            assert after["rules"]["digest"] == before["rules"]["digest"]
            assert after["last_reload"]["ok"] is False
            assert after["last_reload"]["errors"][0]["code"].startswith("E1")
            response = await client.post("/v1/check", content=example_text(ALLOWED))
            assert response.json()["results"][0]["decision"] == "allow"
            metrics = (await client.get("/metrics")).text
            assert 'gba_dataflow_rules_reloads_total{outcome="failed"} 1' in metrics

    asyncio.run(scenario())


def test_requests_during_reloads_see_one_whole_rulebook(tmp_path: Path) -> None:
    """Rules flip between two versions while checks run concurrently: every response's digest matches
    the text of its reasons (old digest with the old text, new digest with the new)."""
    old_rules = copy_rules(tmp_path / "old")
    new_rules = copy_rules(tmp_path / "new")
    revise(new_rules)
    live = copy_rules(tmp_path / "live")
    digests = {
        RulesState([old_rules]).current.digest: OLD_TEXT,
        RulesState([new_rules]).current.digest: NEW_TEXT,
    }
    service = Service(ServiceSettings(rules=(str(live),)))
    app = build_app(service)
    body = example_text(ALLOWED)
    seen: list[str] = []
    flipping = True

    async def checks(client: httpx.AsyncClient) -> None:
        while flipping:
            document = json.loads((await client.post("/v1/check", content=body)).text)
            digest = document["rules"]["digest"]
            message = document["results"][0]["reasons"][0]["message"]
            assert digest in digests
            # the message is the one of the rulebook whose digest the document carries
            assert message.startswith(digests[digest]), (digest, message)
            seen.append(digest)

    async def flips(count: int) -> None:
        nonlocal flipping
        for index in range(count):
            source = new_rules if index % 2 == 0 else old_rules
            shutil.copy(source / "mainland_export.rules", live / "mainland_export.rules")
            outcome = await service.reload("test")
            assert outcome.ok
            answered = len(seen)
            while len(seen) < answered + 5:  # a few checks are answered with these rules before the next flip
                await asyncio.sleep(0.01)
        flipping = False

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            await asyncio.gather(checks(client), checks(client), flips(4))

    asyncio.run(scenario())
    assert set(seen) == set(digests)


@pytest.mark.parametrize("count", [2])
def test_concurrent_reloads_count_generations_one_by_one(tmp_path: Path, count: int) -> None:
    import threading

    state = RulesState([copy_rules(tmp_path)])
    threads = [threading.Thread(target=state.reload) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert state.current.generation == 1 + count
