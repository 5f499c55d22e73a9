"""Match one patient against the catalog: the function behind `$match` and `fhirtrial match`.

Steps: read the patient → bring the match index up to date → one indexed query for candidate
studies (status, phase, diagnosis concepts, age, sex) → site distance → verdict and score of each
distinct set of criteria (`evaluation.lean`: each distinct leaf criterion once, plans kept for
the whole catalog in `plans.PlanStore`) → rank → the full evaluation (every criterion, reasons,
evidence) of the top `count` only → build their ResearchSubjects → persist if asked.
"""

from __future__ import annotations

import heapq
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from fhirtrial.eligibility.evaluation import CriterionResult, StudyEvaluation, evaluate_study
from fhirtrial.eligibility.evaluation.explanation import Explanation, explain
from fhirtrial.eligibility.evaluation.facts import concepts_of_code, concepts_of_text
from fhirtrial.eligibility.evaluation.lean import LeafOutcomes, LeanPlan, lean_verdict_and_score
from fhirtrial.errors import BadRequest, Issue
from fhirtrial.matching import assessment, persist
from fhirtrial.matching.distance import (
    Point,
    is_us_zip,
    load_zip_table,
    nearest_miles,
    zip_centroid,
    zip_table_loaded,
)
from fhirtrial.matching.index.documents import IndexEntry
from fhirtrial.matching.index.sync import sync_index
from fhirtrial.matching.keys import ANY_DIAGNOSIS, ANY_SEX, PatientKeys, patient_keys
from fhirtrial.matching.nearest_site import nearest_open_site
from fhirtrial.matching.plan_loading import after_warm_up, plans_for
from fhirtrial.matching.plans import PlanStore
from fhirtrial.matching.ranking import CLASS_RANK as _CLASS_RANK
from fhirtrial.matching.ranking import rank_key, search_score
from fhirtrial.matching.rematch.repost import persist_match
from fhirtrial.matching.request import ConditionFilter, MatchRequest
from fhirtrial.matching.resource_cache import load_current
from fhirtrial.matching.service import MatchService
from fhirtrial.matching.study_facets import DEFAULT_STATUSES
from fhirtrial.offload import off_loop
from fhirtrial.patient.bundle_input import read_patient
from fhirtrial.patient.record import PatientRecord

log = logging.getLogger("fhirtrial.matching")

# Work per turn of the CPU worker (fhirtrial.offload): about 10-100 ms, so concurrent matches
# take turns and a cancelled one stops within a piece. Full evaluations (reasons and evidence of
# every criterion) and plan builds cost ~1 ms each; a candidate's verdict and score whose leaves
# are evaluated already, a few µs.
_EVALUATIONS_PER_PIECE = 100
_VERDICTS_PER_PIECE = 1000


@dataclass(slots=True)
class StudyMatch:
    study_id: str
    title: str | None
    verdict: str
    score: float
    evaluation: StudyEvaluation | None
    distance: float | None = None
    note: str | None = None
    site: dict[str, Any] | None = None  # reference to the nearest open Location

    @property
    def failing(self) -> list[str]:
        return [c.link_id for c in self.criteria if c.failing]

    @property
    def unknown(self) -> list[str]:
        return [c.link_id for c in self.criteria if c.result == "unknown"]

    @property
    def explanation(self) -> Explanation | None:
        """The deciding criteria in words, or what the record leaves open."""
        return explain(self.evaluation) if self.evaluation is not None else None

    @property
    def criteria(self) -> list[CriterionResult]:
        return self.evaluation.criteria if self.evaluation is not None else []


@dataclass
class MatchResult:
    as_of: date
    record: PatientRecord
    matches: list[StudyMatch]
    """Ranked; only the first `count` (those with `subjects`) are returned."""
    subjects: list[dict[str, Any]]
    studies: list[dict[str, Any]]
    candidates: int
    origin: Point | None = None
    patient_reference: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    catalog: int = 0
    """Studies in the match index, whatever their status."""
    outside_radius: int = 0
    """Candidates left out because no site of theirs lies within the travel radius."""
    ruled_out: int = 0
    """Studies the patient's age, sex or diagnoses ruled out before their criteria were read;
    counted only when no trial is listed (to say why)."""

    @property
    def returned(self) -> list[StudyMatch]:
        return self.matches[: len(self.subjects)]


