"""A diagnosis the vocabulary knows, blocked by the words around it (issue 13, session 8).

Three forms from the development texts: a bound in parentheses after the name ("Chronic renal
failure (clearance <60 mL/min)", "Severe depression (HDRS > 30)"), an exception after it
("Pulmonary disease other than asthma") and a lead that only says now or before ("past or
present psychiatric diseases", "With antecedent or current neurologic disease"). A bound or an
exception narrows the diagnosis: the reading keeps it (a text member or the measurement), never
the bare name, which in an exclusion would rule out patients the text keeps.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.model import Criterion
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature

CKD_2 = condition("CKD stage 2", (ICD, "N18.2", "Chronic kidney disease, stage 2 (mild)"))
CKD_3 = condition("CKD stage 3a", (ICD, "N18.31", "Chronic kidney disease, stage 3a"))
ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))
COPD = condition("COPD", (ICD, "J44.9", "Chronic obstructive pulmonary disease, unspecified"))
DEPRESSION = condition("Depression", (ICD, "F32.A", "Depression, unspecified"))
HYPERTENSION = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))


def _exclusion(bullet: str) -> Criterion | None:
    """The bullet compiled as the only exclusion, as the catalog compiles it."""
    return compile_outline(parse_outline(f"Exclusion Criteria:\n\n* {bullet}"))[0].criterion


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        # A bound the finders do not read: a text member.
        (
            "Chronic renal failure (clearance <60 mL/min)",
            "all-of(condition:chronic-renal-failure, text)",
        ),
        ("Moderate to severe OSA (AHI>15 )", "all-of(condition:obstructive-sleep-apnea, text)"),
        (
            "patient with Venous insufficiency (stages 3 and 4).",
            "all-of(condition:icd10cm:I87.2, text)",
        ),
        ("COPD (GOLD III-IV)", "all-of(condition:copd, text)"),
        ("Severe hypertension (>180/110 mmHg)", "all-of(condition:hypertension, text)"),
        (
            "Diagnosed hypertension (grade 1 or 2 according to ESH/ESC 2013 guidelines)",
            "all-of(condition:hypertension, text)",
        ),
        # A bound that reads in full as a measurement may define the name: the lab finder's
        # reading, or text (`test_list_item_vocabulary`), never all-of(name, measurement).
        ("Severe depression (HDRS > 30).", None),
        ("Dyslipidemia (LDL > 190 mg/dL)", None),
        # An alternative, a time, a treatment or another diagnosis in the parentheses: refused.
        ("hypertension (>140/90 mmHg or on antihypertensives)", None),
        ("CKD (stage 4 and/or dialysis)", None),
        ("Asthma (exacerbation within 3 months)", None),
        # An exception after the diagnosis: all-of(diagnosis, TEXT).
        ("Pulmonary disease other than asthma.", "all-of(condition:lung-disease, text)"),
        (
            "Verified cardiac arrhythmia other than extrasystoles",
            "all-of(condition:arrhythmia, text)",
        ),
        (
            "substance use disorder other than nicotine dependence",
            "all-of(condition:substance-use-disorder, text)",
        ),
        (
            "Previously known liver disease (other than fatty liver)",
            "all-of(condition:liver-disease, text)",
        ),
        # … but not when the rest adds an alternative.
        ("Pulmonary disease other than asthma, or diabetes", None),
        # Now or before: the diagnosis on record.
        ("past or present psychiatric diseases;", "condition:mental-disorder"),
        ("With antecedent or current neurologic disease", "condition:neurological-disease"),
        ("Concurrent or previous asthma", "condition:asthma"),
        ("past or present use of steroids", None),
    ],
)
def test_exclusion_reading(bullet: str, expected: str | None) -> None:
    assert bullet_signature(bullet, "Exclusion") == expected


def test_an_exception_is_read_in_exclusions_only() -> None:
    # "No liver disease other than fatty liver" in an inclusion allows what the head denies.
    assert bullet_signature("Pulmonary disease other than asthma", "Inclusion") is None
    assert bullet_signature("No liver disease other than fatty liver", "Inclusion") is None


@pytest.mark.parametrize(
    ("bullet", "entries", "expected"),
    [
        # CKD stage 3 on record, the clearance unknown: not ruled out by the bare name.
        ("Chronic renal failure (clearance <60 mL/min)", [CKD_3], "unknown"),
        # Stage 2 (clearance 60-89 by its definition) is no renal failure: never `met`.
        ("Chronic renal failure (clearance <60 mL/min)", [CKD_2], "unknown"),
        ("Chronic renal failure (clearance <60 mL/min)", [HYPERTENSION], "not-met"),
        ("COPD (GOLD III-IV)", [COPD], "unknown"),
        # The excepted kind alone is not the excluded diagnosis.
        ("Pulmonary disease other than asthma", [ASTHMA], "unknown"),
        ("Pulmonary disease other than asthma", [HYPERTENSION], "not-met"),
        ("past or present psychiatric diseases", [DEPRESSION], "met"),
        ("past or present psychiatric diseases", [HYPERTENSION], "not-met"),
    ],
)
def test_exclusion_against_an_epic_record(bullet: str, entries: list[dict], expected: str) -> None:
    criterion = _exclusion(bullet)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *entries)) == expected


def test_a_bounded_diagnosis_never_excludes_a_patient_the_text_keeps() -> None:
    """Asthma only: "Pulmonary disease other than asthma" must not rule the patient out, and
    a stage 3 CKD must not be ruled out by "(clearance <60 mL/min)" with no clearance on record."""
    asthma = verdict_of_study(
        criteria_text(["Age 18 or older"], ["Pulmonary disease other than asthma"]),
        record(patient(), ASTHMA),
    )
    ckd = verdict_of_study(
        criteria_text(["Age 18 or older"], ["Chronic renal failure (clearance <60 mL/min)"]),
        record(patient(), CKD_3),
    )
    assert asthma != "ineligible"
    assert ckd != "ineligible"


def test_an_inclusion_with_a_bound_stays_text() -> None:
    """ "OSA (AHI > 15)" may define the diagnosis by the measurement: all-of(OSA, TEXT) would
    fail a patient whose record shows an AHI of 20 but no OSA code."""
    bullet = "Moderate to severe OSA (AHI>15 )"
    assert (
        bullet_signature(bullet, "Exclusion") == "all-of(condition:obstructive-sleep-apnea, text)"
    )
    assert bullet_signature(bullet, "Inclusion") is None
    assert verdict_of_inclusion_bullet(bullet, record(patient(), HYPERTENSION)) != "ineligible"
