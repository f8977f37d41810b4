"""The OpenAPI 3.1 document of the service, built from the manifest and decision JSON Schemas.

The document is committed as `schemas/openapi.json` (a test fails when it is stale); regenerate it with
`python -m gba_dataflow.service.openapi > schemas/openapi.json`.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from gba_dataflow import __version__
from gba_dataflow.core.resources import schema_path
from gba_dataflow.service.rules_state import LANGUAGES

_DEFS_PREFIX = "#/$defs/"


def _load(name: str) -> dict[str, Any]:
    with schema_path(name).open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def _without_ids(schema: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in schema.items() if key not in ("$schema", "$id", "$defs", "$comment")}


def _rewrite_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                "#/components/schemas/" + prefix + value[len(_DEFS_PREFIX) :]
                if key == "$ref" and isinstance(value, str) and value.startswith(_DEFS_PREFIX)
                else _rewrite_refs(value, prefix)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item, prefix) for item in node]
    return node


def _retarget(node: Any, names: frozenset[str], prefix: str) -> Any:
    """`node` with its references to `Decision_<name>`, for each `name` of `names`, made `<prefix><name>`."""
    moved = {
        f"#/components/schemas/Decision_{name}": f"#/components/schemas/{prefix}{name}" for name in names
    }
    if isinstance(node, dict):
        return {
            key: moved.get(value, value) if key == "$ref" else _retarget(value, names, prefix)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_retarget(item, names, prefix) for item in node]
    return node


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_LOCALIZED_TEXTS = {
    "type": "object",
    "description": "With `localized=true`: the message, hint and notes in the request's `lang`, for a person "
    "to read (`message` and `hint` stay English, for programs).",
    "required": ["message", "hint", "notes"],
    "additionalProperties": False,
    "properties": {
        "message": {"type": "string", "description": "What is wrong, in the request's language."},
        "hint": {"type": ["string", "null"], "description": "How to fix it, in the request's language."},
        "notes": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Further context, in the request's language.",
        },
    },
}
_LOCALIZED_MESSAGE = {
    "type": "object",
    "description": "With `localized=true`: the warning's message in the request's `lang`.",
    "required": ["message"],
    "additionalProperties": False,
    "properties": {
        "message": {"type": "string", "description": "What is worth attention, in the request's language."}
    },
}
_DIAGNOSTIC = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "pattern": "^[EW][0-9]{3}$"},
        "severity": {"type": "string"},
        "message": {"type": "string"},
        "path": {"type": ["string", "null"]},
        "line": {"type": ["integer", "null"]},
        "column": {"type": ["integer", "null"]},
        "json_path": {"type": ["string", "null"]},
        "hint": {"type": ["string", "null"]},
        "notes": {"type": "array", "items": {"type": "string"}},
        "localized": _LOCALIZED_TEXTS,
    },
}
_LOCALIZED_DEFS = frozenset({"result", "error", "warning"})
"""The report's objects that differ with `localized=true`: errors, warnings and the results holding them."""


def _localized_report(decision_file: dict[str, Any]) -> dict[str, Any]:
    """The schemas of the report with `localized=true`: `LocalizedDecisionReport` and its changed objects,
    each error and warning with a required `localized`; every other object is the report's own."""
    defs = copy.deepcopy(decision_file["$defs"])
    for name, texts in (("error", _LOCALIZED_TEXTS), ("warning", _LOCALIZED_MESSAGE)):
        defs[name]["properties"]["localized"] = texts
        defs[name]["required"] = [*defs[name]["required"], "localized"]
    report = {
        **_without_ids(decision_file),
        "description": "The report of `check --format json` (design §7), each error and warning with its "
        "texts in the request's language (`localized=true`).",
    }
    schemas = {"LocalizedDecisionReport": report} | {"LocalizedDecision_" + name: defs[name] for name in defs}
    return {
        key: _retarget(_rewrite_refs(value, "Decision_"), _LOCALIZED_DEFS, "LocalizedDecision_")
        for key, value in schemas.items()
        if key == "LocalizedDecisionReport" or key.removeprefix("LocalizedDecision_") in _LOCALIZED_DEFS
    }