async def match_patient(matching: MatchService, request: MatchRequest) -> MatchResult:
    database = matching.database
    as_of = request.as_of or datetime.now(UTC).date()
    record = await off_loop(read_patient, request.bundle, as_of=as_of, where=request.bundle_path)
    if not zip_table_loaded():
        await off_loop(load_zip_table)  # once per process, ~0.25 s: not on the event loop
    origin, issues = _origin(request, record)
    patient_key, subject = persist.subject_reference(record, request.bundle)
    stored_patient = None
    if request.persist:
        patient_key, subject, stored_patient = await persist.prepare_patient(
            database, request.bundle
        )
    await sync_index(matching)
    keys = patient_keys(record)
    candidates = _candidates(matching, request, keys)
    candidates = [c for c in candidates if _condition_filter_passes(c, request.conditions)]
    selected = len(candidates)
    distances: dict[str, float | None] = {}
    outside_radius = 0
    if origin is not None and request.travel_radius is not None:
        distances = await off_loop(_distances, origin, candidates)
        radius = request.travel_radius
        near = [
            c
            for c in candidates
            if (distance := distances[c["_id"]]) is not None and distance <= radius
        ]
        outside_radius, candidates = len(candidates) - len(near), near
    matches = await _evaluate(
        matching, candidates, record, as_of, keep_ineligible=request.include_ineligible
    )
    ruled_out = 0
    if not matches and not request.include_ineligible:
        ruled_out = _open_to_request(matching, request, keys) - selected
    by_id = {c["_id"]: c for c in candidates}
    if origin is not None and not distances:
        distances = await off_loop(
            _distances, origin, _ranked_by_distance(matches, by_id, request.count)
        )
    for match in matches:
        match.distance = distances.get(match.study_id)
    matches.sort(key=rank_key)
    returned = matches[: request.count]
    await _explain(matching, returned, by_id, record, as_of)
    studies = await load_current(
        database,
        matching.resources,
        "ResearchStudy",
        {m.study_id: by_id[m.study_id].get("rs_v") for m in returned},
    )
    returned = [m for m in returned if m.study_id in studies]
    if origin is not None:
        await _name_nearest_sites(matching, returned, by_id, origin)
    subjects = [
        assessment.research_subject(
            rid=assessment.subject_id(patient_key, m.study_id),
            study_id=m.study_id,
            subject=subject,
            verdict=m.verdict,
            evaluation=m.evaluation,
            score=m.score,
            as_of=as_of.isoformat(),
            distance=m.distance,
            note=m.note,
            site=m.site,
        )
        for m in returned
    ]
    if stored_patient is not None:
        subjects = await persist_match(
            matching, request, patient_key, subject, stored_patient, subjects, match_patient
        )
    if record.warnings:
        issues.append(
            Issue(
                "information",
                "informational",
                f"{len(record.warnings)} entries of the patient's record were read with "
                f"repairs, e.g. {record.warnings[0].ref}: {record.warnings[0].message}",
            )
        )
    return MatchResult(
        as_of=as_of,
        record=record,
        matches=matches,
        subjects=subjects,
        studies=[studies[m.study_id] for m in returned],
        candidates=len(candidates),
        origin=origin,
        patient_reference=subject,
        issues=issues,
        catalog=len(matching.index.mirror.entries),
        outside_radius=outside_radius,
        ruled_out=ruled_out,
    )


def _origin(request: MatchRequest, record: PatientRecord) -> tuple[Point | None, list[Issue]]:
    issues: list[Issue] = []
    if request.zip_code is not None:
        origin = zip_centroid(request.zip_code)
        if origin is None:
            raise BadRequest(f"zipCode '{request.zip_code}' is not a known US ZIP code")
        return origin, issues
    for postal_code in record.patient.postal_codes:
        if is_us_zip(postal_code):
            origin = zip_centroid(postal_code)
            if origin is not None:
                return origin, issues
    if request.travel_radius is not None:
        raise BadRequest(
            "travelRadius needs a location: give zipCode, or a US postal code in the "
            "Patient's address"
        )
    return None, issues


def _candidates(
    matching: MatchService, request: MatchRequest, keys: PatientKeys
) -> list[IndexEntry]:
    """Index entries of the studies worth evaluating (see keys.py for why a key may rule out)."""
    statuses = request.statuses if request.statuses is not None else DEFAULT_STATUSES
    use_keys = not request.include_ineligible
    diagnoses = None
    if use_keys and keys.diagnoses is not None:
        diagnoses = [*keys.diagnoses, ANY_DIAGNOSIS]
    return matching.index.mirror.select(
        statuses=statuses,
        diagnoses=diagnoses,
        age=keys.age if use_keys else None,
        sex=keys.sex if use_keys else None,
        phases=request.phases,
        studies=frozenset(request.studies),
        any_sex=ANY_SEX,
    )


