"""Run one probe (collect, then decide) against a bundle with the shipped catalogue and profile."""

from __future__ import annotations

import importlib
from typing import Any

from precheck.catalogue import load_catalogue
from precheck.model import Facts, Verdict
from precheck.probes import PROBES, Context
from precheck.profile import load_profile
from tests.bundles import replay


def context(check_id: str, profile: dict[str, Any] | None = None) -> Context:
    catalogue = load_catalogue()
    spec = catalogue.checks[check_id]
    return Context(
        thresholds=spec.thresholds,
        tables=catalogue.table,
        profile=profile if profile is not None else load_profile(None),
    )


def run_probe(check_id: str, bundle: dict[str, Any]) -> tuple[Verdict, Facts]:
    module: Any = importlib.import_module(PROBES[check_id])
    ctx = context(check_id)
    facts = module.collect(replay(bundle), ctx)
    return module.decide(facts, ctx), facts


def sentence(check_id: str, verdict: Verdict, lang: str = "en") -> str:
    spec = load_catalogue().checks[check_id]
    return spec.message(verdict.code, verdict.params).get(lang)
