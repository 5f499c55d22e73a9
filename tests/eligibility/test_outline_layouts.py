"""Section headers and populations as real studies write them (tests/data/criteria layouts).

A header the parser does not recognise turns a whole exclusion list into inclusion requirements
("Resident Exclusion Criteria:"), and criteria of two populations joined as one list require a
patient to meet the controls' criteria too. Both call eligible patients ineligible.
"""

from __future__ import annotations

from datetime import date

from fhirtrial.eligibility.evaluation import evaluate_study
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.outline import OTHER_POPULATION, parse_outline
from tests.eligibility.ehr_records import ICD, condition, patient, record


def _evidence_variable(criteria: str) -> dict:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000001"},
            "eligibilityModule": {"eligibilityCriteria": criteria},
        }
    }
    return build_evidence_variable(
        study, evidence_variable_id="t", study_reference="ResearchStudy/NCT00000001"
    )


def _sections(text: str) -> list[tuple[str, str, str | None]]:
    return [(node.section, node.text, node.cohort) for node in parse_outline(text).walk()]


def test_headers_with_a_population_word_open_their_section() -> None:
    text = """Resident Inclusion Criteria:
  -  Age >65 years
Family Inclusion Criteria:
  -  Speaks English
Resident Exclusion Criteria:
  -  Comatose
"""
    assert _sections(text) == [
        ("inclusion", "Age >65 years", "Resident"),
        ("inclusion", "Speaks English", "Family"),
        ("exclusion", "Comatose", "Resident"),
    ]


def test_a_header_and_its_first_criterion_on_one_line() -> None:
    text = (
        "Inclusion Criteria:pathologically proved ovarian cancer\n"
        "Exclusion Criteria:recurrent ovarian cancer"
    )
    assert _sections(text) == [
        ("inclusion", "pathologically proved ovarian cancer", None),
        ("exclusion", "recurrent ovarian cancer", None),
    ]


def test_a_long_prose_exclusion_lead_in_opens_the_exclusion_list() -> None:
    lead_in = (
        "Subjects who meet any of the following criteria at screening will be excluded from "
        "participation in this study:"
    )
    text = f"Inclusion Criteria:\n  -  Breast cancer\n{lead_in}\n  -  Known HIV infection\n"
    assert _sections(text)[-1] == ("exclusion", "Known HIV infection", None)


def test_none_is_not_a_criterion() -> None:
    text = "Inclusion Criteria:\n  -  Adults\nExclusion Criteria:\n  -  None\n  -  N/A"
    assert [s for s, _, _ in _sections(text)] == ["inclusion"]


def test_sentences_about_criteria_are_not_headers() -> None:
    text = """Inclusion Criteria:
  -  Adults
Exclusion Criteria:
  -  Does not meet inclusion criteria
  -  Other, more specific exclusion criteria are defined in the protocol
"""
    assert [s for s, _, _ in _sections(text)] == ["inclusion", "exclusion", "exclusion"]


CASES_AND_CONTROLS = """Inclusion Criteria:
  -  HIV infection
Inclusion criteria for healthy controls:
  -  No HIV infection
Exclusion Criteria:
  -  Pregnancy
"""


def test_criteria_before_a_population_header_are_the_other_population() -> None:
    assert _sections(CASES_AND_CONTROLS) == [
        ("inclusion", "HIV infection", OTHER_POPULATION),
        ("inclusion", "No HIV infection", "Healthy controls"),
        ("exclusion", "Pregnancy", None),
    ]


def test_a_patient_of_one_population_is_not_held_to_the_others_criteria() -> None:
    """A patient with HIV fits the first population; the controls' 'No HIV infection' must not
    rule them out. Before, both lists were one all-of and every such patient was ineligible."""
    evidence_variable = _evidence_variable(CASES_AND_CONTROLS)
    with_hiv = record(patient("male"), condition("HIV", (ICD, "B20", "HIV disease")))
    evaluation = evaluate_study(evidence_variable, with_hiv, as_of=date(2026, 12, 1))
    assert evaluation.verdict != "ineligible"
    without = record(patient("male"), condition("Asthma", (ICD, "J45.909", "Asthma")))
    assert evaluate_study(evidence_variable, without, as_of=date(2026, 12, 1)).verdict != (
        "ineligible"
    )


