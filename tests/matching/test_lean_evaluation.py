"""`$match` ranks candidates by the lean pass (`evaluation.lean`: outcomes only, each distinct
leaf once per patient, plans from `matching.plans.PlanStore`); it must answer exactly what
`evaluate_study` answers: the verdict, the score, every top-level criterion's result (per
comparison group) and every leaf's result, for every study.

Studies: the 36 real CT.gov records of tests/data/ctgov as published (comparison groups and
cohort-tied criteria included), and every fifth of the 1,357 real eligibility texts of
tests/data/criteria compiled in a breast-cancer record (272 texts from all disease areas).
Patients: every real bundle of tests/data/patients (CodeX and Synthea), plus one of them dead.
All studies share one `LeafOutcomes` per patient, as the studies of one `$match` do.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from functools import cache
from itertools import chain
from typing import Any

import pytest

from fhirtrial.eligibility.evaluation import StudyEvaluation, evaluate_study
from fhirtrial.eligibility.evaluation.cohorts import comparison_group_aliases
from fhirtrial.eligibility.evaluation.evaluator import _FLIP
from fhirtrial.eligibility.evaluation.lean import (
    LeafOutcomes,
    LeanPlan,
    criterion_outcomes,
    lean_verdict_and_score,
    verdict_and_score,
)
from fhirtrial.eligibility.evaluation.plan import PlanNode, StudyPlan
from fhirtrial.eligibility.evaluation.results import CriterionResult
from fhirtrial.mappers.ctgov import map_study
from fhirtrial.matching.plans import PlanStore
from fhirtrial.patient.bundle_input import read_patient
from fhirtrial.patient.record import PatientRecord
from tests.eligibility.corpus import all_texts
from tests.matching.match_patients import DATA

AS_OF = date(2026, 11, 15)
BUNDLES = sorted(
    str(path.relative_to(DATA / "patients"))
    for path in (DATA / "patients").glob("*/*.json")
    if path.name != "patient_data.json"  # mixes two patients: refused by $match
)

Study = tuple[str, dict[str, Any], list[dict[str, Any]] | None]


def _records() -> list[dict[str, Any]]:
    lines = (DATA / "ctgov" / "breast-cancer-studies.ndjson").read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    records.append(json.loads((DATA / "ctgov" / "NCT02513394.json").read_text()))
    return records


def _study(record: dict[str, Any], name: str) -> Study:
    resources = map_study(record).resources
    evidence_variable = next(r for r in resources if r["resourceType"] == "EvidenceVariable")
    research_study = next(r for r in resources if r["resourceType"] == "ResearchStudy")
    groups = [
        {k: g[k] for k in ("linkId", "name", "description") if k in g}
        for g in research_study.get("comparisonGroup") or ()
    ]
    return name, evidence_variable, groups or None


@cache
def catalog() -> tuple[Study, ...]:
    records = _records()
    studies = [_study(record, f"record {i}") for i, record in enumerate(records)]
    template = copy.deepcopy(records[0])
    eligibility = template["protocolSection"]["eligibilityModule"]
    for row in all_texts()[::5]:
        eligibility["eligibilityCriteria"] = row["eligibilityCriteria"]
        studies.append(_study(template, f"text of {row['nctId']}"))
    return tuple(studies)


@cache
def lean_plans() -> tuple[LeanPlan, ...]:
    store = PlanStore()
    return tuple(store.put(f"ev-{i}", 1, ev) for i, (_, ev, _) in enumerate(catalog()))


def plans() -> tuple[StudyPlan, ...]:
    return tuple(lean.plan for lean in lean_plans())


def test_the_catalog_has_cohorts_exclusions_and_combinations():
    """The catalog exercises what the lean pass must reproduce."""
    assert len(catalog()) == 36 + 272
    assert sum(1 for plan in plans() if plan.cohort_keys) >= 2
    codes = {node.combination for plan in plans() for node in _walk(plan.nodes)}
    assert {"all-of", "any-of"} <= codes
    assert any(node.exclude for plan in plans() for node in _walk(plan.nodes) if node.children)


def _walk(nodes: tuple[PlanNode, ...]):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _record(name: str) -> PatientRecord:
    bundle = json.loads((DATA / "patients" / name).read_text())
    return read_patient(bundle, as_of=AS_OF)


def _dead(name: str) -> PatientRecord:
    bundle = json.loads((DATA / "patients" / name).read_text())
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Patient":
            entry["resource"].pop("deceasedBoolean", None)
            entry["resource"]["deceasedDateTime"] = "2026-01-02"
    return read_patient(bundle, as_of=AS_OF)


@pytest.mark.parametrize("name", BUNDLES)
def test_lean_pass_answers_what_evaluate_study_answers(name):
    _assert_equal_answers(_record(name))


def test_the_catalog_tells_a_breast_cancer_patient_apart():
    answers = _assert_equal_answers(_record("codex/TrialMatching_Patient01.json"))
    assert {verdict for verdict, _ in answers} == {"eligible", "ineligible", "potential-candidate"}
    assert len({score for _, score in answers}) > 20


def test_lean_pass_rules_out_a_dead_patient_as_evaluate_study_does():
    record = _dead(BUNDLES[-1])
    assert record.patient.deceased
    answers = _assert_equal_answers(record)
    assert {verdict for verdict, _ in answers} == {"ineligible"}


def _assert_equal_answers(record: PatientRecord) -> list[tuple[str, float]]:
    leaves = LeafOutcomes(record, AS_OF)
    answers = []
    for (name, evidence_variable, groups), lean_plan in zip(catalog(), lean_plans(), strict=True):
        plan = lean_plan.plan
        full = evaluate_study(evidence_variable, record, as_of=AS_OF, comparison_groups=groups)
        lean = lean_verdict_and_score(lean_plan, leaves, groups)
        assert lean == (full.verdict, full.score), name
        assert verdict_and_score(plan, leaves, groups) == lean, name
        _assert_equal_criteria(name, plan, leaves, groups, full)
        answers.append(lean)
    return answers


def _assert_equal_criteria(
    name: str,
    plan: StudyPlan,
    leaves: LeafOutcomes,
    groups: list[dict[str, Any]] | None,
    full: StudyEvaluation,
) -> None:
    if not full.cohorts:
        per_group = [(None, full.criteria)]
    else:
        aliases = {
            link_id: cohort
            for link_id, _, cohort in comparison_group_aliases(plan.cohort_keys, groups)
        }
        per_group = [(aliases[c.link_id], c.criteria) for c in full.cohorts]
        assert len(per_group) == len(aliases), name
    for cohort, criteria in per_group:
        lean = criterion_outcomes(plan, leaves, cohort)
        assert [(n.link_id, r) for n, r in zip(plan.nodes, lean, strict=True)] == [
            (c.link_id, c.result) for c in criteria
        ], name
        for node, result in zip(plan.nodes, criteria, strict=True):
            _assert_equal_leaves(name, node, result, leaves, excluding=False, member=False)


def _assert_equal_leaves(
    name: str,
    node: PlanNode,
    result: CriterionResult,
    leaves: LeafOutcomes,
    *,
    excluding: bool,
    member: bool,
) -> None:
    """Each leaf's outcome from the shared LeafOutcomes equals the evaluator's, where the
    evaluator did not relieve it (value_defined) and the leaf applies."""
    inner = excluding != node.exclude
    if result.result == "not-applicable" and not node.children:
        return
    if not node.children:
        own = leaves.outcome(node, inner)
        assert (_FLIP[own] if member and node.exclude else own) == result.result, (name, node)
        return
    outcomes = {c.result for c in result.children}
    # value_defined may have made a not-met member unknown beside a met one
    relief_possible = not inner and (node.combination or "all-of") == "all-of" and "met" in outcomes
    members = {child.link_id: child for child in node.children}
    for child_result in result.children:
        child = members[child_result.link_id]
        if relief_possible and child_result.result == "unknown" and not child.children:
            continue
        _assert_equal_leaves(name, child, child_result, leaves, excluding=inner, member=True)


# Bullets whose value defines the diagnosis (value_defined): a record with the value and without
# the diagnosis is relieved to "unknown", a record failing the value is not.
_RELIEF_BULLETS = [
    "Chronic kidney disease stage 3 (eGFR 30-59 mL/min/1.73 m2)",
    "Hypertension (systolic ≥ 140 mmHg or diastolic ≥ 90 mmHg)",
]


def _value_defined_cases() -> list[tuple[str, PatientRecord, str]]:
    from tests.eligibility.ehr_records import ICD, condition, patient, record
    from tests.eligibility.test_value_defined_diagnoses import _dbp, _egfr, _sbp

    gerd = condition("GERD", (ICD, "K21.9", "Gastro-esophageal reflux disease"))
    return [
        (_RELIEF_BULLETS[0], record(patient(), gerd, _egfr(45)), "potential-candidate"),
        (_RELIEF_BULLETS[0], record(patient(), gerd, _egfr(75)), "ineligible"),
        (_RELIEF_BULLETS[1], record(patient(), gerd, _sbp(152), _dbp(86)), "potential-candidate"),
        (_RELIEF_BULLETS[1], record(patient(), gerd, _sbp(118), _dbp(72)), "ineligible"),
    ]


@pytest.mark.parametrize("case", range(4))
def test_the_lean_pass_relieves_a_diagnosis_its_value_defines(case):
    """The all-of(diagnosis, value) of such a bullet, alone or beside another criterion in a
    study without comparison groups: the lean pass answers what the evaluator does, and the
    relief (a not-met diagnosis beside a met value) is what keeps the patient a candidate."""
    bullet, person, verdict = _value_defined_cases()[case]
    store = PlanStore()
    for n, inclusion in enumerate(([bullet], [bullet, "Age 18 years or older"])):
        text = "Inclusion Criteria:\n" + "".join(f"- {b}\n" for b in inclusion)
        answer = _lean_answer_of_a_combination(store, f"ev-{n}", text, person)
        assert answer[0] == verdict


def _lean_answer_of_a_combination(
    store: PlanStore, name: str, text: str, person: PatientRecord
) -> tuple[str, float]:
    """The lean pass's verdict and score of a study with this eligibility text whose plan
    (stored as `name`) holds a combination; asserted equal to `evaluate_study`'s."""
    return _stored_combination(store, name, 1, text, person)[1]


