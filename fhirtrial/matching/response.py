"""The `$match` answer: a searchset Bundle of ResearchSubjects (mode match, ranked, scored),
the matched ResearchStudies (mode include, with their subject's score) and, when there is
something to say, an OperationOutcome (mode outcome)."""

from __future__ import annotations

import uuid
from typing import Any

from fhirtrial.matching.matcher import MatchResult
from fhirtrial.matching.ranking import search_score
from fhirtrial.resources.outcome import operation_outcome


def match_bundle(result: MatchResult, base: str, *, persisted: bool) -> dict[str, Any]:
    entries = []
    study_scores: dict[str, float] = {}
    for match, subject in zip(result.returned, result.subjects, strict=True):
        full_url = (
            f"{base}/ResearchSubject/{subject['id']}" if persisted else f"urn:uuid:{uuid.uuid4()}"
        )
        score = search_score(match)
        study_scores.setdefault(subject["study"]["reference"], score)
        entries.append(
            {
                "fullUrl": full_url,
                "resource": subject,
                "search": {"mode": "match", "score": score},
            }
        )
    for study in result.studies:
        search: dict[str, Any] = {"mode": "include"}
        # CodeX clients rank the ResearchStudy entries by their score: its subject's.
        study_score = study_scores.get(f"ResearchStudy/{study['id']}")
        if study_score is not None:
            search["score"] = study_score
        entries.append(
            {
                "fullUrl": f"{base}/ResearchStudy/{study['id']}",
                "resource": study,
                "search": search,
            }
        )
    if result.issues:
        entries.append(
            {"resource": operation_outcome(result.issues), "search": {"mode": "outcome"}}
        )
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(result.matches),
        "link": [{"relation": "self", "url": f"{base}/ResearchStudy/$match"}],
        "entry": entries,
    }
