"""A lead-in's own requirement holds together with its sub-bullets, per cohort.

NCT05361174 inc-2.2 (Cohort 2, NSCLC): "no more than 3 prior lines of therapy and:" — those
without oncogene-driven tumours: progressed within 12 weeks after the last anti-PD-1/PD-L1 dose;
those with: progressed on ≥ 1 targeted therapy AND either platinum doublet chemotherapy or
anti-PD-1/PD-L1 (progressed within 12 weeks). "≤ 3 lines" alone must not satisfy it.
"""

from __future__ import annotations

from datetime import date

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.evaluation import evaluate_study
from fhirtrial.eligibility.evaluation.results import CriterionResult
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.patient.record import read_patient_bundle
from tests.eligibility.real_data import seed_study

AS_OF = date(2026, 11, 15)
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SCT = "http://snomed.info/sct"
LOINC = "http://loinc.org"
PEMBROLIZUMAB = ("1547545", "pembrolizumab")
CARBOPLATIN = ("40048", "carboplatin")
IPILIMUMAB = ("1094833", "ipilimumab")
ERLOTINIB = ("337525", "erlotinib")
NSCLC = ("254637007", "Non-small cell lung cancer")
MELANOMA = ("372244006", "Malignant melanoma")


def _study() -> dict:
    return build_evidence_variable(
        seed_study("NCT05361174"),
        evidence_variable_id="nct05361174",
        study_reference="ResearchStudy/nct05361174",
    )


STUDY = _study()


def _bundle(*resources: dict) -> dict:
    patient = {"resourceType": "Patient", "id": "p", "gender": "male", "birthDate": "1960-03-01"}
    entries = [{"resource": patient}, *({"resource": r} for r in resources)]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _diagnosis(code: tuple[str, str]) -> dict:
    return {
        "resourceType": "Condition",
        "id": "dx",
        "clinicalStatus": {"coding": [{"code": "active"}]},
        "code": {"coding": [{"system": SCT, "code": code[0], "display": code[1]}]},
        "subject": {"reference": "Patient/p"},
    }


def _course(id_: str, drug: tuple[str, str], start: str, end: str) -> dict:
    return {
        "resourceType": "MedicationStatement",
        "id": id_,
        "status": "completed",
        "subject": {"reference": "Patient/p"},
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": drug[0], "display": drug[1]}]
        },
        "effectivePeriod": {"start": start, "end": end},
    }


def _progression(day: str) -> dict:
    """mCODE CancerDiseaseStatus: the clinician judged the cancer worsened."""
    return {
        "resourceType": "Observation",
        "id": f"progression-{day}",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "97509-4"}]},
        "subject": {"reference": "Patient/p"},
        "effectiveDateTime": day,
        "valueCodeableConcept": {
            "coding": [
                {"system": SCT, "code": "271299001", "display": "Patient's condition worsened"}
            ]
        },
    }


def _no_variant(gene: str) -> dict:
    """A genomic variant assessment with no variant found in `gene` (LOINC answer Absent)."""
    return {
        "resourceType": "Observation",
        "id": f"variant-{gene.lower()}",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "69548-6"}]},
        "subject": {"reference": "Patient/p"},
        "effectiveDateTime": "2024-01-02",
        "valueCodeableConcept": {"coding": [{"system": LOINC, "code": "LA9634-2"}]},
        "component": [
            {
                "code": {"coding": [{"system": LOINC, "code": "48018-6"}]},
                "valueCodeableConcept": {"text": gene},
            }
        ],
    }


NO_DRIVER = [_no_variant(gene) for gene in ("EGFR", "ALK", "ROS1", "BRAF")]
TWO_LINES = [
    _course("carbo", CARBOPLATIN, "2024-02-01", "2024-07-01"),
    _course("pembro", PEMBROLIZUMAB, "2025-06-01", "2026-08-20"),
]


def _find(results: list[CriterionResult], link_id: str) -> CriterionResult:
    stack = list(results)
    while stack:
        result = stack.pop()
        if result.link_id == link_id:
            return result
        stack.extend(result.children)
    raise KeyError(link_id)


def _evaluate(*resources: dict):
    record = read_patient_bundle(_bundle(*resources), as_of=AS_OF)
    evaluation = evaluate_study(STUDY, record, as_of=AS_OF)
    nsclc = next(c for c in evaluation.cohorts if c.link_id == "arm-2")
    return evaluation, nsclc


