"""Everyday phrasings of a single drug's current use ("Receiving metformin", "Under treatment
with levothyroxine", "Tamoxifen therapy", "Clopidogrel within 14 days before randomization",
"Type 2 diabetes on metformin therapy for at least 3 months"): read as the drug's use, with the
window or duration the text gives, in either list; and the phrasings that say something other
than a use now (a failure, a toxicity, a past course, a plan, a moment other than enrolment)
stay text. Each reading is checked against EHR-style medication records."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_text
from fhirtrial.eligibility.model import Criterion, Kind
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    medication,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import bullet_signature

# Single drugs of terminology/drug_names.json that development texts name, of several classes.
DRUGS = (
    "metformin",
    "levothyroxine",
    "methotrexate",
    "tamoxifen",
    "hydroxychloroquine",
    "clopidogrel",
    "tacrolimus",
    "spironolactone",
)
CURRENT_USE = (
    "Receiving {}",
    "Currently receiving {}",
    "Patients receiving {} therapy",
    "Patients who are receiving {}",
    "Being treated with {}",
    "Currently being treated with {}",
    "Under treatment with {}",
    "Patients under treatment with {}",
    "Treatment with {}",
    "{} therapy",
    "{} treatment",
    "Maintained on {}",
    "Taking {} for any reason",
    # Read before this change: the matrix keeps them.
    "Currently taking {}",
    "Patients on {}",
    "Concomitant use of {}",
    "Ongoing treatment with {}",
)


@pytest.mark.parametrize("section", ["Inclusion", "Exclusion"])
@pytest.mark.parametrize("phrasing", CURRENT_USE)
@pytest.mark.parametrize("drug", DRUGS)
def test_a_current_use_of_a_drug_is_read_in_either_list(
    drug: str, phrasing: str, section: str
) -> None:
    text = phrasing.format(drug)
    assert bullet_signature(text[0].upper() + text[1:], section) == f"medication:{drug}"


@pytest.mark.parametrize("drug", DRUGS)
def test_a_drug_opening_the_bullet_with_a_window_is_a_use_in_it(drug: str) -> None:
    text = f"{drug.capitalize()} within 14 days before randomization"
    assert bullet_signature(text) == f"medication:{drug}:w-14,0,enrollment"


@pytest.mark.parametrize("drug", DRUGS)
def test_a_duration_after_a_drug_therapy_is_read_into_the_use(drug: str) -> None:
    criterion = compile_text(f"{drug.capitalize()} therapy for at least 3 months")
    assert criterion is not None and criterion.kind is Kind.MEDICATION
    assert criterion.concept == drug and "lasting-91d" in criterion.qualifiers


@pytest.mark.parametrize(
    ("text", "qualifiers"),
    [
        ("Chronic metformin therapy", ("long-term",)),
        ("Long-term prednisone therapy", ("long-term",)),
        ("Daily aspirin therapy", ("regular",)),
        ("Ongoing tamoxifen treatment", ()),
        ("Concomitant clopidogrel therapy", ()),
        ("Prolonged tamoxifen therapy for at least 2 years", ("long-term", "lasting-731d")),
    ],
)
def test_words_before_a_drug_therapy_narrow_the_use_they_open(
    text: str, qualifiers: tuple[str, ...]
) -> None:
    """ "Chronic metformin therapy" is not any use: a week's course does not meet it."""
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None and criterion.kind is Kind.MEDICATION
    assert criterion.qualifiers == qualifiers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Type 2 diabetes mellitus on metformin therapy for at least 3 months",
            "all-of(condition:diabetes-type-2, medication:metformin)",
        ),
        (
            "Hypothyroidism on levothyroxine",
            "all-of(condition:hypothyroidism, medication:levothyroxine)",
        ),
        (
            "Patients with rheumatoid arthritis on methotrexate",
            "all-of(condition:rheumatoid-arthritis, medication:methotrexate)",
        ),
        # The American spelling of the class (only "sulphonylurea" was read).
        (
            "Receiving metformin or sulfonylureas",
            "any-of(medication:metformin, medication:sulfonylurea)",
        ),
        ("Not currently receiving warfarin", "NOT medication:warfarin"),
        # Drugs opening a list a class ends share the class's use and window.
        (
            "Tamoxifen, raloxifene or aromatase inhibitor therapy",
            "any-of(any-of(medication:tamoxifen, medication:raloxifene), "
            "medication:aromatase-inhibitor)",
        ),
        (
            "Aspirin or NSAIDs within 7 days before randomization",
            "any-of(medication:aspirin:w-7,0,enrollment, medication:nsaid:w-7,0,enrollment)",
        ),
        ("Current metformin users", "medication:metformin"),
        # The salt a drug is named with is the drug.
        ("Receiving metformin hydrochloride", "medication:metformin"),
        (
            "Metformin hydrochloride or glipizide within 30 days",
            "any-of(medication:metformin:w-30,0,enrollment, "
            "medication:glipizide:w-30,0,enrollment)",
        ),
        ("Patients on levothyroxine sodium", "medication:levothyroxine"),
        # "PPIs" alone is the class.
        ("Patients on PPIs", "medication:proton-pump-inhibitor"),
        ("PPI use within 2 weeks", "medication:proton-pump-inhibitor:w-14,0,enrollment"),
    ],
)
def test_a_use_beside_its_diagnosis_or_in_a_list(text: str, expected: str) -> None:
    assert bullet_signature(text, "Inclusion") == expected


