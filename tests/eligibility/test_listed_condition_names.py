"""Every name the condition terminology lists, compiled on its own as a bullet: the synonyms and
plain displays of `conditions.json`, the synonyms of `obstetric.json`, the names of
`icd10cm_synonyms.json` and `icd10cm_common_names.json` and the displays of
`diagnosis_groups.json`, each alone and as "History of …", "Patients with …", "Diagnosis of …",
in an inclusion and an exclusion list, read as the concept it names.

A name that reads otherwise is listed here with the reason: read as a narrower ICD-10-CM code
(`READ_AS`), left text because reading it as its concept would mean more or less than the text
(`STAY_TEXT`), read alone but not after "History of" (`NOT_A_HISTORY`), or read in some
phrasings only, for a cause left alone (`PARTLY_READ`). The names
`rules.listed_names` added ("lung cancer", "systemic lupus", "manic depression", "malignant
neoplasm of breast") are checked inside real-style bullets and against EHR problem lists."""

from __future__ import annotations

import json
import re
from importlib.resources import files

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.rules import compile_text
from fhirtrial.eligibility.rules.listed_names import NOT_THE_CONCEPT, READ_OTHERWISE
from tests.eligibility.ehr_records import ICD, SNOMED, condition, patient, record, result_of
from tests.eligibility.signature import signature

_TERMINOLOGY = files("fhirtrial.eligibility.terminology")
PHRASINGS = ("{}", "History of {}", "Patients with {}", "Diagnosis of {}")


def _table(name: str) -> dict:
    return json.loads(_TERMINOLOGY.joinpath(f"{name}.json").read_text())


def _listed(source: str) -> list[tuple[str, str]]:
    """(name, concept) of every name one terminology file lists for a diagnosis."""
    if source in ("conditions", "obstetric"):
        return [
            (name, concept)
            for concept, raw in _table(source)["concepts"].items()
            if source == "conditions" or raw.get("synonyms")
            for name in dict.fromkeys([*raw.get("synonyms", ()), raw["display"]])
        ]
    if source == "icd10cm_synonyms":
        return [(n, f"icd10cm:{e['code']}") for n, e in _table(source)["synonyms"].items()]
    if source == "icd10cm_common_names":
        return [(n, "icd10cm:" + "+".join(e["codes"])) for n, e in _table(source)["names"].items()]
    return [(raw["display"], c) for c, raw in _table("diagnosis_groups")["concepts"].items()]