def test_the_lead_in_requirement_and_its_branches_are_all_required() -> None:
    characteristic = next(c for c in STUDY["characteristic"] if c["linkId"] == "inc-2")
    cohort_2 = characteristic["definitionByCombination"]["characteristic"][1]
    combination = cohort_2["definitionByCombination"]
    assert combination["code"] == "all-of"
    lines, branches = combination["characteristic"]
    assert lines["linkId"] == "inc-2.2-p0"
    assert lines["instancesRange"] == {"high": {"value": 3}}
    assert branches["definitionByCombination"]["code"] == "any-of"
    with_driver = branches["definitionByCombination"]["characteristic"][1]
    own, either = with_driver["definitionByCombination"]["characteristic"]
    assert with_driver["definitionByCombination"]["code"] == "all-of"
    assert own["linkId"] == "inc-2.2.2-p0"
    assert [c["linkId"] for c in either["definitionByCombination"]["characteristic"]] == [
        "inc-2.2.2.1",
        "inc-2.2.2.2",
    ]
    assert either["definitionByCombination"]["code"] == "any-of"


def test_two_lines_without_a_qualifying_progression_do_not_satisfy_cohort_2() -> None:
    _, nsclc = _evaluate(_diagnosis(NSCLC), *TWO_LINES, *NO_DRIVER)
    therapy = _find(nsclc.criteria, "inc-2.2")
    assert _find(nsclc.criteria, "inc-2.2-p0").result == "met"  # ≤ 3 lines on its own holds
    assert therapy.result != "met"
    assert _find(nsclc.criteria, "inc-2.2.2").result == "not-met"  # no driver: other branch


def test_four_lines_are_too_many_whatever_the_progression() -> None:
    courses = [
        _course("l1", CARBOPLATIN, "2022-01-01", "2022-05-01"),
        _course("l2", IPILIMUMAB, "2023-01-01", "2023-04-01"),
        _course("l3", ERLOTINIB, "2024-01-01", "2024-09-01"),
        _course("l4", PEMBROLIZUMAB, "2025-06-01", "2026-08-20"),
    ]
    _, nsclc = _evaluate(_diagnosis(NSCLC), *courses, *NO_DRIVER, _progression("2026-09-20"))
    assert _find(nsclc.criteria, "inc-2.2-p0").result == "not-met"
    assert _find(nsclc.criteria, "inc-2.2.1").result == "met"
    assert _find(nsclc.criteria, "inc-2.2").result == "not-met"
    assert nsclc.verdict == "ineligible"


def test_two_lines_with_progression_within_12_weeks_of_anti_pd_1_satisfy_cohort_2() -> None:
    _, nsclc = _evaluate(_diagnosis(NSCLC), *TWO_LINES, *NO_DRIVER, _progression("2026-09-20"))
    therapy = _find(nsclc.criteria, "inc-2.2")
    assert therapy.result == "met"
    branch = _find(nsclc.criteria, "inc-2.2.1")
    assert branch.result == "met"
    assert "Observation/progression-2026-09-20" in branch.evidence
    assert "MedicationStatement/pembro" in branch.evidence


def test_progression_later_than_12_weeks_after_the_last_dose_does_not_count() -> None:
    _, nsclc = _evaluate(_diagnosis(NSCLC), *TWO_LINES, *NO_DRIVER, _progression("2026-11-14"))
    assert _find(nsclc.criteria, "inc-2.2.1").result != "met"
    assert _find(nsclc.criteria, "inc-2.2").result != "met"


def test_a_melanoma_patient_is_not_failed_by_the_nsclc_cohort_criteria() -> None:
    # Cohort 1 needs progression on anti-PD-1; this patient has 5 lines, which only Cohort 2
    # (≤ 3 lines) would reject.
    courses = [
        _course("l1", CARBOPLATIN, "2021-01-01", "2021-05-01"),
        _course("l2", IPILIMUMAB, "2022-01-01", "2022-04-01"),
        _course("l3", ERLOTINIB, "2023-01-01", "2023-09-01"),
        _course("l4", ("1424911", "dabrafenib"), "2024-06-01", "2025-01-01"),
        _course("pembro", PEMBROLIZUMAB, "2025-06-01", "2026-08-20"),
    ]
    evaluation, _ = _evaluate(_diagnosis(MELANOMA), *courses, _progression("2026-09-20"))
    melanoma = next(c for c in evaluation.cohorts if c.link_id == "arm-1")
    therapy = _find(melanoma.criteria, "inc-2")
    assert [c.link_id for c in therapy.children] == ["inc-2.1"]  # the NSCLC child is dropped
    assert _find(melanoma.criteria, "inc-2.1-p1").result == "met"
    assert melanoma.verdict != "ineligible"
    assert evaluation.cohorts[0].link_id == "arm-1"  # the cohort that fits comes first
    verdicts = {c.link_id: c.verdict for c in evaluation.cohorts}
    assert verdicts["arm-2"] == "ineligible"  # melanoma is not NSCLC


