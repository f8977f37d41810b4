"""Property tests of the API against its own OpenAPI document (schemathesis, bounded examples): no
request the document allows makes a 500, every response matches its documented schema, status and type."""

from __future__ import annotations

import json

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from service_helpers import RULES

from gba_dataflow.service.app import create_app
from gba_dataflow.service.settings import ServiceSettings

APP = create_app(ServiceSettings(rules=(str(RULES),), max_batch=20, max_body=256 * 1024))
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
CROSS_FIELD = {"E411"}
"""What a manifest valid by the schema may still be refused for: fields that contradict each other."""


@SCHEMA.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_its_openapi_contract(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500 or response.status_code == 503, response.text
    # "Schema-valid data is accepted" does not hold for a manifest as text (any string is schema-valid,
    # few are manifests), nor for one whose fields contradict each other: checked more precisely below.
    excluded = [positive_data_acceptance]
    if response.status_code == 413:  # too large (a body, a manifest, a batch): a rejection, if not one of
        # the codes schemathesis lists for schema-violating data; it must say which limit (E402 or E521)
        codes = {error["code"] for error in json.loads(response.text).get("errors", [])}
        codes |= {e["code"] for r in json.loads(response.text).get("results", []) for e in r["errors"]}
        assert codes & {"E402", "E521"}, response.text
        excluded.append(negative_data_rejection)
    case.validate_response(response, excluded_checks=excluded)
    media = (case.media_type or "").split(";")[0]
    positive = case.meta is None or not case.meta.generation.mode.is_negative
    if (
        positive
        and case.operation.path == "/v1/check"
        and media == "application/json"
        and response.status_code == 422
    ):
        errors = json.loads(response.text)["results"][0]["errors"]
        assert {error["code"] for error in errors} <= CROSS_FIELD, errors
    if response.status_code in (200, 422) and case.operation.path.startswith("/v1/check"):
        document = json.loads(response.text)
        assert "allow" not in {r["decision"] for r in document["results"] if r["errors"]}