def _stored_combination(
    store: PlanStore, name: str, version: int, text: str, person: PatientRecord
) -> tuple[LeanPlan, tuple[str, float]]:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000011", "briefTitle": "x"},
            "eligibilityModule": {"eligibilityCriteria": text},
        }
    }
    evidence_variable = next(
        r for r in map_study(study).resources if r["resourceType"] == "EvidenceVariable"
    )
    lean_plan = store.put(name, version, evidence_variable)
    assert lean_plan.combinations, "the bullet must compile to a combination"
    full = evaluate_study(evidence_variable, person, as_of=person.as_of)
    answer = lean_verdict_and_score(lean_plan, LeafOutcomes(person, person.as_of))
    assert answer == (full.verdict, full.score)
    return lean_plan, answer


def test_members_tied_to_another_group_do_not_count_for_this_one():
    """A combination whose members are tied to different cohorts counts, for each group, only
    the members of that group (`cohorts.applies_to`), as the evaluator does: here group A's
    only member (age ≥ 90) fails for a 66-year-old, and group B fails on its own criterion
    (age ≥ 95), so the study is ineligible; counting B's member (age ≥ 18) for A would make it
    eligible."""
    from tests.eligibility.ehr_records import patient, record

    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000012", "briefTitle": "x"},
            "eligibilityModule": {
                "eligibilityCriteria": "Inclusion Criteria:\n- Age 90 years or older\n"
                "- Age 18 years or older\n- Age 95 years or older\n"
            },
        }
    }
    evidence_variable = next(
        r for r in map_study(study).resources if r["resourceType"] == "EvidenceVariable"
    )
    older, adult, oldest = (copy.deepcopy(c) for c in evidence_variable["characteristic"])

    def tied(characteristic: dict[str, Any], cohort: str) -> dict[str, Any]:
        label = {
            "url": "https://fhirtrial.org/fhir/StructureDefinition/cohort-label",
            "valueString": cohort,
        }
        return {**characteristic, "extension": [*characteristic.get("extension", []), label]}

    evidence_variable["characteristic"] = [
        {
            "linkId": "inc-1",
            "description": "Cohort A: age 90 or older; Cohort B: 18 or older",
            "exclude": False,
            "definitionByCombination": {
                "code": "any-of",
                "characteristic": [tied(older, "Cohort A"), tied(adult, "Cohort B")],
            },
        },
        tied(oldest, "Cohort B"),
    ]
    groups = [{"linkId": "arm-a", "name": "Cohort A"}, {"linkId": "arm-b", "name": "Cohort B"}]
    person = record(patient(born="1960-04-02"))
    lean_plan = PlanStore().put("ev-cohorts", 1, evidence_variable)
    assert lean_plan.plan.cohort_keys
    full = evaluate_study(evidence_variable, person, as_of=person.as_of, comparison_groups=groups)
    answer = lean_verdict_and_score(lean_plan, LeafOutcomes(person, person.as_of), groups)
    assert answer == (full.verdict, full.score)
    assert answer[0] == "ineligible"


