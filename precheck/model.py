"""The result vocabulary shared by probes, the runner, reports and the office service."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"
    SKIPPED = "SKIPPED"


class Overall(StrEnum):
    READY = "ready"
    NEEDS_ATTENTION = "needs-attention"
    NOT_READY = "not-ready"


Facts = dict[str, Any]
"""JSON-serialisable facts a probe gathered; they go into the report as they are."""


@dataclass(frozen=True)
class Verdict:
    """What a decide function concludes: a status and a message code from the check's catalogue.

    Deciders return codes, not prose, so every sentence a user reads lives in `checks/`.
    `params` fill the {names} in the catalogue message and its remediation.
    """

    status: Status
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Phrase:
    """A sentence part named by code, for a verdict whose message lists several findings.

    A list of phrases in `Verdict.params` is rendered from the check's catalogue messages and
    joined, so even composite messages keep their words in the catalogue.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Text:
    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja

    def as_dict(self) -> dict[str, str]:
        return {"ja": self.ja, "en": self.en}


@dataclass(frozen=True)
class CheckResult:
    id: str
    articles: tuple[str, ...]
    title: Text
    status: Status
    code: str
    summary: Text
    facts: Facts
    remediation: Text | None
    duration_ms: int
    required: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "articles": list(self.articles),
            "title": self.title.as_dict(),
            "status": self.status.value,
            "code": self.code,
            "summary": self.summary.as_dict(),
            "facts": self.facts,
            "remediation": self.remediation.as_dict() if self.remediation else None,
            "duration_ms": self.duration_ms,
            "required": self.required,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        """The inverse of `as_dict`, for results read back from a report that was verified."""
        remediation = data.get("remediation")
        return cls(
            id=data["id"],
            articles=tuple(data["articles"]),
            title=Text(**data["title"]),
            status=Status(data["status"]),
            code=data["code"],
            summary=Text(**data["summary"]),
            facts=data["facts"],
            remediation=Text(**remediation) if remediation else None,
            duration_ms=data["duration_ms"],
            required=data["required"],
        )


def overall(results: list[CheckResult]) -> Overall:
    """Ready only when every required check passed.

    A FAIL in a required check means not ready. Anything else short of PASS (a warning, an
    UNKNOWN, a skipped required check, or a warning from an advisory check) needs attention:
    what could not be checked is never counted as passed.
    """
    if any(r.required and r.status is Status.FAIL for r in results):
        return Overall.NOT_READY
    if any(
        (r.required and r.status is not Status.PASS)
        or (not r.required and r.status in (Status.WARN, Status.FAIL))
        for r in results
    ):
        return Overall.NEEDS_ATTENTION
    return Overall.READY