_NARROWER_CODE = "a name ICD-10-CM codes on its own: read as that code, narrower than the concept"
READ_AS: dict[tuple[str, str], tuple[str, str]] = {
    # (name, concept) → (the reading of the bare name in an exclusion, why)
    ("cerebral infarction", "stroke"): ("condition:icd10cm:I63", _NARROWER_CODE),
    ("cerebral infarction", "stroke-ischemic"): ("condition:icd10cm:I63", _NARROWER_CODE),
    ("emphysema", "copd"): ("condition:icd10cm:J43", _NARROWER_CODE),
    # Primary hypertension with or without organ damage (I10–I13), not secondary hypertension
    # I15 the bare concept holds too, and not I10 alone (test_essential_hypertension.py).
    ("essential hypertension", "hypertension"): (
        "condition:essential-hypertension",
        "a group of its own: primary hypertension, I10-I13",
    ),
    ("end stage renal disease", "chronic-kidney-disease"): (
        "condition:icd10cm:N18.6",
        _NARROWER_CODE,
    ),
    ("end-stage renal disease", "chronic-kidney-disease"): (
        "condition:icd10cm:N18.6",
        _NARROWER_CODE,
    ),
    ("ventricular tachycardia", "arrhythmia"): ("condition:icd10cm:I47.2", _NARROWER_CODE),
    ("ventricular fibrillation", "arrhythmia"): ("condition:icd10cm:I49.01", _NARROWER_CODE),
    ("supraventricular tachycardia", "arrhythmia"): ("condition:icd10cm:I47.1", _NARROWER_CODE),
    ("aortic stenosis", "valvular-heart-disease"): (
        "condition:icd10cm:I35.0+I35.2+I06.0+I06.2+Q23.0",
        _NARROWER_CODE,
    ),
    ("mitral regurgitation", "valvular-heart-disease"): (
        "condition:icd10cm:I34.0+I05.1+I05.2+Q23.3",
        _NARROWER_CODE,
    ),
    ("aortic regurgitation", "valvular-heart-disease"): (
        "condition:icd10cm:I35.1+I35.2+I06.1+I06.2+Q23.1",
        _NARROWER_CODE,
    ),
    ("mitral stenosis", "valvular-heart-disease"): (
        "condition:icd10cm:I05.0+I05.2+I34.2+Q23.2",
        _NARROWER_CODE,
    ),
    ("diabetic neuropathy", "peripheral-neuropathy"): (
        "condition:icd10cm:E08.40+E08.41+E08.42+E08.43+E08.44+E09.40+E09.41+E09.42+E09.43"
        "+E09.44+E10.40+E10.41+E10.42+E10.43+E10.44+E11.40+E11.41+E11.42+E11.43+E11.44"
        "+E13.40+E13.41+E13.42+E13.43+E13.44",
        _NARROWER_CODE,
    ),
    ("opioid use disorder", "drug-use-disorder"): (
        "condition:icd10cm:F11.1+F11.2",
        _NARROWER_CODE,
    ),
    ("opioid dependence", "drug-use-disorder"): ("condition:icd10cm:F11.2", _NARROWER_CODE),
    ("cocaine dependence", "drug-use-disorder"): ("condition:icd10cm:F14.2", _NARROWER_CODE),
    ("cocaine abuse", "drug-use-disorder"): ("condition:icd10cm:F14.1", _NARROWER_CODE),
    ("depressive episode", "depression"): (
        "condition:icd10cm:F32.0+F32.1+F32.2+F32.3+F32.4+F32.5+F32.89+F32.9+F32.A+F33",
        "a common name of its own (F32 less the single-episode remission codes, and F33)",
    ),
    ("hay fever", "icd10cm:J30.1"): (
        "condition:icd10cm:J30.1+J30.2",
        "the common name hay fever: seasonal allergic rhinitis, pollen or other",
    ),
    ("tnbc", "breast-cancer-triple-negative"): (
        "all-of(biomarker:er:negative, biomarker:pr:negative, biomarker:her2:negative)",
        READ_OTHERWISE["tnbc"],
    ),
}
_MESH = "a MeSH heading: a neoplasm may be benign, the concept is a cancer"
_INVERTED = "an inverted MeSH heading: in a criterion a comma separates list items"
_DESCRIPTION = "a description of the concept's extent (parentheses, slashes, lists), not a name"
_NO_FINDER = "no finder reads the concept: melanoma is read, the site words stay text"
_SCLC = "no finder reads small cell lung cancer (MeSH only): lung cancer is read, 'small cell' text"
_ACUTE = "an untimed acute event stays text (`base.is_untimed_acute`)"
_CHAPTER = (
    "an ICD-10-CM chapter title: the group finder reads the names criteria use ('neurological"
    " disease'); criteria write chapter titles in lists of organ systems it does not read"
)
_OBSTETRIC_TITLE = "an ICD-10-CM title of an obstetric code: `rules.obstetric` reads the names"
STAY_TEXT: dict[tuple[str, str], str] = {
    **{
        (name, concept): NOT_THE_CONCEPT[name]
        for name, concept in (
            ("acral melanoma", "melanoma-cutaneous"),
            ("choroidal melanoma", "melanoma-uveal-ocular"),
            ("urothelial carcinoma of the bladder", "bladder-cancer"),
            ("solid tumor", "malignant-neoplasm"),
            ("solid tumour", "malignant-neoplasm"),
            ("primary malignancy", "malignant-neoplasm"),
            ("metastases", "metastatic-disease"),
            ("metastatic", "metastatic-disease"),
            ("septic shock", "sepsis"),
            ("radiation pneumonitis", "pneumonitis"),
            ("drug-induced pneumonitis", "pneumonitis"),
            ("tachyarrhythmia", "arrhythmia"),
            ("intracerebral hemorrhage", "stroke-hemorrhagic"),
            ("diabetic polyneuropathy", "peripheral-neuropathy"),
            ("precursor cell lymphoblastic leukemia-lymphoma", "acute-lymphoblastic-leukemia"),
        )
    },
    ("cutaneous melanoma", "melanoma-cutaneous"): _NO_FINDER,
    ("melanoma of skin", "melanoma-cutaneous"): _NO_FINDER,
    ("melanoma of the skin", "melanoma-cutaneous"): _NO_FINDER,
    ("skin melanoma", "melanoma-cutaneous"): _NO_FINDER,
    ("small cell lung cancer", "sclc"): _SCLC,
    ("small-cell lung cancer", "sclc"): _SCLC,
    ("small cell lung carcinoma", "sclc"): _SCLC,
    ("small cell carcinoma of lung", "sclc"): _SCLC,
    ("small cell carcinoma of the lung", "sclc"): _SCLC,
    ("sclc", "sclc"): _SCLC,
    ("Small cell lung cancer", "sclc"): _SCLC,
    ("breast neoplasm", "breast-cancer"): _MESH,
    ("mammary neoplasia", "breast-cancer"): _MESH,
    ("prostatic neoplasms", "prostate-cancer"): _MESH,
    ("prostatic neoplasms, castration-resistant", "prostate-cancer"): _MESH,
    ("colorectal neoplasms", "colorectal-cancer"): _MESH,
    ("colonic neoplasms", "colon-cancer"): _MESH,
    ("rectal neoplasms", "rectal-cancer"): _MESH,
    ("pancreatic neoplasms", "pancreatic-cancer"): _MESH,
    ("liver neoplasms", "liver-cancer"): _MESH,
    ("stomach neoplasms", "gastric-cancer"): _MESH,
    ("esophageal neoplasms", "esophageal-cancer"): _MESH,
    ("head and neck neoplasms", "head-and-neck-cancer"): _MESH,
    ("nasopharyngeal neoplasms", "nasopharyngeal-cancer"): _MESH,
    ("mouth neoplasms", "oral-cavity-cancer"): _MESH,
    ("laryngeal neoplasms", "laryngeal-cancer"): _MESH,
    ("oropharyngeal neoplasms", "oropharyngeal-cancer"): _MESH,
    ("ovarian neoplasms", "ovarian-cancer"): _MESH,
    ("uterine neoplasms", "uterine-cancer"): _MESH,
    ("endometrial neoplasms", "endometrial-cancer"): _MESH,
    ("uterine cervical neoplasms", "cervical-cancer"): _MESH,
    ("urinary bladder neoplasms", "bladder-cancer"): _MESH,
    ("thyroid neoplasms", "thyroid-cancer"): _MESH,
    ("testicular neoplasms", "testicular-cancer"): _MESH,
    ("carcinoma, pancreatic ductal", "pancreatic-ductal-adenocarcinoma"): _INVERTED,
    ("carcinoma, hepatocellular", "hepatocellular-carcinoma"): _INVERTED,
    ("carcinoma, renal cell", "renal-cell-carcinoma"): _INVERTED,
    ("leukemia, myeloid, acute", "acute-myeloid-leukemia"): _INVERTED,
    ("leukemia, lymphocytic, chronic, b-cell", "chronic-lymphocytic-leukemia"): _INVERTED,
    ("leukemia, myelogenous, chronic, bcr-abl positive", "chronic-myeloid-leukemia"): _INVERTED,
    ("lymphoma, non-hodgkin", "non-hodgkin-lymphoma"): _INVERTED,
    ("lymphoma, large b-cell, diffuse", "diffuse-large-b-cell-lymphoma"): _INVERTED,
    ("lymphoma, mantle-cell", "mantle-cell-lymphoma"): _INVERTED,
    ("lymphoma, follicular", "follicular-lymphoma"): _INVERTED,
    ("acute coronary syndrome", "acute-coronary-syndrome"): _ACUTE,
    ("Acute coronary syndrome", "acute-coronary-syndrome"): _ACUTE,
    ("acute exacerbation of copd", "icd10cm:J44.1"): _ACUTE,
    ("acute kidney injury", "icd10cm:N17"): _ACUTE,
    ("Gestational [pregnancy-induced] hypertension", "gestational-hypertension"): _OBSTETRIC_TITLE,
    ("Premature separation of placenta [abruptio placentae]", "placental-abruption"): (
        _OBSTETRIC_TITLE
    ),
    ("Continuing pregnancy after elective fetal reduction", "fetal-reduction"): _OBSTETRIC_TITLE,
    ("Fetus-to-fetus placental transfusion syndrome", "twin-to-twin-transfusion-syndrome"): (
        _OBSTETRIC_TITLE
    ),
    **{
        (display, concept): _CHAPTER
        for display, concept in (
            ("Mental, behavioral or neurodevelopmental disorder", "mental-disorder"),
            ("Disease of the nervous system", "neurological-disease"),
            ("Disease of the respiratory system (lung disease)", "lung-disease"),
            ("Disorder of an endocrine gland (endocrine disease)", "endocrine-disease"),
            ("Disease of the skin and subcutaneous tissue", "skin-disease"),
            (
                "Congenital malformation, deformation or chromosomal abnormality",
                "congenital-malformation",
            ),
            (
                "Disease of the digestive system (gastrointestinal disease)",
                "gastrointestinal-disease",
            ),
            (
                "Disease of the blood and blood-forming organs (hematologic disease)",
                "hematologic-disease",
            ),
            (
                "Disease of the musculoskeletal system and connective tissue",
                "musculoskeletal-disease",
            ),
            (
                "Certain infectious and parasitic diseases (infectious disease)",
                "infectious-disease",
            ),
            ("Disease of the genitourinary system", "genitourinary-disease"),
            ("Disease of the eye and adnexa", "eye-disease"),
            ("Disease of the ear and mastoid process", "ear-disease"),
        )
    },
    **{
        (display, concept): _DESCRIPTION
        for display, concept in (
            ("Melanoma of skin (cutaneous, including acral)", "melanoma-cutaneous"),
            ("Melanoma of uveal / ocular origin", "melanoma-uveal-ocular"),
            ("Malignant neoplasm of colon, rectosigmoid junction or rectum", "colorectal-cancer"),
            (
                "Malignant neoplasm of lip, oral cavity, pharynx, nasal cavity, sinuses or larynx"
                " (head and neck)",
                "head-and-neck-cancer",
            ),
            (
                "Malignant neoplasm of oral cavity (tongue, gum, floor of mouth, palate, other"
                " parts of mouth)",
                "oral-cavity-cancer",
            ),
            (
                "Malignant neoplasm of oropharynx (base of tongue, tonsil, oropharynx)",
                "oropharyngeal-cancer",
            ),
            ("Malignant neoplasm of kidney, except renal pelvis", "kidney-cancer"),
            ("Malignant neoplastic disease (any primary malignancy)", "malignant-neoplasm"),
            ("Metastatic (secondary) malignant disease", "metastatic-disease"),
            ("Bone marrow / haematopoietic stem cell transplant status", "stem-cell-transplant"),
            ("Myocardial infarction (acute or old)", "myocardial-infarction"),
            (
                "Chronic renal failure (chronic kidney disease stage 3 to 5, end-stage or"
                " unspecified)",
                "chronic-renal-failure",
            ),
            ("Renal impairment (renal dysfunction)", "renal-impairment"),
            ("Hepatic impairment (hepatic or liver dysfunction)", "hepatic-impairment"),
            (
                "Stroke (cerebral infarction or nontraumatic intracranial haemorrhage)",
                "stroke",
            ),
            ("Tuberculosis (disease; latent infection excluded)", "tuberculosis"),
            ("Non-infectious pneumonitis (radiation or drug-induced)", "pneumonitis"),
            ("Kidney failure (acute, end-stage or unspecified)", "kidney-failure"),
            (
                "Coagulation defect or haemorrhagic condition (bleeding disorder)",
                "bleeding-disorder",
            ),
            (
                "Hemophilia (hereditary factor VIII, IX or XI deficiency; acquired hemophilia)",
                "hemophilia",
            ),
            ("Substance (alcohol or drug) abuse or dependence", "substance-use-disorder"),
            (
                "Infection (acute or current infectious disease; chronic viral infections"
                " excluded)",
                "infection",
            ),
            (
                "Depression (depressive episode, recurrent or persistent depressive disorder)",
                "depression",
            ),
            ("Sickle-cell disease (not the trait)", "sickle-cell-disease"),
        )
    },
}
PARTLY_READ: dict[tuple[str, str], str] = {
    # A name another finder's word refuses in some phrasings (left alone).
    ("mog antibody disease", "icd10cm:G37.81"): "read in an inclusion only ('antibody')",
}
_NOW = "a state now: a past one is no pregnancy or lactation today"
NOT_A_HISTORY: dict[tuple[str, str], str] = (
    {(name, "pregnancy"): _NOW for name in ("pregnant", "pregnancy", "Pregnancy")}
    | {
        (name, "breastfeeding"): _NOW
        for name in (
            *("breastfeeding", "breast-feeding", "breast feeding", "lactating", "lactation"),
            *("nursing", "Breastfeeding / lactation"),
        )
    }
    | {("multiple pregnancies", "multiple-gestation"): _NOW}
)

