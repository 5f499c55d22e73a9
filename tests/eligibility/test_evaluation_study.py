"""evaluate_study: verdicts, scores, combinations, cohorts, plan caching and bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fhirtrial.eligibility.evaluation import evaluate_study
from fhirtrial.eligibility.evaluation.plan import plan_for
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.fhir_writer import COHORT_LABEL_EXTENSION, COMPARISON_GROUP_EXTENSION
from fhirtrial.patient.record import read_patient_bundle
from tests.eligibility.evaluation_case_helpers import to_characteristic

DATA = Path(__file__).resolve().parent.parent / "data"
AS_OF = date(2026, 11, 15)
SCT = "http://snomed.info/sct"
LOINC = "http://loinc.org"

AGE = {"linkId": "age", "kind": "age", "comparator": ">=", "value": 18, "unit": "a"}
ECOG = {"linkId": "inc-1", "kind": "performance-status", "concept": "ecog", "value": 0, "high": 1}
HIV = {"linkId": "exc-1", "exclude": True, "kind": "condition", "concept": "hiv"}


def ev(*characteristics: dict, id_: str = "ev-test") -> dict:
    return {"resourceType": "EvidenceVariable", "id": id_, "characteristic": list(characteristics)}


def record(*resources: dict, gender: str = "female", birth: str = "1970-01-01"):
    patient = {"resourceType": "Patient", "id": "p", "gender": gender, "birthDate": birth}
    entries = [{"resource": patient}] + [{"resource": r} for r in resources]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    return read_patient_bundle(bundle, as_of=AS_OF)


def condition(id_: str, code: str, display: str) -> dict:
    return {
        "resourceType": "Condition",
        "id": id_,
        "clinicalStatus": {"coding": [{"code": "active"}]},
        "code": {"coding": [{"system": SCT, "code": code, "display": display}]},
        "subject": {"reference": "Patient/p"},
    }


def ecog(value: int, day: str = "2026-11-01") -> dict:
    return {
        "resourceType": "Observation",
        "id": f"ecog-{value}",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "89247-1"}]},
        "subject": {"reference": "Patient/p"},
        "effectiveDateTime": day,
        "valueInteger": value,
    }


SINUSITIS = condition("sinusitis", "444814009", "Viral sinusitis (disorder)")
STUDY = ev(to_characteristic(AGE), to_characteristic(ECOG), to_characteristic(HIV))


def test_all_criteria_decided_and_passing_is_eligible_with_full_score() -> None:
    evaluation = evaluate_study(STUDY, record(SINUSITIS, ecog(1)), as_of=AS_OF)
    assert [c.result for c in evaluation.criteria] == ["met", "met", "not-met"]
    assert (evaluation.verdict, evaluation.score) == ("eligible", 1.0)
    assert evaluation.criteria[1].evidence == ["Observation/ecog-1"]
    assert evaluation.criteria[2].exclude is True


def test_an_exclusion_met_makes_the_patient_ineligible() -> None:
    hiv = condition("hiv", "86406008", "Human immunodeficiency virus infection")
    evaluation = evaluate_study(STUDY, record(hiv, ecog(0)), as_of=AS_OF)
    assert evaluation.verdict == "ineligible"
    assert evaluation.criteria[2].result == "met"
    assert evaluation.score == pytest.approx(2 / 3, abs=1e-3)


def test_an_inclusion_not_met_makes_the_patient_ineligible() -> None:
    evaluation = evaluate_study(STUDY, record(SINUSITIS, ecog(3)), as_of=AS_OF)
    assert evaluation.verdict == "ineligible"


def test_missing_data_gives_a_potential_candidate_never_met() -> None:
    evaluation = evaluate_study(STUDY, record(SINUSITIS), as_of=AS_OF)
    assert evaluation.criteria[1].result == "unknown"
    assert evaluation.verdict == "potential-candidate"
    assert evaluation.score == pytest.approx(2 / 3, abs=1e-3)


def test_negated_member_and_at_least_threshold() -> None:
    combination = {
        "linkId": "inc-2",
        "description": "at least two of the following",
        "exclude": False,
        "definitionByCombination": {
            "code": "at-least",
            "threshold": 2,
            "characteristic": [
                to_characteristic(ECOG | {"linkId": "inc-2.1"}),
                to_characteristic(HIV | {"linkId": "inc-2.2"}),  # exclude: true → NOT HIV
                to_characteristic(AGE | {"linkId": "inc-2.3", "value": 80}),
            ],
        },
    }
    evaluation = evaluate_study(ev(combination), record(SINUSITIS, ecog(1)), as_of=AS_OF)
    (result,) = evaluation.criteria
    assert [c.result for c in result.children] == ["met", "met", "not-met"]
    assert result.result == "met"
    assert result.children[1].reason.startswith("NOT (")


def cohort_study() -> tuple[dict, list[dict]]:
    def tied(spec: dict, group: str, label: str) -> dict:
        characteristic = to_characteristic(spec)
        characteristic["extension"] = [
            {"url": COMPARISON_GROUP_EXTENSION, "valueString": group},
            {"url": COHORT_LABEL_EXTENSION, "valueString": label},
        ]
        return characteristic

    melanoma = tied(
        {"linkId": "inc-1.1", "kind": "condition", "concept": "melanoma"}, "arm-1", "Cohort 1"
    )
    nsclc = tied(
        {"linkId": "inc-1.2", "kind": "condition", "concept": "nsclc"}, "arm-2", "Cohort 2"
    )
    diagnosis = {
        "linkId": "inc-1",
        "description": "melanoma (Cohort 1) or NSCLC (Cohort 2)",
        "exclude": False,
        "definitionByCombination": {"code": "all-of", "characteristic": [melanoma, nsclc]},
    }
    groups = [
        {
            "linkId": "arm-1",
            "name": "Cohort 1",
            "description": "unresectable or metastatic melanoma",
        },
        {"linkId": "arm-2", "name": "Cohort 2", "description": "stage III or IV NSCLC"},
    ]
    return ev(to_characteristic(AGE), diagnosis, id_="ev-cohorts"), groups


def test_cohorts_patient_fits_the_melanoma_group_only() -> None:
    study, groups = cohort_study()
    melanoma = condition("mel", "372244006", "Malignant melanoma")
    evaluation = evaluate_study(study, record(melanoma), as_of=AS_OF, comparison_groups=groups)
    assert evaluation.verdict == "eligible"
    verdicts = {c.link_id: c.verdict for c in evaluation.cohorts}
    assert verdicts == {"arm-1": "eligible", "arm-2": "ineligible"}
    assert [c.link_id for c in evaluation.matching_cohorts] == ["arm-1"]
    diagnosis = evaluation.criteria[1]
    assert [c.link_id for c in diagnosis.children] == ["inc-1.1"]  # the Cohort 2 member is dropped


def test_cohorts_are_found_from_the_criteria_when_no_groups_are_given() -> None:
    study, _ = cohort_study()
    nsclc = condition("lung", "254637007", "Non-small cell lung cancer")
    evaluation = evaluate_study(study, record(nsclc), as_of=AS_OF)
    assert evaluation.verdict == "eligible"
    assert evaluation.cohorts[0].link_id == "arm-2"


def test_the_plan_is_read_once_per_version() -> None:
    versioned = dict(STUDY, url="https://fhirtrial.org/fhir/EvidenceVariable/x", version="1")
    assert plan_for(versioned) is plan_for(dict(versioned))
    edited = json.loads(json.dumps(STUDY))
    edited["characteristic"][1]["definitionByTypeAndValue"]["valueRange"]["high"]["value"] = 2
    assert plan_for(edited) is not plan_for(STUDY)
    assert evaluate_study(edited, record(SINUSITIS, ecog(2)), as_of=AS_OF).verdict == "eligible"


def test_malformed_characteristics_and_data_give_unknown_with_a_reason() -> None:
    unknown_kind = {
        "linkId": "inc-9",
        "exclude": False,
        "definitionByTypeAndValue": {
            "type": {"coding": [{"system": "https://example.org/kinds", "code": "mystery"}]},
            "valueBoolean": True,
        },
    }
    lab = to_characteristic(
        {
            "linkId": "inc-10",
            "kind": "lab",
            "concept": "platelets",
            "comparator": ">=",
            "value": 100,
            "unit": "10*3/uL",
        }
    )
    platelets = {
        "resourceType": "Observation",
        "id": "plt",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "777-3"}]},
        "subject": {"reference": "Patient/p"},
        "effectiveDateTime": "2026-11-10",
        "valueQuantity": {"value": 150, "unit": "furlongs"},
    }
    evaluation = evaluate_study(
        ev(unknown_kind, lab, "not a characteristic"), record(platelets), as_of=AS_OF
    )
    assert [c.result for c in evaluation.criteria] == ["unknown", "unknown"]
    assert "manual review" in evaluation.criteria[0].reason
    assert "furlongs" in evaluation.criteria[1].reason


def test_impossible_dates_make_a_measurement_unknown() -> None:
    evaluation = evaluate_study(STUDY, record(SINUSITIS, ecog(0, day="2026-02-30")), as_of=AS_OF)
    assert evaluation.criteria[1].result == "unknown"


def test_a_real_compiled_study_evaluates_every_characteristic() -> None:
    study = json.loads((DATA / "ctgov" / "NCT02513394.json").read_text(encoding="utf-8"))
    evidence_variable = build_evidence_variable(
        study, evidence_variable_id="nct02513394", study_reference="ResearchStudy/nct02513394"
    )
    bundle = json.loads(
        (DATA / "patients" / "codex" / "TrialMatching_Patient01.json").read_text(encoding="utf-8")
    )
    patient = read_patient_bundle(bundle, as_of=date(2019, 5, 1))
    evaluation = evaluate_study(evidence_variable, patient, as_of=date(2019, 5, 1))
    assert [c.link_id for c in evaluation.criteria] == [
        c["linkId"] for c in evidence_variable["characteristic"]
    ]
    by_id = {c.link_id: c for c in evaluation.criteria}
    assert by_id["age"].result == "met"  # born 1959, PALLAS admits adults
    assert all(c.reason for c in evaluation.criteria)
