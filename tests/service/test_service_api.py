"""The HTTP API in-process (starlette's test client): results, errors, limits, rules, metrics, logs."""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from service_helpers import ALLOWED, DENIED, EXAMPLES, ROOT, RULES, example_text
from starlette.testclient import TestClient

from gba_dataflow.core.codes import CODES
from gba_dataflow.service.app import create_app
from gba_dataflow.service.metrics import parse_exposition, sample
from gba_dataflow.service.openapi import render_openapi
from gba_dataflow.service.settings import ServiceSettings

YAML = {"content-type": "application/yaml"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(ServiceSettings(rules=(str(RULES),), max_batch=5, max_body=64 * 1024))
    with TestClient(app) as test_client:
        yield test_client


def result_of(response: object) -> dict[str, object]:
    document = response.json()  # type: ignore[attr-defined]
    assert len(document["results"]) == 1
    return document["results"][0]  # type: ignore[no-any-return]


# ---- POST /v1/check ---------------------------------------------------------------------------


def test_an_allowed_manifest_is_allowed_with_its_reasons_and_obligations(client: TestClient) -> None:
    response = client.post("/v1/check", content=example_text(ALLOWED), headers=YAML)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-gba-decision"] == "allow"
    result = result_of(response)
    assert result["decision"] == "allow"
    rules = [reason["rule"] for reason in result["reasons"]]
    assert rules == [
        "mainland_export/m9_gba_contract_hk",
        "mainland_export/sensitive_personal_information_duties",
    ]
    obligations = result["obligations"]
    assert isinstance(obligations, list) and obligations
    met = [item["rule"] for item in obligations if item["status"] == "met"]  # duties already met: met
    assert met and all(rule.endswith("_duty_met") for rule in met)
    assert {item["status"] for item in obligations} == {"to_do", "met"}
    assert response.json()["summary"] == {"allow": 1, "deny": 0, "error": 0}


def test_a_denied_manifest_is_a_decision_too(client: TestClient) -> None:
    response = client.post("/v1/check", content=example_text(DENIED), headers=YAML)
    assert response.status_code == 200
    result = result_of(response)
    assert result["decision"] == "deny"
    assert result["reasons"][0]["citations"]
    assert result["remedies"]


def test_the_body_is_byte_identical_to_check_format_json(client: TestClient, cli_command: list[str]) -> None:
    """The same manifest, name, rules and options give the same bytes on the command line and over HTTP."""
    name = str(DENIED.relative_to(ROOT))
    done = subprocess.run(
        [*cli_command, "check", "--format", "json", "--rules", str(RULES), "--lang", "zh-Hant", name],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    response = client.post(
        "/v1/check", params={"name": name, "lang": "zh-Hant"}, content=DENIED.read_bytes(), headers=YAML
    )
    assert response.content == done.stdout.encode("utf-8")


def test_a_json_manifest_reads_as_json_with_its_own_lines(client: TestClient) -> None:
    from gba_dataflow.manifests import load_manifest

    data = load_manifest(ALLOWED).data
    text = json.dumps(data, indent=2, default=str)
    response = client.post("/v1/check", content=text, headers={"content-type": "application/json"})
    assert response.status_code == 200
    result = result_of(response)
    assert result["decision"] == "allow"
    fact = next(f for f in result["reasons"][0]["facts"] if f["path"] == "transfer.destination.region")
    assert text.splitlines()[fact["line"] - 1].strip() == '"region": "HK",'


def test_as_of_and_lang_are_the_cli_options(client: TestClient) -> None:
    response = client.post(
        "/v1/check", params={"as_of": "2023-01-01", "lang": "zh-Hans"}, content=example_text()
    )
    document = response.json()
    assert document["as_of"] == "2023-01-01"
    result = document["results"][0]
    assert result["as_of"] == "2023-01-01"
    assert result["decision"] == "deny"  # the GBA Standard Contract was not open to banks on that day
    assert any("\u4e00" <= char <= "\u9fff" for char in result["reasons"][0]["message"])


def test_an_invalid_manifest_is_a_located_error_never_an_allow(client: TestClient) -> None:
    broken = example_text().replace("destination: {region: HK,", "destination: {region: hongkong,")
    response = client.post("/v1/check", params={"name": "crm.yaml"}, content=broken, headers=YAML)
    assert response.status_code == 422
    assert response.headers["x-gba-decision"] == "error"
    result = result_of(response)
    assert result["decision"] == "error"
    error = result["errors"][0]
    assert error["code"] == "E410"
    assert error["json_path"] == "/transfer/destination/region"
    assert (error["path"], error["line"]) == (
        "crm.yaml",
        broken.splitlines().index("  destination: {region: hongkong, city: Hong Kong}") + 1,
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "E408"),
        (b"\xff\xfe", "E403"),
        (b"a: 1\na: 2\n", "E405"),
        (b"- just\n- a list\n", "E408"),
        (b"{not json", "E404"),
    ],
)
def test_unreadable_bodies_are_422_with_the_loader_codes(client: TestClient, body: bytes, code: str) -> None:
    response = client.post("/v1/check", content=body)
    assert response.status_code == 422
    assert code in [error["code"] for error in result_of(response)["errors"]]


