"""Transfer manifests: strict loading, schema validation, defaults and cross-field checks (E4xx/W4xx).

This layer imports only `gba_dataflow.core`, the standard library, `yaml` and `jsonschema`.
"""

from gba_dataflow.manifests.document import ParsedDocument, SourceText
from gba_dataflow.manifests.files import STDIN, FileList, Selection, iter_manifest_files
from gba_dataflow.manifests.json_parser import parse_json
from gba_dataflow.manifests.loader import (
    DEFAULT_MAX_BYTES,
    LoadedManifest,
    load_manifest,
    load_manifest_bytes,
)
from gba_dataflow.manifests.schema import schema
from gba_dataflow.manifests.yaml_parser import DEFAULT_ALIAS_BUDGET, parse_yaml

__all__ = [
    "DEFAULT_ALIAS_BUDGET",
    "DEFAULT_MAX_BYTES",
    "STDIN",
    "FileList",
    "LoadedManifest",
    "ParsedDocument",
    "Selection",
    "SourceText",
    "iter_manifest_files",
    "load_manifest",
    "load_manifest_bytes",
    "parse_json",
    "parse_yaml",
    "schema",
]
