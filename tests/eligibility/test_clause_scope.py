"""What a clause applies to: a list after "with", an age at diagnosis, a past pregnancy.

Each of these compiled to a form that could exclude the wrong patient: "anticoagulants with INR
> 1.7 or PT > 15 s" excluded anyone with a long prothrombin time, "diagnosed at age > 50" asked
for a patient older than 50 today, "history of pregnancy" for a pregnant patient.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion, compile_outline
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    condition,
    observation,
    patient,
    record,
    result_of,
)
from tests.eligibility.signature import signature


def _signature(text: str, *, exclusion: bool) -> str | None:
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    return None if criterion is None else signature(criterion)


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        (
            "Current use of anticoagulants with INR > 1.7 or prothrombin time > 15 sec",
            True,
            "all-of(medication:anticoagulant, any-of(lab:inr:>1.7, lab:prothrombin-time:>15s))",
        ),
        (
            "Hypertension with systolic BP > 160 or diastolic BP > 100 mmHg",
            True,
            "all-of(condition:hypertension, any-of(lab:systolic-bp:>160mm[Hg], "
            "lab:diastolic-bp:>100mm[Hg]))",
        ),
        # Two diseases after "with … or": which one "with" governs is not said.
        ("HIV infection with CD4 count < 200/uL or hepatitis B", True, None),
        # The age at which something happened is not the patient's age now.
        ("Patients diagnosed at age > 50 with type 2 diabetes", False, None),
        ("Age at onset of symptoms < 40 years", False, None),
        ("Age at diagnosis 18 years or older", False, None),
        ("Age > 18 years", False, "age:>18a"),
        # A diagnosis named with the value that defines it is both (one high reading is not the
        # disease), in either list, as any named diagnosis is.
        (
            "Uncontrolled hypertension (systolic > 160 mmHg)",
            True,
            "all-of(condition:hypertension, lab:systolic-bp:>160mm[Hg])",
        ),
        (
            "Poorly controlled hypertension (defined as systolic BP > 150 mmHg)",
            False,
            "all-of(condition:hypertension, lab:systolic-bp:>150mm[Hg])",
        ),
        (
            "Poorly controlled diabetes (HbA1c > 9%)",
            True,
            "all-of(condition:diabetes-mellitus, lab:hba1c:>9%)",
        ),
        ("Anemia (hemoglobin < 9 g/dL)", True, "lab:hemoglobin:<9g/dL"),
        # An item of one short word is an abbreviation the finders do not expand: no list form
        # that would lack it.
        ("Patients with hyperthyroidism, PE, or inability to swallow", True, None),
        (
            "Stroke, TIA or inability to walk",
            True,
            "any-of(condition:stroke, condition:transient-ischemic-attack, text)",
        ),
        # Two diagnoses side by side with no word between name one diagnosis (a complication),
        # never both: "hypertension + nephropathy" would exclude every hypertensive patient
        # with any kidney disease.
        ("Cirrhosis hepatitis C", True, None),
        ("Stroke epilepsy", True, None),
        ("Epilepsy dementia", False, None),
        (
            "Diabetes, hypertension",
            True,
            "any-of(condition:diabetes-mellitus, condition:hypertension)",
        ),
        # "Untreated" / "-naive" makes no prior therapy a necessary part too; which therapies
        # count is rarely said, so the disease alone would be an incomplete form. "Chemo-naive"
        # says which: no chemotherapy ever (`rules.never_used`), beside the disease.
        ("Untreated metastatic melanoma", False, None),
        (
            "Chemo-naive patients with stage I-III breast cancer",
            False,
            "all-of(NOT prior-therapy:cytotoxic-chemotherapy, any-of(stage:stage-1, "
            "stage:stage-2, stage:stage-3), condition:breast-cancer)",
        ),
        ("Metastatic melanoma not previously treated with immunotherapy", False, None),
        # NCT03866499 (was all-of(nsclc, TEXT), lacking the decidable "no prior systemic
        # treatment"; no concept reads that yet).
        (
            "Locally advanced or recurrent metastatic NSCLC that has never received systemic "
            "treatment.",
            False,
            None,
        ),
        ("Never treated metastatic melanoma", False, None),
        (
            "Not previously treated with anti-PD-1 therapy",
            False,
            "NOT prior-therapy:anti-pd-1-pd-l1",
        ),
        # A negative tuberculosis test is a result (latent infection is seldom on a problem
        # list), not the absence of the diagnosis; so is an HIV test (`rules.serology`): NOT
        # positive, met by a negative result, not by the mere absence of an HIV diagnosis.
        ("Negative TB test", False, None),
        ("Negative test for latent tuberculosis", False, None),
        ("Negative for tuberculosis", False, "NOT condition:tuberculosis"),
        (
            "Negative HIV test",
            False,
            "NOT any-of(biomarker:hiv-antibody:positive, condition:hiv)",
        ),
        # "Infection" on its own is an item no finder read, not filler for the one before.
        ("Bleeding disorder or infection", True, None),
        ("Known HIV infection", True, "condition:hiv"),
        ("History of infection with HIV", True, "condition:hiv"),
        # An example is not its class: "(e.g., HIV)" is no reading of "infections requiring
        # treatment", and "etc" leaves a list open.
        ("Infections requiring treatment (e.g., HIV)", True, None),
        ("Diabetes, hypertension, etc.", True, None),
        # A list of drugs ending in "and" asks for all of them: never read as any one.
        ("Taking aspirin, clopidogrel and statin", False, None),
        (
            "Currently taking warfarin, apixaban or rivaroxaban",
            True,
            "any-of(medication:warfarin, medication:apixaban, medication:rivaroxaban)",
        ),
        # "Requiring treatment" restricts the diagnosis; no record says whether it was needed:
        # the hypertension excludes only with the restriction judged (`rules.diagnosis_residue`).
        ("Hypertension requiring treatment", True, "all-of(condition:hypertension, text)"),
        ("Active infection requiring systemic therapy", True, "condition:infection"),
        # A negation before a list denies each item, never only "not all of them together";
        # before one thing said in part ("uterine surgery") it denies that thing.
        (
            "Negative for HIV, hepatitis B and C",
            False,
            "all-of(NOT condition:hiv, all-of(NOT condition:hbv, NOT condition:hcv))",
        ),
        ("No history of uterine surgery", False, "NOT all-of(procedure:surgery, text)"),
        # A past pregnancy is not the current state the pregnancy concept means.
        ("History of pregnancy", True, None),
        ("Prior pregnancy", True, None),
        ("Pregnancy", True, "pregnancy:pregnancy"),
    ],
)
def test_what_a_clause_applies_to(text: str, exclusion: bool, expected: str | None) -> None:
    assert _signature(text, exclusion=exclusion) == expected


HYPERTENSION = condition("Essential hypertension", (ICD, "I10", "Essential (primary) hypertension"))
SBP_170 = observation(
    (LOINC, "8480-6", "Systolic blood pressure"),
    "2026-11-20",
    valueQuantity={"value": 170, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org"},
)
ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))


def test_a_high_reading_excludes_only_with_the_disease_it_qualifies() -> None:
    criterion = compile_criterion(
        "Hypertension with systolic BP > 160 or diastolic BP > 100 mmHg", exclusion=True
    )
    assert criterion is not None
    assert result_of(criterion, record(patient(), HYPERTENSION, SBP_170), excluding=True) == "met"
    # One high reading in a patient without hypertension on a problem list: not this criterion
    # (asked as the study asks an exclusion; as an inclusion the uncoded diagnosis is unknown,
    # tests/eligibility/test_value_defined_diagnoses.py).
    assert result_of(criterion, record(patient(), ASTHMA, SBP_170), excluding=True) == "not-met"


def _outline_forms(text: str) -> list[tuple[str, bool, str | None]]:
    out: list[tuple[str, bool, str | None]] = []

    def walk(nodes: list) -> None:
        for node in nodes:
            criterion = node.criterion
            shown = signature(criterion) if criterion is not None and criterion.computable else None
            out.append((node.text, node.exclude, shown))
            walk(node.children)

    walk(compile_outline(parse_outline(text)))
    return out


def test_sub_bullets_that_an_inclusion_lead_in_says_exclude_are_never_requirements() -> None:
    text = (
        "Inclusion Criteria:\n"
        "  -  Adults aged 18 or older\n"
        "  -  Any of the following conditions will exclude the subject from the study:\n"
        "       1. HIV infection\n"
        "       2. Pregnancy\n"
    )
    forms = {bullet: form for bullet, _, form in _outline_forms(text)}
    assert forms["Adults aged 18 or older"] == "age:>=18a"
    # Read as requirements they would ask every patient to have HIV and be pregnant.
    assert forms["HIV infection"] is None
    assert forms["Pregnancy"] is None


def test_an_exclusion_header_run_on_at_the_end_of_a_bullet_opens_the_exclusion_list() -> None:
    text = (
        "Inclusion Criteria:\n"
        "  -  Subjects must meet the following:\n"
        "       1. Able to provide written informed consent;\n"
        "       2. Females or males - older than 18 years old Exclusion Criteria:\n"
        "  -  Known HIV infection\n"
    )
    forms = _outline_forms(text)
    assert ("Females or males - older than 18 years old", False, "age:>18a") in forms
    assert ("Known HIV infection", True, "condition:hiv") in forms
