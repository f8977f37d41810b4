"""gba-dataflow: decide whether a dataset may cross a boundary inside the Greater Bay Area.

Public API (imports are lazy so that `import gba_dataflow` stays cheap)::

    from gba_dataflow import load_rulebook, load_manifest, evaluate_manifest, decide

`decide` gives the verdict and the rules that determined it; `evaluate_manifest` also explains them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gba_dataflow._version import __version__

__all__ = [
    "CheckError",
    "DslSyntaxError",
    "EvalError",
    "GbaError",
    "ManifestError",
    "UsageError",
    "__version__",
    "decide",
    "evaluate_manifest",
    "load_manifest",
    "load_rulebook",
]

if TYPE_CHECKING:  # pragma: no cover
    from gba_dataflow.core.errors import (
        CheckError,
        DslSyntaxError,
        EvalError,
        GbaError,
        ManifestError,
        UsageError,
    )
    from gba_dataflow.engine.evaluate import decide, evaluate_manifest
    from gba_dataflow.engine.rulebook import load_rulebook
    from gba_dataflow.manifests import load_manifest

_LAZY = {
    "decide": "gba_dataflow.engine.evaluate",
    "evaluate_manifest": "gba_dataflow.engine.evaluate",
    "load_rulebook": "gba_dataflow.engine.rulebook",
    "load_manifest": "gba_dataflow.manifests",
    # The exceptions a program may catch (all are GbaError, with `.diagnostics`).
    "GbaError": "gba_dataflow.core.errors",
    "CheckError": "gba_dataflow.core.errors",
    "DslSyntaxError": "gba_dataflow.core.errors",
    "EvalError": "gba_dataflow.core.errors",
    "ManifestError": "gba_dataflow.core.errors",
    "UsageError": "gba_dataflow.core.errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gba_dataflow' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