def test_a_sentence_that_states_the_exclusion_is_not_a_header() -> None:
    """ "Exclusion criterion was …" was read as a second header and the only exclusion was lost."""
    text = (
        "Inclusion Criteria:\n  -  Physiotherapy students\nExclusion Criteria:\n"
        "  -  Exclusion criterion was having prior training on Ethics subject\n"
    )
    assert _sections(text)[-1] == (
        "exclusion",
        "Exclusion criterion was having prior training on Ethics subject",
        None,
    )
    listed = "Inclusion Criteria:\n  -  Adults\nExclusion criteria are as follows\n  -  Pregnancy"
    assert _sections(listed)[-1] == ("exclusion", "Pregnancy", None)


def test_a_header_glued_to_the_last_inclusion_without_its_colon() -> None:
    text = """Inclusion Criteria
  -  Must have diagnosis of PPPD based on the CCBS criteria
  -  Able to provide informed consent Exclusion Criteria
  -  Aged <18 years old
  -  Pregnant
"""
    assert _sections(text)[1:] == [
        ("inclusion", "Able to provide informed consent", None),
        ("exclusion", "Aged <18 years old", None),
        ("exclusion", "Pregnant", None),
    ]


def test_a_sentence_ending_in_a_section_name_keeps_its_place() -> None:
    text = (
        "Inclusion Criteria:\n  -  Adults who do not meet any of the Exclusion Criteria\n"
        "  -  Adults aged 18 to 65 years meeting the Inclusion Criteria\n"
        "Exclusion Criteria:\n  -  Pregnancy"
    )
    assert [s for s, _, _ in _sections(text)] == ["inclusion", "inclusion", "exclusion"]


SUBJECT_SECTIONS = """Subject Population Undergoing elective ureteroscopy with stent placement
Subject Inclusion
Age >= 18 years
Subject Exclusion
  -  Chronic opioid use
  -  Pregnancy
"""


def test_subject_inclusion_and_exclusion_lines_are_headers() -> None:
    assert _sections(SUBJECT_SECTIONS)[1:] == [
        ("inclusion", "Age >= 18 years", None),
        ("exclusion", "Chronic opioid use", None),
        ("exclusion", "Pregnancy", None),
    ]


def test_a_patient_is_not_required_to_meet_the_subject_exclusions() -> None:
    """Read as a bullet, "Subject Exclusion" made its list inclusion requirements: every patient
    who was not pregnant and not on opioids was ineligible."""
    evidence_variable = _evidence_variable(SUBJECT_SECTIONS)
    adult = record(
        patient("male", born="1970-01-01"),
        condition("Asthma", (ICD, "J45.909", "Asthma")),
    )
    assert evaluate_study(evidence_variable, adult, as_of=date(2026, 12, 1)).verdict != (
        "ineligible"
    )


def test_a_header_with_a_note_in_parentheses_wrapped_over_two_lines() -> None:
    text = """Inclusion Criteria:
  -  Presence of active neovascularization
Eye-Related Exclusion Criteria: (Applies to study eye only. May be present in non-study
eye.)
  -  Visual acuity worse than 20/200
  -  Prior vitrectomy
"""
    assert _sections(text)[1:] == [
        ("exclusion", "Visual acuity worse than 20/200", None),
        ("exclusion", "Prior vitrectomy", None),
    ]


def test_a_glued_header_in_lower_case_and_a_dash_after_a_header() -> None:
    text = (
        "Inclusion Criteria: -\n  1. Adults with chronic low back pain\n"
        "  2. Able to give written consent Exclusion criteria:\n  3. Pregnancy\n"
    )
    assert _sections(text) == [
        ("inclusion", "Adults with chronic low back pain", None),
        ("inclusion", "Able to give written consent", None),
        ("exclusion", "Pregnancy", None),
    ]


