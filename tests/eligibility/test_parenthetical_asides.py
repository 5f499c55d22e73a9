"""A parenthesis after a criterion the rules read no longer keeps the bullet text (`rules.asides`).

Three outcomes, on bullets written as real studies write them: the parenthesis adds nothing a
record decides (an abbreviation, "(current)", the reason for the criterion, how it was assessed)
and the rest is the reading; it narrows what the rest names ("(dual chamber)", "(with a
detectable viral load)", "(defined as HBsAg positive)") and the reading is all-of(rest, TEXT); or
it could widen, except, allow, negate, date, change the population or state a number, and the
bullet stays text.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    PREGNANT,
    condition,
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature

IGNORED = [
    # An abbreviation of the words before it, or spelled out after one.
    ("Active temporomandibular joint (TMJ) Disorders", True, "condition:icd10cm:M26.6"),
    ("Chronic kidney disease (CKD)", True, "condition:chronic-kidney-disease"),
    (
        "ASA ( American Society of Anesthesiologists) I- ASA II patients",
        False,
        "lab:asa-physical-status:<=2",
    ),
    # Filler words only.
    ("Obsessive compulsive disorder (current)", True, "condition:icd10cm:F42"),
    ("Post-traumatic stress disorder (current)", True, "condition:icd10cm:F43.1"),
    # How it was assessed (not a measurement: the method could name another analyte).
    ("Bipolar disorder (confirmed by a psychiatrist)", True, "condition:bipolar-disorder"),
    # The reason the criterion is there.
    ("Aged 21-45 (advanced age can hinder hormone levels)", False, "age:21..45a"),
    ("Lactose intolerance (placebo capsules contain lactose)", True, "condition:icd10cm:E73"),
    ("Vitamin D deficiency (contraindication to calcitonin)", True, "condition:icd10cm:E55"),
    (
        "HIV (as these patients already receive intensive social support and navigation-like "
        "services at this institution)",
        True,
        "condition:hiv",
    ),
    (
        "Not currently pregnant or nursing (pregnancy affects PdG levels)",
        False,
        "all-of(NOT pregnancy:pregnancy, NOT breastfeeding:breastfeeding)",
    ),
    (
        "Pregnant. (Pregnant women may develop Preeclampsia, which is a pregnancy complication "
        "characterized by high blood pressure)",
        True,
        "pregnancy:pregnancy",
    ),
]


@pytest.mark.parametrize(("bullet", "exclusion", "expected"), IGNORED)
def test_a_parenthesis_that_decides_nothing_is_set_aside(bullet, exclusion, expected) -> None:
    criterion = compile_text(bullet, exclusion=exclusion)
    assert criterion is not None and signature(criterion) == expected


QUALIFIED = [
    (
        # Not "(wires)": a pacemaker's own wires are why it excludes (or a further item,
        # retained wires), not a narrower pacemaker (`rules.procedures` reads it as the device).
        "Implantable defibrillator or pacemaker (dual chamber)",
        True,
        "all-of(any-of(procedure:implantable-cardioverter-defibrillator, procedure:pacemaker), "
        "text)",
    ),
    # "Active hepatitis B (defined as HBsAg positive)" now reads in full: test_serology.
    (
        "Known HIV infection or known hepatitis B or hepatitis C infection (with a detectable "
        "viral load).",
        True,
        "all-of(any-of(condition:hiv, condition:hbv, condition:hcv), text)",
    ),
    (
        "Subject has severe coronary heart disease (instable angina pectoris)",
        True,
        "all-of(condition:coronary-artery-disease, text)",
    ),
    (
        "modified Rankin scale > 4 at the time of enrollment (severe disability)",
        True,
        "all-of(lab:modified-rankin-scale:>4, text)",
    ),
]


@pytest.mark.parametrize(("bullet", "exclusion", "expected"), QUALIFIED)
def test_a_parenthesis_that_narrows_becomes_a_text_member(bullet, exclusion, expected) -> None:
    assert compile_text(bullet, exclusion=exclusion) is None  # not understood in full
    criterion = compile_text(bullet, exclusion=exclusion, partial=True)
    assert criterion is not None and signature(criterion) == expected


KEPT_AS_TEXT = [
    # Exceptions and allowances.
    # (Not "Previously known liver disease (other than fatty liver)" nor "Chronic renal failure
    # (clearance <60 mL/min)" in an exclusion: all-of(diagnosis, TEXT) keeps the exception and
    # the bound, `test_an_exclusion_keeps_its_exception_or_bound_as_text` below.)
    ("No diagnosis of malignancy (except non-melanoma skin cancer)", False),
    # ("Radiotherapy (except radiotherapy for antalgic purposes) during the last 7 days" in an
    # exclusion: all-of(radiotherapy in the window, TEXT), test_excepted_uses.py.)
    ("Prosthetic heart valves (if dehiscence is suspected)", False),
    # Alternatives and lists: they may name what the rest does not.
    (
        "Systolic blood pressure ≥130 mmHg OR diastolic blood pressure ≥80 mmHg (or on "
        "hypertension medication)",
        False,
    ),
    ("Cardiovascular disease (heart failure, myocardial infarction or stroke).", False),
    ("Bipolar disorder (or any past maniac episodes),", True),
    # Numbers and comparators no reading accounts for.
    ("Chronic renal failure (clearance <60 mL/min)", False),
    # ("Smokers (>20 cigarettes per week)": all-of(smoker, TEXT) by rules.smoking_amounts, the
    # amount kept as TEXT; test_smoking_amounts.)
    ("Severe depression (HDRS > 30).", True),
    # A method that names another analyte: a Cockcroft-Gault "GFR" is a creatinine clearance.
    (
        "chronic kidney disease with glomerular filtration rate (GFR) ≤ 50 ml/min (estimated by"
        " the Cockcroft and Gault formula)",
        True,
    ),
    # The patient's own report, not the record's.
    ("Current smoker (assessed by Health History Questionnaire)", True),
    ("Non-smoking (assessed by Health History Questionnaire)", False),
    # Another population, a report instead of a record, a time.
    ("Rheumatoid Arthritis (Healthy control group)", True),
    ("Age ≥ 30 years (Healthy control group)", False),
    ("Individuals with mental disorders (self-report) will be excluded.", True),
    ("Bipolar disorder (history of mania within the past year)", True),
    # A negated rest narrowed by the parenthesis: "no active cancer" is not "no cancer ever".
    ("No cancer (active disease)", False),
    ("Participants without a history of gastrointestinal disorders (control group)", False),
]


@pytest.mark.parametrize(("bullet", "exclusion"), KEPT_AS_TEXT)
def test_a_parenthesis_that_could_widen_except_or_count_keeps_the_bullet_text(
    bullet, exclusion
) -> None:
    assert compile_text(bullet, exclusion=exclusion, partial=True) is None


@pytest.mark.parametrize(
    ("bullet", "form"),
    [
        ("Previously known liver disease (other than fatty liver)", "liver-disease"),
        ("Chronic renal failure (clearance <60 mL/min)", "chronic-renal-failure"),
    ],
)
def test_an_exclusion_keeps_its_exception_or_bound_as_text(bullet: str, form: str) -> None:
    """Never the bare diagnosis (that would exclude the patients the text keeps): all-of(the
    diagnosis, TEXT), which excludes nobody without it (`rules.excepted_diagnoses`,
    `rules.measured_asides`)."""
    criterion = compile_text(bullet, exclusion=True, partial=True)
    assert criterion is not None
    assert criterion.combination == "all-of"
    assert [c.kind.value for c in criterion.children] == ["condition", "text"]
    assert criterion.children[0].concept == form


def test_an_exclusion_narrowed_in_parentheses_never_excludes_on_the_rest_alone() -> None:
    """all-of(hepatitis B, TEXT): a patient with hepatitis B on record is not excluded on the
    diagnosis alone (the definition decides: a candidate to check), as the plain "Active
    hepatitis B" would."""
    infected = record(
        patient(born="1970-01-01"),
        condition("Chronic hepatitis B", (ICD, "B18.1", "Chronic viral hepatitis B w/o delta")),
    )
    narrowed = criteria_text(
        ["Age 18 years or older"], ["Active hepatitis B (defined as HBsAg positive)"]
    )
    plain = criteria_text(["Age 18 years or older"], ["Active hepatitis B"])
    assert verdict_of_study(narrowed, infected) == "potential-candidate"
    assert verdict_of_study(plain, infected) == "ineligible"