def test_a_manifest_over_the_size_limit_is_413_with_e402(client: TestClient) -> None:
    response = client.post("/v1/check", content=b"#" * (1024 * 1024 + 10), headers=YAML)
    assert response.status_code == 413
    assert result_of(response)["errors"][0]["code"] == "E402"


@pytest.mark.parametrize(
    ("query", "code", "status"),
    [
        ({"as_of": "2026-13-01"}, "E501", 400),
        ({"as_of": "tomorrow"}, "E501", 400),
        ({"lang": "fr"}, "E501", 400),
        ({"record": "yes"}, "E501", 400),
        ({"verbose": "1"}, "E520", 400),
        ({"name": "a\nb"}, "E520", 400),
        ({"record": "true"}, "E525", 400),
    ],
)
def test_bad_query_parameters_are_refused_with_cli_codes(
    client: TestClient, query: dict[str, str], code: str, status: int
) -> None:
    response = client.post("/v1/check", params=query, content=example_text())
    assert response.status_code == status
    errors = response.json()["errors"]
    assert errors[0]["code"] == code
    assert errors[0]["hint"]
    assert code in CODES


def test_a_body_that_is_not_a_manifest_type_is_415(client: TestClient) -> None:
    response = client.post("/v1/check", content=b"<xml/>", headers={"content-type": "application/xml"})
    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "E520"


def test_unknown_endpoints_and_methods_are_json_e524(client: TestClient) -> None:
    assert client.get("/v2/check").json()["errors"][0]["code"] == "E524"
    response = client.get("/v1/check")
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "E524"


# ---- POST /v1/check/batch ---------------------------------------------------------------------


def test_a_batch_decides_each_manifest_in_order_and_one_failure_hides_nothing(client: TestClient) -> None:
    from gba_dataflow.manifests import load_manifest

    as_json = json.loads(json.dumps(load_manifest(ALLOWED).data, default=str))
    batch = {
        "manifests": [
            {"name": "allowed.yaml", "content": example_text(ALLOWED)},
            {"name": "broken.yaml", "content": "apiVersion: gba-dataflow/v1\n"},
            {"name": "denied.yaml", "content": example_text(DENIED)},
            {"name": "object.json", "manifest": as_json},
        ]
    }
    response = client.post("/v1/check/batch", json=batch)
    assert response.status_code == 422  # as the CLI's exit code: an error dominates
    document = response.json()
    assert [(r["manifest"], r["decision"]) for r in document["results"]] == [
        ("allowed.yaml", "allow"),
        ("broken.yaml", "error"),
        ("denied.yaml", "deny"),
        ("object.json", "allow"),
    ]
    assert document["summary"] == {"allow": 2, "deny": 1, "error": 1}
    clean = client.post("/v1/check/batch", json={"manifests": [batch["manifests"][0], batch["manifests"][2]]})
    assert clean.status_code == 200


