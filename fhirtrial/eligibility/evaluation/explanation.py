"""Why a verdict is what it is, in words a trial coordinator reads.

For an ineligible patient: the criteria that rule them out (each with its text and the reason
from the record). For a potential candidate: the criteria nobody could decide from the record,
to check by hand — those that need judgement (text-only criteria) apart from those whose data
is missing or stale. An eligible patient needs no explanation beyond the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhirtrial.eligibility.evaluation.results import CriterionResult, StudyEvaluation

_MANUAL = "needs manual review"
_TEXT_LIMIT = 240


@dataclass(frozen=True, slots=True)
class Point:
    link_id: str
    text: str
    """The criterion as the study words it (shortened)."""
    reason: str


@dataclass(frozen=True, slots=True)
class Explanation:
    summary: str
    decided_by: tuple[Point, ...]
    """Ineligible: the criteria that rule the patient out."""
    to_check: tuple[Point, ...]
    """Potential candidate: the criteria the record does not decide, data first, then judgement."""


def explain(evaluation: StudyEvaluation) -> Explanation:
    if evaluation.ruled_out is not None:
        point = Point("patient", "The patient must be alive", evaluation.ruled_out.reason)
        return Explanation(f"Ineligible: {evaluation.ruled_out.reason}.", (point,), ())
    criteria = evaluation.criteria
    if evaluation.verdict == "ineligible":
        failing = tuple(_point(c) for c in criteria if c.failing)
        shown = "; ".join(f"{p.link_id}: {p.text}" for p in failing[:3])
        return Explanation(f"Ineligible — {shown}.", failing, ())
    unknown = [c for c in criteria if c.result == "unknown"]
    if not unknown:
        return Explanation("Eligible: every criterion is met by the record.", (), ())
    missing = [c for c in unknown if _MANUAL not in c.reason]
    judgement = [c for c in unknown if _MANUAL in c.reason]
    to_check = tuple(_point(c) for c in (*missing, *judgement))
    parts = []
    if missing:
        parts.append(f"{len(missing)} not decided by the record")
    if judgement:
        parts.append(f"{len(judgement)} needing a clinician's judgement")
    return Explanation(
        f"Potential candidate: nothing in the record rules the patient out; "
        f"{' and '.join(parts)} to check.",
        (),
        to_check,
    )


def _point(criterion: CriterionResult) -> Point:
    text = " ".join((criterion.description or criterion.link_id).split())
    if len(text) > _TEXT_LIMIT:
        text = text[: _TEXT_LIMIT - 1].rstrip() + "…"
    return Point(criterion.link_id, text, criterion.reason)