def _open_to_request(matching: MatchService, request: MatchRequest, keys: PatientKeys) -> int:
    """How many studies the request's own filters leave, before the patient's keys rule any out."""
    unkeyed = _candidates(matching, replace(request, include_ineligible=True), keys)
    return sum(1 for c in unkeyed if _condition_filter_passes(c, request.conditions))


def _condition_filter_passes(candidate: IndexEntry, filters: tuple[ConditionFilter, ...]) -> bool:
    """Any of the requested conditions names one of the study's conditions or keywords."""
    if not filters:
        return True
    texts = candidate.get("cond_text") or []
    codes = set(candidate.get("cond_codes") or ())
    concepts = set(candidate.get("cond_concepts") or ())
    for wanted in filters:
        if wanted.text is not None:
            needle = wanted.text.lower()
            if any(needle in text for text in texts) or concepts & concepts_of_text(wanted.text):
                return True
        elif wanted.code is not None:
            if f"{wanted.system}|{wanted.code}" in codes:
                return True
            if wanted.system and concepts & concepts_of_code(wanted.system, wanted.code):
                return True
    return False


async def _evaluate(
    matching: MatchService,
    candidates: list[IndexEntry],
    record: PatientRecord,
    as_of: date,
    *,
    keep_ineligible: bool = True,
) -> list[StudyMatch]:
    """Verdict and score of every candidate (the ineligible ones only if kept), each distinct
    set of criteria once; studies sharing one share the result. The explanation
    (`StudyMatch.evaluation`) is left to `_explain`."""
    await after_warm_up(matching)
    leaves = await off_loop(LeafOutcomes, record, as_of)
    verdicts = _Verdicts(matching.plans, leaves, keep_ineligible)
    for start in range(0, len(candidates), _VERDICTS_PER_PIECE):
        await off_loop(verdicts.add, candidates[start : start + _VERDICTS_PER_PIECE])
    unplanned = verdicts.unplanned  # criteria this process has no plan of yet (new, no warm-up)
    if unplanned:
        wanted = {
            ev: version
            for c in unplanned
            if (ev := c.get("ev")) and (version := c.get("ev_v")) is not None
        }
        await plans_for(matching, wanted)
        for start in range(0, len(unplanned), _VERDICTS_PER_PIECE):
            piece = unplanned[start : start + _VERDICTS_PER_PIECE]
            await off_loop(verdicts.add, piece, last_pass=True)
    return verdicts.matches


_NO_CRITERIA = ("potential-candidate", 0.0, "the study has no eligibility criteria to evaluate")
_UNREADABLE = ("potential-candidate", 0.0, "the study's eligibility criteria could not be read")


class _Verdicts:
    """The lean pass over candidates, a piece at a time in the CPU worker: a candidate whose
    set of criteria (`sig`) was evaluated takes that outcome, else its plan is evaluated; the
    match of each kept candidate is built on the way (one loop: ~5,000 candidates of a heavy
    patient at 30,000 studies, where each extra loop over them costs milliseconds). Candidates
    whose plan is not built yet are set aside (`unplanned`) for a last pass."""

    def __init__(self, plans: PlanStore, leaves: LeafOutcomes, keep_ineligible: bool) -> None:
        self.plans = plans
        self.leaves = leaves
        self.keep_ineligible = keep_ineligible
        self.outcomes: dict[str, tuple[str, float, str | None]] = {}
        self.matches: list[StudyMatch] = []
        self.unplanned: list[IndexEntry] = []

    def add(self, candidates: list[IndexEntry], *, last_pass: bool = False) -> None:
        """`last_pass`: the plans were built for these; one still missing could not be."""
        outcomes, plans, leaves = self.outcomes, self.plans, self.leaves
        matches, keep_ineligible = self.matches, self.keep_ineligible
        for candidate in candidates:
            signature = candidate["sig"]
            outcome = outcomes.get(signature)
            if outcome is None:
                ev, version = candidate.get("ev"), candidate.get("ev_v")
                plan = plans.get(ev, version) if ev and version is not None else None
                if plan is not None:
                    outcome = outcomes[signature] = _verdict(plan, leaves, candidate)
                elif not ev or version is None:
                    outcome = _NO_CRITERIA
                elif not last_pass:
                    self.unplanned.append(candidate)
                    continue
                else:
                    outcome = _UNREADABLE  # the resource is gone, or its plan failed (logged)
            verdict, score, note = outcome
            if verdict != "ineligible" or keep_ineligible:
                # positional: ~5,000 matches a request at 30,000 studies
                rid, title = candidate["_id"], candidate.get("title")
                matches.append(StudyMatch(rid, title, verdict, score, None, None, note))