def test_sex_at_birth_stays_text() -> None:
    """ "Male sex (at birth)": the record's gender is the administrative gender, not always the
    sex at birth — read as `all-of(sex, text)` the inclusion ruled out a transgender woman whose
    sex at birth is male. Both stay text (unknown) until the sex at birth is read."""
    assert compile_text("male sex (at birth)", exclusion=False) is None
    assert compile_text("Female sex (at birth)", exclusion=True) is None
    text = criteria_text(["Male sex (at birth)", "Age 18 years or older"], ["Pregnancy"])
    woman = record(patient(gender="female", born="1970-01-01"))
    assert verdict_of_study(text, woman) == "potential-candidate"


def test_a_filler_parenthesis_reads_the_diagnosis_itself() -> None:
    """ "(current)" says what the diagnosis already does: a patient with OCD on record is
    excluded; one without it is unknown (a missing diagnosis is never "not met")."""
    criterion = compile_text("Obsessive compulsive disorder (current)", exclusion=True)
    assert criterion is not None
    ocd = record(patient(), condition("OCD", (ICD, "F42.2", "Mixed obsessional thoughts and acts")))
    assert result_of(criterion, ocd) == "met"
    assert result_of(criterion, record(patient())) == "unknown"


def test_a_reason_in_parentheses_leaves_the_requirement_whole() -> None:
    """An inclusion "Not currently pregnant or nursing (pregnancy affects PdG levels)": a
    pregnant patient fails it, as she fails the bullet without its reason."""
    text = criteria_text(
        ["Not currently pregnant or nursing (pregnancy affects PdG levels)"], ["Dementia"]
    )
    assert verdict_of_study(text, record(patient(born="1990-01-01"), PREGNANT)) == "ineligible"


def test_an_infection_requiring_a_list_of_anti_infectives_is_one_requirement() -> None:
    """ "Has an uncontrolled infection requiring intravenous (IV) antibiotics, antivirals, or
    antifungals" (the abbreviation set aside) is an infection treated so — never "infection, or
    any antiviral, or any antifungal": a patient on aciclovir prophylaxis is not excluded."""
    bullet = (
        "Has an uncontrolled infection requiring intravenous (IV) antibiotics, antivirals, or "
        "antifungals."
    )
    criterion = compile_text(bullet, exclusion=True)
    assert criterion is not None and signature(criterion) == "condition:infection"
    assert {"requiring-systemic-treatment", "intravenous"} <= set(criterion.qualifiers)
    prophylaxis = medication("aciclovir 400 MG Oral Tablet", "2026-10-01", status="active")
    assert result_of(criterion, record(patient(), prophylaxis)) != "met"