def test_plans_share_equal_combinations_and_a_patient_walks_each_once():
    """Equal combinations of different studies are one compiled object (`lean.share`), walked
    once per patient: the catalog's combinations are fewer distinct objects than it has, and
    after one patient's pass every distinct one has exactly one outcome kept."""
    plain = [lean for lean in lean_plans() if not lean.plan.cohort_keys]  # groups: own views
    combinations = [c for lean in plain for c in lean.combinations]
    distinct = {id(c): c for c in combinations}
    assert len(distinct) < len(combinations)
    leaves = LeafOutcomes(_record(BUNDLES[0]), AS_OF)
    for (_, _, groups), lean in zip(catalog(), lean_plans(), strict=True):
        lean_verdict_and_score(lean, leaves, groups)
    walked = {key for key, (held, _) in leaves.combined.items() if held is distinct.get(key)}
    assert walked == set(distinct)
    # The comparison groups' views share theirs through the same table.
    grouped = [lean for lean in lean_plans() if lean.plan.cohort_keys]
    in_views = [c for lean in grouped for view in lean.views.values() for c in chain(*view)]
    shared = {id(c) for lean in grouped for c in (lean.shared or {}).values()}
    assert [c for c in in_views if c[3] is not None]  # the groups have combinations
    assert all(id(c) in shared for c in in_views if c[3] is not None)


