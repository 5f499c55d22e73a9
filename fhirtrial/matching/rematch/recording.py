"""Writing a re-assessed ResearchSubject only when the assessment changed, with the change kept
on the resource (`progress`: the current state with its startDate and reason, earlier states
with their endDate) and in collection `_match_changes` for an operator.

What counts as a change: the subject's status, its verdict (progress[0].subjectState) or the
assessment extension (score, distance, note, criteria results) other than `asOf`, which moves
every day. So a re-match that finds what was stored writes nothing, and `asOf` is the date of
the evaluation that produced the stored version.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from fhirtrial.matching.assessment import ASSESSMENT_URL
from fhirtrial.store.database import Database
from fhirtrial.store.documents import STORED_FIELDS
from fhirtrial.store.lookup import find_in

CHANGES = "_match_changes"
# Earlier states kept in `progress` (the version history keeps them all).
MAX_PROGRESS = 20


@dataclass
class Revision:
    """A new version to write and the change it makes (`previous` None: a new subject)."""

    subject: dict[str, Any]
    previous: dict[str, Any] | None
    previous_version: int
    cause: str


async def current_subjects(database: Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Current documents (with `v`, `del`, `res`) of these ResearchSubjects, where they exist."""
    collection = database.collections("ResearchSubject").current
    return {doc["_id"]: doc async for doc in find_in(collection, "_id", ids, STORED_FIELDS)}


def revise(
    fresh: dict[str, Any], stored: dict[str, Any] | None, moment: datetime, cause: str
) -> Revision | None:
    """The version to write for a freshly assessed subject, None when nothing changed."""
    live = stored is not None and not stored["del"]
    version = stored["v"] if stored is not None else 0
    if not live or stored is None:
        subject = copy.deepcopy(fresh)
        subject["progress"][0]["startDate"] = _instant(moment)
        return Revision(subject, None, version, cause)
    previous = stored["res"]
    if _assessment(previous) == _assessment(fresh):
        return None
    subject = copy.deepcopy(fresh)
    earlier = _progress(previous)
    if _state(previous) == _state(fresh) and earlier:
        subject["progress"] = copy.deepcopy(earlier)
    else:
        current = subject["progress"][0]
        current["startDate"] = _instant(moment)
        current["reason"] = {"text": cause}
        ended = [{**copy.deepcopy(earlier[0]), "endDate": _instant(moment)}] if earlier else []
        subject["progress"] = [current, *ended, *copy.deepcopy(earlier[1:])][:MAX_PROGRESS]
    return Revision(subject, previous, version, cause)


def retire(stored: dict[str, Any] | None, moment: datetime, reason: str) -> Revision | None:
    """A stored subject whose study no longer answers the match's question: status `retired`,
    its last assessment kept, the reason in the assessment's note, progress and narrative."""
    if stored is None or stored["del"] or stored["res"].get("status") == "retired":
        return None
    previous = stored["res"]
    subject = copy.deepcopy(previous)
    subject.pop("meta", None)
    subject["status"] = "retired"
    if _progress(subject):
        subject["progress"][0]["endDate"] = _instant(moment)
        subject["progress"][0]["reason"] = {"text": reason}
    for extension in subject.get("extension") or ():
        if extension.get("url") == ASSESSMENT_URL:
            parts = [p for p in extension["extension"] if p.get("url") != "note"]
            at = next((i + 1 for i, p in enumerate(parts) if p.get("url") == "distance"), 2)
            parts.insert(at, {"url": "note", "valueString": reason})
            extension["extension"] = parts
    text = subject.get("text")
    if isinstance(text, dict) and isinstance(text.get("div"), str):
        text["div"] = text["div"].replace(
            "</div>", f"<p>No longer a candidate: {escape(reason)}</p></div>", 1
        )
    return Revision(subject, previous, stored["v"], reason)


async def record_changes(
    database: Database, revisions: list[Revision], patient_id: str, moment: datetime
) -> None:
    """One document per change, keyed by the subject and the version it supersedes, so a job
    that runs again after a failure overwrites rather than duplicates (written before the new
    versions: a failure between the two leaves a record of a change the re-run will make)."""
    for revision in revisions:
        subject = revision.subject
        rid = subject["id"]
        await database.db[CHANGES].replace_one(
            {"_id": f"{rid}:{revision.previous_version}"},
            {
                "_id": f"{rid}:{revision.previous_version}",
                "subject": rid,
                "patient": patient_id,
                "study": subject["study"]["reference"],
                "at": moment,
                "cause": revision.cause,
                "from_version": revision.previous_version,
                "to_version": revision.previous_version + 1,
                "from": _summary(revision.previous) if revision.previous else None,
                "to": _summary(subject),
            },
            upsert=True,
        )


def verdict(subject: dict[str, Any]) -> str | None:
    """progress[0].subjectState's code; None on a subject another client rewrote without it."""
    progress = _progress(subject)
    codings = (progress[0].get("subjectState") or {}).get("coding") if progress else None
    if isinstance(codings, list) and codings and isinstance(codings[0], dict):
        code = codings[0].get("code")
        return code if isinstance(code, str) else None
    return None


def _progress(subject: dict[str, Any]) -> list[dict[str, Any]]:
    progress = subject.get("progress")
    if isinstance(progress, list) and all(isinstance(p, dict) for p in progress):
        return progress
    return []


def _state(subject: dict[str, Any]) -> tuple[str | None, str | None]:
    return subject.get("status"), verdict(subject)


def _assessment(subject: dict[str, Any]) -> tuple[Any, ...]:
    """What decides whether a re-assessment is news: verdict, scores, reasons, evidence, site,
    but not the day it was made nor the study's wording (a criterion's `text`, the site's
    name): a reworded criterion alone writes no version."""
    parts: list[dict[str, Any]] = []
    for extension in subject.get("extension") or ():
        if extension.get("url") == ASSESSMENT_URL:
            parts = [
                _unworded(p) for p in extension.get("extension") or () if p.get("url") != "asOf"
            ]
    return (*_state(subject), parts)


def _unworded(part: dict[str, Any]) -> dict[str, Any]:
    if part.get("url") == "criterion":
        inner = [p for p in part.get("extension") or () if p.get("url") != "text"]
        return {**part, "extension": inner}
    if part.get("url") == "site":
        return {"url": "site", "reference": (part.get("valueReference") or {}).get("reference")}
    return part


def _summary(subject: dict[str, Any]) -> dict[str, Any]:
    score = None
    for extension in subject.get("extension") or ():
        if extension.get("url") == ASSESSMENT_URL:
            for part in extension.get("extension") or ():
                if part.get("url") == "score":
                    score = part.get("valueDecimal")
    return {"status": subject.get("status"), "verdict": verdict(subject), "score": score}


def _instant(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