def test_groups_numbered_with_roman_numerals_and_named_together() -> None:
    """ "II. Group B:" was a lead-in of no cohort, so Group B's "NPDR of any severity" was
    required of every participant, and "Groups C & D" was read as a "Group S"."""
    text = """Inclusion Criteria:
I. Group A:
  -  Presence of active neovascularization
II. Group B:
  -  NPDR of any severity
III. Groups C & D:
  -  No evidence of diabetic retinopathy
"""
    assert [(node.text, node.cohort) for node in parse_outline(text).walk()] == [
        ("Group A:", "Group A"),  # "I." is a bullet marker (a letter)
        ("Presence of active neovascularization", "Group A"),
        ("II. Group B:", "Group B"),
        ("NPDR of any severity", "Group B"),
        ("III. Groups C & D:", "Groups C & D"),
        ("No evidence of diabetic retinopathy", "Groups C & D"),
    ]


TWO_KINDS_OF_PATIENTS = """Inclusion Criteria:

Rectal cancer patients:
  -  Histologically confirmed rectal adenocarcinoma
  -  Age 18 years or older
Breast cancer patients:
  -  Histologically confirmed breast cancer
  -  Female

Exclusion Criteria:

  -  Pregnancy
"""


def test_lead_ins_naming_two_kinds_of_patients_are_two_populations() -> None:
    cohorts = {node.text: node.cohort for node in parse_outline(TWO_KINDS_OF_PATIENTS).walk()}
    assert cohorts["Age 18 years or older"] == "Rectal cancer patients"
    assert cohorts["Female"] == "Breast cancer patients"
    assert cohorts["Pregnancy"] is None


def test_a_rectal_cancer_patient_is_not_held_to_the_breast_cancer_list() -> None:
    """Joined as one list, a man with rectal cancer failed "Female" and "breast cancer"."""
    evidence_variable = _evidence_variable(TWO_KINDS_OF_PATIENTS)
    man = record(
        patient("male", born="1960-01-01"),
        condition("Rectal adenocarcinoma", (ICD, "C20", "Malignant neoplasm of rectum")),
    )
    assert evaluate_study(evidence_variable, man, as_of=date(2026, 12, 1)).verdict == "eligible"


def test_lists_every_participant_meets_are_not_populations() -> None:
    text = """Inclusion Criteria:
Patient characteristics:
  -  Age 18 years or older
Patients with any of the following:
  -  Asthma
  -  COPD
"""
    assert {node.cohort for node in parse_outline(text).walk()} == {None}


def test_groups_named_in_quotes_are_populations() -> None:
    text = """Inclusion Criteria:
  -  Age 24-55
  -  "Healthy" subjects: T-MoCA score of >20
  -  "Afflicted" participants: diagnosis of depression
  -  "Afflicted" participants must be able to give informed consent
"""
    assert [node.cohort for node in parse_outline(text).walk()] == [
        None,
        "Healthy subject",
        "Afflicted participant",
        "Afflicted participant",
    ]


def test_a_sub_study_s_criteria_are_its_participants_only() -> None:
    """ "Sub-study Exclusion Criteria: Men or women without osteoporosis" applied to the main
    study would rule out every participant without osteoporosis."""
    text = """Cystic Fibrosis Main Study Inclusion Criteria:
  -  Must have CF diagnosis confirmed by sweat test or genotype analysis
Sub-study Exclusion Criteria:
  -  Men or women without osteoporosis
  -  Less than 18 years of age
"""
    assert _sections(text) == [
        (
            "inclusion",
            "Must have CF diagnosis confirmed by sweat test or genotype analysis",
            "Main study",
        ),
        ("exclusion", "Men or women without osteoporosis", "Sub-study"),
        ("exclusion", "Less than 18 years of age", "Sub-study"),
    ]