@pytest.mark.parametrize(
    "text",
    [
        # Something else than a use now.
        "Metformin therapy failure",
        "Metformin-induced lactic acidosis",
        "Methotrexate toxicity",
        "Metformin levels above 5",
        "Hydroxychloroquine retinopathy",
        "Tamoxifen",
        "Tamoxifen for breast cancer prevention",
        # After a verb or an event: a past course, maybe stopped.
        "History of angioedema after treatment with enalapril",
        "Disease progression after treatment with imatinib",
        "Progressive disease on imatinib",
        "Progressed on imatinib therapy",
        "Previously received methotrexate",
        # Planned, to come, maybe, needed, stopped, allowed.
        "Patients who will be receiving metformin",
        "Will be taking warfarin",
        "Patients who may be receiving tacrolimus",
        "Subjects who are going to be receiving anticoagulants",
        "Patients scheduled to receive metformin",
        "Planned to start treatment with metformin",
        "Need for treatment with warfarin",
        "Discontinued treatment with tamoxifen",
        "Treatment with tamoxifen is allowed",
        "Contraindication to treatment with metformin",
        "Contraindication to metformin",
        # Other than what the study names: not every use.
        "Receiving metformin for any other indication",
        # A window counted from another moment than enrolment.
        "Clopidogrel within 7 days prior to surgery",
        "Treatment with clopidogrel within 7 days prior to surgery",
        "Aspirin or NSAIDs within 7 days prior to surgery",
        # Both, not either: text.
        "Aspirin and clopidogrel within 7 days",
        "Tamoxifen or aromatase inhibitor therapy failure",
        # Substances used otherwise than as medication.
        "Cocaine use within 30 days",
        "Ketamine within 24 hours",
    ],
)
@pytest.mark.parametrize("section", ["Inclusion", "Exclusion"])
def test_what_is_not_a_use_now_is_no_medication_reading(text: str, section: str) -> None:
    assert "medication:" not in (bullet_signature(text, section) or "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prior treatment with tamoxifen", "prior-therapy:tamoxifen"),
        ("Received methotrexate within the last 3 months", "medication:methotrexate:w-91"),
        ("Known hypersensitivity to metformin", "allergy:metformin"),
        ("Intolerance to levothyroxine", "allergy:levothyroxine"),
    ],
)
def test_past_use_and_allergy_keep_their_own_readings(text: str, expected: str) -> None:
    assert (bullet_signature(text) or "").startswith(expected)


def test_an_intolerance_is_an_allergy_leaf_qualified_as_intolerance() -> None:
    criterion = compile_text("Intolerance to metformin")
    assert criterion is not None and criterion.kind is Kind.ALLERGY
    assert criterion.qualifiers == ("intolerance",)


# ---------------------------------------------------------------- against EHR-style records

# Active orders dated to a future end (a record's list keeps undated "active" orders long after
# a patient stops: those say nothing about today).
LEVOTHYROXINE = medication(
    "levothyroxine (SYNTHROID) 75 mcg tablet",
    "2024-02-01",
    "2027-02-01",
    status="active",
    sig="Take 1 tablet by mouth every morning before breakfast",
)
TACROLIMUS_STATEMENT = medication(
    "tacrolimus (PROGRAF) 1 mg capsule",
    "2023-05-10",
    "2027-05-10",
    status="active",
    kind="MedicationStatement",
    sig="1 mg by mouth twice daily",
)
ATORVASTATIN = medication("atorvastatin (LIPITOR) 40 mg tablet", "2024-01-01", status="active")
T2D = condition(
    "Type 2 diabetes mellitus without complication (HCC)",
    (ICD, "E11.9", "Type 2 diabetes mellitus without complications"),
    onset="2019-03-01",
)


