"""The machine-readable form of a run: what `--json` prints and what reports are built from."""

from __future__ import annotations

from typing import Any

from precheck import __version__
from precheck.catalogue import Catalogue
from precheck.runner import RunResult


def run_document(run: RunResult, catalogue: Catalogue) -> dict[str, Any]:
    return {
        "tool_version": __version__,
        "catalogue": {
            "version": catalogue.version,
            "as_of": catalogue.as_of,
            "digest": catalogue.digest,
        },
        "system": run.system,
        "overall": run.overall,
        "left_out": list(run.left_out),
        "results": [r.as_dict() for r in run.results],
    }
