"""A diagnosis named with its definition or with how it was diagnosed.

An excluded diagnosis defined by a bound after "defined as" (`rules.defined_diagnoses`), and a
diagnosis "according to the criteria of <a named set>" (`rules.diagnosis_phrasing`).

What a user notices: "Severe renal impairment defined as eGFR<30ml/m." or "severe chronic
obstructive pulmonary disease (COPD) defined as FEV1 ≤ 50%" among the exclusions is read as
all-of(diagnosis, TEXT), exactly as "diagnosis (bound)" is, when a word of degree says the
bound grades a diagnosis named apart from it: a patient whose record lacks the
diagnosis is not excluded by it, one who has it is unknown (the bound stays in the text for
review), and nobody is excluded on the diagnosis alone. Among the inclusions the bullet stays
text (the bound may be how the diagnosis is shown, a record may hold it without the code); an
"or" alternative, a dated or qualified bound, a number in the name stay text too.
"""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature

READ = [
    # development: NCT03863626, NCT03865875 (an item of its list)
    ("Severe renal impairment defined as eGFR<30ml/m.", "all-of(condition:renal-impairment, text)"),
    (
        "severe chronic obstructive pulmonary disease (COPD) defined as FEV1 ≤ 50%",
        "all-of(condition:copd, text)",
    ),
    # written otherwise: a comma, "as defined by", "characterized by", a range of degree
    (
        "Moderate to severe chronic renal failure, defined as clearance < 60 mL/min",
        "all-of(condition:chronic-renal-failure, text)",
    ),
    (
        "Severe secondary hyperparathyroidism as defined by iPTH level > 800 pg/ml",
        "all-of(condition:icd10cm:E21.1+N25.81, text)",
    ),
    (
        "Severe obstructive sleep apnea characterized by an AHI of more than 30",
        "all-of(condition:obstructive-sleep-apnea, text)",
    ),
]


@pytest.mark.parametrize(("bullet", "expected"), READ)
def test_an_excluded_diagnosis_defined_by_a_bound_is_read_with_its_text(
    bullet: str, expected: str
) -> None:
    assert bullet_signature(bullet, "Exclusion") == expected


@pytest.mark.parametrize(("bullet", "_"), READ)
def test_among_the_inclusions_the_definition_stays_text(bullet: str, _: str) -> None:
    """A record may show the diagnosis by the measurement alone: all-of would fail him."""
    assert bullet_signature(bullet, "Inclusion") is None


@pytest.mark.parametrize(
    "bullet",
    [
        # an alternative the all-of would drop
        "Severe obstructive sleep apnea defined as AHI > 30 or oxygen desaturation index > 30",
        "Severe renal failure or dialysis defined as clearance < 30 mL/min",
        # another moment, another population, an exception
        "Severe COPD defined as FEV1 < 50% in patients aged 40 or more",
        "Severe renal failure defined as clearance < 30 mL/min within the last 3 months",
        "Severe renal impairment defined as eGFR < 30 unless on dialysis",
        # a time word, as in "(AHI of more than 30 events per hour)": the asides' refusal
        "Obstructive sleep apnea characterized by an AHI of more than 30 events per hour",
        # no word of degree: the definition may say what the diagnosis itself is, which a
        # patient may meet without its code (as `rules.diagnosis_residue` keeps it)
        "Chronic renal failure, defined as clearance <60 mL/min",
        "Presence of toxic megacolon as defined by transverse colon diameter more than 5.5cm",
        # no bound at all: a definition in words
        "Severe asthma defined as a history of intubation",
    ],
)
def test_a_definition_that_could_widen_or_move_the_bound_stays_text(bullet: str) -> None:
    assert bullet_signature(bullet, "Exclusion") is None


def test_a_patient_without_the_diagnosis_is_not_excluded_and_one_with_it_is_reviewed() -> None:
    text = criteria_text(
        ["Age 18 years or older"],
        ["Severe chronic obstructive pulmonary disease (COPD) defined as FEV1 ≤ 50%"],
    )
    # a problem list without COPD: the diagnosis is absent, not missing
    healthy = record(
        patient(born="1960-04-02"),
        condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension")),
    )
    with_copd = record(
        patient(born="1960-04-02"),
        condition("COPD", (ICD, "J44.9", "Chronic obstructive pulmonary disease, unspecified")),
    )
    assert verdict_of_study(text, healthy) == "eligible"
    # never ineligible on the diagnosis alone: his FEV1 may be above 50%
    assert verdict_of_study(text, with_copd) == "potential-candidate"


# "<diagnosis> (diagnosed) according to the criteria of <a named set>": how it was diagnosed,
# which the recorded diagnosis holds — read as "according to <named> criteria" is (development:
# NCT03920475 "… diagnosed according to the criteria of the DSM-IV …", NCT03925519 "… diagnosed
# according to the criteria of the American diabetes association.").
CRITERIA_OF = [
    (
        "Bipolar disorder, diagnosed according to the criteria of the DSM-IV",
        "condition:bipolar-disorder",
    ),
    (
        "Type 2 diabetes diagnosed according to the criteria of the American Diabetes Association",
        "condition:diabetes-type-2",
    ),
    (
        "Rheumatoid arthritis according to the criteria of the American College of Rheumatology",
        "condition:rheumatoid-arthritis",
    ),
    (
        "Migraine according to the criteria of the International Headache Society",
        "condition:icd10cm:G43",
    ),
]


@pytest.mark.parametrize(("bullet", "expected"), CRITERIA_OF)
@pytest.mark.parametrize("section", ["Inclusion", "Exclusion"])
def test_a_diagnosis_by_the_criteria_of_a_named_set_is_the_diagnosis(
    bullet: str, expected: str, section: str
) -> None:
    assert bullet_signature(bullet, section) == expected


@pytest.mark.parametrize(
    "bullet",
    [
        "Probable Alzheimer's disease according to the criteria of the NIA-AA",  # a suspicion
        # criteria for something else than the diagnosis
        "Type 2 diabetes according to the criteria of the American Diabetes Association for poor"
        " control",
        "Asthma according to the criteria of the whole team",  # no named set
    ],
)
def test_criteria_of_anything_else_never_read_the_diagnosis_alone(bullet: str) -> None:
    assert bullet_signature(bullet, "Inclusion") not in {
        "condition:alzheimer-disease",
        "condition:diabetes-type-2",
        "condition:asthma",
    }


def test_a_patient_with_the_recorded_diagnosis_meets_the_criteria_inclusion() -> None:
    bullet = CRITERIA_OF[1][0]  # type 2 diabetes by the ADA's criteria
    text = criteria_text([bullet], [])
    diabetic = record(
        patient(born="1960-04-02"),
        condition("T2DM", (ICD, "E11.9", "Type 2 diabetes mellitus without complications")),
    )
    other = record(
        patient(born="1960-04-02"),
        condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension")),
    )
    assert verdict_of_study(text, diabetic) == "eligible"
    assert verdict_of_study(text, other) == "ineligible"