_SOURCES = (
    "conditions",
    "obstetric",
    "icd10cm_synonyms",
    "icd10cm_common_names",
    "diagnosis_groups",
)


def _reads(signature_text: str | None, concept: str) -> bool:
    return signature_text is not None and bool(
        re.search(rf"(?<![\w.+-]){re.escape(concept)}(?![\w.+-])", signature_text)
    )


def _bullet(phrasing: str, name: str) -> str:
    return phrasing.format(name[:1].upper() + name[1:] if phrasing == "{}" else name)


@pytest.mark.parametrize("source", _SOURCES)
def test_every_listed_name_reads_as_its_concept(source: str) -> None:
    wrong = []
    for name, concept in _listed(source):
        if (name, concept) in STAY_TEXT or (name, concept) in READ_AS | PARTLY_READ:
            continue
        for phrasing in PHRASINGS:
            if phrasing.startswith("History") and (name, concept) in NOT_A_HISTORY:
                continue
            for exclusion in (False, True):
                text = _bullet(phrasing, name)
                read = signature(compile_text(text, exclusion=exclusion, partial=True))
                if not _reads(read, concept):
                    wrong.append((text, "exclusion" if exclusion else "inclusion", read))
    assert wrong == []


@pytest.mark.parametrize(("key", "expected"), [(k, v[0]) for k, v in READ_AS.items()])
def test_a_name_icd_10_cm_codes_is_read_as_its_code(key: tuple[str, str], expected: str) -> None:
    name, _ = key
    for phrasing in PHRASINGS:
        assert signature(compile_text(_bullet(phrasing, name), exclusion=True)) == expected