def test_a_combination_is_not_shared_with_an_equal_one_asked_the_other_way():
    """The same any-of as an inclusion and as an exclusion answers differently; sharing must
    keep them apart (the verdicts are the evaluator's)."""
    from tests.eligibility.ehr_records import patient, record

    store = PlanStore()
    person = record(patient(born="1960-04-02"))
    bullet = "- Age 90 years or older or age 18 years or older\n"
    texts = [f"Inclusion Criteria:\n{bullet}", f"Exclusion Criteria:\n{bullet}"]
    answers = [
        _lean_answer_of_a_combination(store, f"ev-{n}", text, person)[0]
        for n, text in enumerate(texts)
    ]
    assert answers == ["eligible", "ineligible"]


def test_replaced_plans_do_not_keep_their_criteria_held_for_sharing():
    """A server syncing the catalog replaces plans for months: what it holds for sharing is
    read again from the current plans once it has doubled, so it follows the catalog, not its
    history; sharing and the verdicts are the same after it."""
    from tests.eligibility.ehr_records import patient, record

    person = record(patient(born="1960-04-02"))
    store = PlanStore(compact_above=40)

    def put(name: str, version: int, age: int) -> tuple[LeanPlan, tuple[str, float]]:
        text = f"Inclusion Criteria:\n- Age {age} years or older or age 95 years or older\n"
        return _stored_combination(store, name, version, text, person)

    for version in range(1, 61):  # one study's criteria edited 60 times
        edited, _ = put("ev-edited", version, 20 + version)
    assert store.compactions >= 2
    assert store.held_for_sharing() <= 40  # a few for the one current plan, not ~180
    same, answer = put("ev-same", 1, 80)
    assert same.combinations[0] is edited.combinations[0]  # equal criteria still shared
    assert answer[0] == "ineligible"
    assert put("ev-young", 1, 50)[1] == ("eligible", 1.0)
