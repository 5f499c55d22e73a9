"""Prefilter keys: what a study demands for sure, and what a patient offers, as plain values.

A study's keys are derived from its compiled criteria with one rule: a key may only rule out a
patient whom the evaluator would find `ineligible` anyway. So a key is a *necessary* condition:

- diagnosis: a set of concepts of which the patient must have one (any recorded condition, coded
  or matched by text), taken from a condition criterion that every comparison group needs. When
  no such set exists (text-only or optional diagnosis criteria) the study gets the wildcard key
  and is always a candidate. A patient without any recorded condition is never filtered on it:
  the evaluator answers `unknown`, not `not-met`, for an empty problem list.
- age: bounds from top-level, untied age criteria, against the oldest age a patient's birth date
  allows, in completed years: a lower bound is its whole years (6 months → 0), an upper bound is
  widened by a year (a birth date known only by year or month may be a year younger).
- sex: from a top-level, untied sex criterion.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.evaluation import cancers
from fhirtrial.eligibility.evaluation.alcohol_as_drug import concepts_an_entry_may_be
from fhirtrial.eligibility.evaluation.cohorts import applies_to, comparison_group_aliases
from fhirtrial.eligibility.evaluation.diagnoses import NOT_ONLY_DIAGNOSES, icd_codes_of
from fhirtrial.eligibility.evaluation.diagnosis_groups import groups_of
from fhirtrial.eligibility.evaluation.facts import (
    concepts_of,
    condition_concepts,
    is_about_someone_else,
)
from fhirtrial.eligibility.evaluation.inclusion_terms import concepts_by_inclusion_term
from fhirtrial.eligibility.evaluation.injuries import injuries_an_entry_may_be
from fhirtrial.eligibility.evaluation.plan import PlanNode, StudyPlan, build_plan
from fhirtrial.eligibility.evaluation.uncoded_diagnoses import titles_an_entry_may_be
from fhirtrial.eligibility.evaluation.unspecified_codes import (
    block_keys_of_recorded,
    block_keys_of_required,
)
from fhirtrial.eligibility.evaluation.vague_diagnoses import possibly_narrower
from fhirtrial.eligibility.model import CombinationCode, Criterion, Kind
from fhirtrial.patient.record import PatientRecord
from fhirtrial.patient.values import ICD10CM

ANY_DIAGNOSIS = "*"
STOPS_AT = "stops-at:"
"""Key of an entry that names a common name's set of codes and nothing narrower inside it
("Osteoarthritis", no site): it may be a study's narrower title (knee osteoarthritis M17)."""
_ROOTS = frozenset(
    c for c in terminology.terminology().concepts if terminology.terminology().is_root(c)
)
ANY_SEX = "any"
NO_MIN_AGE = 0.0
NO_MAX_AGE = 1000.0
_YEARS_PER_UNIT = {"a": 1.0, "mo": 1 / 12, "wk": 7 / 365.25, "d": 1 / 365.25}

Cohort = frozenset[str] | None


@dataclass(frozen=True)
class CriteriaKeys:
    diagnoses: tuple[str, ...]
    min_age: float
    max_age: float
    sex: str


@dataclass(frozen=True)
class PatientKeys:
    diagnoses: tuple[str, ...] | None
    """Concepts of the patient's conditions; None when the record lists no condition at all."""
    age: int | None
    sex: str | None


def criteria_keys(
    evidence_variable: dict[str, Any] | None, comparison_groups: list[dict[str, Any]] | None
) -> CriteriaKeys:
    if not evidence_variable:
        return CriteriaKeys((ANY_DIAGNOSIS,), NO_MIN_AGE, NO_MAX_AGE, ANY_SEX)
    plan = build_plan(evidence_variable)
    min_age, max_age = _age_bounds(plan)
    return CriteriaKeys(_diagnoses(plan, comparison_groups), min_age, max_age, _sex(plan))