def _read(text: str, *, exclusion: bool = False) -> Criterion:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None
    return criterion


def test_receiving_a_drug_is_met_by_an_active_order_and_a_statement() -> None:
    person = record(patient(), LEVOTHYROXINE, TACROLIMUS_STATEMENT)
    assert result_of(_read("Receiving levothyroxine"), person) == "met"
    assert result_of(_read("Under treatment with levothyroxine"), person) == "met"
    assert result_of(_read("Currently receiving tacrolimus"), person) == "met"
    assert result_of(_read("Receiving metformin"), person) != "met"


def test_an_exclusion_window_is_counted_back_from_the_evaluation_day() -> None:
    bullet = "Clopidogrel within 14 days before randomization"
    stopped_long_ago = medication(
        "clopidogrel (PLAVIX) 75 mg tablet", "2026-06-01", "2026-09-30", status="stopped"
    )
    taking_now = medication(
        "clopidogrel (PLAVIX) 75 mg tablet", "2026-06-01", "2027-06-01", status="active"
    )
    text = criteria_text(["Adults"], [bullet])
    assert verdict_of_study(text, record(patient(), stopped_long_ago, ATORVASTATIN)) != (
        "ineligible"
    )
    assert verdict_of_study(text, record(patient(), taking_now)) == "ineligible"


def test_a_use_too_short_for_the_duration_is_unknown_never_not_met() -> None:
    bullet = _read("Type 2 diabetes mellitus on metformin therapy for at least 3 months")
    long_standing = medication(
        "metFORMIN (GLUCOPHAGE) 500 mg tablet", "2025-01-15", "2027-01-15", status="active"
    )
    just_started = medication(
        "metFORMIN (GLUCOPHAGE) 500 mg tablet", "2026-11-10", "2027-11-10", status="active"
    )
    assert result_of(bullet, record(patient(), T2D, long_standing)) == "met"
    assert result_of(bullet, record(patient(), T2D, just_started)) == "unknown"


# ---------------------------------------------------------------- mycophenolate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Receiving mycophenolate", "medication:mycophenolate"),
        ("Current use of mycophenolate mofetil", "medication:mycophenolate"),
        ("Patients on CellCept", "medication:mycophenolate"),
        (
            "Treatment with mycophenolate mofetil (MMF) within 3 months before screening",
            "medication:mycophenolate:w-91,0,enrollment",
        ),
        (
            "Current use of azathioprine or mycophenolate",
            "any-of(medication:azathioprine, medication:mycophenolate)",
        ),
        ("Allergy to mycophenolate", "allergy:mycophenolate"),
        # Its examples are members of the class: the class.
        (
            "Immunosuppressants (e.g., tacrolimus, mycophenolate)",
            "medication:immunosuppressant",
        ),
    ],
)
def test_mycophenolate_is_read_as_the_drug_it_is(text: str, expected: str) -> None:
    assert bullet_signature(text) == expected


def test_a_mycophenolate_level_is_no_use() -> None:
    assert "medication:" not in (bullet_signature("Mycophenolate levels") or "")


@pytest.mark.parametrize(
    "product",
    [
        "mycophenolate mofetil (CELLCEPT) 500 mg tablet",
        "CellCept 250 mg capsule",
        "mycophenolic acid (MYFORTIC) 360 mg delayed release tablet",
    ],
)
def test_a_mycophenolate_product_meets_the_drug_and_the_immunosuppressant_class(
    product: str,
) -> None:
    person = record(patient(), medication(product, "2026-09-01", "2027-03-01", status="active"))
    assert result_of(_read("Receiving mycophenolate"), person) == "met"
    assert result_of(_read("Current use of immunosuppressive therapy"), person) == "met"
    on_tacrolimus = record(
        patient(),
        medication(
            "tacrolimus (PROGRAF) 1 mg capsule", "2026-09-01", "2027-03-01", status="active"
        ),
    )
    assert result_of(_read("Receiving mycophenolate"), on_tacrolimus) != "met"
