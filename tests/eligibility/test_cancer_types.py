"""Cancer types named by criteria, read as diagnoses and decided against EHR problem lists.

"Adenocarcinoma of the prostate", "rectal cancer", "HNSCC", "AML": each a concept below
`malignant-neoplasm` (ICD-10-CM subtrees, histologies no code states as children without a
code). What narrows a type (stage, "metastatic", "recurrent", "localized") is kept as another
leaf, a qualifier or text; a treatment of the cancer is not the cancer.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.matching.keys import ANY_DIAGNOSIS, criteria_keys, patient_keys
from tests.eligibility.ehr_records import (
    ICD,
    SNOMED,
    condition,
    criteria_text,
    patient,
    record,
    verdict_of_study,
)
from tests.eligibility.signature import signature


def _compiled(bullet: str, exclude: bool = False) -> str | None:
    section = "Exclusion" if exclude else "Inclusion"
    nodes = compile_outline(parse_outline(f"{section} Criteria:\n\n* {bullet}\n"))
    assert len(nodes) == 1
    return signature(nodes[0].criterion)


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        ("Histologically confirmed adenocarcinoma of the prostate", "condition:prostate-cancer"),
        ("Prostatic adenocarcinoma", "condition:prostate-cancer"),
        (
            "Histologically confirmed pancreatic ductal adenocarcinoma (PDAC)",
            "condition:pancreatic-ductal-adenocarcinoma",
        ),
        (
            "Histologically confirmed hepatocellular carcinoma (HCC)",
            "condition:hepatocellular-carcinoma",
        ),
        ("Diagnosis of multiple myeloma", "condition:multiple-myeloma"),
        ("Diffuse large B-cell lymphoma (DLBCL)", "condition:diffuse-large-b-cell-lymphoma"),
        ("Acute myeloid leukemia (AML)", "condition:acute-myeloid-leukemia"),
        ("Chronic lymphocytic leukemia (CLL)", "condition:chronic-lymphocytic-leukemia"),
        (
            "Histologically confirmed head and neck squamous cell carcinoma (HNSCC)",
            "condition:hnscc",
        ),
        ("Histologically confirmed glioblastoma", "condition:glioblastoma"),
        ("Colorectal cancer stage 4", "all-of(condition:colorectal-cancer, stage:stage-4)"),
        ("Colon or rectal cancer", "condition:colorectal-cancer"),
        (
            "Diagnosis of CML or ALL",
            "any-of(condition:chronic-myeloid-leukemia, condition:acute-lymphoblastic-leukemia)",
        ),
        # Words that narrow the type stay text.
        (
            "Biopsy proven rectal cancer (anal verge ≤ 10 cm)",
            "all-of(condition:rectal-cancer, text)",
        ),
        ("Patients with localized prostate cancer", "all-of(condition:prostate-cancer, text)"),
        (
            "Metastatic castration-resistant prostate cancer",
            "all-of(condition:prostate-cancer, text)",
        ),
        ("Newly diagnosed WHO grade IV glioma", "all-of(condition:glioma, text)"),
    ],
)
def test_an_inclusion_names_the_cancer_type(bullet: str, expected: str) -> None:
    assert _compiled(bullet) == expected


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        ("Prior colorectal cancer", "condition:colorectal-cancer"),
        ("Nasopharyngeal carcinoma", "condition:nasopharyngeal-cancer"),
        (
            "Hepatocellular carcinoma or other malignancy",
            "any-of(condition:hepatocellular-carcinoma, condition:malignant-neoplasm)",
        ),
        ("Documented or suspected prostate carcinoma", "any-of(condition:prostate-cancer, text)"),
    ],
)
def test_an_exclusion_names_the_cancer_type(bullet: str, expected: str) -> None:
    assert _compiled(bullet, exclude=True) == expected


@pytest.mark.parametrize(
    "bullet",
    [
        "Previous treatment of prostate cancer",
        "Previous prostate cancer therapy",
        "Prior surgery for rectal cancer",
        "Cervical esophageal cancer",
        "Smoldering multiple myeloma",
        "Carcinoma in situ of the cervix",
        "Active CNS leukemia",
    ],
)
def test_a_treatment_or_a_narrower_disease_is_not_the_cancer(bullet: str) -> None:
    assert _compiled(bullet, exclude=True) is None


def test_a_recurrent_cancer_is_the_cancer_and_a_text_residue() -> None:
    # Recurrence is a kind of the site's cancer its codes hold (C56): never the cancer alone,
    # the narrower kind as all-of(cancer, TEXT), which excludes nobody by itself.
    assert (
        _compiled("Recurrent ovarian cancer", exclude=True)
        == "all-of(condition:ovarian-cancer, text)"
    )


PROSTATE = condition("Prostate cancer", (ICD, "C61", "Malignant neoplasm of prostate"))
PROSTATE_SNOMED = condition(
    "Malignant tumor of prostate", (SNOMED, "399068003", "Malignant tumor of prostate")
)
LUNG = condition("Lung cancer", (ICD, "C34.90", "Malignant neoplasm of unsp part of unsp lung"))
UNSPECIFIED = condition("Cancer", (ICD, "C80.1", "Malignant (primary) neoplasm, unspecified"))
COLON = condition("Colon cancer", (ICD, "C18.7", "Malignant neoplasm of sigmoid colon"))
RECTOSIGMOID = condition(
    "Rectosigmoid cancer", (ICD, "C19", "Malignant neoplasm of rectosigmoid junction")
)
RECTUM = condition("Rectal cancer", (ICD, "C20", "Malignant neoplasm of rectum"))
LARYNX = condition("Laryngeal cancer", (ICD, "C32.9", "Malignant neoplasm of larynx, unsp"))
AML_DYSPLASIA = condition(
    "AML", (ICD, "C92.A0", "Acute myeloid leukemia with multilineage dysplasia, not in remission")
)
CML = condition("CML", (ICD, "C92.10", "Chronic myeloid leukemia, BCR/ABL-positive, not in rem"))
LEUKEMIA = condition("Leukemia", (ICD, "C95.90", "Leukemia, unspecified not having achieved rem"))
LIVER = condition("Liver cancer", (ICD, "C22.9", "Malignant neoplasm of liver, not specified"))
HCC = condition("Hepatocellular carcinoma", (ICD, "C22.0", "Liver cell carcinoma"))
BRAIN = condition("Brain tumor, malignant", (ICD, "C71.9", "Malignant neoplasm of brain, unsp"))
GBM = condition("Glioblastoma multiforme", (ICD, "C71.1", "Malignant neoplasm of frontal lobe"))
MELANOMA = condition("Melanoma", (ICD, "C43.9", "Malignant melanoma of skin, unspecified"))
BONE_METASTASES = condition(
    "Bone metastases", (ICD, "C79.51", "Secondary malignant neoplasm of bone")
)


def _verdict(
    inclusion: list[str], exclusion: list[str], conditions: list[str], *resources: dict
) -> str:
    person = record(patient(gender="male"), *resources)
    return verdict_of_study(criteria_text(inclusion, exclusion), person, conditions)


@pytest.mark.parametrize(
    ("bullet", "records", "verdict"),
    [
        ("Histologically confirmed adenocarcinoma of the prostate", [PROSTATE], "eligible"),
        ("Histologically confirmed adenocarcinoma of the prostate", [PROSTATE_SNOMED], "eligible"),
        ("Histologically confirmed adenocarcinoma of the prostate", [LUNG], "ineligible"),
        (
            "Histologically confirmed adenocarcinoma of the prostate",
            [UNSPECIFIED],
            "potential-candidate",
        ),
        ("Rectal cancer", [RECTUM], "eligible"),
        ("Rectal cancer", [RECTOSIGMOID], "potential-candidate"),
        ("Rectal cancer", [COLON], "ineligible"),
        ("Colorectal cancer", [COLON], "eligible"),
        ("Head and neck squamous cell carcinoma", [LARYNX], "potential-candidate"),
        ("Acute myeloid leukemia", [AML_DYSPLASIA], "eligible"),
        ("Acute myeloid leukemia", [CML], "ineligible"),
        ("Acute myeloid leukemia", [LEUKEMIA], "potential-candidate"),
        ("Hepatocellular carcinoma", [HCC], "eligible"),
        ("Hepatocellular carcinoma", [LIVER], "potential-candidate"),
        ("Glioblastoma", [BRAIN], "potential-candidate"),
        ("Glioblastoma", [GBM], "eligible"),
        # A metastasis says nothing of its primary unless another entry names one.
        ("Adenocarcinoma of the prostate", [BONE_METASTASES], "potential-candidate"),
        ("Adenocarcinoma of the prostate", [LUNG, BONE_METASTASES], "ineligible"),
        ("Adenocarcinoma of the prostate", [PROSTATE, BONE_METASTASES], "eligible"),
    ],
)
def test_a_required_cancer_type_against_the_problem_list(
    bullet: str, records: list[dict], verdict: str
) -> None:
    assert _verdict([bullet], [], [], *records) == verdict


@pytest.mark.parametrize(
    ("conditions", "inclusion", "own"),
    [
        (["Prostate Cancer"], "Adenocarcinoma of the prostate", PROSTATE),
        (["Rectal Cancer"], "Rectal cancer", RECTUM),
        (["Acute Myeloid Leukemia"], "Acute myeloid leukemia", AML_DYSPLASIA),
    ],
    ids=["prostate", "rectal", "aml"],
)
@pytest.mark.parametrize("exclusion", ["Other active malignancy", "Active malignancy"])
def test_another_malignancy_leaves_the_studys_own_type_out_and_counts_others(
    conditions: list[str], inclusion: str, own: dict, exclusion: str
) -> None:
    assert _verdict([inclusion], [exclusion], conditions, own) == "eligible"
    assert _verdict([inclusion], [exclusion], conditions, own, MELANOMA) == "ineligible"


def test_an_excluded_cancer_type_leaves_other_cancers_alone() -> None:
    assert _verdict(["Age 18 or older"], ["Prior colorectal cancer"], [], PROSTATE) == "eligible"
    assert _verdict(["Age 18 or older"], ["Prior colorectal cancer"], [], COLON) == "ineligible"


def _admitted_by_the_prefilter(bullet: str, *resources: dict) -> bool:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000032", "briefTitle": "x"},
            "eligibilityModule": {"eligibilityCriteria": f"Inclusion Criteria:\n- {bullet}\n"},
        }
    }
    resource = build_evidence_variable(
        study, evidence_variable_id="nct00000032", study_reference="ResearchStudy/x"
    )
    wanted = set(criteria_keys(resource, None).diagnoses)
    offered = patient_keys(record(patient(gender="male"), *resources)).diagnoses
    return ANY_DIAGNOSIS in wanted or offered is None or not wanted.isdisjoint(offered)


@pytest.mark.parametrize(
    ("bullet", "records", "admitted"),
    [
        ("Adenocarcinoma of the prostate", [PROSTATE_SNOMED], True),
        ("Adenocarcinoma of the prostate", [LUNG], False),
        ("Adenocarcinoma of the prostate", [BONE_METASTASES], True),
        ("Adenocarcinoma of the prostate", [LUNG, BONE_METASTASES], False),
        ("Rectal cancer", [RECTOSIGMOID], True),
        ("Acute myeloid leukemia", [LEUKEMIA], True),
        ("Glioblastoma", [BRAIN], True),
    ],
)
def test_the_match_prefilter_keeps_every_patient_the_evaluator_does_not_rule_out(
    bullet: str, records: list[dict], admitted: bool
) -> None:
    assert _admitted_by_the_prefilter(bullet, *records) is admitted


@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        ("De novo AML", "all-of(condition:acute-myeloid-leukemia, text)"),
        ("Relapsed DLBCL", "all-of(condition:diffuse-large-b-cell-lymphoma, text)"),
        ("Oral cavity squamous cell carcinoma (OSCC)", "condition:oral-squamous-cell-carcinoma"),
    ],
)
def test_an_abbreviated_or_oral_cancer_keeps_its_necessary_part(bullet: str, expected: str) -> None:
    assert _compiled(bullet) == expected


def test_oral_squamous_cell_carcinoma_is_a_head_and_neck_squamous_cell_carcinoma() -> None:
    floor_of_mouth = condition(
        "Floor of mouth cancer", (ICD, "C04.9", "Malignant neoplasm of floor of mouth, unsp")
    )
    assert _verdict(["HNSCC"], [], [], floor_of_mouth) == "potential-candidate"
    assert _verdict(["Oral cavity cancer"], [], [], floor_of_mouth) == "eligible"
    assert _verdict(["Oral cavity cancer"], [], [], LARYNX) == "ineligible"


def test_a_nasopharyngeal_carcinoma_may_or_may_not_be_what_an_hnscc_criterion_means() -> None:
    nasopharynx = condition(
        "Nasopharyngeal carcinoma", (ICD, "C11.9", "Malignant neoplasm of nasopharynx, unsp")
    )
    assert _verdict(["HNSCC"], [], [], nasopharynx) == "potential-candidate"
    assert _verdict(["Head and neck cancer"], [], [], nasopharynx) == "eligible"


@pytest.mark.parametrize(
    ("exclusion", "entry"),
    [
        # A metastasis's site is not a primary of that organ.
        ("Liver cancer", condition("Breast cancer with liver metastases")),
        ("Brain cancer", condition("Lung cancer with brain metastases")),
        # Epic's "(AML)" after angiomyolipoma, "anti-GBM disease": not the cancers.
        ("Acute myeloid leukemia", condition("Angiomyolipoma of right kidney (AML)")),
        ("Glioblastoma", condition("Anti-GBM disease")),
        ("Colon cancer", condition("Benign neoplasm of colon")),
    ],
)
def test_record_words_that_only_look_like_the_cancer_do_not_exclude(
    exclusion: str, entry: dict
) -> None:
    assert _verdict(["Age 18 or older"], [exclusion], [], entry) == "eligible"
