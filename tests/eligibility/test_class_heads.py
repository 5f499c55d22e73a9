"""A named class followed by examples of it is read as the class (`rules.class_heads`).

What a user notices: "Eating disorders such as anorexia, bulimia, binge eating or night eating
syndrome" excludes a patient with any eating disorder on record (binge eating disorder too,
which the examples' own reading missed: the bullet stayed text), the judgement on the class
kept. What must not happen: a definition ("cancer (i.e. melanoma)") read as the whole class, or
an example the class does not hold dropped ("autoimmune disease such as … psoriasis": the
example reader keeps it).
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature
from tools.partial_compile_report import describe

EATING = "Eating disorders such as anorexia, bulimia, binge eating or night eating syndrome."


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (EATING, "condition:icd10cm:F50"),  # NCT03923205; two examples read nothing alone
        ("Eating disorders (e.g. anorexia nervosa, bulimia nervosa)", "condition:icd10cm:F50"),
        ("Eating disorder, for example bulimia", "condition:icd10cm:F50"),
        (
            "Inflammatory bowel disease (e.g. Crohn's disease, ulcerative colitis)",
            "condition:inflammatory-bowel-disease",
        ),
    ],
)
def test_the_class_is_the_reading(bullet: str, expected: str) -> None:
    assert bullet_signature(bullet, "Exclusion") == expected


@pytest.mark.parametrize(
    ("bullet", "form"),
    [
        # development bullets whose examples read nothing alone ("AD", "PD": ambiguous)
        (
            "Patients with untreated substance abuse, including alcohol and illegal drugs",
            "condition:substance-use-disorder[untreated]",
        ),
        (
            "a previous history of neurological illness including AD and PD",
            "condition:neurological-disease[history]",
        ),
    ],
)
def test_the_class_keeps_its_judgement_and_lead(bullet: str, form: str) -> None:
    criterion = compile_text(bullet, exclusion=True, partial=True)
    assert criterion is not None
    assert describe(criterion) == form


@pytest.mark.parametrize(
    ("bullet", "not_expected"),
    [
        # a definition may narrow the class to its examples
        ("Cancer (i.e. melanoma)", "condition:malignant-neoplasm"),
        ("Eating disorders, i.e. bulimia", "condition:icd10cm:F50"),
    ],
)
def test_a_definition_is_not_the_whole_class(bullet: str, not_expected: str) -> None:
    criterion = compile_text(bullet, exclusion=True, partial=True)
    assert criterion is None or describe(criterion) != not_expected


def test_an_example_the_class_does_not_hold_keeps_the_example_reading() -> None:
    # psoriasis is no kind of the autoimmune-disease concept: the examples stay, with TEXT
    assert bullet_signature("Autoimmune disease such as lupus, psoriasis, etc.", "Exclusion") == (
        "any-of(condition:icd10cm:M32+L93, condition:icd10cm:L40, text)"
    )


BINGE_EATING = condition("Binge eating disorder", (ICD, "F50.81", "Binge eating disorder"))
ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))


def test_any_eating_disorder_on_record_excludes() -> None:
    text = criteria_text(["Age 18 years or older"], [EATING])
    assert verdict_of_study(text, record(patient(), BINGE_EATING)) == "ineligible"
    assert verdict_of_study(text, record(patient(), ASTHMA)) == "eligible"
