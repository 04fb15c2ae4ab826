"""Run every probe at once, each with its own deadline, and never let one spoil the run.

Probes run in daemon threads: a probe that hangs past its deadline is reported UNKNOWN and left
behind (its commands are killed by their own timeouts), and the process can still exit. A probe
that raises becomes UNKNOWN with the reason. Only a broken evidence bundle stops a run, since a
replay that guessed would show the helpdesk something the user never saw.
"""

from __future__ import annotations

import importlib
import queue
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from precheck.catalogue import Catalogue, CheckSpec
from precheck.host import EvidenceError, Host, HostError
from precheck.model import CheckResult, Facts, Status, Text, Verdict, overall
from precheck.probes import PROBES, Context, ProbeModule
from precheck.profile import office_contact


@dataclass(frozen=True)
class RunResult:
    results: list[CheckResult]
    system: str
    left_out: tuple[str, ...] = ()
    """Required checks that `--only` left out: such a run is partial and never "ready"."""

    @property
    def partial(self) -> bool:
        return bool(self.left_out)

    @property
    def overall(self) -> str:
        """ "partial" where a full run would say "ready": a required check did not run."""
        verdict = overall(self.results).value
        return "partial" if self.partial and verdict == "ready" else verdict


def _result(
    spec: CheckSpec,
    system: str,
    verdict: Verdict,
    facts: Facts,
    started: float,
    contact: Text | None = None,
) -> CheckResult:
    status = verdict.status
    # every text may name the office to call: {contact} (the office and its phone, profile)
    params = {"contact": contact, **verdict.params} if contact else verdict.params
    return CheckResult(
        id=spec.id,
        articles=spec.articles,
        title=spec.title,
        status=status,
        code=verdict.code,
        summary=spec.message(verdict.code, params),
        facts=facts,
        remediation=None
        if status is Status.PASS
        else spec.remediation_for(verdict.code, system, params),
        duration_ms=round((time.monotonic() - started) * 1000),
        required=spec.required,
    )


def _probe(spec: CheckSpec, host: Host, ctx: Context) -> tuple[Verdict, Facts]:
    module = cast(ProbeModule, importlib.import_module(PROBES[spec.id]))
    try:
        facts = module.collect(host, ctx)
    except HostError as exc:
        return Verdict(Status.UNKNOWN, f"unknown-{exc.reason}", {"detail": exc.detail}), {
            "error": exc.reason,
            "detail": exc.detail,
        }
    return module.decide(facts, ctx), facts


def run_checks(
    host: Host,
    catalogue: Catalogue,
    *,
    profile: Mapping[str, Any] | None = None,
    only: Iterable[str] = (),
    on_result: Callable[[CheckResult], None] | None = None,
    timeout_scale: float = 1.0,
    options: Mapping[str, Any] | None = None,
) -> RunResult:
    wanted = set(only)
    specs = [s for s in catalogue.ordered() if not wanted or s.id in wanted]
    system = host.platform().system
    contact = office_contact(profile)
    done: queue.Queue[tuple[str, CheckResult | BaseException]] = queue.Queue()
    results: dict[str, CheckResult] = {}
    deadlines: dict[str, float] = {}
    started: dict[str, float] = {}

    def finish(result: CheckResult) -> None:
        results[result.id] = result
        if on_result:
            on_result(result)

    for spec in specs:
        now = time.monotonic()
        if spec.id not in PROBES:
            finish(
                _result(
                    spec,
                    system,
                    Verdict(Status.SKIPPED, "skipped-not-implemented"),
                    {},
                    now,
                    contact,
                )
            )
            continue
        ctx = Context(
            thresholds=spec.thresholds,
            tables=catalogue.table,
            profile=dict(profile or {}),
            options=dict(options or {}),
        )

        def work(spec: CheckSpec = spec, ctx: Context = ctx, t0: float = now) -> None:
            try:
                verdict, facts = _probe(spec, host, ctx)
                done.put((spec.id, _result(spec, system, verdict, facts, t0, contact)))
            except EvidenceError as exc:
                done.put((spec.id, exc))
            except Exception as exc:  # a probe bug must not end the run: report it as UNKNOWN
                detail = f"{type(exc).__name__}: {exc}"
                verdict = Verdict(Status.UNKNOWN, "unknown-error", {"detail": detail})
                result = _result(spec, system, verdict, {"error": detail}, t0, contact)
                done.put((spec.id, result))

        started[spec.id] = now
        deadlines[spec.id] = now + spec.timeout * timeout_scale
        threading.Thread(target=work, name=f"probe-{spec.id}", daemon=True).start()

    evidence_error: EvidenceError | None = None
    while deadlines:
        wait = max(0.0, min(deadlines.values()) - time.monotonic())
        try:
            check_id, outcome = done.get(timeout=wait)
        except queue.Empty:
            now = time.monotonic()
            for check_id in [k for k, t in deadlines.items() if t <= now]:
                del deadlines[check_id]
                spec = catalogue.checks[check_id]
                seconds = spec.timeout * timeout_scale
                verdict = Verdict(Status.UNKNOWN, "unknown-timeout", {"seconds": f"{seconds:g}"})
                timed_out = _result(
                    spec, system, verdict, {"error": "timeout"}, started[check_id], contact
                )
                finish(timed_out)
            continue
        if check_id not in deadlines:
            continue  # arrived after its deadline was reported
        del deadlines[check_id]
        if isinstance(outcome, EvidenceError):
            evidence_error = evidence_error or outcome
        elif isinstance(outcome, CheckResult):
            finish(outcome)
    if evidence_error is not None:
        raise evidence_error
    order = {s.id: i for i, s in enumerate(specs)}
    ran = {spec.id for spec in specs}
    left_out = tuple(c.id for c in catalogue.ordered() if c.required and c.id not in ran)
    return RunResult(
        results=sorted(results.values(), key=lambda r: order[r.id]),
        system=system,
        left_out=left_out,
    )