@pytest.mark.parametrize(
    ("body", "json_path"),
    [
        (b"[]", ""),
        (b'{"manifests": [], "extra": 1}', ""),
        (b'{"manifests": [1]}', "/manifests/0"),
        (b'{"manifests": [{"name": "a"}]}', "/manifests/0"),
        (b'{"manifests": [{"content": "x", "manifest": {}}]}', "/manifests/0"),
        (b'{"manifests": [{"content": 3}]}', "/manifests/0/content"),
        (b'{"manifests": [{"name": "", "content": "x"}]}', "/manifests/0/name"),
        (b'{"manifests": [], "manifests": []}', None),
        (b"{broken", None),
    ],
)
def test_a_malformed_batch_is_400_e520_with_the_json_path(
    client: TestClient, body: bytes, json_path: str | None
) -> None:
    response = client.post("/v1/check/batch", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "E520"
    assert error["json_path"] == json_path


def test_batch_limits_are_413_e521(client: TestClient) -> None:
    entry = {"content": "x: 1\n"}
    response = client.post("/v1/check/batch", json={"manifests": [entry] * 6})
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "E521"
    response = client.post("/v1/check/batch", json={"manifests": [{"content": "#" * 70_000}]})
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "E521"


def test_a_batch_must_be_json(client: TestClient) -> None:
    response = client.post("/v1/check/batch", content=b"manifests: []", headers=YAML)
    assert response.status_code == 415


# ---- rules, schema, health, metrics, OpenAPI --------------------------------------------------


def test_rules_lists_every_rule_with_citations_in_the_language_asked(client: TestClient) -> None:
    english = client.get("/v1/rules").json()
    chinese = client.get("/v1/rules", params={"lang": "zh-Hant"}).json()
    assert english["rules"]["digest"].startswith("sha256:")
    assert english["generation"] == 1
    ids = [item["id"] for item in english["items"]]
    assert "mainland_export/m9_gba_contract_hk" in ids
    assert ids == [item["id"] for item in chinese["items"]]
    rule = english["items"][ids.index("mainland_export/m9_gba_contract_hk")]
    assert rule["effect"] == "allow" and rule["citations"]
    assert chinese["items"][ids.index("mainland_export/m9_gba_contract_hk")]["message"] != rule["message"]
    notice = ids.index("mainland_export/notice_duty_met")
    assert english["items"][notice]["mets"][0].startswith("The individuals were told")
    assert english["items"][notice]["message"] == english["items"][notice]["mets"][0]
    assert chinese["items"][notice]["mets"][0].startswith("已向個人告知")
    assert rule["mets"] == []


def test_rules_and_decisions_cite_the_instruments_chinese_names_in_chinese(client: TestClient) -> None:
    for lang, name in (
        ("zh-Hans", "《中华人民共和国数据安全法》"),
        ("zh-Hant", "《中華人民共和國數據安全法》"),
    ):
        items = {item["id"]: item for item in client.get("/v1/rules", params={"lang": lang}).json()["items"]}
        assert items["mainland_export/m1_core_data"]["citations"] == [
            f"{name}第二十一{'条' if lang == 'zh-Hans' else '條'}"
        ]
        response = client.post("/v1/check", params={"lang": lang}, content=example_text(DENIED), headers=YAML)
        citations = [cite for reason in result_of(response)["reasons"] for cite in reason["citations"]]
        assert citations and all("《" in cite for cite in citations)
        assert any(cite.startswith(name) for cite in citations)


def test_the_manifest_schema_is_the_shipped_one(client: TestClient) -> None:
    shipped = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    assert client.get("/v1/schema/manifest").json() == shipped


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert ready.json()["ledger"] == "none"


def test_metrics_count_requests_decisions_by_verdict_and_rule_and_latency() -> None:
    app = create_app(ServiceSettings(rules=(str(RULES),)))
    with TestClient(app) as fresh:
        for _ in range(3):
            fresh.post("/v1/check", content=example_text(ALLOWED))
        fresh.post("/v1/check", content=example_text(DENIED))
        fresh.post("/v1/check", content=b"nope: 1\n")
        response = fresh.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = parse_exposition(response.text)
    assert sample(samples, "gba_dataflow_decisions_total", decision="allow") == 3
    assert sample(samples, "gba_dataflow_decisions_total", decision="deny") == 1
    assert sample(samples, "gba_dataflow_decisions_total", decision="error") == 1
    assert (
        sample(
            samples,
            "gba_dataflow_rule_decisions_total",
            rule="mainland_export/m9_gba_contract_hk",
            decision="allow",
        )
        == 3
    )
    assert (
        sample(samples, "gba_dataflow_http_requests_total", route="/v1/check", method="POST", status="200")
        == 4
    )
    assert (
        sample(samples, "gba_dataflow_http_requests_total", route="/v1/check", method="POST", status="422")
        == 1
    )
    count = sample(samples, "gba_dataflow_http_request_duration_seconds_count", route="/v1/check")
    assert count == 5
    assert (
        sample(samples, "gba_dataflow_http_request_duration_seconds_bucket", route="/v1/check", le="+Inf")
        == 5
    )


def test_the_committed_openapi_document_is_current(client: TestClient) -> None:
    committed = (ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8")
    assert render_openapi() == committed, (
        "schemas/openapi.json is stale: python -m gba_dataflow.service.openapi > schemas/openapi.json"
    )
    assert client.get("/openapi.json").text == committed


def test_the_page_and_its_assets_are_served_with_a_strict_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    for asset in ("/static/app.js", "/static/app.css"):
        assert client.get(asset).status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    assert "http://" not in page.text and "https://" not in page.text
    for asset in ("app.js", "app.css"):
        text = (ROOT / "gba_dataflow" / "service" / "static" / asset).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, asset


# ---- safety -----------------------------------------------------------------------------------


def test_the_access_log_never_holds_manifest_contents(caplog: pytest.LogCaptureFixture) -> None:
    secret = "purpose-4f1d2c-never-logged"
    text = example_text().replace("customer service for account holders", secret)
    app = create_app(ServiceSettings(rules=(str(RULES),)))
    with caplog.at_level(logging.INFO), TestClient(app) as fresh:
        fresh.post("/v1/check", params={"name": "x.yaml"}, content=text)
        fresh.post("/v1/check", content=text.replace("region: HK", "region: 12"))
        fresh.post("/v1/check/batch", json={"manifests": [{"content": text}]})
    access = [
        record.getMessage() for record in caplog.records if record.name == "gba_dataflow.service.access"
    ]
    assert len(access) == 3
    assert '"POST /v1/check" 200' in access[0]
    assert not any(secret in record.getMessage() for record in caplog.records)
    assert not any("x.yaml" in line for line in access)  # nor the query string


def test_a_request_over_the_time_limit_is_503_e523() -> None:
    app = create_app(ServiceSettings(rules=(str(RULES),), timeout=1e-9))
    with TestClient(app) as slow:
        response = slow.post("/v1/check", content=example_text())
        batch = slow.post("/v1/check/batch", json={"manifests": [{"content": example_text()}]})
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "E523"
    assert batch.status_code == 503


def test_recording_needs_the_bearer_token(tmp_path: Path) -> None:
    """With a ledger configured, a recording request without the right token is 401 E522; with it, the
    request passes the token check (here the ledger is not opened, so it stops at 503 E525, never decided)."""
    token = "t0ken-of-the-service-0123456789"
    app = create_app(ServiceSettings(rules=(str(RULES),), ledger="sqlite:///unused.db", token=token))
    plain = TestClient(app)  # no lifespan: the ledger is never opened
    for headers in ({}, {"authorization": "Bearer wrong-token-0123456789"}, {"authorization": token}):
        response = plain.post("/v1/check", params={"record": "true"}, content=example_text(), headers=headers)
        assert response.status_code == 401, headers
        assert response.json()["errors"][0]["code"] == "E522"
    response = plain.post(
        "/v1/check",
        params={"record": "true"},
        content=example_text(),
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "E525"
    untokened = TestClient(create_app(ServiceSettings(rules=(str(RULES),), ledger="sqlite:///unused.db")))
    response = untokened.post(
        "/v1/check",
        params={"record": "true"},
        content=example_text(),
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401
    assert "without a token" in response.json()["errors"][0]["message"]


def test_every_example_gives_the_same_decision_as_the_engine(client: TestClient) -> None:
    from gba_dataflow import evaluate_manifest, load_manifest, load_rulebook

    rulebook = load_rulebook([RULES])
    for path in sorted(EXAMPLES.glob("*.yaml")):
        expected = evaluate_manifest(rulebook, load_manifest(path)).decision.value
        assert result_of(client.post("/v1/check", content=path.read_bytes()))["decision"] == expected, (
            path.name
        )


# ---- anything a client may send -----------------------------------------------------------------

MUTATIONS = st.sampled_from(
    [
        ("region: HK", "region: hk"),
        ("subjects: 48000", "subjects: -1"),
        ("date: 2026-12-01", "date: 2026-02-30"),
        ("notice_given: true", "notice_given: yes"),
        ("kind: TransferManifest", "kind: [TransferManifest]"),
        ("  fields:", "  fields: []\n  fieldz:"),
        ("apiVersion: gba-dataflow/v1", "apiVersion: gba-dataflow/v1\napiVersion: gba-dataflow/v1"),
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(body=st.one_of(st.binary(max_size=400), st.lists(MUTATIONS, min_size=1, max_size=3)))
def test_whatever_is_posted_is_never_a_500_nor_an_allow_with_errors(
    client: TestClient, body: bytes | list[tuple[str, str]]
) -> None:
    if isinstance(body, list):
        text = example_text()
        for old, new in body:
            text = text.replace(old, new)
        body = text.encode("utf-8")
    response = client.post("/v1/check", content=body)
    assert response.status_code in (200, 413, 422), response.text
    result = result_of(response)
    if result["errors"]:
        assert result["decision"] == "error" and response.status_code == 422
    assert response.headers["x-gba-decision"] == result["decision"]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    document=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(["manifests", "name", "content", "manifest", "x"]), inner, max_size=3
            )
        ),
        max_leaves=12,
    )
)
def test_whatever_batch_is_posted_is_decided_or_refused_as_bad_request(
    client: TestClient, document: object
) -> None:
    response = client.post(
        "/v1/check/batch", content=json.dumps(document), headers={"content-type": "application/json"}
    )
    assert response.status_code in (200, 400, 413, 422), response.text
    body = response.json()
    if response.status_code == 400:
        assert body["errors"][0]["code"] == "E520"
    elif response.status_code == 413:
        assert body["errors"][0]["code"] == "E521"
    else:
        assert all(r["decision"] == "error" for r in body["results"] if r["errors"])
