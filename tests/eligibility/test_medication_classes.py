"""Medication classes criteria name (antipsychotics, SSRIs, MAO inhibitors, DOACs, TNF
inhibitors, antiretrovirals, …) and the ways criteria word a use: current ("Use of", "Patients
on", "Taking"), within a window ("Patients who have used antibiotics in the last 6 months",
"received antipsychotic medication within 3 months before screening"), with an exception that
leaves the class as it is ("anticoagulants (except for antiplatelet agents)").

Expected forms were written from the text first (phrasings of the development texts). A use
said in the past without a window ("have received antibiotics", "prior use of") is not a
current use, and an exception that takes members out of the class cannot be written: both stay
text. Evaluation: a class is met by a current member (by ATC code, RxNorm ingredient, generic
or brand name), or one overlapping the window; not met when the medication list has no member;
unknown without a medication list.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import medication, patient, record, result_of
from tests.eligibility.signature import signature
from tests.eligibility.test_allergies_and_medications import allergy

ATC = "http://www.whocc.no/atc"
ATORVASTATIN = medication("atorvastatin 20 mg tablet", "2026-01-10", status="active")


def _result(text: str, *resources: dict, exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


def _active(text: str, start: str = "2026-10-01") -> dict:
    return medication(text, start, status="active")


# ---------------------------------------------------------------- compiling


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        # Classes the compiler did not read.
        ("Use of vitamin K antagonists", True, "medication:vitamin-k-antagonist"),
        ("Current use of DOACs", True, "medication:doac"),
        ("use of neuroleptics", True, "medication:antipsychotic"),
        ("Use of anti-psychotic medication", True, "medication:antipsychotic"),
        ("Use of tricyclic antidepressants", True, "medication:tricyclic-antidepressant"),
        ("Those taking SSRIs", True, "medication:ssri"),
        (
            "Not currently receiving a monoamine oxidase inhibitor treatment",
            False,
            "NOT medication:maoi",
        ),
        ("On antiretroviral therapy", False, "medication:antiretroviral"),
        ("Current use of systemic antifungals", True, "medication:antifungal"),
        ("Receiving TNF inhibitors", True, "medication:tnf-inhibitor"),
        ("on antihypertensive medications", True, "medication:antihypertensive"),
        (
            "No current use of antihypertensive medication.",
            False,
            "NOT medication:antihypertensive",
        ),
        ("No hormonal contraception", False, "NOT medication:hormonal-contraceptive"),
        ("Patients on antidiabetic medication", True, "medication:antidiabetic"),
        (
            "Patients on ACE inhibitors or ARBs",
            True,
            "any-of(medication:ace-inhibitor, medication:angiotensin-receptor-blocker)",
        ),
        (
            "Daily use of benzodiazepine, opioid, ACE inhibitor, or ARB medication",
            True,
            "any-of(medication:benzodiazepine, medication:opioid, medication:ace-inhibitor, "
            "medication:angiotensin-receptor-blocker)",
        ),
        (
            "Use of diuretics and/or antihypertensive medications;",
            True,
            "any-of(medication:diuretic, medication:antihypertensive)",
        ),
        ("Current use of probiotics", True, "medication:probiotic"),
        ("Use of antiarrhythmic agents", True, "medication:antiarrhythmic"),
        (
            "antibiotic or probiotic use in the previous 90 days",
            True,
            "any-of(medication:antibiotic:w-90,0,enrollment, "
            "medication:probiotic:w-90,0,enrollment)",
        ),
        # A parenthesis listing members of the class illustrates it.
        (
            "Patients who take antiviral agents (acyclovir, valacyclovir)",
            True,
            "medication:antiviral",
        ),
        # An allergy to one of these classes.
        ("Allergy to ACE inhibitors", True, "allergy:ace-inhibitor"),
        (
            "Known hypersensitivity to SSRIs or SNRIs",
            True,
            "any-of(allergy:ssri, allergy:snri)",
        ),
        # Long-term use says systemic corticosteroids, as "chronic steroids" does.
        (
            "Autoimmune disease or chronic use of steroids;",
            True,
            "any-of(condition:autoimmune-disease, medication:systemic-corticosteroid)",
        ),
        ("Long term steroid treatment", True, "medication:systemic-corticosteroid"),
        ("Patients with chronic regular opioid usage", True, "medication:opioid"),
        ("Use of H2- receptor antagonists", True, "medication:h2-receptor-antagonist"),
        # A single drug the patient is on.
        ("Patients on methotrexate", True, "medication:methotrexate"),
        (
            "Patients on ezetimibe or colesevelam",
            True,
            "any-of(medication:ezetimibe, medication:colesevelam)",
        ),
        # A single drug named before its use.
        ("Chronic aspirin use", True, "medication:aspirin"),
        (
            "Pregabalin use within 2 weeks before study enrolment",
            True,
            "medication:pregabalin:w-14,0,enrollment",
        ),
        (
            "amiodarone usage within the past 3 months,",
            True,
            "medication:amiodarone:w-91,0,enrollment",
        ),
        (
            "Concomitant ciclosporin or rifampicin therapy.",
            True,
            "any-of(medication:ciclosporin, medication:rifampicin)",
        ),
        # A single drug used in the past, with its window.
        (
            "Received rituximab within 6 months prior to enrollment",
            True,
            "medication:rituximab:w-183,0,enrollment",
        ),
        (
            "Patients who have taken metformin in the past 3 months",
            True,
            "medication:metformin:w-91,0,enrollment",
        ),
        # A use in the past, with the window it must fall in.
        (
            "Those who have received antipsychotic medication within 3 months before screening",
            True,
            "medication:antipsychotic:w-91,0,enrollment",
        ),
        (
            "Patients who have used antibiotics in the last 6 months.",
            True,
            "medication:antibiotic:w-183,0,enrollment",
        ),
        ("Used opioids in the past 6 months", True, "medication:opioid:w-183,0,enrollment"),
        (
            "history of antibiotic use in the past one month",
            True,
            "medication:antibiotic:w-30,0,enrollment",
        ),
        (
            "intake of any tricyclic antidepressant within the last 14 days",
            True,
            "medication:tricyclic-antidepressant:w-14,0,enrollment",
        ),
        (
            "use of benzodiazepines on a regular basis within the past 30 days.",
            True,
            "medication:benzodiazepine:w-30,0,enrollment",
        ),
        (
            "Use of SSRIs or SNRIs within 2 weeks before enrolment",
            True,
            "any-of(medication:ssri:w-14,0,enrollment, medication:snri:w-14,0,enrollment)",
        ),
        # An exception outside the class leaves the class as it is.
        (
            "Current use of anticoagulants (except for antiplatelet agents)",
            True,
            "medication:anticoagulant",
        ),
        (
            "Current use of anticoagulants, excluding aspirin and clopidogrel",
            True,
            "medication:anticoagulant",
        ),
        # Examples that are all members of the class: the class.
        (
            "Current use of anticoagulants (e.g., warfarin, apixaban)",
            True,
            "medication:anticoagulant",
        ),
        (
            "Use of strong CYP3A4 inhibitors (e.g., ketoconazole, clarithromycin) within 14 days "
            "before the first dose",
            True,
            "medication:strong-cyp3a4-inhibitor:w-14,0,enrollment",
        ),
        ("Use of MAO inhibitors (such as phenelzine)", True, "medication:maoi"),
        (
            "Current use of SSRIs (e.g., sertraline, fluoxetine, etc.)",
            True,
            "medication:ssri",
        ),
        # The purpose the class already says.
        (
            "treated with warfarin or NOACs for anticoagulation.",
            False,
            "any-of(medication:warfarin, medication:doac)",
        ),
        # A diagnosis with the class that treats it: both necessary.
        (
            "Patients with hypertension taking antihypertensive drugs",
            False,
            "all-of(condition:hypertension, medication:antihypertensive)",
        ),
    ],
)
def test_bullets_compile_to_the_expected_form(text: str, exclusion: bool, expected: str) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Past use without a window: prior therapy at any time, not a current use.
        "Patients who have received antibiotics",
        # ("Prior use of antipsychotics" is prior therapy now: test_medication_groups.py.)
        "Prior use of antibiotics",
        "Recent use of antibiotics",
        # A window counted from another moment than enrolment.
        "Patients who have taken opioids in the past 3 months prior to surgery",
        # Started, changed or planned: not a use in the window.
        "Initiated antidepressants in the last 3 months.",
        "Changed their dose of an antidepressant in the last 3 months.",
        "Planned use of anticoagulants within 4 weeks",
        # (An exception that takes members out of the class cannot be written as the class:
        # "Current use of antidepressants (except SSRIs)" is all-of(class, TEXT) since the
        # exception is kept as a text member, test_excepted_uses.py.)
        # A drug of abuse, a use disorder, a past use without a window: not a medication use.
        "Methamphetamine use",
        "Methadone use disorder",
        "Patients who have received rituximab",
        "History of aspirin use",
        "Received aspirin within 7 days prior to surgery",
        # "On" after a verb, or a past use: not a current use.
        "Progressed on imatinib",
        "Patients previously on imatinib",
        # A route other than systemic ("steroids" alone: `rules.corticosteroid_words`).
        "Use of inhaled corticosteroids",
        # An example outside the class (trazodone is no SSRI): the class is not what excludes.
        "Current use of SSRIs (e.g., sertraline, trazodone)",
        # "Oral" antidiabetics leave insulin out: no class says so.
        "Patients on oral antidiabetic drugs",
    ],
)
def test_bullets_that_stay_text(text: str) -> None:
    assert compile_text(text, exclusion=True, partial=True) is None


# ---------------------------------------------------------------- evaluating


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("Use of anti-psychotic medication", "QUEtiapine 50 mg tablet"),
        ("Use of anti-psychotic medication", "SEROQUEL 25 MG tablet"),
        ("Those taking SSRIs", "sertraline 50 MG Oral Tablet"),
        ("Those taking SSRIs", "LEXAPRO 10 mg tablet"),
        ("Use of tricyclic antidepressants", "amitriptyline 25 mg tablet"),
        ("Use of vitamin K antagonists", "warfarin 5 mg tablet"),
        ("Current use of DOACs", "ELIQUIS 5 MG tablet"),
        ("On antiretroviral therapy", "BIKTARVY 50-200-25 MG tablet"),
        ("Receiving TNF inhibitors", "HUMIRA 40 MG/0.4ML pen"),
        ("Current use of systemic antifungals", "fluconazole 150 mg tablet"),
        ("on antihypertensive medications", "lisinopril 10 mg tablet"),
        ("on antihypertensive medications", "amLODIPine 5 mg tablet"),
        ("Patients on antidiabetic medication", "metFORMIN 500 mg tablet"),
        ("Patients on antidiabetic medication", "LANTUS SOLOSTAR 100 unit/mL pen"),
        ("Use of MAO inhibitors", "rasagiline 1 mg tablet"),
        ("Current use of probiotics", "Saccharomyces boulardii 250 mg capsule"),
        ("Current use of probiotics", "CULTURELLE capsule"),
        ("Use of antiarrhythmic agents", "amiodarone 200 mg tablet"),
        ("Patients who take antiviral agents (acyclovir, valacyclovir)", "VALTREX 1 g tablet"),
        # An antiretroviral is an antiviral.
        ("Patients who take antiviral agents (acyclovir, valacyclovir)", "dolutegravir 50 mg"),
        ("on antihypertensive medications", "chlorthalidone 25 mg tablet"),
        (
            "Subjects taking hormonal contraception",
            "etonogestrel 0.12 MG/Day / ethinyl estradiol 0.015 MG/Day Vaginal Ring",
        ),
    ],
)
def test_a_current_member_meets_the_class(text: str, member: str) -> None:
    assert _result(text, _active(member)) == "met"


def test_a_class_coded_by_its_atc_group_is_met() -> None:
    coded = _active("Risperidone")
    coded["medicationCodeableConcept"] = {
        "coding": [{"system": ATC, "code": "N05AX08", "display": "risperidone"}]
    }
    assert _result("use of neuroleptics", coded) == "met"


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("Use of anti-psychotic medication", "sertraline 50 mg tablet"),
        ("Those taking SSRIs", "venlafaxine 75 mg capsule"),
        # Rasagiline is an MAO inhibitor, not an antidepressant.
        ("Current use of antidepressants", "rasagiline 1 mg tablet"),
        # A loop diuretic is no antihypertensive class.
        ("on antihypertensive medications", "furosemide 40 mg tablet"),
        # A shampoo is not a systemic antifungal.
        ("Current use of systemic antifungals", "ketoconazole 2 % shampoo"),
        ("Receiving TNF inhibitors", "methotrexate 2.5 mg tablet"),
    ],
)
def test_a_medication_list_without_a_member_is_not_met(text: str, other: str) -> None:
    assert _result(text, _active(other), ATORVASTATIN) == "not-met"


def test_no_medication_list_leaves_a_class_unknown() -> None:
    assert _result("Those taking SSRIs") == "unknown"
    assert _result("Used opioids in the past 6 months") == "unknown"


def test_a_past_use_counts_inside_the_window_only() -> None:
    text = "Those who have received antipsychotic medication within 3 months before screening"
    recent = medication("haloperidol 5 mg tablet", "2026-07-01", "2026-09-15", status="stopped")
    old = medication("haloperidol 5 mg tablet", "2025-01-01", "2025-06-01", status="stopped")
    assert _result(text, recent) == "met"
    assert _result(text, old) == "not-met"


def test_a_single_drug_used_in_the_window() -> None:
    text = "Pregabalin use within 2 weeks before study enrolment"
    recent = medication("pregabalin 75 mg capsule", "2026-10-01", "2026-11-25", status="stopped")
    old = medication("pregabalin 75 mg capsule", "2026-01-01", "2026-06-01", status="stopped")
    assert _result(text, recent) == "met"
    assert _result(text, old) == "not-met"
    assert _result(text) == "unknown"


def test_an_exception_outside_the_class_does_not_count() -> None:
    text = "Current use of anticoagulants (except for antiplatelet agents)"
    clopidogrel = _active("clopidogrel 75 mg tablet")
    apixaban = _active("apixaban 5 mg tablet")
    assert _result(text, clopidogrel) == "not-met"
    assert _result(text, clopidogrel, apixaban) == "met"


def test_patients_on_a_single_drug() -> None:
    assert _result("Patients on methotrexate", _active("methotrexate 2.5 mg tablet")) == "met"
    assert _result("Patients on methotrexate", ATORVASTATIN) == "not-met"
    assert _result("Patients on methotrexate") == "unknown"


def test_not_on_a_class_in_an_inclusion_list() -> None:
    text = "Not currently receiving a monoamine oxidase inhibitor treatment"
    # The leaf is evaluated as written; the characteristic's `exclude` negates it.
    assert _result(text, _active("phenelzine 15 mg tablet"), exclusion=False) == "met"
    assert _result(text, ATORVASTATIN, exclusion=False) == "not-met"


def test_an_allergy_to_a_class_by_a_member_or_by_the_class_name() -> None:
    text = "Allergy to ACE inhibitors"
    assert _result(text, allergy("Lisinopril")) == "met"
    assert _result(text, allergy("ACE Inhibitors")) == "met"
    assert _result(text, allergy("Penicillin G")) == "not-met"
    assert _result(text) == "unknown"