def test_an_nsclc_patient_fits_cohort_2_only() -> None:
    evaluation, nsclc = _evaluate(
        _diagnosis(NSCLC), *TWO_LINES, *NO_DRIVER, _progression("2026-09-20")
    )
    assert evaluation.cohorts[0] is nsclc
    melanoma = next(c for c in evaluation.cohorts if c.link_id == "arm-1")
    assert melanoma.verdict == "ineligible"
    assert nsclc.verdict == "potential-candidate"  # stage, ECOG and text-only criteria are open
    assert _find(nsclc.criteria, "inc-2").result == "met"
    assert _find(nsclc.criteria, "exc-6").result == "not-met"  # NSCLC is not "another" cancer
    assert _find(melanoma.criteria, "inc-1").result == "not-met"


def _compiled(text: str):
    (node,) = compile_outline(parse_outline(f"Inclusion Criteria:\n\n{text}"))
    return node


def test_or_between_sibling_bullets_makes_them_alternatives() -> None:
    node = _compiled(
        "* Adequate function as defined below:\n"
        "  * Absolute neutrophil count ≥ 1,500/microL\n"
        "  * Creatinine < 1.5 times ULN; OR\n"
        "  * Creatinine clearance ≥ 60 mL/min\n"
    )
    assert node.combination == "all-of"
    anc, either = node.children
    assert anc.link_id == "inc-1.1"
    assert (either.link_id, either.combination) == ("inc-1-or1", "any-of")
    assert [c.link_id for c in either.children] == ["inc-1.2", "inc-1.3"]


def test_at_least_one_of_the_following_written_with_a_sign_is_any_of() -> None:
    node = _compiled(
        "* Patients with ≥ 1 of the following risk factors:\n"
        "  * Prior chemotherapy\n"
        "  * Age > 65 years\n"
    )
    assert node.combination == "any-of"


def test_listed_exceptions_are_negated_not_required() -> None:
    node = _compiled(
        "* No use of immunosuppressive medication within 14 days. The following are exceptions"
        " to this criterion:\n"
        "  * Inhaled steroids\n"
        "  * Prednisone ≤ 10 mg/day\n"
    )
    own, exceptions = node.children
    assert own.link_id == "inc-1-p0"
    assert (exceptions.link_id, exceptions.exclude, exceptions.combination) == (
        "inc-1-sub",
        True,
        "any-of",
    )


def test_another_primary_malignancy_is_one_other_than_the_study_cancer() -> None:
    breast = _diagnosis(("254837009", "Malignant neoplasm of breast")) | {
        "id": "breast",
        "onsetDateTime": "2025-01-10",
    }
    _, alone = _evaluate(_diagnosis(NSCLC), *TWO_LINES)
    _, with_breast = _evaluate(_diagnosis(NSCLC), breast, *TWO_LINES)
    assert _find(alone.criteria, "exc-6").result == "not-met"
    other = _find(with_breast.criteria, "exc-6")
    assert other.result == "met"
    assert other.evidence == ["Condition/breast"]
    assert with_breast.verdict == "ineligible"


def test_common_chemotherapy_counts_as_a_line_of_therapy() -> None:
    docetaxel = _course("doce", ("0", "docetaxel"), "2023-03-01", "2023-07-01")
    del docetaxel["medicationCodeableConcept"]["coding"]
    docetaxel["medicationCodeableConcept"]["text"] = "Docetaxel 20 MG/ML Injection"
    courses = [
        _course("pacli", ("56946", "paclitaxel"), "2021-01-01", "2021-05-01"),
        _course("gem", ("12574", "gemcitabine"), "2022-01-01", "2022-05-01"),
        docetaxel,
        _course("pembro", PEMBROLIZUMAB, "2025-06-01", "2026-08-20"),
    ]
    _, nsclc = _evaluate(_diagnosis(NSCLC), *courses)
    lines = _find(nsclc.criteria, "inc-2.2-p0")
    assert lines.result == "not-met"  # 4 lines > 3
    assert "4 prior line(s)" in lines.reason
    assert "[matched by text, no standard code]" not in lines.reason  # coded members decide
