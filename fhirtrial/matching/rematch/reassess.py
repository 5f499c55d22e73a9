"""Re-assessing one persisted patient against some studies, and writing what changed.

The assessment is a `$match` of the stored record with the stored options, restricted to those
studies, as of today and with ineligible studies kept (so that a candidate who became ineligible
is updated, not left stale): the verdicts are a fresh `$match`'s by construction. The match
function is passed in (`matcher.match_patient`) because the matcher itself calls this module
after a `persist=true` match.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from fhirtrial.matching import assessment
from fhirtrial.matching.index.collection import index_collection
from fhirtrial.matching.rematch.recording import (
    Revision,
    current_subjects,
    record_changes,
    retire,
    revise,
)
from fhirtrial.matching.rematch.records import PersistedRecord
from fhirtrial.matching.request import MAX_COUNT, MatchRequest
from fhirtrial.matching.service import MatchService
from fhirtrial.matching.study_facets import DEFAULT_STATUSES
from fhirtrial.resources.validation import validate_resource
from fhirtrial.store.batch import write_units

# `matcher.match_patient`; its result has `as_of` and `matches` (StudyMatch).
MatchFunction = Callable[[MatchService, MatchRequest], Awaitable[Any]]


@dataclass
class Tally:
    patients: int = 0
    created: int = 0
    updated: int = 0
    retired: int = 0
    failed: int = 0
    """Patients whose stored record or question was refused (skipped, logged)."""

    def add(self, other: Tally) -> None:
        self.patients += other.patients
        self.created += other.created
        self.updated += other.updated
        self.retired += other.retired
        self.failed += other.failed


async def reassess(
    matching: MatchService,
    record: PersistedRecord,
    study_ids: Sequence[str],
    match: MatchFunction,
    *,
    cause: str,
) -> Tally:
    """Re-assess these studies for this patient; write new or changed ResearchSubjects."""
    asked = record.request
    wanted = sorted(set(study_ids) & set(asked.studies)) if asked.studies else sorted(study_ids)
    tally = Tally(patients=1)
    for start in range(0, len(wanted), MAX_COUNT):
        piece = wanted[start : start + MAX_COUNT]
        revisions = await _revisions(matching, record, piece, match, cause)
        await write_revisions(matching, revisions, record.patient_id)
        for revision in revisions:
            if revision.previous is None:
                tally.created += 1
            elif revision.subject.get("status") == "retired":
                tally.retired += 1
            else:
                tally.updated += 1
    return tally


async def write_revisions(
    matching: MatchService,
    revisions: list[Revision],
    patient_id: str,
    *,
    with_resources: Sequence[dict[str, Any]] = (),
) -> None:
    """Record the changes, then write the new versions (and `with_resources`) as one unit."""
    if not revisions and not with_resources:
        return
    database = matching.database
    for revision in revisions:
        validate_resource(revision.subject)  # Unprocessable: nothing recorded or written
    await record_changes(database, revisions, patient_id, datetime.now(UTC))
    await write_units(database, [*with_resources, *(r.subject for r in revisions)])


async def _revisions(
    matching: MatchService,
    record: PersistedRecord,
    study_ids: list[str],
    match: MatchFunction,
    cause: str,
) -> list[Revision]:
    request = replace(
        record.request,
        as_of=None,
        studies=tuple(study_ids),
        include_ineligible=True,
        count=MAX_COUNT,
        persist=False,
    )
    result = await match(matching, request)
    as_of = result.as_of.isoformat()
    ids = {study: assessment.subject_id(record.patient_key, study) for study in study_ids}
    stored = await current_subjects(matching.database, sorted(ids.values()))
    assessed = {m.study_id: m for m in result.matches}
    moment = datetime.now(UTC)
    revisions = []
    dropped = [study for study in study_ids if study not in assessed]
    reasons = await _drop_reasons(matching, record.request, dropped) if dropped else {}
    for study, rid in ids.items():
        previous = stored.get(rid)
        found = assessed.get(study)
        revision: Revision | None
        if found is None:
            revision = retire(previous, moment, reasons.get(study, "")) if previous else None
        else:
            live = previous is not None and not previous["del"]
            if not live and found.verdict == "ineligible" and not record.request.include_ineligible:
                continue  # persist writes no ineligible subjects unless asked to
            fresh = assessment.research_subject(
                rid=rid,
                study_id=study,
                subject=record.reference,
                verdict=found.verdict,
                evaluation=found.evaluation,
                score=found.score,
                as_of=as_of,
                distance=found.distance,
                note=found.note,
                site=found.site,
            )
            revision = revise(fresh, previous, moment, cause)
        if revision is not None:
            revisions.append(revision)
    return revisions


async def _drop_reasons(
    matching: MatchService, request: MatchRequest, study_ids: list[str]
) -> dict[str, str]:
    """Why each study no longer answers the question (it left the candidates of the match)."""
    statuses = request.statuses if request.statuses is not None else DEFAULT_STATUSES
    entries = {
        doc["_id"]: doc
        async for doc in index_collection(matching.database).find(
            {"_id": {"$in": study_ids}}, {"status": 1}
        )
    }
    reasons = {}
    for study in study_ids:
        entry = entries.get(study)
        if entry is None:
            reasons[study] = "the study left the catalog"
        elif not statuses.intersection(entry.get("status") or ()):
            now = ", ".join(sorted(entry.get("status") or ())) or "unknown"
            reasons[study] = f"the study's recruitment status is now {now}"
        else:
            reasons[study] = (
                "the study no longer has a site within the travel radius, or no longer has the "
                "requested phase or condition"
            )
    return reasons
