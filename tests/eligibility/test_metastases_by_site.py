"""Metastases named by site, distant metastases and the words criteria use for malignancy.

Real-style bullets (the development texts word them so: "Multiple bone metastases indicated by
bone scan", "Presence of distant metastasis", "Active neoplastic disease", "At the active stage of
malignant tumors") compile to concepts below `metastatic-disease` with ICD-10-CM codes of the
release; the records they are held against are written as Epic exports them ("Secondary malignant
neoplasm of bone (HCC)", C79.51 with its SNOMED CT code).
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.evaluation.diagnoses import SITE_METASTASES
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    SNOMED,
    condition,
    criteria_text,
    observation,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.signature import signature

BONE_METS = condition(
    "Secondary malignant neoplasm of bone (HCC)",
    (ICD, "C79.51", "Secondary malignant neoplasm of bone"),
    (SNOMED, "94222008", "Secondary malignant neoplasm of bone"),
    onset="2026-05-02",
)
BONE_METS_RESOLVED = condition(
    "Secondary malignant neoplasm of bone (HCC)",
    (ICD, "C79.51", "Secondary malignant neoplasm of bone"),
    status="resolved",
    onset="2019-05-02",
    abated="2020-01-10",
)
LIVER_METS_WORDS = condition("liver mets", onset="2026-04-01")
PROSTATE = condition("Prostate cancer", (ICD, "C61", "Malignant neoplasm of prostate"))
COLON = condition(
    "Malignant neoplasm of sigmoid colon (HCC)",
    (ICD, "C18.7", "Malignant neoplasm of sigmoid colon"),
)
ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))
STAGE_II = observation(
    (LOINC, "21908-9", "Stage group.clinical Cancer"),
    "2026-10-01",
    valueCodeableConcept={"text": "Stage IIA"},
)


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("Bone metastases", True, "condition:bone-metastases"),
        ("Known liver metastases", True, "condition:liver-metastases"),
        ("Hepatic metastases", True, "condition:liver-metastases"),
        ("Metastatic disease to the bone", True, "condition:bone-metastases"),
        ("metastatic bone disease", False, "condition:bone-metastases"),
        ("Bone marrow metastases", True, "condition:bone-marrow-metastases"),
        ("Histologically proven bone metastases", False, "condition:bone-metastases"),
        ("Bone metastases indicated by PET-CT", False, "condition:bone-metastases"),
        ("Bone metastases indicated by bone scan", False, "condition:bone-metastases"),
        (
            "Multiple bone metastases indicated by bone scan",
            False,
            "all-of(condition:bone-metastases, text)",
        ),
        ("No liver metastases", False, "NOT condition:liver-metastases"),
        (
            "Liver or lung metastases",
            True,
            "any-of(condition:liver-metastases, condition:lung-metastases)",
        ),
        ("known brain or leptomeningeal metastases", True, "condition:brain-metastases"),
        ("Presence of distant metastasis", True, "condition:metastatic-disease"),
        ("Patients with distant metastases.", True, "condition:metastatic-disease"),
        ("No evidence of distant metastasis (M0)", False, "NOT condition:metastatic-disease"),
        (
            "rectal cancer without distant metastases",
            False,
            "all-of(condition:rectal-cancer, NOT condition:metastatic-disease)",
        ),
        ("Active neoplastic disease", True, "condition:malignant-neoplasm"),
        ("Patients with neoplasia", True, "condition:malignant-neoplasm"),
        (
            "At the active stage of malignant tumors.",
            True,
            "all-of(condition:malignant-neoplasm, text)",
        ),
    ],
)
def test_metastasis_and_malignancy_phrasings_compile(
    text: str, exclusion: bool, expected: str
) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


@pytest.mark.parametrize(
    ("text", "exclusion"),
    [
        # Not the same thing, or not said plainly: the words stay text.
        ("Liver and lung metastases", True),  # both, or either?
        ("liver or meningeal metastases", True),  # meningeal alone is narrower than brain/CNS
        ("Leptomeningeal metastases", True),
        ("Stage IV with visceral metastases (pulmonary, hepatic ...)", True),
        ("Presence of pelvic LN metastasis", True),
        ("cervical intraepithelial neoplasia", True),
        ("benign neoplasia", True),
        ("Known malignancy, particularly multiple endocrine neoplasia", True),
        ("Cirrhosis of the liver secondary to alcohol", True),
        ("Metastasis of lung cancer", True),
    ],
)
def test_what_is_not_a_metastasis_by_site_stays_text(text: str, exclusion: bool) -> None:
    read = compile_text(text, exclusion=exclusion)
    assert read is None or "metastases" not in (signature(read) or "")


def test_each_site_is_a_metastasis_with_codes_of_the_release() -> None:
    vocabulary = terminology.terminology()
    below = set(vocabulary.concept("metastatic-disease").includes)
    assert below == SITE_METASTASES | {"brain-metastases"}
    assert "metastatic-disease" in terminology.concepts_for(ICD, "C79.51")
    assert "bone-metastases" in terminology.concepts_for(ICD, "C79.51")
    assert "bone-metastases" not in terminology.concepts_for(ICD, "C79.52")
    assert "lung-metastases" in terminology.concepts_for(ICD, "C78.02")
    assert "adrenal-metastases" in terminology.concepts_for(ICD, "C79.71")
    assert "lymph-node-metastases" in terminology.concepts_for(ICD, "C77.3")
    assert "bone-metastases" in terminology.concepts_for(SNOMED, "94222008")


@pytest.mark.parametrize(
    ("words", "concept"),
    [
        ("Secondary malignant neoplasm of bone (HCC)", "bone-metastases"),
        ("Metastasis to liver", "liver-metastases"),
        ("Secondary malignant neoplasm of liver", "liver-metastases"),
        ("liver mets", "liver-metastases"),
        ("Metastatic melanoma to lung", "lung-metastases"),
        ("Metastatic breast cancer to bone", "bone-metastases"),
        ("Secondary malignant neoplasm of left adrenal gland", "adrenal-metastases"),
        ("Peritoneal carcinomatosis (HCC)", "peritoneal-metastases"),
    ],
)
def test_records_name_a_site_in_their_words(words: str, concept: str) -> None:
    assert concept in terminology.concepts_for_record_text(words)


@pytest.mark.parametrize(
    "words",
    [
        "Cirrhosis of liver secondary to alcohol",
        "Hepatic encephalopathy secondary to cirrhosis",
        "Metastatic lung cancer",  # a lung primary that has spread, not a lung metastasis
        "Metastasis of lung cancer to brain",
        "Osteomyelitis of spine",
        "Secondary malignant neoplasm of bone marrow",
    ],
)
def test_records_that_are_no_metastasis_at_the_site(words: str) -> None:
    found = terminology.concepts_for_record_text(words)
    assert not found & {"bone-metastases", "liver-metastases", "lung-metastases"}


def _exclusion(text: str):
    read = compile_criterion(text, exclusion=True)
    assert read is not None
    return read


def test_an_epic_bone_metastasis_meets_the_site_and_a_resolved_one_is_not_current() -> None:
    bone = _exclusion("Known bone metastases")
    assert result_of(bone, record(patient(gender="male"), PROSTATE, BONE_METS)) == "met"
    # A resolved entry does not say there are bone metastases now.
    resolved = record(patient(gender="male"), PROSTATE, BONE_METS_RESOLVED)
    assert result_of(bone, resolved) == "unknown"
    assert result_of(_exclusion("Liver metastases"), record(patient(), LIVER_METS_WORDS)) == "met"


def test_a_missing_site_is_unknown_for_a_cancer_patient_and_not_met_otherwise() -> None:
    liver = _exclusion("Known liver metastases")
    assert result_of(liver, record(patient(), COLON)) == "unknown"
    # No cancer on a recorded problem list: no metastasis of one.
    assert result_of(liver, record(patient(), ASTHMA)) == "not-met"
    # A recent stage II and no metastasis on record rules metastases out.
    assert result_of(liver, record(patient(), COLON, STAGE_II)) == "not-met"


def test_no_liver_metastases_in_a_colorectal_study_is_not_met_by_a_missing_entry() -> None:
    text = criteria_text(["Adenocarcinoma of the colon", "No liver metastases"], [])
    conditions = ["Colorectal Cancer"]
    assert verdict_of_study(text, record(patient(), COLON), conditions) == "potential-candidate"
    liver = condition(
        "Secondary malignant neoplasm of liver (HCC)",
        (ICD, "C78.7", "Secondary malignant neoplasm of liver and intrahepatic bile duct"),
    )
    assert verdict_of_study(text, record(patient(), COLON, liver), conditions) == "ineligible"
    assert verdict_of_study(text, record(patient(), COLON, STAGE_II), conditions) == "eligible"


def test_bone_metastases_required_by_a_prostate_study() -> None:
    text = criteria_text(
        ["Adenocarcinoma of the prostate", "Multiple bone metastases indicated by bone scan"], []
    )
    conditions = ["Prostate Cancer"]
    with_mets = record(patient(gender="male"), PROSTATE, BONE_METS)
    assert (
        verdict_of_study(text, with_mets, conditions) == "potential-candidate"
    )  # "multiple": for review
    text = criteria_text(
        ["Adenocarcinoma of the prostate", "Bone metastases confirmed on bone scan"], []
    )
    assert verdict_of_study(text, with_mets, conditions) == "eligible"
    assert verdict_of_study(text, record(patient(gender="male"), PROSTATE), conditions) == (
        "potential-candidate"
    )


def test_distant_metastases_exclude_a_metastatic_patient_only() -> None:
    text = criteria_text(["Age 18 or older"], ["Presence of distant metastases"])
    with_mets = record(patient(gender="male"), PROSTATE, BONE_METS)
    assert verdict_of_study(text, with_mets, ["Prostate Cancer"]) == "ineligible"
    staged = record(patient(gender="male"), PROSTATE, STAGE_II)
    assert verdict_of_study(text, staged, ["Prostate Cancer"]) == "eligible"


@pytest.mark.parametrize(
    "exclusion", ["At the active stage of malignant tumors.", "Active neoplastic disease"]
)
def test_a_cancer_studys_own_cancer_never_excludes_its_patients(exclusion: str) -> None:
    text = criteria_text(["Adenocarcinoma of the prostate"], [exclusion])
    own = record(patient(gender="male"), PROSTATE)
    assert verdict_of_study(text, own, ["Prostate Cancer"]) == "eligible"


def test_active_malignancy_words_in_a_non_cancer_study() -> None:
    text = criteria_text(["Age 18 or older"], ["At the active stage of malignant tumors."])
    assert (
        verdict_of_study(text, record(patient(), COLON)) == "potential-candidate"
    )  # how active: review
    resolved = condition(
        "Malignant neoplasm of sigmoid colon",
        (ICD, "C18.7", "Malignant neoplasm of sigmoid colon"),
        status="resolved",
        onset="2010-02-01",
        abated="2010-09-01",
    )
    assert verdict_of_study(text, record(patient(), resolved)) == "eligible"
    neoplastic = criteria_text(["Age 18 or older"], ["Active neoplastic disease"])
    assert verdict_of_study(neoplastic, record(patient(), COLON)) == "ineligible"
    assert verdict_of_study(neoplastic, record(patient(), ASTHMA)) == "eligible"


@pytest.mark.parametrize(
    "text",
    [
        "Prior treatment for liver metastases",
        "Prior radiotherapy to bone metastases",
        "Prior treatment for brain metastases",
    ],
)
def test_metastases_named_as_what_a_treatment_was_for_are_no_diagnosis_to_exclude(
    text: str,
) -> None:
    # A patient with the metastases and no such treatment is not meant: the words stay text.
    assert compile_text(text, exclusion=True) is None


def test_a_history_of_metastases_counts_a_resolved_entry() -> None:
    history = _exclusion("History of bone metastases")
    resolved = record(patient(gender="male"), PROSTATE, BONE_METS_RESOLVED)
    assert result_of(history, resolved) == "met"
    assert result_of(_exclusion("Bone metastases"), resolved) == "unknown"