_ERRORS = {
    "type": "object",
    "description": "A refused request: the same codes, messages and locations as the CLI's errors.",
    "required": ["errors"],
    "additionalProperties": False,
    "properties": {"errors": {"type": "array", "minItems": 1, "items": _ref("Diagnostic")}},
}
_BATCH = {
    "type": "object",
    "description": "Many manifests, decided in order, one result each.",
    "required": ["manifests"],
    "additionalProperties": False,
    "properties": {
        "manifests": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[ -~]+$"},
                    "content": {"type": "string", "description": "The manifest as YAML or JSON text."},
                    "manifest": _ref("Manifest"),
                },
                "oneOf": [{"required": ["content"]}, {"required": ["manifest"]}],
            },
        }
    },
}
_RULE_DOC = {
    "type": "object",
    "required": ["id", "effect", "ruleset", "message", "citations"],
    "properties": {
        "id": {"type": "string"},
        "effect": {"enum": ["allow", "deny", "warn"]},
        "ruleset": {"type": "string"},
        "ruleset_title": {"type": ["string", "null"]},
        "message": {"type": "string"},
        "citations": {"type": "array", "items": {"type": "string"}},
        "remedy": {"type": ["string", "null"]},
        "requires": {"type": "array", "items": {"type": "string"}},
        "effective_from": {"type": ["string", "null"], "format": "date"},
        "effective_until": {"type": ["string", "null"], "format": "date"},
        "source": {"type": ["string", "null"]},
        "mets": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Obligations the rule finds already met when it holds (its `met` texts).",
        },
    },
}
_RULES = {
    "type": "object",
    "required": ["version", "rules", "generation", "loaded_at", "last_reload", "items"],
    "properties": {
        "version": {"const": 1},
        "rules": {
            "type": "object",
            "required": ["paths", "digest"],
            "properties": {
                "paths": {"type": "array", "items": {"type": "string"}},
                "digest": {"type": "string"},
            },
        },
        "generation": {"type": "integer", "minimum": 1},
        "loaded_at": {"type": "string"},
        "last_reload": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["ok", "at", "digest", "errors"],
                    "properties": {
                        "ok": {"type": "boolean"},
                        "at": {"type": "string"},
                        "digest": {"type": "string"},
                        "errors": {"type": "array", "items": _ref("Diagnostic")},
                    },
                },
            ]
        },
        "items": {"type": "array", "items": _ref("RuleDoc")},
    },
}
_STATUS = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"enum": ["ok", "ready", "not ready"]}},
}

_AS_OF = {
    "name": "as_of",
    "in": "query",
    "required": False,
    "description": "Decide as of this day (YYYY-MM-DD); default: each manifest's transfer.date, else today.",
    "schema": {"type": "string", "format": "date"},
}
_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Language of the rule texts in the result.",
    "schema": {"type": "string", "enum": list(LANGUAGES), "default": "en"},
}
_RECORD = {
    "name": "record",
    "in": "query",
    "required": False,
    "description": "Record the transfer in the ledger when it is allowed (needs a ledger and the token).",
    "schema": {"type": "string", "enum": ["true", "false"], "default": "false"},
}
_LOCALIZED = {
    "name": "localized",
    "in": "query",
    "required": False,
    "description": "Each error and warning also carries `localized`: its texts in `lang`, for a person to "
    "read (the web page asks it). `message` and `hint` stay English.",
    "schema": {"type": "string", "enum": ["true", "false"], "default": "false"},
}
_NAME = {
    "name": "name",
    "in": "query",
    "required": False,
    "description": "How the manifest is named in the result and its errors (`.json`: read as JSON).",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 200,
        "pattern": "^[ -~]+$",
        "default": "<request>",
    },
}

