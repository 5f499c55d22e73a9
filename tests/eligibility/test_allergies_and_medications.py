"""Allergies (`allergy`) and current medication classes (`medication`), compiled from real
criteria wordings of the development texts and evaluated against small EHR records.

Expected results were written from the clinical text: an allergy is met by an AllergyIntolerance
to the substance (or a member of the class); a record that lists allergies but none to it, or says
"no known allergies", is not met; a record without any allergy list is unknown. A medication class
is met by a current use (active on the evaluation day, or overlapping the window the text gives),
not met when the medication list has no current member, unknown without any medication list.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    RXNORM,
    SNOMED,
    medication,
    patient,
    record,
    result_of,
)
from tests.eligibility.signature import signature

ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"


def allergy(
    text: str,
    *codes: tuple[str, str, str],
    clinical: str | None = "active",
    verification: str | None = "confirmed",
    category: str = "medication",
    **extra: Any,
) -> dict:
    resource: dict[str, Any] = {
        "resourceType": "AllergyIntolerance",
        "id": f"alg-{abs(hash((text, codes, clinical, verification))) % 10**8}",
        "patient": {"reference": "Patient/p1"},
        "category": [category],
        "code": {
            "coding": [{"system": s, "code": c, "display": d} for s, c, d in codes],
            "text": text,
        },
        "recordedDate": "2020-05-01",
        **extra,
    }
    if clinical:
        resource["clinicalStatus"] = {"coding": [{"system": ALLERGY_CLINICAL, "code": clinical}]}
    if verification:
        resource["verificationStatus"] = {
            "coding": [{"system": ALLERGY_VERIFICATION, "code": verification}]
        }
    return resource


def coded_medication(
    text: str, rxcui: str, start: str, end: str | None = None, *, status: str = "active"
) -> dict:
    resource = medication(text, start, end, status=status, kind="MedicationStatement")
    resource["medicationCodeableConcept"] = {
        "coding": [{"system": RXNORM, "code": rxcui, "display": text}],
        "text": text,
    }
    return resource


def _result(text: str, *resources: dict, exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


# ---------------------------------------------------------------- compiling


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Known allergy to local anesthetics", "allergy:local-anesthetic"),
        ("Allergy to NSAIDs", "allergy:nsaid"),
        ("Known hypersensitivity to metformin.", "allergy:metformin"),
        ("Vancomycin allergy", "allergy:vancomycin"),
        ("Soy allergy", "allergy:soy"),
        ("Allergy to TXA", "allergy:tranexamic-acid"),
        (
            "Patients with known allergy to iodinated contrast material.",
            "allergy:iodinated-contrast",
        ),
        (
            "Hypersensitivity for soya, eggs or peanuts",
            "any-of(allergy:soy, allergy:egg, allergy:peanut)",
        ),
        (
            "Known local anesthetics and opioid allergy",
            "any-of(allergy:local-anesthetic, allergy:opioid)",
        ),
        ("Known hypersensitivity to platinum compounds", "allergy:platinum-compound"),
        ("History of allergy to penicillin", "allergy:penicillin"),
    ],
)
def test_allergy_bullets_compile_to_substances(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # The study drug has no code: nothing in an EHR can decide it.
        "Known hypersensitivity to the study drug or any of its excipients",
        "Allergic to the study drug or any of its components",
        "Known allergy to any of the study drugs;",
        # One listed substance is not known: the whole list stays text.
        "Known allergy to either vancomycin or ascorbic acid.",
        # Severity, intolerance and contraindication are not what an allergy entry states.
        "Severe allergic reaction to iodinated contrast",
        "History of severe allergic reaction to monoclonal antibodies",
    ],
)
def test_allergy_bullets_that_stay_text(text: str) -> None:
    assert compile_text(text, exclusion=True) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Current use of anticoagulants", "medication:anticoagulant"),
        ("Receiving anticoagulant treatment", "medication:anticoagulant"),
        ("Patients on therapeutic anticoagulation", "medication:anticoagulant"),
        ("Those that take immunosuppressant medications", "medication:immunosuppressant"),
        ("Chronic systemic immunosuppressive therapy", "medication:immunosuppressant"),
        ("Using insulin", "medication:insulin"),
        ("use of antiepileptics", "medication:antiepileptic"),
        ("Current use of warfarin", "medication:warfarin"),
        (
            "Taking strong CYP3A4 inhibitors or inducers",
            "any-of(medication:strong-cyp3a4-inhibitor, medication:strong-cyp3a4-inducer)",
        ),
        (
            "Use of strong CYP3A4 inhibitors within 14 days before the first dose",
            "medication:strong-cyp3a4-inhibitor:w-14,0,enrollment",
        ),
    ],
)
def test_current_medication_bullets_compile_to_classes(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


def test_therapeutic_anticoagulation_keeps_its_qualifier() -> None:
    criterion = compile_text("Therapeutic anticoagulation", exclusion=True)
    assert criterion == Criterion(
        Kind.MEDICATION, concept="anticoagulant", qualifiers=("therapeutic",)
    )


def test_not_using_insulin_is_a_negated_inclusion() -> None:
    assert signature(compile_text("Not using insulin")) == "NOT medication:insulin"


@pytest.mark.parametrize(
    "text",
    [
        "History of immunosuppressive therapy",
        "Prior use of anticoagulants",
        "Contraindications to anticoagulation therapy",
        "Patient on insulin pump",
        "Insulin Dependent Diabetic Patients",
        "Prophylactic anticoagulation for more than 48 hours in the two days prior to consent",
        "Participant has received strong and/or moderate CYP3A inducers within 7 days prior to "
        "the initiation of study treatment.",
        "Participants must not have received enzyme-inducing anti-epileptic agents within 7 days",
        "Patients receiving heparin therapy prior to CPB within last 7 days",
    ],
)
def test_medication_bullets_that_stay_text(text: str) -> None:
    assert compile_text(text, exclusion=True) is None


# ---------------------------------------------------------------- evaluating allergies

PENICILLIN = "History of allergy to penicillin"


def test_an_allergy_coded_by_a_member_ingredient_is_met() -> None:
    amoxicillin = allergy("Amoxicillin", (RXNORM, "723", "amoxicillin"))
    assert _result(PENICILLIN, amoxicillin) == "met"


def test_an_allergy_named_only_in_text_is_met() -> None:
    assert _result(PENICILLIN, allergy("PCN - Penicillins")) == "met"


def test_an_allergy_to_a_class_that_contains_the_substance_is_met() -> None:
    assert _result(PENICILLIN, allergy("Beta-lactam antibiotics")) == "met"


def test_other_allergies_on_the_list_make_it_not_met() -> None:
    peanut = allergy("Peanut (substance)", (SNOMED, "762952008", "Peanut"), category="food")
    assert _result(PENICILLIN, peanut) == "not-met"


def test_no_known_allergies_makes_it_not_met() -> None:
    nka = allergy("No known allergies", (SNOMED, "716186003", "No known allergy"))
    assert _result(PENICILLIN, nka) == "not-met"


def test_no_known_drug_allergies_says_nothing_about_food() -> None:
    nkda = allergy("NKDA")
    assert _result(PENICILLIN, nkda) == "not-met"
    assert _result("Hypersensitivity for soya, eggs or peanuts", nkda) == "unknown"


def test_a_record_without_an_allergy_list_is_unknown() -> None:
    assert _result(PENICILLIN) == "unknown"


def test_refuted_resolved_unconfirmed_and_intolerance_entries_never_make_it_met() -> None:
    refuted = allergy("Penicillin G", (RXNORM, "7980", "penicillin G"), verification="refuted")
    resolved = allergy("Penicillin V", (RXNORM, "7984", "penicillin V"), clinical="resolved")
    unconfirmed = allergy("Ampicillin", verification="unconfirmed")
    intolerance = allergy("Amoxicillin", type="intolerance")
    # A refuted entry is not read at all: the record has no allergy list left.
    assert _result(PENICILLIN, refuted) == "unknown"
    assert _result(PENICILLIN, resolved) == "unknown"
    assert _result(PENICILLIN, unconfirmed) == "unknown"
    assert _result(PENICILLIN, intolerance) == "unknown"


def test_iodinated_contrast_allergy_as_ehrs_write_it() -> None:
    text = "Known hypersensitivity to iodinated contrast"
    assert _result(text, allergy("Iodinated Contrast Media -- IV Dye")) == "met"
    assert _result(text, allergy("IOHEXOL")) == "met"
    latex = allergy("Latex (substance)", (SNOMED, "111088007", "Latex"), category="environment")
    assert _result(text, latex) == "not-met"


def test_an_allergy_to_one_listed_food_excludes() -> None:
    eggs = allergy("Eggs (edible) (substance)", category="food")
    assert _result("Hypersensitivity for soya, eggs or peanuts", eggs) == "met"


def test_platinum_allergy_by_carboplatin() -> None:
    carboplatin = allergy("CARBOplatin", (RXNORM, "40048", "carboplatin"))
    assert _result("Known hypersensitivity to platinum compounds", carboplatin) == "met"


# ---------------------------------------------------------------- evaluating current medication

ANTICOAGULANTS = "Current use of anticoagulants"
ATORVASTATIN = coded_medication("atorvastatin 20 MG Oral Tablet", "83367", "2019-01-01")


def test_an_active_doac_is_current_anticoagulation() -> None:
    apixaban = coded_medication("apixaban 5 MG Oral Tablet", "1364430", "2026-02-01")
    assert _result(ANTICOAGULANTS, apixaban, ATORVASTATIN) == "met"
    assert (
        _result(ANTICOAGULANTS, medication("ELIQUIS 5 mg tablet", "2026-02-01", status="active"))
        == "met"
    )


def test_an_active_order_never_renewed_for_years_is_not_proof_of_use() -> None:
    # Medication lists keep orders "active" long after the patient stopped: an open-ended
    # order from three years ago says nothing about today, in either direction.
    apixaban = coded_medication("apixaban 5 MG Oral Tablet", "1364430", "2023-09-01")
    assert _result(ANTICOAGULANTS, apixaban, ATORVASTATIN) == "unknown"
    within = "Use of anticoagulants within 14 days before the first dose"
    assert _result(within, apixaban, ATORVASTATIN) == "unknown"
    renewed = coded_medication("apixaban 5 MG Oral Tablet", "1364430", "2026-08-20")
    assert _result(ANTICOAGULANTS, apixaban, renewed) == "met"


def test_warfarin_stopped_last_year_is_not_current() -> None:
    warfarin = medication("warfarin 5 mg tablet", "2020-01-01", "2025-03-01", status="stopped")
    assert _result(ANTICOAGULANTS, warfarin, ATORVASTATIN) == "not-met"
    assert _result("Current use of warfarin", warfarin) == "not-met"


def test_no_anticoagulant_on_a_medication_list_is_not_met_and_no_list_unknown() -> None:
    assert _result(ANTICOAGULANTS, ATORVASTATIN) == "not-met"
    assert _result(ANTICOAGULANTS) == "unknown"


def test_a_heparin_flush_is_not_anticoagulation() -> None:
    flush = medication("heparin lock flush 100 unit/mL", "2026-11-20", status="active")
    assert _result(ANTICOAGULANTS, flush) == "not-met"


def test_therapeutic_anticoagulation_with_prophylactic_heparin_is_unknown() -> None:
    text = "Patients on therapeutic anticoagulation"
    enoxaparin = coded_medication("enoxaparin 40 MG/0.4ML injection", "67108", "2026-11-25")
    assert _result(text, enoxaparin) == "unknown"
    rivaroxaban = coded_medication("rivaroxaban 20 MG Oral Tablet", "1114195", "2026-01-05")
    assert _result(text, rivaroxaban) == "met"


def test_immunosuppressant_by_ingredient_and_topical_forms_left_out() -> None:
    text = "Chronic systemic immunosuppressive therapy"
    tacrolimus = coded_medication("tacrolimus 1 MG Oral Capsule", "42316", "2026-06-01")
    assert _result(text, tacrolimus) == "met"
    ointment = medication("tacrolimus 0.1 % topical ointment", "2026-06-01", status="active")
    assert _result(text, ointment, ATORVASTATIN) == "not-met"


def test_corticosteroid_alone_leaves_immunosuppressive_therapy_open() -> None:
    prednisone = medication("predniSONE 20 mg tablet", "2026-10-01", status="active")
    assert _result("Chronic systemic immunosuppressive therapy", prednisone) == "unknown"


def test_insulin_by_brand_and_not_using_insulin() -> None:
    lantus = medication("LANTUS SOLOSTAR 100 unit/mL pen", "2026-01-15", status="active")
    metformin = coded_medication("metformin 500 MG Oral Tablet", "6809", "2021-01-01")
    assert _result("Using insulin", lantus) == "met"
    # "Not using insulin" (inclusion) is NOT medication:insulin: the leaf is evaluated as
    # written and negated by the characteristic's `exclude`.
    negated = compile_text("Not using insulin")
    assert negated is not None and negated.negated
    assert _result("Not using insulin", metformin, exclusion=False) == "not-met"
    assert _result("Not using insulin", lantus, exclusion=False) == "met"


def test_cyp3a4_inducer_within_the_window_before_the_first_dose() -> None:
    text = "Use of strong CYP3A4 inhibitors or inducers within 14 days before the first dose"
    rifampin = medication("rifampin 300 mg capsule", "2026-09-01", "2026-11-22", status="stopped")
    assert _result(text, rifampin) == "met"
    old = medication("rifampin 300 mg capsule", "2026-06-01", "2026-10-01", status="stopped")
    assert _result(text, old) == "not-met"
    assert _result(text) == "unknown"


def test_antiepileptic_current_use() -> None:
    keppra = medication("KEPPRA 500 mg tablet", "2026-03-01", status="active")
    assert _result("use of antiepileptics", keppra) == "met"
    assert _result("use of antiepileptics", ATORVASTATIN) == "not-met"
