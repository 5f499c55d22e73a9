"""`$match` with `persist=true`: write the Patient and the subjects whose assessment changed (a
repeated match with the same outcome writes no new version), keep the record and the question
for later re-matches, and re-assess this patient's other stored subjects (studies that left the
top `count`, closed or turned ineligible) so that none is left stale."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fhirtrial.matching.rematch.reassess import MatchFunction, reassess, write_revisions
from fhirtrial.matching.rematch.recording import Revision, current_subjects, revise
from fhirtrial.matching.rematch.records import load_record, save_record
from fhirtrial.matching.request import MatchRequest
from fhirtrial.matching.service import MatchService
from fhirtrial.store.search_keys import KEYS, exact_key

FIRST_MATCH = "matched with persist=true"
POSTED_AGAIN = "the patient's record was posted again"


async def persist_match(
    matching: MatchService,
    request: MatchRequest,
    patient_key: str,
    reference: dict[str, Any],
    patient: dict[str, Any],
    subjects: list[dict[str, Any]],
    match: MatchFunction,
) -> list[dict[str, Any]]:
    """Store this match; returns the subjects as stored (unchanged ones in their stored version)."""
    database, patient_id = matching.database, patient["id"]
    cause = POSTED_AGAIN if await load_record(database, patient_id) else FIRST_MATCH
    stored = await current_subjects(database, [s["id"] for s in subjects])
    moment = datetime.now(UTC)
    revisions: dict[str, Revision] = {}
    for subject in subjects:
        revision = revise(subject, stored.get(subject["id"]), moment, cause)
        if revision is not None:
            revisions[subject["id"]] = revision
    await write_revisions(matching, list(revisions.values()), patient_id, with_resources=[patient])
    await save_record(database, patient_id, patient_key, reference, request)
    others = await _other_studies(matching, patient_id, {s["id"] for s in subjects})
    if others:
        record = await load_record(database, patient_id)
        if record is not None:
            await reassess(matching, record, others, match, cause=cause)
    return [
        revisions[s["id"]].subject if s["id"] in revisions else stored[s["id"]]["res"]
        for s in subjects
    ]


async def _other_studies(matching: MatchService, patient_id: str, known: set[str]) -> list[str]:
    """Studies of this patient's live ResearchSubjects other than `known` (subject ids)."""
    cursor = matching.database.collections("ResearchSubject").current.find(
        {KEYS: exact_key("subject", f"Patient/{patient_id}"), "del": False},
        {"_id": 1, "res.study": 1},
    )
    studies = []
    async for doc in cursor:
        reference = ((doc.get("res") or {}).get("study") or {}).get("reference") or ""
        if doc["_id"] not in known and reference.startswith("ResearchStudy/"):
            studies.append(reference.split("/", 1)[1])
    return sorted(studies)