def _verdict(
    plan: LeanPlan, leaves: LeafOutcomes, candidate: IndexEntry
) -> tuple[str, float, str | None]:
    try:
        verdict, score = lean_verdict_and_score(plan, leaves, candidate.get("groups") or None)
    except Exception as error:  # one study's failure must not fail the whole match
        log.exception("Evaluating %s failed", candidate["_id"])
        return "potential-candidate", 0.0, _failure_note(error)
    return verdict, score, None


async def _explain(
    matching: MatchService,
    returned: list[StudyMatch],
    by_id: dict[str, IndexEntry],
    record: PatientRecord,
    as_of: date,
) -> None:
    """The full evaluation (every criterion with its reason and evidence) of the studies
    returned; their verdict and score are the lean pass's, which equal it."""
    explained = [(m, by_id[m.study_id]) for m in returned if m.note is None]
    wanted: dict[str, int | None] = {}
    for _, candidate in explained:
        ev, ev_v = candidate.get("ev"), candidate.get("ev_v")
        if ev and ev_v is not None:
            wanted[ev] = ev_v
    criteria = await load_current(matching.database, matching.resources, "EvidenceVariable", wanted)
    work = [(m, criteria[ev], c) for m, c in explained if (ev := c.get("ev") or "") in criteria]
    for start in range(0, len(work), _EVALUATIONS_PER_PIECE):
        piece = work[start : start + _EVALUATIONS_PER_PIECE]
        await off_loop(_explain_piece, piece, record, as_of)


def _explain_piece(
    piece: list[tuple[StudyMatch, dict[str, Any], IndexEntry]], record: PatientRecord, as_of: date
) -> None:
    for match, evidence_variable, candidate in piece:
        match.evaluation, note = _evaluate_one(evidence_variable, candidate, record, as_of)
        if note is not None:  # answered as a failure of the lean pass is
            match.verdict, match.score, match.note = "potential-candidate", 0.0, note


def _ranked_by_distance(
    matches: list[StudyMatch], by_id: dict[str, IndexEntry], count: int
) -> list[IndexEntry]:
    """The candidates whose distance can decide the first `count` places: distance only orders
    matches of equal verdict and score (`rank_key`), so those ranked after the verdict and
    score of the `count`-th place need none (a catalog's worth of sites is ~1 s of haversines)."""
    if count <= 0 or not matches:
        return []
    places = [(_CLASS_RANK[m.verdict], -m.score) for m in matches]
    last = heapq.nsmallest(count, places)[-1]
    return [by_id[m.study_id] for m, place in zip(matches, places, strict=True) if place <= last]


async def _name_nearest_sites(
    matching: MatchService,
    returned: list[StudyMatch],
    entries: dict[str, IndexEntry],
    origin: Point,
) -> None:
    """The nearest open site of each returned study that has a distance (its Locations are read
    for the returned studies only)."""
    wanted: dict[str, int | None] = {}
    for match in returned:
        if match.distance is not None and (entry := entries.get(match.study_id)) is not None:
            wanted.update(
                dict.fromkeys(entry.get("loc_ids") or (), None) | (entry.get("loc_v") or {})
            )
    if not wanted:
        return
    locations = await load_current(matching.database, matching.resources, "Location", wanted)
    for match in returned:
        entry = entries.get(match.study_id)
        if match.distance is None or entry is None:
            continue
        sites = [locations[rid] for rid in entry.get("loc_ids") or () if rid in locations]
        match.site = nearest_open_site(origin, sites)


def _distances(origin: Point, candidates: list[IndexEntry]) -> dict[str, float | None]:
    return {c["_id"]: nearest_miles(origin, c.get("sites") or ()) for c in candidates}


def _evaluate_one(
    evidence_variable: dict[str, Any], candidate: IndexEntry, record: PatientRecord, as_of: date
) -> tuple[StudyEvaluation | None, str | None]:
    try:
        return (
            evaluate_study(
                evidence_variable,
                record,
                as_of=as_of,
                comparison_groups=candidate.get("groups") or None,
            ),
            None,
        )
    except Exception as error:  # one study's failure must not fail the whole match
        log.exception("Evaluating %s failed", candidate["_id"])
        return None, _failure_note(error)


def _failure_note(error: Exception) -> str:
    return f"the criteria could not be evaluated ({type(error).__name__}: {error})"


__all__ = ["MatchResult", "StudyMatch", "match_patient", "search_score"]