def patient_keys(record: PatientRecord) -> PatientKeys:
    diagnoses: set[str] | None = None
    if record.conditions:
        diagnoses = set()
        for condition in record.conditions:
            concepts = condition_concepts(condition)
            if not concepts.isdisjoint(_ROOTS) and cancers.classify(condition, concepts, ()) == (
                "unclear"
            ):
                diagnoses = None  # "cancer" of unrecorded type: it may be any study's
                break
            diagnoses |= concepts
            if not is_about_someone_else(condition):
                # A diagnosis in a group's periphery leaves the group `unknown`, not `not-met`.
                diagnoses |= groups_of(condition, concepts, concepts_of(condition.code))
            # A diagnosis less specific than a study's (lung cancer for NSCLC) is `unknown` to
            # the evaluator, never `not-met`: it must not be filtered out either.
            for concept in concepts - _ROOTS:
                diagnoses |= cancers.descendants(concept)
            # "Diabetes mellitus" of no type may be the type 1 a study requires (`unknown`).
            diagnoses |= possibly_narrower(concepts)
            # An alcohol use disorder may be what "drug abuse" means (`unknown`).
            diagnoses |= concepts_an_entry_may_be(concepts)
            diagnoses |= block_keys_of_recorded(
                c.code for c in condition.code.codings if c.system == ICD10CM and c.code
            )
            # An entry without an ICD-10-CM code naming a title in other words may be it.
            if not is_about_someone_else(condition):
                diagnoses |= titles_an_entry_may_be(condition)
                # A wider code whose inclusion term names a kind of a common name (G31.01,
                # "primary progressive aphasia") may be that diagnosis.
                diagnoses |= concepts_by_inclusion_term(condition)

                diagnoses |= injuries_an_entry_may_be(condition)  # a healed fracture of no site
            diagnoses |= _stops_at(concepts)
        if diagnoses is not None and _metastases_of_unnamed_primary(record):
            diagnoses = None  # the primary may be any study's cancer (`less_specific_than`)
    sex = record.patient.sex
    return PatientKeys(
        tuple(sorted(diagnoses)) if diagnoses is not None else None,
        record.patient.age_on(record.as_of),
        sex,
    )


def _metastases_of_unnamed_primary(record: PatientRecord) -> bool:
    malignancies = [
        (condition, concepts)
        for condition in record.conditions
        if not (concepts := condition_concepts(condition)).isdisjoint(_ROOTS)
    ]
    return any(
        cancers.classify(condition, concepts, ()) == "secondary"
        for condition, concepts in malignancies
    ) and cancers.names_no_primary(malignancies)


# ---------------------------------------------------------------- diagnosis


def _diagnoses(plan: StudyPlan, comparison_groups: list[dict[str, Any]] | None) -> tuple[str, ...]:
    groups = comparison_group_aliases(plan.cohort_keys, comparison_groups)
    cohorts: list[Cohort] = [aliases for _, _, aliases in groups] or [None]
    union: set[str] = set()
    for cohort in cohorts:
        needed: frozenset[str] | None = None
        for node in plan.nodes:
            if node.exclude or not applies_to(node, cohort):
                continue
            required = _node_requires(node, cohort)
            if required is not None and (needed is None or len(required) < len(needed)):
                needed = required
        if needed is None:
            return (ANY_DIAGNOSIS,)
        union |= needed
    return tuple(sorted(union))


def _stopping_at(broader: frozenset[str]) -> frozenset[str]:
    """The concepts above a title an entry may stop at, a common name's set as `STOPS_AT`: every
    diagnosis of the set carries the set ("Osteoarthritis of shoulder" is osteoarthritis), but
    only one that names nothing narrower may be the title (knee osteoarthritis)."""
    common = terminology.terminology().icd_common_sets
    return frozenset(STOPS_AT + c if c in common else c for c in broader)


def _stops_at(concepts: frozenset[str]) -> frozenset[str]:
    """`STOPS_AT` keys of an entry's common-name sets that no narrower `icd10cm:` concept of the
    entry lies inside."""
    vocabulary = terminology.terminology()
    found = set()
    for common in concepts & vocabulary.icd_common_sets:
        members = common[len(terminology.ICD_TITLE_PREFIX) :].split(terminology.ICD_SET_JOIN)
        inside = [
            c
            for c in concepts
            if c != common
            and c.startswith(terminology.ICD_TITLE_PREFIX)
            and all(
                any(code.startswith(m) for m in members)
                for code in c[len(terminology.ICD_TITLE_PREFIX) :].split(terminology.ICD_SET_JOIN)
            )
        ]
        if not inside:
            found.add(STOPS_AT + common)
    return frozenset(found)


