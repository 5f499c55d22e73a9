"""A ResearchSubject per matched study, carrying the eligibility assessment in our extension.

Extension `https://fhirtrial.org/fhir/StructureDefinition/eligibility-assessment`
(conformance/StructureDefinition-eligibility-assessment.json), on ResearchSubject:

    asOf (date) · score (decimal: share of criteria decided in the patient's favour) ·
    distance (Quantity, miles to the nearest open site) · site (Reference: that site's
    Location) · note (string) · summary (string) ·
    decidedBy* (linkId, text, reason: the criteria that rule the patient out) ·
    toCheck* (linkId, text, reason: what a potential candidate's record leaves open) ·
    cohort* (linkId, name, verdict, score) · criterion* (linkId, text, result, reason,
    exclude, cohort, evidence*)

Criteria are listed flat, combinations followed by their members (the linkId shows nesting).
The ResearchSubject's narrative (`text`) says the same as summary, decidedBy and toCheck, for
systems that only show narratives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from html import escape
from typing import Any

from fhirtrial.eligibility.evaluation import CriterionResult, StudyEvaluation
from fhirtrial.eligibility.evaluation.explanation import Explanation, explain

ASSESSMENT_URL = "https://fhirtrial.org/fhir/StructureDefinition/eligibility-assessment"
SUBJECT_STATE = "http://terminology.hl7.org/CodeSystem/research-subject-state"
SUBJECT_STATE_TYPE = "http://terminology.hl7.org/CodeSystem/research-subject-state-type"
_STATE_DISPLAY = {
    "eligible": "Eligible",
    "potential-candidate": "Potential Candidate",
    "ineligible": "Ineligible",
}
UCUM = "http://unitsofmeasure.org"


def subject_id(patient_key: str, study_id: str) -> str:
    """Stable per patient and study, so that persisting a match again updates it."""
    digest = hashlib.blake2b(f"{patient_key}|{study_id}".encode(), digest_size=12).hexdigest()
    return f"match-{digest}"


def research_subject(
    *,
    rid: str,
    study_id: str,
    subject: dict[str, Any],
    verdict: str,
    evaluation: StudyEvaluation | None,
    score: float,
    as_of: str,
    distance: float | None,
    note: str | None = None,
    site: dict[str, Any] | None = None,
) -> dict[str, Any]:
    explanation = explain(evaluation) if evaluation is not None else None
    resource: dict[str, Any] = {
        "resourceType": "ResearchSubject",
        "id": rid,
        "text": _narrative(study_id, verdict, explanation, note),
        "extension": [
            assessment_extension(evaluation, explanation, score, as_of, distance, note, site)
        ],
        "status": "active",
        "progress": [
            {
                "type": {
                    "coding": [
                        {
                            "system": SUBJECT_STATE_TYPE,
                            "code": "Enrollment",
                            "display": "Enrollment status",
                        }
                    ]
                },
                "subjectState": {
                    "coding": [
                        {
                            "system": SUBJECT_STATE,
                            "code": verdict,
                            "display": _STATE_DISPLAY[verdict],
                        }
                    ]
                },
            }
        ],
        "study": {"reference": f"ResearchStudy/{study_id}"},
        "subject": subject,
    }
    return resource


def _narrative(
    study_id: str, verdict: str, explanation: Explanation | None, note: str | None
) -> dict[str, str]:
    lines = [f"<p><b>{escape(study_id)}: {escape(_STATE_DISPLAY[verdict])}</b></p>"]
    if explanation is not None:
        lines.append(f"<p>{escape(explanation.summary)}</p>")
        for title, points in (
            ("Ruled out by", explanation.decided_by),
            ("To check", explanation.to_check),
        ):
            if points:
                items = "".join(
                    f"<li>{escape(p.link_id)} — {escape(p.text)}: {escape(p.reason)}</li>"
                    for p in points
                )
                lines.append(f"<p>{title}:</p><ul>{items}</ul>")
    if note:
        lines.append(f"<p>{escape(note)}</p>")
    div = f'<div xmlns="http://www.w3.org/1999/xhtml">{"".join(lines)}</div>'
    return {"status": "generated", "div": div}


def assessment_extension(
    evaluation: StudyEvaluation | None,
    explanation: Explanation | None,
    score: float,
    as_of: str,
    distance: float | None,
    note: str | None,
    site: dict[str, Any] | None = None,
) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [
        {"url": "asOf", "valueDate": as_of},
        {"url": "score", "valueDecimal": score},
    ]
    if distance is not None:
        parts.append(
            {
                "url": "distance",
                "valueQuantity": {
                    "value": round(distance, 1),
                    "unit": "mi",
                    "system": UCUM,
                    "code": "[mi_i]",
                },
            }
        )
    if site is not None:
        parts.append({"url": "site", "valueReference": site})
    if note:
        parts.append({"url": "note", "valueString": note})
    if evaluation is not None and explanation is not None:
        parts.append({"url": "summary", "valueString": explanation.summary})
        for url, points in (
            ("decidedBy", explanation.decided_by),
            ("toCheck", explanation.to_check),
        ):
            for point in points:
                parts.append(
                    {
                        "url": url,
                        "extension": [
                            {"url": "linkId", "valueString": point.link_id},
                            {"url": "text", "valueString": point.text},
                            {"url": "reason", "valueString": point.reason},
                        ],
                    }
                )
        for cohort in evaluation.matching_cohorts:
            cohort_parts: list[dict[str, Any]] = [{"url": "linkId", "valueString": cohort.link_id}]
            if cohort.name:
                cohort_parts.append({"url": "name", "valueString": cohort.name})
            cohort_parts += [
                {"url": "verdict", "valueCode": cohort.verdict},
                {"url": "score", "valueDecimal": cohort.score},
            ]
            parts.append({"url": "cohort", "extension": cohort_parts})
        for criterion in _flatten(evaluation.criteria):
            parts.append({"url": "criterion", "extension": _criterion_parts(criterion)})
    return {"url": ASSESSMENT_URL, "extension": parts}


def _flatten(results: Sequence[CriterionResult]) -> Iterator[CriterionResult]:
    for result in results:
        yield result
        yield from _flatten(result.children)


def _criterion_parts(criterion: CriterionResult) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = [
        {"url": "linkId", "valueString": criterion.link_id},
    ]
    if criterion.description:
        parts.append({"url": "text", "valueString": " ".join(criterion.description.split())})
    parts.append({"url": "result", "valueCode": criterion.result})
    if criterion.reason:
        parts.append({"url": "reason", "valueString": criterion.reason})
    if criterion.exclude:
        parts.append({"url": "exclude", "valueBoolean": True})
    if criterion.cohort:
        parts.append({"url": "cohort", "valueString": criterion.cohort})
    for reference in criterion.evidence:
        parts.append({"url": "evidence", "valueReference": {"reference": reference}})
    return parts