_REFUSED = {
    "400": _json(_ref("Errors"), "A bad query parameter or body (E501, E520, E525)."),
    "413": _json(_ref("Errors"), "The body is larger than the limit (E521)."),
    "415": _json(_ref("Errors"), "The body's media type is not a manifest (E520)."),
    "503": _json(_ref("Errors"), "The request took longer than the time limit (E523)."),
}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document served at `/openapi.json`."""
    manifest = _without_ids(_load("manifest"))
    decision_file = _load("decision")
    schemas: dict[str, Any] = {
        "Manifest": manifest,
        "DecisionReport": _rewrite_refs(_without_ids(decision_file), "Decision_"),
        "Diagnostic": _DIAGNOSTIC,
        "Errors": _ERRORS,
        "Batch": _BATCH,
        "RuleDoc": _RULE_DOC,
        "Rules": _RULES,
        "Status": _STATUS,
    }
    for name, definition in decision_file.get("$defs", {}).items():
        schemas["Decision_" + name] = _rewrite_refs(definition, "Decision_")
    schemas.update(_localized_report(decision_file))
    either = {"anyOf": [_ref("DecisionReport"), _ref("LocalizedDecisionReport")]}
    report = {"description": "", "content": {"application/json": {"schema": either}}}
    decided = {**report, "description": "Every manifest was decided (allow or deny): the §7 JSON report."}
    invalid = {
        **report,
        "description": "A manifest could not be read or validated: the report with its errors.",
    }
    too_large = {
        "description": "The manifest is larger than the limit (E402): the report with that error.",
        "content": {"application/json": {"schema": either}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "gba-dataflow decision service",
            "version": __version__,
            "description": "Decide whether a dataset may cross a boundary inside the Greater Bay Area: the "
            "engine of `gba-dataflow check` over HTTP (design §10). Results are the JSON report of "
            "`check --format json`; refused requests carry the CLI's error codes.",
        },
        "paths": {
            "/v1/check": {
                "post": {
                    "operationId": "check",
                    "summary": "Decide one manifest (YAML or JSON).",
                    "parameters": [_AS_OF, _LANG, _RECORD, _NAME, _LOCALIZED],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/yaml": {"schema": {"type": "string"}},
                            "application/json": {"schema": _ref("Manifest")},
                            "text/plain": {"schema": {"type": "string"}},
                        },
                    },
                    "security": [{}, {"bearer": []}],
                    "responses": {
                        "200": decided,
                        "401": _json(_ref("Errors"), "Recording without a valid bearer token (E522)."),
                        "413": too_large,
                        "422": invalid,
                        **{code: body for code, body in _REFUSED.items() if code != "413"},
                    },
                }
            },
            "/v1/check/batch": {
                "post": {
                    "operationId": "checkBatch",
                    "summary": "Decide many manifests, one result each, in order.",
                    "parameters": [_AS_OF, _LANG, _LOCALIZED],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("Batch")}},
                    },
                    "responses": {"200": decided, "422": invalid, **_REFUSED},
                }
            },
            "/v1/rules": {
                "get": {
                    "operationId": "rules",
                    "summary": "The rules in use: digest, last reload, every rule with its citations.",
                    "parameters": [_LANG],
                    "responses": {"200": _json(_ref("Rules"), "The rules."), "400": _REFUSED["400"]},
                }
            },
            "/v1/schema/manifest": {
                "get": {
                    "operationId": "manifestSchema",
                    "summary": "The manifest JSON Schema (2020-12).",
                    "responses": {
                        "200": {
                            "description": "The schema.",
                            "content": {"application/schema+json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "The process is serving.",
                    "responses": {"200": _json(_ref("Status"), "Alive.")},
                }
            },
            "/readyz": {
                "get": {
                    "operationId": "ready",
                    "summary": "Rules loaded and, with a ledger, the ledger reachable.",
                    "responses": {
                        "200": _json(_ref("Status"), "Ready."),
                        "503": _json(_ref("Status"), "Not ready; `problems` says why."),
                    },
                }
            },
            "/metrics": {
                "get": {
                    "operationId": "metrics",
                    "summary": "Prometheus metrics of this worker process.",
                    "responses": {
                        "200": {
                            "description": "The text exposition format.",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Required for `record=true`: the token the service was started with.",
                }
            },
        },
    }


def render_openapi() -> str:
    """The document as committed: indented, keys in the order built, a final newline."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover - regenerates the committed copy
    import sys

    sys.stdout.write(render_openapi())