def _node_requires(node: PlanNode, cohort: Cohort) -> frozenset[str] | None:
    """Concepts one of which the patient must have, or this node (taken positively) is not met."""
    if node.children:
        members = [child for child in node.children if applies_to(child, cohort)]
        required = [None if m.exclude else _node_requires(m, cohort) for m in members]
        return _combine(node.combination, node.threshold, required)
    return _criterion_requires(node.criterion) if node.criterion is not None else None


def _criterion_requires(criterion: Criterion) -> frozenset[str] | None:
    if criterion.kind is Kind.CONDITION and criterion.concept:
        if criterion.concept in NOT_ONLY_DIAGNOSES:
            return None  # also met by a stage or a procedure, not only by a diagnosis
        # A diagnosis less specific than a title's (multiple sclerosis for relapsing-remitting
        # MS) is `unknown` to the evaluator, never `not-met`: it must not be filtered out.
        broader = _stopping_at(terminology.terminology().broader_than_title(criterion.concept))
        # So is an unspecified entry of the diagnosis's ICD-10-CM block ("Unspecified
        # osteoarthritis, unspecified site" for knee osteoarthritis).
        blocks = block_keys_of_required(icd_codes_of(criterion.concept))
        return frozenset({criterion.concept}) | broader | blocks
    if criterion.kind is Kind.COMBINATION:
        required = [
            None if child.negated else _criterion_requires(child) for child in criterion.children
        ]
        return _combine(criterion.combination, criterion.threshold, required)
    return None


def _combine(
    code: CombinationCode | None, threshold: int | None, required: list[frozenset[str] | None]
) -> frozenset[str] | None:
    if not required:
        return None  # an emptied combination is satisfied
    known = [r for r in required if r is not None]
    if (code or "all-of") == "all-of":
        return min(known, key=len) if known else None
    if code == "any-of" or (code == "at-least" and (threshold or 1) >= 1):
        if len(known) < len(required):
            return None
        return frozenset().union(*known)
    return None


# ---------------------------------------------------------------- age and sex


def _top_level_leaves(plan: StudyPlan, kind: Kind) -> Iterable[Criterion]:
    """The criteria of `kind` every patient must meet: top-level inclusion leaves, and the
    members of a top-level `all-of` (CT.gov's "6 Months to 17 Years" is one, of two members)."""
    for node in plan.nodes:
        if node.exclude or node.cohort is not None:
            continue
        members = node.children if node.combination == "all-of" else ()
        for leaf in (node,) if not node.children else members:
            criterion = leaf.criterion
            if (
                not leaf.exclude
                and leaf.cohort is None
                and not leaf.children
                and criterion is not None
                and criterion.kind is kind
            ):
                yield criterion


def _age_bounds(plan: StudyPlan) -> tuple[float, float]:
    low, high = NO_MIN_AGE, NO_MAX_AGE
    for criterion in _top_level_leaves(plan, Kind.AGE):
        factor = _YEARS_PER_UNIT.get(criterion.unit or "a")
        if factor is None or criterion.value is None:
            continue
        value = criterion.value * factor
        comparator = criterion.comparator
        if comparator is None:  # a range: value .. high
            low = max(low, math.floor(value))
            if criterion.high is not None:
                high = min(high, criterion.high * factor + 1)
        elif comparator in (">", ">="):
            low = max(low, math.floor(value))
        elif comparator in ("<", "<="):
            high = min(high, value + 1)
        elif comparator == "=":
            low, high = max(low, math.floor(value)), min(high, value + 1)
    return low, high


def _sex(plan: StudyPlan) -> str:
    for criterion in _top_level_leaves(plan, Kind.SEX):
        if criterion.value_concept in ("female", "male"):
            return criterion.value_concept
    return ANY_SEX