def test_every_name_left_text_is_listed_and_not_read_as_its_concept() -> None:
    listed = {pair for source in _SOURCES for pair in _listed(source)}
    assert set(STAY_TEXT) <= listed
    assert set(READ_AS) <= listed
    assert set(NOT_A_HISTORY) <= listed
    assert set(PARTLY_READ) <= listed
    assert all(reason for reason in STAY_TEXT.values())
    for name, concept in STAY_TEXT:
        read = signature(compile_text(_bullet("{}", name), exclusion=True, partial=True))
        assert read != f"condition:{concept}", name
        history = compile_text(f"History of {name}", exclusion=True, partial=True)
        assert signature(history) != f"condition:{concept}", name


def test_the_names_the_module_refuses_are_explained_here() -> None:
    explained = {name for name, _ in STAY_TEXT} | {name for name, _ in READ_AS}
    assert set(NOT_THE_CONCEPT) | set(READ_OTHERWISE) <= explained


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        # Names the terminology listed and the finder now reads, inside real-style bullets.
        ("has a history of lung cancer", True, "condition:lung-cancer"),
        ("no prior history of lung cancer", False, "NOT condition:lung-cancer"),
        ("Stage IV lung cancer", False, "all-of(stage:stage-4, condition:lung-cancer)"),
        (
            "Patients with lung cancer with brain metastases",
            False,
            "all-of(condition:lung-cancer, condition:brain-metastases)",
        ),
        ("Liver or lung cancer", True, "any-of(condition:liver-cancer, condition:lung-cancer)"),
        # The more specific name still wins; what narrows it stays text.
        ("Non-small cell lung cancer", False, "condition:nsclc"),
        (
            "Histologically confirmed small cell lung cancer",
            False,
            "all-of(condition:lung-cancer, text)",
        ),
        ("Histologically confirmed small cell lung cancer", True, None),
        ("Metastatic lung cancer", True, None),
        # Not a diagnosis of the patient: screening, risk, a relative, a treatment, a suspicion.
        ("had a lung cancer screening test within the last year", True, None),
        ("PLCOm2012 6-year lung cancer risk of ≥1.3%", False, None),
        ("Smokers at high risk of lung cancer", False, None),
        ("Family history of lung cancer", True, None),
        ("Prior treatment for lung cancer", True, None),
        ("Suspected lung cancer", False, None),
        ("Lung cancer survivors", False, None),
        # "and" between the names stays text (both, or either?).
        ("Liver and lung cancer", True, None),
        (
            "History of malignant melanoma within the past 5 years",
            True,
            "condition:melanoma:w-1826,0,enrollment",
        ),
        ("Malignant neoplasm of the breast", False, "condition:breast-cancer"),
        ("History of malignant neoplasm of lung", True, "condition:lung-cancer"),
        ("Peritoneal carcinomatosis", True, "condition:peritoneal-metastases"),
        ("Known manic depression", True, "condition:bipolar-disorder"),
        (
            "Systemic lupus or rheumatoid arthritis",
            True,
            "any-of(condition:systemic-lupus-erythematosus, condition:rheumatoid-arthritis)",
        ),
        ("Coronary atherosclerosis", True, "condition:coronary-artery-disease"),
        ("Immune deficiency disorder", True, "condition:immunodeficiency"),
        (
            "Primary liver cancer or liver metastases",
            True,
            "any-of(condition:liver-cancer, condition:liver-metastases)",
        ),
        # Narrower than the concept: left text.
        ("Septic shock", True, None),
        ("Radiation pneumonitis", True, None),
        ("Tachyarrhythmia", True, None),
    ],
)
def test_listed_names_inside_bullets(text: str, exclusion: bool, expected: str | None) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


