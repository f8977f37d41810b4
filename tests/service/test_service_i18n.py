"""The service's errors for a person: with `localized=true`, each error and warning also carries its texts in
the request's `lang`; `message` and `hint` stay English (programs read them), and without the parameter
nothing changes. The service's own texts are said in zh-Hans and zh-Hant without an English word."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from language_checks import english_words
from service_helpers import ALLOWED, DENIED, RULES, example_text
from starlette.testclient import TestClient

from gba_dataflow.core.errors import UsageError
from gba_dataflow.core.i18n import Phrase, localize
from gba_dataflow.service.app import create_app
from gba_dataflow.service.decisions import localized_language
from gba_dataflow.service.settings import ServiceSettings, read_token

LANGS = ("zh-Hans", "zh-Hant")
YAML = {"content-type": "application/yaml"}
BATCH = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(ServiceSettings(rules=(str(RULES),), max_batch=2, max_body=4 * 1024))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


# (method, path, query, body, headers, the code refused with)
REFUSALS: dict[str, tuple[str, str, dict[str, str], bytes, dict[str, str], str]] = {
    "unknown parameter": ("POST", "/v1/check", {"verbose": "1"}, b"", YAML, "E520"),
    "bad as_of": ("POST", "/v1/check", {"as_of": "soon"}, b"", YAML, "E501"),
    "bad record": ("POST", "/v1/check", {"record": "yes"}, b"", YAML, "E501"),
    "bad name": ("POST", "/v1/check", {"name": "x" * 201}, b"", YAML, "E520"),
    "media type": ("POST", "/v1/check", {}, b"", {"content-type": "image/png"}, "E520"),
    "record without ledger": ("POST", "/v1/check", {"record": "true"}, b"", YAML, "E525"),
    "batch media type": ("POST", "/v1/check/batch", {}, b"{}", YAML, "E520"),
    "batch too large": ("POST", "/v1/check/batch", {}, b" " * 5000, BATCH, "E521"),
    "batch not UTF-8": ("POST", "/v1/check/batch", {}, b"\xff", BATCH, "E520"),
    "batch not JSON": ("POST", "/v1/check/batch", {}, b"{", BATCH, "E520"),
    "batch repeats a key": (
        "POST",
        "/v1/check/batch",
        {},
        b'{"manifests": [], "manifests": []}',
        BATCH,
        "E520",
    ),
    "batch not an object": ("POST", "/v1/check/batch", {}, b"[]", BATCH, "E520"),
    "batch extra key": ("POST", "/v1/check/batch", {}, b'{"manifests": [], "more": 1}', BATCH, "E520"),
    "batch too many": ("POST", "/v1/check/batch", {}, b'{"manifests": [{}, {}, {}]}', BATCH, "E521"),
    "entry not an object": ("POST", "/v1/check/batch", {}, b'{"manifests": [1]}', BATCH, "E520"),
    "entry unknown key": ("POST", "/v1/check/batch", {}, b'{"manifests": [{"file": 1}]}', BATCH, "E520"),
    "entry both": (
        "POST",
        "/v1/check/batch",
        {},
        b'{"manifests": [{"content": "", "manifest": {}}]}',
        BATCH,
        "E520",
    ),
    "entry content": ("POST", "/v1/check/batch", {}, b'{"manifests": [{"content": 1}]}', BATCH, "E520"),
    "no endpoint": ("GET", "/v2/check", {}, b"", {}, "E524"),
}


def _ask(client: TestClient, name: str, extra: dict[str, str]) -> Any:
    method, path, query, body, headers, _ = REFUSALS[name]
    return client.request(method, path, params={**query, **extra}, content=body, headers=headers)


@pytest.mark.parametrize("name", list(REFUSALS))
@pytest.mark.parametrize("lang", LANGS)
def test_a_refusal_asking_localized_texts_has_them_in_that_language(
    client: TestClient, name: str, lang: str
) -> None:
    plain = _ask(client, name, {})
    asked = _ask(client, name, {"lang": lang, "localized": "true"})
    assert asked.status_code == plain.status_code >= 400
    [error] = asked.json()["errors"]
    [english] = plain.json()["errors"]
    assert "localized" not in english and error["code"] == english["code"] == REFUSALS[name][5]
    localized = error.pop("localized")
    assert error == english  # the machine contract: the same English message and hint
    for key in ("message", "hint"):
        assert localized[key] != english[key]
        assert english_words(localized[key]) == [], (key, localized[key])
    assert localized["notes"] == english["notes"] == []


def test_a_bad_localized_value_is_refused_in_english(client: TestClient) -> None:
    response = client.post("/v1/check/batch", params={"localized": "yes"}, content=b"{}", headers=BATCH)
    [error] = response.json()["errors"]
    assert (response.status_code, error["code"]) == (400, "E501")
    assert error["message"] == "localized `yes` is not true or false" and error["hint"] == "localized=true"
    assert "localized" not in error


def test_a_refusal_for_a_language_that_does_not_exist_gives_the_english_texts(client: TestClient) -> None:
    response = client.post("/v1/check", params={"lang": "fr", "localized": "true"}, content=b"", headers=YAML)
    [error] = response.json()["errors"]
    assert error["code"] == "E501"
    assert error["localized"] == {"message": error["message"], "hint": error["hint"], "notes": []}
    assert localized_language([("lang", "fr"), ("localized", "true")]) == "en"
    assert localized_language([("lang", "zh-Hant")]) is None


def test_without_localized_a_check_is_the_report_byte_for_byte(client: TestClient) -> None:
    for lang in ("en", *LANGS):
        plain = client.post("/v1/check", params={"lang": lang}, content=example_text(ALLOWED), headers=YAML)
        asked = client.post(
            "/v1/check",
            params={"lang": lang, "localized": "false"},
            content=example_text(ALLOWED),
            headers=YAML,
        )
        assert asked.content == plain.content
        assert "localized" not in plain.text


def _without_localized(document: dict[str, Any]) -> dict[str, Any]:
    for result in document["results"]:
        for item in [*result["errors"], *result["warnings"]]:
            item.pop("localized")
    return document


@pytest.mark.parametrize("lang", ("en", *LANGS))
def test_every_error_and_warning_of_a_result_carries_localized_texts(client: TestClient, lang: str) -> None:
    broken = example_text(ALLOWED).replace("destination: {region: HK,", "destination: {region: Hong-Kong,")
    batch = {
        "manifests": [
            {"name": "broken.yaml", "content": broken},
            {"name": "denied.yaml", "content": example_text(DENIED)},
        ]
    }
    plain = client.post("/v1/check/batch", params={"lang": lang}, json=batch)
    asked = client.post("/v1/check/batch", params={"lang": lang, "localized": "true"}, json=batch)
    assert asked.status_code == plain.status_code == 422
    document = asked.json()
    errors = document["results"][0]["errors"]
    assert errors and all(set(error["localized"]) == {"message", "hint", "notes"} for error in errors)
    for result in document["results"]:
        for warning in result["warnings"]:
            assert set(warning["localized"]) == {"message"}
            if warning["rule"] is not None:  # a rule's warning is in the language asked already
                assert warning["localized"]["message"] == warning["message"]
    if lang == "en":
        assert all(error["localized"]["message"] == error["message"] for error in errors)
    assert _without_localized(document) == plain.json()


def test_the_ledger_warnings_of_a_check_are_said_in_chinese(tmp_path: Path) -> None:
    unregistered = example_text(ALLOWED)  # its exporter has no registration number: W415
    settings = ServiceSettings(rules=(str(RULES),), ledger=f"sqlite:{tmp_path / 'ledger.db'}")
    with TestClient(create_app(settings)) as ledgered:
        for lang in LANGS:
            response = ledgered.post(
                "/v1/check", params={"lang": lang, "localized": "true"}, content=unregistered, headers=YAML
            )
            [warning] = [w for w in response.json()["results"][0]["warnings"] if w["code"] == "W415"]
            assert warning["message"].startswith("the ledger counts this exporter by its legal name")
            said = warning["localized"]["message"]
            assert said != warning["message"] and english_words(said) == [], said


@pytest.mark.parametrize(
    ("given", "english"),
    [
        ("env", "the token in $GBA_DATAFLOW_TOKEN is shorter than 16 characters"),
        ("file", "the token in --token-file `token.txt` is shorter than 16 characters"),
        ("missing", "--token-file `absent.txt` cannot be read: No such file or directory"),
    ],
)
def test_token_errors_are_said_in_chinese(
    given: str, english: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GBA_DATAFLOW_TOKEN", "short")
    Path("token.txt").write_text("short\n", encoding="utf-8")
    token_file = {"env": None, "file": Path("token.txt"), "missing": Path("absent.txt")}[given]
    with pytest.raises(UsageError) as raised:
        read_token(token_file)
    error = raised.value.first
    assert error.message == english and isinstance(error.message, Phrase)
    for lang in LANGS:
        for text in (error.message, error.hint):
            said = localize(text, lang)
            assert said != text and english_words(said) == [], said


def test_the_openapi_document_describes_localized(client: TestClient) -> None:
    document = json.loads(client.get("/openapi.json").text)
    check = document["paths"]["/v1/check"]["post"]
    assert "localized" in {parameter["name"] for parameter in check["parameters"]}
    schemas = document["components"]["schemas"]
    assert "localized" in schemas["LocalizedDecision_error"]["required"]
    assert "localized" not in schemas["Decision_error"]["properties"]
    assert schemas["Diagnostic"]["properties"]["localized"]["required"] == ["message", "hint", "notes"]
