"""A prefix written with a hyphen, its stem given once (`rules.hyphen_prefixes`).

What a user notices: "Hyper- or hypothyroidism" and "Narrow- or closed-angle glaucoma" are read
(text before: no finder reads "hyper-" alone), so a patient with hyperthyroidism on record is
excluded. What must not happen: a modifier joined to the wrong word ("liver- or renal disease":
"liver" is no prefix and "renal" holds no stem to share).
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules.hyphen_prefixes import prefixes_written_out
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("hyper- or hypoglycemia", "hyperglycemia or hypoglycemia"),
        (
            "severe intra- or postoperative bleeding",
            "severe intraoperative or postoperative bleeding",
        ),
        ("uni- or bipolar depression", "unipolar or bipolar depression"),
        ("poly- or oligoarticular jia", "polyarticular or oligoarticular jia"),
        ("narrow- or closed-angle glaucoma", "narrow-angle or closed-angle glaucoma"),
        (
            "intermediate- or high-risk prostate cancer",
            "intermediate-risk or high-risk prostate cancer",
        ),
        ("stage i-iv non- or hodgkin lymphoma", "stage i-iv non-hodgkin or hodgkin lymphoma"),
        (
            "self- or informant-reported complaints",
            "self-reported or informant-reported complaints",
        ),
    ],
)
def test_the_stem_is_written_after_the_first_prefix(text: str, written: str) -> None:
    assert prefixes_written_out(text) == written


@pytest.mark.parametrize(
    "text",
    [
        "severe liver- or renal disease",  # no prefix, no stem: the head is "disease"
        "heart- or lung disease",
        "hyperthyroidism or hypothyroidism",  # nothing elided
    ],
)
def test_no_plain_stem_leaves_the_text(text: str) -> None:
    assert prefixes_written_out(text) is None


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        ("Hyper- or hypothyroidism", "any-of(condition:hyperthyroidism, condition:hypothyroidism)"),
        (
            "History of hyper- or hypothyroidism",
            "any-of(condition:hyperthyroidism, condition:hypothyroidism)",
        ),
        ("Narrow- or closed-angle glaucoma", "condition:icd10cm:H40.2"),
    ],
)
def test_each_name_is_read(bullet: str, expected: str) -> None:
    assert bullet_signature(bullet, "Exclusion") == expected


def test_hyperthyroidism_on_record_excludes() -> None:
    graves = condition("Graves disease", (ICD, "E05.00", "Thyrotoxicosis with diffuse goiter"))
    text = criteria_text(["Age 18 years or older"], ["Hyper- or hypothyroidism"])
    assert verdict_of_study(text, record(patient(), graves)) == "ineligible"
    assert verdict_of_study(text, record(patient())) != "ineligible"
