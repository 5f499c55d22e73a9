"""Diagnosis names (ICD-10-CM titles and common names, hand-made concepts) behind the words
criteria put before them: a judgement ("Severe mitral stenosis"), "Personal history of",
"Concurrent / comorbid", "(any grade)", "Known or suspected", "Women with", "… according to the
investigator", "diagnosed within the last year" (`rules.diagnosis_leads`) — and the words that
must keep the bullet text ("Acute X", "Chronic X" when no title says so, "Mild X").

A matrix of names × phrasings, compiled as both an inclusion and an exclusion bullet, then
verdicts against EHR-style records where the reading changes who is turned away.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature

# name → the leaf it compiles to alone.
NAMES = {
    "mitral stenosis": "condition:icd10cm:I05.0+I05.2+I34.2+Q23.2",
    "glaucoma": "condition:icd10cm:H40",
    "fibromyalgia": "condition:icd10cm:M79.7",
    "psoriasis": "condition:icd10cm:L40",
    "sarcoidosis": "condition:icd10cm:D86",
    "myasthenia gravis": "condition:icd10cm:G70.0",
    "epilepsy": "condition:epilepsy",  # hand-made
    "asthma": "condition:asthma",  # hand-made
}
TITLES = [n for n, leaf in NAMES.items() if "icd10cm" in leaf]

# phrasing → the qualifier the one leaf carries (the judgement is `unknown` when recorded).
QUALIFIED = {
    "Severe {x}": "severe",
    "Significant {x}": "clinically-significant",
    "Clinically significant {x}": "clinically-significant",
    "Serious {x}": "clinically-significant",
    "Uncontrolled {x}": "uncontrolled",
    "Poorly controlled {x}": "uncontrolled",
    "Untreated {x}": "untreated",
    "Unstable {x}": "unstable",
    "Symptomatic {x}": "symptomatic",
    "Moderate to severe {x}": "moderate-or-severe",
    "Concurrent {x}": "active",
    "Comorbid {x}": "active",
    "Co-morbid {x}": "active",
    "Coexisting {x}": "active",
    "Concomitant {x}": "active",
}
# phrasing → the signature, {leaf} the name's leaf.
SHAPED = {
    "Personal history of {x}": "{leaf}",
    "{X} (any grade)": "{leaf}",
    "{X} (any severity)": "{leaf}",
    "{X} (any type)": "{leaf}",
    "Known or suspected {x}": "any-of({leaf}, text)",
    "Women with {x}": "all-of(sex:female, {leaf})",
    "Men with {x}": "all-of(sex:male, {leaf})",
    "Female patients with {x}": "all-of(sex:female, {leaf})",
    "{X} diagnosed within the last year": "{leaf}:w-365,0,enrollment",
    "Diagnosis of {x} within the past 12 months": "{leaf}:w-365,0,enrollment",
    "{X} within the last year": "{leaf}:w-365,0,enrollment",
}


def _text(phrasing: str, name: str) -> str:
    return phrasing.format(x=name, X=name[0].upper() + name[1:])


def _read(text: str, *, exclusion: bool) -> Criterion | None:
    return compile_text(text, exclusion=exclusion, partial=True)


def _leaves(criterion: Criterion) -> list[Criterion]:
    if criterion.kind is Kind.COMBINATION:
        return [leaf for child in criterion.children for leaf in _leaves(child)]
    return [criterion]


@pytest.mark.parametrize("exclusion", [False, True], ids=["inclusion", "exclusion"])
@pytest.mark.parametrize("phrasing", list(QUALIFIED))
@pytest.mark.parametrize("name", list(NAMES))
def test_a_judgement_before_a_name_is_its_qualifier(
    name: str, phrasing: str, exclusion: bool
) -> None:
    read = _read(_text(phrasing, name), exclusion=exclusion)
    assert signature(read) == NAMES[name]
    assert read is not None and QUALIFIED[phrasing] in read.qualifiers


@pytest.mark.parametrize("exclusion", [False, True], ids=["inclusion", "exclusion"])
@pytest.mark.parametrize("phrasing", list(SHAPED))
@pytest.mark.parametrize("name", list(NAMES))
def test_a_lead_in_around_a_name_compiles(name: str, phrasing: str, exclusion: bool) -> None:
    read = _read(_text(phrasing, name), exclusion=exclusion)
    assert signature(read) == SHAPED[phrasing].format(leaf=NAMES[name])


# An exclusion's diagnosis as the investigator judges it: all-of(X, TEXT), never X alone. (An
# inclusion's judgement is `rules.partial.necessary_parts`' to read or refuse.)
JUDGED = [
    "{X} according to the investigator",
    "{X}, as judged by the investigator",
    "{X} in the opinion of the investigator",
    "{X} (as judged by the treating physician)",
    "In the opinion of the investigator, {x}",
]


@pytest.mark.parametrize("phrasing", JUDGED)
@pytest.mark.parametrize("name", list(NAMES))
def test_an_investigators_diagnosis_is_the_diagnosis_and_a_judgement(
    name: str, phrasing: str
) -> None:
    read = _read(_text(phrasing, name), exclusion=True)
    assert signature(read) == f"all-of({NAMES[name]}, text)"


@pytest.mark.parametrize("name", list(NAMES))
def test_a_diagnosis_made_in_a_window_is_dated_by_its_diagnosis(name: str) -> None:
    # Not "present in the last year": a disease of 2010 still active is, but was not diagnosed
    # in it.
    for phrasing in ("{X} diagnosed within the last year", "Diagnosed with {x} in the last year"):
        read = _read(_text(phrasing, name), exclusion=True)
        assert read is not None and "diagnosed" in read.qualifiers, phrasing
    plain = _read(_text("{X} within the last year", name), exclusion=True)
    assert plain is not None and "diagnosed" not in plain.qualifiers


@pytest.mark.parametrize("exclusion", [False, True], ids=["inclusion", "exclusion"])
@pytest.mark.parametrize("name", TITLES)
def test_acute_chronic_and_mild_never_read_as_the_wider_title(name: str, exclusion: bool) -> None:
    # "Acute sarcoidosis", "chronic glaucoma", "mild psoriasis": a narrower diagnosis (or a
    # grade) than the title's codes; read bare, an exclusion would turn away every patient with
    # the title. At most all-of(title, TEXT).
    leaf = NAMES[name]
    for phrasing in ("Acute {x}", "Chronic {x}", "Mild {x}"):
        found = signature(_read(_text(phrasing, name), exclusion=exclusion))
        assert found in (None, f"all-of({leaf}, text)"), phrasing
    # (Never bare. "Acute glaucoma" is all-of(H40, TEXT) by `rules.diagnosis_residue`, which
    # takes "acute" only where the title's own codes hold acute kinds — H40.21, acute
    # angle-closure glaucoma — so the narrower kind lies inside the title.)


def test_a_title_that_says_chronic_is_read_as_that_title() -> None:
    assert signature(_read("Chronic migraine", exclusion=True)) == "condition:icd10cm:G43.7+G43.E"
    assert signature(_read("Chronic respiratory failure", exclusion=True)) == (
        "condition:icd10cm:J96.1"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Family or personal history of epilepsy",  # someone else's history too
        "Suspected glaucoma",  # a suspicion alone
        "Concomitant medication",
        "Concurrent chemotherapy",
        "Concurrent infection",  # whether an infection is ongoing: text
        "No glaucoma according to the investigator",
        "Mild or severe psoriasis",
    ],
)
def test_stays_text(text: str) -> None:
    for exclusion in (False, True):
        read = _read(text, exclusion=exclusion)
        assert read is None or any(leaf.kind is Kind.TEXT for leaf in _leaves(read)), text


def test_a_judgement_is_shared_down_a_list_and_a_title_after_it_is_not_read_bare() -> None:
    # "Severe mitral stenosis or bronchiectasis": the judgement holds for both; a bare J47
    # would exclude every bronchiectasis.
    read = _read("Severe mitral stenosis or bronchiectasis", exclusion=True)
    assert read is not None
    for leaf in _leaves(read):
        assert leaf.kind is Kind.TEXT or leaf.qualifiers or read.combination == "all-of"
    mixed = _read("Significant delirium or dementia", exclusion=True)
    assert mixed is not None
    assert all("clinically-significant" in leaf.qualifiers for leaf in _leaves(mixed))


# ----------------------------------------------------------------------------- evaluation

MITRAL = (ICD, "I05.0", "Rheumatic mitral stenosis")
GLAUCOMA = (ICD, "H40.11X0", "Primary open-angle glaucoma, stage unspecified")
MIGRAINE = (ICD, "G43.909", "Migraine, unspecified, not intractable, without status migrainosus")
HTN = (ICD, "I10", "Essential (primary) hypertension")


def test_severe_mitral_stenosis_is_unknown_for_a_recorded_stenosis_never_ineligible() -> None:
    criterion = compile_criterion("Severe mitral stenosis", exclusion=True)
    assert criterion is not None
    stenosis = record(patient(), condition("Rheumatic mitral stenosis", MITRAL))
    assert result_of(criterion, stenosis) == "unknown"  # how severe is not recorded
    other = record(patient(), condition("Hypertension", HTN))
    assert result_of(criterion, other) == "not-met"
    study = criteria_text(["Age >= 18 years"], ["Severe mitral stenosis"])
    assert verdict_of_study(study, stenosis) != "ineligible"
    assert verdict_of_study(study, other) == "eligible"


def test_concurrent_glaucoma_needs_a_current_entry() -> None:
    criterion = compile_criterion("Concurrent glaucoma", exclusion=True)
    assert criterion is not None
    current = record(patient(), condition("Glaucoma", GLAUCOMA))
    resolved = record(
        patient(), condition("Glaucoma", GLAUCOMA, status="resolved", abated="2020-05-01")
    )
    assert result_of(criterion, current) == "met"
    assert result_of(criterion, resolved) == "not-met"


def test_women_with_a_diagnosis_exclude_only_women_who_have_it() -> None:
    study = criteria_text(["Age >= 18 years"], ["Women with glaucoma"])
    man = record(patient(gender="male"), condition("Glaucoma", GLAUCOMA))
    woman = record(patient(gender="female"), condition("Glaucoma", GLAUCOMA))
    healthy_woman = record(patient(gender="female"), condition("Hypertension", HTN))
    assert verdict_of_study(study, man) == "eligible"
    assert verdict_of_study(study, woman) == "ineligible"
    assert verdict_of_study(study, healthy_woman) == "eligible"


def test_known_or_suspected_in_an_inclusion_never_fails_a_patient() -> None:
    criterion = _read("Known or suspected glaucoma", exclusion=False)
    assert criterion is not None
    assert result_of(criterion, record(patient(), condition("Glaucoma", GLAUCOMA))) == "met"
    # Not recorded: a suspicion may still hold.
    assert result_of(criterion, record(patient(), condition("Hypertension", HTN))) == "unknown"


def test_a_diagnosis_according_to_the_investigator_never_excludes_on_its_own() -> None:
    criterion = _read("Glaucoma according to the investigator", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), condition("Glaucoma", GLAUCOMA))) == "unknown"
    assert result_of(criterion, record(patient(), condition("Hypertension", HTN))) == "not-met"


def test_a_long_standing_migraine_is_not_one_diagnosed_within_the_last_year() -> None:
    study = criteria_text(["Age >= 18 years"], ["Migraine diagnosed within the last year"])
    since_2010 = record(patient(), condition("Migraine", MIGRAINE, onset="2010-03-01"))
    new = record(patient(), condition("Migraine", MIGRAINE, onset="2026-06-01"))
    assert verdict_of_study(study, since_2010) == "eligible"  # present, but diagnosed in 2010
    assert verdict_of_study(study, new) == "ineligible"


EPILEPSY = (ICD, "G40.909", "Epilepsy, unspecified, not intractable, without status epilepticus")


def test_epilepsy_since_2010_is_not_excluded_by_a_diagnosis_in_the_past_12_months() -> None:
    # Read as "epilepsy present in the past 12 months", this turned away every patient with
    # an active long-standing epilepsy.
    study = criteria_text(["Age >= 18 years"], ["Epilepsy diagnosed within the past 12 months"])
    since_2010 = record(patient(), condition("Epilepsy", EPILEPSY, onset="2010-03-01"))
    new = record(patient(), condition("Epilepsy", EPILEPSY, onset="2026-06-01"))
    undated = record(patient(), condition("Epilepsy", EPILEPSY, onset=None))
    assert verdict_of_study(study, since_2010) == "eligible"
    assert verdict_of_study(study, new) == "ineligible"
    assert verdict_of_study(study, undated) != "ineligible"  # when diagnosed: not recorded
