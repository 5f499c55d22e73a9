"""An exclusion read in full up to a last alternative no record decides ("X or other …
that may affect …", "X or suspected X") reads as any-of(X, TEXT): X alone excludes, a record
without X leaves the bullet unknown. A last item that may qualify X, or is a criterion of its
own, leaves the bullet text."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import read_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature


def _exclusion(text: str) -> str | None:
    return signature(read_text(text, exclusion=True, partial=True).criterion)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "or other <class>" with a consequence clause: the class, where it reads, is narrowed.
        (
            "History of gastrointestinal surgery or other gastrointestinal disorder that might "
            "affect absorption of the study drug",
            "any-of(procedure:gastrointestinal-surgery, "
            "all-of(condition:gastrointestinal-disease, text))",
        ),
        (
            "Epilepsy, or any other neurological disorder that could interfere with the "
            "assessments",
            "any-of(condition:epilepsy, all-of(condition:neurological-disease, text))",
        ),
        (
            "Crohn's disease or other conditions which may affect the absorption of the study drug",
            "any-of(condition:crohn-disease, text)",
        ),
        (
            "Asthma, or other chronic conditions which may affect the results",
            "any-of(condition:asthma, text)",
        ),
        # A suspicion after the diagnosis: the recorded diagnosis excludes on its own.
        ("Pregnant or suspected pregnancy", "any-of(pregnancy:pregnancy, text)"),
        ("Heart failure or suspected heart failure", "any-of(condition:heart-failure, text)"),
        (
            "Patients with diabetes mellitus or known/suspected motility disorders of the gut",
            "any-of(condition:diabetes-mellitus, text)",
        ),
    ],
)
def test_a_read_head_before_a_vague_last_alternative(text: str, expected: str) -> None:
    assert _exclusion(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A requirement may qualify the head too ("Diabetes requiring medication").
        "Diabetes or other disease requiring medication",
        "Homozygous familial hypercholesterolaemia or other serious inherited disorders of lipid "
        "metabolism requiring statin therapy",
        # A window, a site, other people, a hedge may reach back over the head.
        "Stroke or suspected stroke within 3 months",
        "Epilepsy or other neurological disorder in the family",
        "Asthma or other lung disease that may affect the results in the opinion of the "
        "investigator",
        # "another": other than the study's diagnosis, which the head's codes do not leave out.
        "History of another eye disease or other condition that may alter retinal perfusion",
        # A doublet ("eye disease or condition") the clause may qualify whole.
        "Eye disease or condition that may alter retinal perfusion",
        # A negation; an exception; a clause the finders read something in.
        "No asthma or other condition which may affect the trial",
        "Diabetes or other condition that may interfere with healing, unless well controlled",
        "Sickle cell disease or other hemoglobinopathy that may affect HbA1c measurement",
    ],
)
def test_a_last_alternative_that_may_reach_the_head_leaves_the_bullet_text(text: str) -> None:
    assert _exclusion(text) is None


def test_an_inclusion_is_not_read_by_the_exclusion_reader() -> None:
    text = "Crohn's disease or other conditions which may affect the absorption of the study drug"
    read = signature(read_text(text, partial=True).criterion)
    assert read != "any-of(condition:crohn-disease, text)"


CROHN = condition("Crohn's disease", (ICD, "K50.90", "Crohn's disease, unspecified"))
ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))


def test_the_head_excludes_on_its_own_and_its_absence_is_unknown() -> None:
    text = criteria_text(
        ["Age 18 or older"],
        ["Crohn's disease or other conditions which may affect the absorption of the study drug"],
    )
    assert verdict_of_study(text, record(patient(), CROHN)) == "ineligible"
    assert verdict_of_study(text, record(patient(), ASTHMA)) == "potential-candidate"
