"""Medication groups named by what the drugs are for, and prior use of a medication class.

Real criteria: "taking benzodiazepines or pain medications on a daily basis", "intake of
psychopharmacological drugs in the last four weeks", "No treatment with ovulation stimulators in
the 3 months prior to the start of stimulation", "Not have used any form of hormonal birth
control in the past 2 months", "Subject showed response to GLP-1RA treatment", "Previously
medicated with opioids". Records are MedicationRequests as Epic writes them (RxNorm product
names: "sertraline 50 MG Oral Tablet").
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    medication,
    patient,
    record,
    result_of,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        (
            "intake of psychopharmacological drugs in the last four weeks",
            True,
            "medication:psychotropic-drug:w-28,0,enrollment",
        ),
        ("Currently taking a psychotropic medication", True, "medication:psychotropic-drug"),
        ("No current psychopharmacological treatment", False, "NOT medication:psychotropic-drug"),
        (
            "taking benzodiazepines or pain medications on a daily basis",
            True,
            "any-of(medication:benzodiazepine, medication:analgesic)",
        ),
        ("use of opioid analgesics", True, "medication:opioid"),
        (
            "No treatment with ovulation stimulators in the 3 months prior to the start of "
            "stimulation.",
            False,
            "NOT medication:ovulation-stimulant:w-91,0,enrollment",
        ),
        (
            "Not have used any form of hormonal birth control in the past 2 months",
            False,
            "NOT medication:hormonal-contraceptive:w-61,0,enrollment",
        ),
        ("taking vitamin or mineral supplements", True, "medication:vitamin-mineral-supplement"),
        (
            "patients on regular use of vitamins, minerals.",
            True,
            "medication:vitamin-mineral-supplement",
        ),
        (
            "Currently receiving sedative hypnotic medication within 1 week",
            True,
            "medication:sedative-hypnotic:w-7,0,enrollment",
        ),
        (
            "Patients with chronic use of analgesics and/or sedatives.",
            True,
            "any-of(medication:analgesic, medication:sedative-hypnotic)",
        ),
        ("Current use of GLP-1RA", True, "medication:glp-1-receptor-agonist"),
        (
            "Subject showed response to GLP-1RA treatment",
            False,
            "all-of(prior-therapy:glp-1-receptor-agonist, text)",
        ),
        (
            "Subject showed no response to GLP-1RA treatment",
            False,
            "all-of(prior-therapy:glp-1-receptor-agonist, text)",
        ),
        ("Previously medicated with opioids", True, "prior-therapy:opioid"),
        ("History of benzodiazepine use", True, "prior-therapy:benzodiazepine"),
        # Any use before, never a current use (test_medication_classes: it was text).
        ("Prior use of antipsychotics", True, "prior-therapy:antipsychotic"),
        ("prior GLP-1 receptor agonist therapy", True, "prior-therapy:glp-1-receptor-agonist"),
        # A window after the class: a use in it, not any use ever.
        (
            "previously treated with opioids in the past 3 months",
            True,
            "medication:opioid:w-91,0,enrollment",
        ),
        # "Currently being treated with" is a use now; bare "treatment with" as before.
        ("Currently being treated with anticoagulant medication", True, "medication:anticoagulant"),
        ("Treatment with oral glucocorticoids", True, "medication:systemic-corticosteroid"),
    ],
)
def test_groups_and_prior_classes_compile(text: str, exclusion: bool, expected: str) -> None:
    assert signature(compile_text(text, exclusion=exclusion)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Antibiotics at some time: nearly everyone; the text means a recent use it does not bound.
        "history of antibiotic use",
        # Vitamins alone: not the vitamin-or-mineral class (nor every dietary supplement).
        "taking vitamin supplements",
        # Local or non-opioid analgesics are not every analgesic.
        "use of non-opioid analgesics",
        "vitamin and mineral deficiencies",
        # Sleeping pills are often taken now and then: "previous use" is not any use ever.
        "Previous use of hypnotic drugs",
        "Alcohol or sedative/hypnotic dependence that requires medical intervention",
    ],
)
def test_wider_or_other_readings_stay_text(text: str) -> None:
    assert signature(compile_text(text, exclusion=True)) in (None, "text")


def test_a_list_s_trailing_daily_words_qualify_every_class() -> None:
    criterion = compile_text(
        "taking benzodiazepines or pain medications on a daily basis", exclusion=True
    )
    assert criterion is not None
    assert [c.qualifiers for c in criterion.children] == [("regular",), ("regular",)]
    # A short lorazepam course is not a daily use: unknown, never met.
    short = medication("LORazepam 0.5 MG Oral Tablet", "2026-11-20", status="active")
    assert result_of(criterion, record(patient(), short)) == "unknown"
    lasting = medication("oxyCODONE 5 MG Oral Tablet", "2026-05-01", status="active")
    assert result_of(criterion, record(patient(), lasting)) == "met"


def test_psychotropic_drugs_in_the_last_four_weeks() -> None:
    criterion = compile_text(
        "intake of psychopharmacological drugs in the last four weeks", exclusion=True
    )
    assert criterion is not None
    sertraline = medication("sertraline 50 MG Oral Tablet", "2026-09-01", status="active")
    assert result_of(criterion, record(patient(), sertraline)) == "met"
    zolpidem = medication("zolpidem tartrate 5 MG Oral Tablet", "2026-11-10", "2026-11-20")
    assert result_of(criterion, record(patient(), zolpidem)) == "met"
    # Stopped two months before: outside the four weeks.
    old = medication("sertraline 50 MG Oral Tablet", "2026-01-01", "2026-09-15")
    assert result_of(criterion, record(patient(), old)) == "not-met"
    # A mood stabiliser that is an antiepileptic may be what the study means: unknown.
    valproate = medication("divalproex sodium 500 MG Delayed Release Oral Tablet", "2026-10-01")
    valproate["status"] = "active"
    assert result_of(criterion, record(patient(), valproate)) == "unknown"
    metformin = medication("metFORMIN 500 MG Oral Tablet", "2026-09-01", status="active")
    assert result_of(criterion, record(patient(), metformin)) == "not-met"


def test_pain_medications_leave_low_dose_aspirin_out() -> None:
    criterion = compile_text("Current use of pain medications", exclusion=True)
    assert signature(criterion) == "medication:analgesic"
    assert criterion is not None
    aspirin = medication("aspirin 81 MG Delayed Release Oral Tablet", "2026-09-01", status="active")
    assert result_of(criterion, record(patient(), aspirin)) == "not-met"
    acetaminophen = medication("acetaminophen 500 MG Oral Tablet", "2026-11-01", status="active")
    assert result_of(criterion, record(patient(), acetaminophen)) == "met"
    # Gabapentin is often given for pain without being an analgesic: unknown.
    gabapentin = medication("gabapentin 300 MG Oral Capsule", "2026-10-01", status="active")
    assert result_of(criterion, record(patient(), gabapentin)) == "unknown"


def test_ovulation_stimulators_in_the_3_months_before() -> None:
    bullet = (
        "No treatment with ovulation stimulators in the 3 months prior to the start of stimulation."
    )
    clomiphene = medication("clomiPHENE citrate 50 MG Oral Tablet", "2026-10-01", "2026-10-05")
    assert verdict_of_inclusion_bullet(bullet, record(patient(), clomiphene)) == "ineligible"
    earlier = medication("clomiPHENE citrate 50 MG Oral Tablet", "2026-03-01", "2026-03-05")
    assert verdict_of_inclusion_bullet(bullet, record(patient(), earlier)) == "eligible"


def test_vitamin_or_mineral_supplements() -> None:
    criterion = compile_text("taking vitamin or mineral supplements", exclusion=True)
    assert criterion is not None
    iron = medication("ferrous sulfate 325 MG Oral Tablet", "2026-10-01", status="active")
    assert result_of(criterion, record(patient(), iron)) == "met"
    vitamin_d = medication("cholecalciferol 1000 UNT Oral Tablet", "2026-10-01", status="active")
    assert result_of(criterion, record(patient(), vitamin_d)) == "met"
    statin = medication("atorvastatin 20 MG Oral Tablet", "2026-10-01", status="active")
    assert result_of(criterion, record(patient(), statin)) == "not-met"


def test_response_to_a_class_needs_a_course_of_it() -> None:
    criterion = compile_text("Subject showed response to GLP-1RA treatment", exclusion=False)
    assert criterion is not None
    semaglutide = medication("semaglutide 1 MG/DOSE Pen Injector", "2025-01-01", "2025-12-01")
    assert result_of(criterion, record(patient(), semaglutide)) == "unknown"
    metformin = medication("metFORMIN 500 MG Oral Tablet", "2025-01-01", status="active")
    assert result_of(criterion, record(patient(), metformin)) == "not-met"


def test_previously_medicated_with_opioids_is_any_course_before() -> None:
    criterion = compile_text("Previously medicated with opioids", exclusion=True)
    assert criterion is not None
    course = medication(
        "HYDROcodone-acetaminophen 5-325 MG Oral Tablet", "2024-02-01", "2024-02-06"
    )
    assert result_of(criterion, record(patient(), course)) == "met"
    other = medication("lisinopril 10 MG Oral Tablet", "2024-02-01", status="active")
    assert result_of(criterion, record(patient(), other)) == "not-met"


def test_sedatives_and_hypnotics() -> None:
    criterion = compile_text("use of sleeping pills", exclusion=True)
    assert signature(criterion) == "medication:sedative-hypnotic"
    assert criterion is not None
    zolpidem = medication("zolpidem tartrate 5 MG Oral Tablet", "2026-11-01", status="active")
    assert result_of(criterion, record(patient(), zolpidem)) == "met"
    lorazepam = medication("LORazepam 1 MG Oral Tablet", "2026-11-01", status="active")
    assert result_of(criterion, record(patient(), lorazepam)) == "met"
    sertraline = medication("sertraline 50 MG Oral Tablet", "2026-11-01", status="active")
    assert result_of(criterion, record(patient(), sertraline)) == "not-met"


def test_weight_loss_medications() -> None:
    criterion = compile_text("currently taking weight loss medications", exclusion=True)
    assert signature(criterion) == "medication:weight-loss-medication"
    assert criterion is not None
    wegovy = medication(
        "semaglutide 2.4 MG/0.75ML Auto-Injector [Wegovy]", "2026-10-01", status="active"
    )
    assert result_of(criterion, record(patient(), wegovy)) == "met"
    phentermine = medication("phentermine HCl 37.5 MG Oral Tablet", "2026-10-01", status="active")
    assert result_of(criterion, record(patient(), phentermine)) == "met"
    # Semaglutide for diabetes may be what the study means: unknown, never met.
    ozempic = medication(
        "semaglutide 1 MG/DOSE (4 MG/3ML) Pen Injector [Ozempic]", "2026-10-01", status="active"
    )
    assert result_of(criterion, record(patient(), ozempic)) == "unknown"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("intake of supplements", "medication:dietary-supplement"),
        ("regular use of nutritional supplements", "medication:dietary-supplement"),
        ("taking dietary supplements", "medication:dietary-supplement"),
        (
            "food supplements in the last two months.",
            "medication:dietary-supplement:w-61,0,enrollment",
        ),
        # One kind of supplement: its name stays to be read.
        ("taking iron supplements", None),
        ("supplemental oxygen", None),
    ],
)
def test_dietary_supplements_compile(text: str, expected: str | None) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


def test_dietary_supplements_evaluate() -> None:
    criterion = compile_text("intake of supplements", exclusion=True)
    assert criterion is not None
    fish_oil = medication(
        "Fish Oil 1000 MG Oral Capsule", "2026-10-01", status="active", kind="MedicationStatement"
    )
    assert result_of(criterion, record(patient(), fish_oil)) == "met"
    vitamin_d = medication("cholecalciferol 1000 UNT Oral Tablet", "2026-10-01", status="active")
    assert result_of(criterion, record(patient(), vitamin_d)) == "met"
    lisinopril = medication("lisinopril 10 MG Oral Tablet", "2026-10-01", status="active")
    assert result_of(criterion, record(patient(), lisinopril)) == "not-met"