LUNG_EPIC = condition(
    "Malignant neoplasm of upper lobe of right lung",
    (ICD, "C34.11", "Malignant neoplasm of upper lobe, right bronchus or lung"),
)
NSCLC_CERNER = condition("Non-small cell lung cancer", (SNOMED, "254637007", "NSCLC"))
BREAST_EPIC = condition("Breast cancer", (ICD, "C50.911", "Malignant neoplasm of right breast"))
LUNG_RESOLVED = condition(
    "Lung cancer",
    (ICD, "C34.90", "Malignant neoplasm of unspecified part of unspecified bronchus or lung"),
    status="resolved",
    onset="2015-03-01",
    abated="2016-01-01",
)


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((LUNG_EPIC,), "met"),
        ((NSCLC_CERNER,), "met"),  # a kind of lung cancer, SNOMED CT only
        ((LUNG_RESOLVED,), "met"),  # a history of it
        ((BREAST_EPIC,), "not-met"),
    ],
)
def test_a_history_of_lung_cancer_against_problem_lists(resources, result) -> None:
    criterion = compile_criterion("Has a history of lung cancer", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result


SLE_EPIC = condition(
    "Systemic lupus erythematosus",
    (ICD, "M32.9", "Systemic lupus erythematosus, unspecified"),
)
DISCOID = condition("Discoid lupus", (ICD, "L93.0", "Discoid lupus erythematosus"))
BIPOLAR = condition("Bipolar I disorder", (ICD, "F31.9", "Bipolar disorder, unspecified"))


@pytest.mark.parametrize(
    ("text", "resources", "result"),
    [
        ("Systemic lupus", (SLE_EPIC,), "met"),
        ("Systemic lupus", (DISCOID,), "not-met"),  # cutaneous lupus is not systemic
        ("Manic depression", (BIPOLAR,), "met"),
        ("Manic depression", (SLE_EPIC,), "not-met"),
    ],
)
def test_an_inclusion_named_by_a_listed_synonym(text, resources, result) -> None:
    criterion = compile_criterion(text)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A drug, procedure, pregnancy or stage word inside a diagnosis's name is a word of the
        # name: the title is read, not the other reading with the rest left over.
        ("Neuroleptic malignant syndrome", "condition:icd10cm:G21.0"),
        ("History of recurrent pregnancy loss", "condition:icd10cm:N96"),
        ("Colostomy complications", "condition:icd10cm:K94.0"),
        ("Analgesic nephropathy", "condition:icd10cm:N14.0"),
        ("Lupus anticoagulant syndrome", "condition:icd10cm:D68.62"),
        # The words alone keep their own readings.
        ("Neuroleptic use", "medication:antipsychotic"),
        ("Patients with a colostomy", "procedure:colostomy"),
        ("Current pregnancy", "pregnancy:pregnancy"),
        ("Stage 3 breast cancer", "all-of(stage:stage-3, condition:breast-cancer)"),
    ],
)
def test_a_title_holding_another_finders_word_is_read_whole(text: str, expected: str) -> None:
    for exclusion in (False, True):
        assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


RECURRENT_LOSS = condition("Recurrent miscarriage", (ICD, "N96", "Recurrent pregnancy loss"))


@pytest.mark.parametrize(
    ("resources", "result"),
    [
        ((RECURRENT_LOSS,), "met"),
        ((condition("Pregnant", (ICD, "Z33.1", "Pregnant state, incidental")),), "not-met"),
        ((), "unknown"),
    ],
)
def test_recurrent_pregnancy_loss_against_problem_lists(resources, result) -> None:
    criterion = compile_criterion("History of recurrent pregnancy loss", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), *resources)) == result
