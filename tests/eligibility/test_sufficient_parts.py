"""Exclusion bullets read to their sufficient parts (`rules.partial.sufficient_parts`).

What a user notices: a breastfeeding patient is excluded by "Pregnant or nursing participants.
Women of childbearing potential must agree to use contraception …" (text-only before), while a
patient who is neither stays "unknown" — never cleared ("not met") on a partial reading. And what
must never happen: a word that narrows a part or allows some patients is ignored, and a patient
who could join is excluded.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvalContext
from fhirtrial.eligibility.evaluation.evaluator import combine_findings, evaluate_criterion
from fhirtrial.eligibility.evaluation.facts import facts_for
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import AS_OF, ICD, LOINC, condition, observation, patient, record
from tools.partial_compile_report import describe

# ---------------------------------------------------------------- real bullets → parts

REAL_BULLETS = [
    # (study, bullet, parts) — exclusion bullets from the development texts and panel studies
    (
        "NCT04647916",
        "Participants must not be pregnant or nursing. Women of reproductive potential must have "
        "a negative serum or urine pregnancy test within 7 days prior to registration. Women and "
        "men of reproductive potential must have agreed to use an effective contraceptive method "
        "for the duration of protocol treatment.",
        "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding, TEXT)",
    ),
    (
        "NCT05581004",
        "Pregnant or breastfeeding or intention of becoming pregnant during the study or within "
        "4 months after the final dose of RO7501275, or 4 months after the final dose of "
        "pembrolizumab",
        "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding, TEXT)",
    ),
    (
        "NCT03794167",
        "Pregnant or lactating women, women of childbearing potential not employing adequate "
        "contraception",
        "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding, TEXT)",
    ),
    (
        "NCT03518606",
        "Female patients who are pregnant or breastfeeding. Male or female patients of "
        "reproductive potential who are not willing to employ highly effective methods of "
        "contraception from screening to 180 days after receipt of the final dose",
        "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding, TEXT)",
    ),
    # (NCT03927157 "Hepatitis B, C or HIV." is read in full now, hepatitis C included:
    # tests/eligibility/test_virus_letters.py)
    (
        "NCT03920605",
        "Human immunodeficiency virus infection or congenital immune deficiency diseases;",
        "any-of(condition:hiv, TEXT)",
    ),
    (
        "NCT03518606",
        "Active brain metastases, spinal cord compression, or leptomeningeal disease. Patients "
        "whose brain metastases have been treated may participate if the brain metastases are "
        "stable by imagery (defined as 2 brain images, both obtained after treatment of the brain "
        "metastases and at least four weeks apart",
        "any-of(condition:brain-metastases[active], TEXT)",  # the allowance is for treated ones
    ),
    (
        "issue",
        "Known untreated brain metastases (patients with treated brain metastases stable for "
        "≥ 2 months are eligible)",
        "any-of(condition:brain-metastases[untreated], TEXT)",
    ),
    (
        "NCT01246102",
        "Patients with known brain metastases or carcinomatous meningitis are excluded from this "
        "clinical trial, with the exception of patients whose brain metastatic disease status "
        "has remained stable for greater than or equal to 2 months after treatment of the brain "
        "metastases, without steroids or anti-seizure medications. These patients may be "
        "enrolled at the discretion of the principal investigator.",
        "any-of(all-of(condition:brain-metastases, "
        "NOT condition:brain-metastases[treated,stable]), TEXT)",
    ),
]
# Understood in full once the subject words or a justification are set aside: no residue.
FULL = [
    ("Pregnant or breastfeeding woman", "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding)"),
    ("Female patients who are breast-feeding.", "breastfeeding:breastfeeding"),
    (
        "Pregnant women are ineligible because the effects of AT13387 on the developing human "
        "fetus are unknown.",
        "pregnancy:pregnancy",
    ),
]


@pytest.mark.parametrize(("study", "text", "parts"), REAL_BULLETS, ids=[r[0] for r in REAL_BULLETS])
def test_real_exclusion_bullets_keep_their_sufficient_parts(study: str, text: str, parts: str):
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None, study
    assert describe(criterion) == parts
    assert compile_text(text, exclusion=True) is None  # not understood in full


@pytest.mark.parametrize(("text", "parts"), FULL)
def test_subject_words_and_justifications_do_not_stop_a_full_reading(text: str, parts: str):
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None
    assert describe(criterion) == parts


def test_a_qualifier_the_finder_carries_is_kept_not_refused():
    criterion = compile_text(
        "Uncontrolled HIV, or AIDS-defining illness", exclusion=True, partial=True
    )
    assert criterion is not None
    assert describe(criterion) == "any-of(condition:hiv[uncontrolled], TEXT)"


def test_the_unless_form_keeps_the_stability_window():
    text = REAL_BULLETS[-1][1]
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None
    unless = criterion.children[0].children[1]
    assert unless.negated and unless.window is not None and unless.window.high_days == -61


# ---------------------------------------------------------------- refusals

REFUSED = [
    # (why, text)
    (
        "'and' joins a part to something not understood",
        "HIV and on antiretrovirals with interactions",
    ),
    ("a restriction after the list may reach every item", "HIV or hepatitis requiring treatment"),
    (
        "a qualifier before the list may reach every item",
        "Unstable spinal cord compression/brain metastases.",
    ),
    ("'that required' restricts the part", "History of HIV that required surgery"),
    ("a 'with' clause restricts the part", "Pregnant women with fetal anomalies"),
    (
        "'who' clause restricts the part",
        "Pregnant women who are mentally incapacitated and need guardians.",
    ),
    (
        "history vs current with a window",
        "History of hepatitis B. Patients with hepatitis B within 5 years are excluded.",
    ),
    ("suspected", "Known or suspected HIV infection, or other immune deficiency"),
    ("risk of", "Pregnancy or risk of pregnancy, women who are not using contraception"),
    ("investigator's discretion", "HIV or other infection at the investigator's discretion."),
    ("uncontrolled", "Uncontrolled pain or HIV. Patients must sign consent"),
    ("symptomatic (no finder qualifier here)", "HIV, symptomatic or not, or tuberculosis"),
    ("cohort", "Pregnant or nursing women (cohort B only). Contraception is required."),
    ("for cohort", "HIV, for Part 2, or tuberculosis"),
    ("unless", "Breastfeeding, unless the participant agrees to stop. Contraception required."),
    ("except", "HIV infection, except patients on stable antiretroviral therapy, or hepatitis"),
    ("other than", "Hepatitis B other than resolved infection, or tuberculosis"),
    ("with the exception of", "HIV or tuberculosis, with the exception of latent disease"),
    ("are eligible", "Hepatitis B or HIV. Patients with undetectable viral load are eligible."),
    ("are allowed", "Pregnant or nursing. Nursing mothers who pump are allowed."),
    ("may be enrolled", "HIV or tuberculosis. Patients on therapy may be enrolled."),
    ("is acceptable", "Hepatitis C or HIV. Treated hepatitis C is acceptable."),
    ("provided that", "HIV or hepatitis. Patients are excluded provided that viral load is high."),
    ("if … stable", "HIV or tuberculosis. Patients can participate if stable on therapy."),
    ("nursing stopped", "Pregnant or nursing women. Nursing must be discontinued before dosing."),
    (
        "an allowance that takes untreated ones in",
        "Known brain metastases (asymptomatic or treated and stable brain metastases are eligible)",
    ),
    ("a future pregnancy is not a pregnancy", "Multiple pregnancy or planning a pregnancy"),
    ("joined to the next bullet", "Pregnant or breastfeeding mother and"),
]


@pytest.mark.parametrize(("why", "text"), REFUSED, ids=[r[0] for r in REFUSED])
def test_words_that_can_make_a_part_insufficient_leave_the_bullet_text_only(why: str, text: str):
    assert compile_text(text, exclusion=True, partial=True) is None, why


def test_only_top_level_exclusion_leaves_are_read_in_part():
    # and sub-bullets of a lead-in that only introduces alternatives, each excluding on its own
    # (`compiler._sub_bullets_each_exclude`); not those of a lead-in naming a population.
    text = (
        "Exclusion Criteria:\n"
        "- Pregnant or nursing participants. Women must agree to use contraception.\n"
        "- For healthy controls:\n"
        "  - Pregnant or nursing participants. Women must agree to use contraception.\n"
        "- Any of the following:\n"
        "  - Pregnant or nursing participants. Women must agree to use contraception.\n"
    )
    leaf, population, alternatives = compile_outline(parse_outline(text))
    assert leaf.criterion is not None and leaf.needs_review
    assert population.children[0].criterion is None
    alternative = alternatives.children[0]
    assert alternative.criterion == leaf.criterion and alternative.needs_review


# ---------------------------------------------------------------- evaluation

_BULLET = (
    "Pregnant or nursing participants. Women of childbearing potential must agree to use "
    "contraception for the duration of the study."
)
_NURSING = observation(
    (LOINC, "63895-7", "Breastfeeding status"), "2026-11-20", valueCodeableConcept={"text": "Yes"}
)
_NOT_PREGNANT = observation(
    (LOINC, "2106-3", "Choriogonadotropin (pregnancy test) [Presence] in Urine"),
    "2026-11-20",
    valueCodeableConcept={"text": "Negative"},
)


def _result(text: str, *resources: dict, person: dict | None = None) -> str:
    criterion = compile_text(text, exclusion=True, partial=True)
    assert criterion is not None
    facts = facts_for(record(person or patient(), *resources))
    ctx = EvalContext(facts=facts, as_of=AS_OF, policy=DEFAULT_POLICY)
    return evaluate_criterion(criterion, ctx).result


def test_a_breastfeeding_patient_is_excluded():
    assert _result(_BULLET, _NURSING) == "met"
    lactation = condition("Lactating", (ICD, "Z39.1", "Encounter for care of lactating mother"))
    assert _result(_BULLET, lactation) == "met"


def test_a_patient_who_is_neither_is_unknown_not_cleared():
    assert _result(_BULLET, _NOT_PREGNANT) == "unknown"
    assert _result(_BULLET) == "unknown"
    assert _result(_BULLET, person=patient(gender="male")) == "unknown"


def test_three_valued_any_of_with_a_text_member_is_never_not_met():
    text_member = Finding("unknown", "not computable")
    assert combine_findings("any-of", None, [Finding("met", "x"), text_member]).result == "met"
    for other in ("not-met", "unknown", "not-applicable"):
        found = combine_findings("any-of", None, [Finding(other, "x"), text_member])  # type: ignore[arg-type]
        assert found.result == "unknown", other


def test_a_qualifier_before_a_list_holds_for_every_item_or_none() -> None:
    """ "Uncontrolled diabetes, hypertension or HIV": controlled HIV must not exclude. The
    qualifier once reached only the items next to it, in whatever order the finders listed them."""
    criterion = compile_text("Uncontrolled diabetes, hypertension or HIV", exclusion=True)
    assert criterion is not None
    assert [child.qualifiers for child in criterion.children] == [("uncontrolled",)] * 3
