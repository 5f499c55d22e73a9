"""What an evaluation answers: per criterion, per cohort and for the whole study."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Outcome = Literal["met", "not-met", "unknown", "not-applicable"]
Verdict = Literal["eligible", "potential-candidate", "ineligible"]

_VERDICT_RANK = {"ineligible": 0, "potential-candidate": 1, "eligible": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """The answer for one criterion: outcome, a one-line reason and the resources that decided."""

    result: Outcome
    reason: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CriterionResult:
    link_id: str
    result: Outcome
    reason: str
    evidence: list[str]
    exclude: bool
    description: str | None = None
    cohort: str | None = None
    children: tuple[CriterionResult, ...] = ()

    @property
    def passing(self) -> bool:
        """Decided in the patient's favour: inclusion met, or exclusion not met."""
        return self.result == ("not-met" if self.exclude else "met")

    @property
    def failing(self) -> bool:
        return self.result == ("met" if self.exclude else "not-met")


@dataclass(frozen=True, slots=True)
class CohortResult:
    """How the patient fares for one comparison group (arm / cohort) of the study."""

    link_id: str
    name: str | None
    verdict: Verdict
    score: float
    criteria: list[CriterionResult]


@dataclass(frozen=True, slots=True)
class StudyEvaluation:
    verdict: Verdict
    score: float
    """Share of applicable criteria decided in the patient's favour (0..1)."""
    criteria: list[CriterionResult]
    cohorts: list[CohortResult] = field(default_factory=list)
    """One entry per comparison group when the criteria differ by cohort; best first."""
    as_of: str | None = None
    ruled_out: Finding | None = None
    """What makes the patient ineligible for every study before any criterion (a death)."""

    @property
    def matching_cohorts(self) -> list[CohortResult]:
        return [c for c in self.cohorts if c.verdict != "ineligible"]


def verdict_of(results: list[CriterionResult]) -> Verdict:
    """An inclusion not met or an exclusion met → ineligible; any unknown → potential candidate."""
    if any(r.failing for r in results):
        return "ineligible"
    if any(r.result == "unknown" for r in results):
        return "potential-candidate"
    return "eligible"


def score_of(results: list[CriterionResult]) -> float:
    applicable = [r for r in results if r.result != "not-applicable"]
    if not applicable:
        return 1.0
    return round(sum(r.passing for r in applicable) / len(applicable), 4)


def verdict_rank(verdict: Verdict) -> int:
    return _VERDICT_RANK[verdict]
