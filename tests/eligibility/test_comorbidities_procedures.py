"""Issue 13, comorbidity round: conditions, infections, severity scales and procedures that
real development bullets name compile, and records coded as EHRs code them decide them.

Expected forms and results were written from the clinical text before running the code.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from fhirtrial.eligibility.code_systems import code_system_resources
from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.model import Criterion
from fhirtrial.patient.readers import CPT
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    SNOMED,
    condition,
    medication,
    observation,
    patient,
    procedure,
    record,
    result_of,
)
from tests.eligibility.signature import signature

W4 = "w-28,0,enrollment"


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        # Cardiovascular (development bullets).
        ("Known arrhythmia.", True, "condition:arrhythmia"),
        (
            "Life-threatening arrhythmia within prior 6 months,",
            True,
            "condition:arrhythmia:w-183,0,enrollment",
        ),
        ("Ischemic heart disease", True, "condition:coronary-artery-disease"),
        (
            "Acute coronary syndrome (ACS) in the last 60 days;",
            True,
            "condition:acute-coronary-syndrome:w-60,0,enrollment",
        ),
        ("Heart valve disease", True, "condition:valvular-heart-disease"),
        ("Pulmonary hypertension", True, "condition:pulmonary-hypertension"),
        ("Peripheral vascular disease.", True, "condition:peripheral-arterial-disease"),
        ("Bleeding diathesis", True, "condition:bleeding-disorder"),
        (
            "Unstable angina or myocardial infarction in the previous month",
            True,
            "any-of(condition:unstable-angina:w-30,0,enrollment,"
            " condition:myocardial-infarction:w-30,0,enrollment)",
        ),
        (
            "stroke or acute myocardial infarction in last 30 days;",
            True,
            "any-of(condition:stroke:w-30,0,enrollment,"
            " condition:myocardial-infarction:w-30,0,enrollment)",
        ),
        # Severity scales.
        (
            "Heart failure NYHA class III or IV,",
            True,
            "all-of(condition:heart-failure, lab:nyha-class:>=3{class})",
        ),
        (
            "Severe heart failure (NYHA III and IV)",
            True,
            "all-of(condition:heart-failure, lab:nyha-class:>=3{class})",
        ),
        (
            "Congestive heart failure (NYHA III-IV).",
            True,
            "all-of(condition:heart-failure, lab:nyha-class:>=3{class})",
        ),
        ("New York Heart Association class I-III.", False, "lab:nyha-class:<=3{class}"),
        (
            "New York Heart Association (NYHA) class II-III heart failure;",
            False,
            "all-of(lab:nyha-class:2..3{class}, condition:heart-failure)",
        ),
        ("Child-Pugh: <=7", False, "lab:child-pugh-score:<=7{score}"),
        ("Child-Pugh C score", True, "lab:child-pugh-score:>=10{score}"),
        (
            "The patient has Child C cirrhosis",
            True,
            "all-of(lab:child-pugh-score:>=10{score}, condition:liver-cirrhosis)",
        ),
        (
            "Severe Liver failure (Child Pugh score > 6)",
            True,
            "all-of(condition:liver-failure, lab:child-pugh-score:>6{score})",
        ),
        # Infections, serology and viral load.
        ("Active infection requiring systemic therapy", True, "condition:infection"),
        # Septic shock is not read as sepsis (an exclusion of shock is not one of every sepsis).
        ("Severe sepsis or septic shock", False, None),
        (
            "Active infection requiring IV antibiotics within 2 weeks prior to first dose",
            True,
            "condition:infection:w-14,0,enrollment",
        ),
        ("HIV-positive patients.", True, "condition:hiv"),
        ("Patients infected by HIV", True, "condition:hiv"),
        ("HIV negative", False, "NOT condition:hiv"),
        ("Chronic hepatitis B or C", True, "any-of(condition:hbv, condition:hcv)"),
        ("Viral hepatitis.", True, "condition:viral-hepatitis"),
        ("Known HIV (Human Immunodeficiency Virus) infection.", True, "condition:hiv"),
        # Transplants.
        ("Patients with renal transplant.", True, "condition:kidney-transplant"),
        (
            "Patient with prior kidney transplant or non-renal solid organ transplant.",
            True,
            "any-of(condition:kidney-transplant, condition:solid-organ-transplant-except-kidney)",
        ),
        (
            "Solid organ or bone marrow transplantation",
            True,
            "any-of(condition:solid-organ-transplant, condition:stem-cell-transplant)",
        ),
        (
            "Have received hematopoietic stem cell transplantation or bone marrow transplantation;",
            True,
            "condition:stem-cell-transplant",
        ),
        # Other comorbidities, named psychiatric diagnoses, substance use.
        ("Rheumatoid arthritis", True, "condition:rheumatoid-arthritis"),
        (
            "Hypothyroidism, hyperthyroidism,",
            True,
            "any-of(condition:hypothyroidism, condition:hyperthyroidism)",
        ),
        ("Obstructive sleep apnea", True, "condition:obstructive-sleep-apnea"),
        ("Peripheral neuropathy.", True, "condition:peripheral-neuropathy"),
        (
            "history of bipolar disorder or schizophrenia; and",
            True,
            "any-of(condition:bipolar-disorder, condition:schizophrenia)",
        ),
        ("Alcohol or drug abuse.", True, "condition:substance-use-disorder"),
        (
            "Substance use disorder (past year)",
            True,
            "condition:substance-use-disorder:w-365,0,enrollment",
        ),
        # Procedures.
        (
            "Major surgery within 4 weeks before study inclusion",
            True,
            f"procedure:major-surgery:{W4}",
        ),
        ("Major surgery ≤ 28 days prior to registration", True, f"procedure:major-surgery:{W4}"),
        ("At least 4 weeks since major surgery", False, f"NOT procedure:major-surgery:{W4}"),
        (
            "No major surgery within 4 weeks prior to randomization",
            False,
            f"NOT procedure:major-surgery:{W4}",
        ),
        (
            "Patients with a history of surgery within 3 months;",
            True,
            "procedure:surgery:w-91,0,enrollment",
        ),
        (
            "Prior radiation therapy within the 4 weeks before the first dose of study drug.",
            True,
            f"procedure:radiotherapy:{W4}",
        ),
        # A body site no code tells: the procedure is necessary, the site is left to a reader.
        ("Previous radiotherapy to the prostate", True, "all-of(procedure:radiotherapy, text)"),
        # Stay text: the words left over carry meaning.
        ("Knee surgery", True, None),
        ("Psychiatric disorders", True, "condition:mental-disorder"),  # a group, read literally
        ("radiation pneumonitis", True, None),
        ("Heart failure NYHA IIIB-IV", True, None),
        # A common name (icd10cm_common_names.json): the dementias, MCI and age-related decline.
        (
            "Cognitive impairment",
            True,
            "condition:icd10cm:F01+F02+F03+G30+G31.84+F06.7",
        ),
        ("Cognitive impairment that would interfere with participation", True, None),
        # Serology and viral load are laboratory results, not diagnoses: read as the test's
        # Observation (`rules.serology`); a diagnosis only where it implies the result.
        ("HBsAg(+) patients", False, "biomarker:hbsag:positive"),
        (
            "Undetectable hepatitis b virus DNA.",
            False,
            "NOT any-of(biomarker:hbv-dna:positive, biomarker:hbv-dna:detected)",
        ),
        # Whether an infection is ongoing is no problem-list datum (labelled set: text).
        ("Active infection.", True, None),
        ("Has an uncontrolled ongoing infection.", True, None),
    ],
)
def test_real_bullets_compile_to_the_expected_criterion(text, exclusion, expected) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


@pytest.mark.parametrize(
    ("text", "qualifiers"),
    [
        ("Clinically significant hepatitis B, or liver disease", ("clinically-significant",)),
        ("Severe hepatitis C or cirrhosis", ("severe",)),
        ("Uncontrolled arrhythmia;", ("uncontrolled",)),
    ],
)
def test_a_judgement_before_a_list_is_a_qualifier_of_every_item(text, qualifiers) -> None:
    """A judgement no structured datum states is a qualifier: the condition itself decides
    `not-met`, its presence only `unknown`."""
    criterion = compile_criterion(text, exclusion=True)
    assert criterion is not None
    leaves = criterion.children or (criterion,)
    assert all(leaf.qualifiers == qualifiers for leaf in leaves)


def test_infection_qualifiers_say_current_and_treatment() -> None:
    criterion = compile_criterion("Active infection requiring IV antibiotics", exclusion=True)
    assert criterion is not None
    assert set(criterion.qualifiers) == {"active", "requiring-systemic-treatment", "intravenous"}


def test_the_procedure_kind_is_in_the_criterion_kind_code_system() -> None:
    kinds = next(r for r in code_system_resources() if r["id"] == "criterion-kind")
    assert "procedure" in {c["code"] for c in kinds["concept"]}


# ---------------------------------------------------------------- evaluation

AF = condition("Paroxysmal atrial fibrillation", (ICD, "I48.0", "Paroxysmal atrial fibrillation"))
HTN = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))
HF = condition(
    "Chronic systolic heart failure", (ICD, "I50.22", "Chronic systolic (congestive) heart failure")
)
HF_III_IN_WORDS = condition(
    "Chronic systolic heart failure, NYHA class III",
    (ICD, "I50.22", "Chronic systolic (congestive) heart failure"),
    onset="2026-09-20",
)
# The same words on an entry written two years before: the class may have changed since.
HF_III_IN_OLD_WORDS = condition(
    "Chronic systolic heart failure, NYHA class III",
    (ICD, "I50.22", "Chronic systolic (congestive) heart failure"),
    onset="2024-11-02",
)
CIRRHOSIS = condition("Cirrhosis", (ICD, "K74.60", "Unspecified cirrhosis of liver"))


def _nyha(grade: int | str, day: str = "2026-10-01") -> dict:
    code = (LOINC, "88020-3", "Functional capacity NYHA")
    if isinstance(grade, int):
        return observation(code, day, valueInteger=grade)
    return observation(code, day, valueCodeableConcept={"text": grade})


def _nyha_snomed(code: str, display: str) -> dict:
    return observation(
        (LOINC, "88020-3", "Functional capacity NYHA"),
        "2026-10-01",
        valueCodeableConcept={"coding": [{"system": SNOMED, "code": code, "display": display}]},
    )


def _child_pugh(value: str, day: str = "2026-10-15") -> dict:
    return observation("Child-Pugh score", day, valueString=value)


_FLIP = {"met": "not-met", "not-met": "met"}


def _result(text: str, *resources: dict, exclusion: bool = True) -> str:
    """The criterion's answer as its characteristic states it (a negated leaf — "at least 4
    weeks since major surgery" — is written as the exclusion of what it negates)."""
    criterion = compile_criterion(text, exclusion=exclusion)
    assert criterion is not None, text
    if criterion.negated and not criterion.children:
        found = result_of(replace(criterion, negated=False), record(patient(), *resources))
        return _FLIP.get(found, found)
    return result_of(criterion, record(patient(), *resources))


@pytest.mark.parametrize(
    ("text", "resources", "expected"),
    [
        ("History of cardiac arrhythmia", (AF,), "met"),
        ("History of cardiac arrhythmia", (HTN,), "not-met"),
        ("History of cardiac arrhythmia", (), "unknown"),
        ("Clinically significant cardiac arrhythmia", (AF,), "unknown"),
        ("Clinically significant cardiac arrhythmia", (HTN,), "not-met"),
        # NYHA: observation (number, SNOMED CT answer), the diagnosis's words, none.
        ("Heart failure NYHA class III or IV", (HF, _nyha(3)), "met"),
        ("Heart failure NYHA class III or IV", (HF, _nyha(2)), "not-met"),
        ("Heart failure NYHA class III or IV", (HF, _nyha("Class IV")), "met"),
        (
            "Heart failure NYHA class III or IV",
            (
                HF,
                _nyha_snomed("420913000", "New York Heart Association Classification - Class III"),
            ),
            "met",
        ),
        ("Heart failure NYHA class III or IV", (HF_III_IN_WORDS,), "met"),
        ("Heart failure NYHA class III or IV", (HF,), "unknown"),
        # A class read long ago (or undated) decides nothing: it changes with treatment.
        ("Heart failure NYHA class III or IV", (HF, _nyha(3, "2024-06-01")), "unknown"),
        ("Heart failure NYHA class III or IV", (HF, _nyha(2, "2024-06-01")), "unknown"),
        ("Heart failure NYHA class III or IV", (HF_III_IN_OLD_WORDS,), "unknown"),
        ("Child-Pugh B or C", (CIRRHOSIS, _child_pugh("B", "2025-01-15")), "unknown"),
        ("Heart failure NYHA class III or IV", (HTN,), "not-met"),
        ("New York Heart Association (NYHA) class III~IV", (HTN,), "not-met"),
        ("New York Heart Association (NYHA) class III~IV", (), "unknown"),
        ("New York Heart Association (NYHA) class III~IV", (AF,), "unknown"),
        # Child-Pugh: a class is a span of scores.
        ("Child-Pugh B or C", (CIRRHOSIS, _child_pugh("B")), "met"),
        ("Child-Pugh B or C", (CIRRHOSIS, _child_pugh("Class A")), "not-met"),
        ("Child-Pugh B or C", (CIRRHOSIS, _child_pugh("6")), "not-met"),
        ("Child-Pugh B or C", (CIRRHOSIS,), "unknown"),
        ("Child-Pugh score > 6", (CIRRHOSIS, _child_pugh("B")), "met"),
        ("Child-Pugh: <=7", (CIRRHOSIS, _child_pugh("B")), "unknown"),
        ("Child-Pugh: <=7", (CIRRHOSIS, _child_pugh("B7")), "met"),
    ],
)
def test_conditions_and_scales_as_records_state_them(text, resources, expected) -> None:
    assert _result(text, *resources) == expected


MI_RECENT = condition(
    "STEMI",
    (ICD, "I21.3", "ST elevation (STEMI) myocardial infarction of unspecified site"),
    onset="2026-10-01",
)
MI_OLD = condition(
    "Old MI", (ICD, "I25.2", "Old myocardial infarction"), onset="2019-05-01", status="resolved"
)


@pytest.mark.parametrize(
    ("resources", "expected"),
    [((MI_RECENT,), "met"), ((MI_OLD,), "not-met"), ((HTN,), "not-met"), ((), "unknown")],
)
def test_a_window_on_onset(resources, expected) -> None:
    assert _result("Myocardial infarction in the previous 6 months", *resources) == expected


PNEUMONIA = condition(
    "Pneumonia", (ICD, "J18.9", "Pneumonia, unspecified organism"), onset="2026-11-20"
)
PNEUMONIA_RESOLVED = condition(
    "Pneumonia",
    (ICD, "J18.9", "Pneumonia, unspecified organism"),
    onset="2026-03-01",
    status="resolved",
    abated="2026-03-20",
)
PNEUMONIA_STALE = condition(
    "Pneumonia", (ICD, "J18.9", "Pneumonia, unspecified organism"), onset="2024-02-01"
)
CEFTRIAXONE_IV = medication(
    "cefTRIAXone (ROCEPHIN) 1 g in sodium chloride 0.9% 50 mL IVPB", "2026-11-21", status="active"
)
AMOXICILLIN_PO = medication("amoxicillin 500 MG Oral Capsule", "2026-11-21", status="active")
LISINOPRIL = medication("lisinopril 10 MG Oral Tablet", "2026-01-01", status="active")
SYSTEMIC = "Active infection requiring systemic therapy"
HIV = condition("HIV disease", (ICD, "B20", "Human immunodeficiency virus [HIV] disease"))
HBV = condition(
    "Chronic hepatitis B", (ICD, "B18.1", "Chronic viral hepatitis B without delta-agent")
)


@pytest.mark.parametrize(
    ("text", "resources", "expected"),
    [
        (SYSTEMIC, (PNEUMONIA, CEFTRIAXONE_IV), "met"),
        (SYSTEMIC, (PNEUMONIA_RESOLVED, CEFTRIAXONE_IV), "unknown"),  # on it, for what?
        (SYSTEMIC, (PNEUMONIA_RESOLVED, LISINOPRIL), "not-met"),
        (SYSTEMIC, (PNEUMONIA_STALE, CEFTRIAXONE_IV), "unknown"),
        (SYSTEMIC, (HTN, LISINOPRIL), "not-met"),
        (SYSTEMIC, (HIV, HBV, LISINOPRIL), "not-met"),  # chronic viral infections are their own
        (SYSTEMIC, (), "unknown"),
        ("Active infection requiring IV antibiotics", (PNEUMONIA, CEFTRIAXONE_IV), "met"),
        ("Active infection requiring IV antibiotics", (PNEUMONIA, AMOXICILLIN_PO), "not-met"),
        ("Active infection requiring systemic antibiotics", (PNEUMONIA, AMOXICILLIN_PO), "met"),
        ("Active infection requiring IV antibiotics", (PNEUMONIA, LISINOPRIL), "not-met"),
        ("Active infection requiring IV antibiotics", (PNEUMONIA,), "unknown"),
        ("Active infection requiring IV antibiotics", (HTN, CEFTRIAXONE_IV), "unknown"),
        ("Active infection requiring IV antibiotics", (HTN, LISINOPRIL), "not-met"),
        ("Chronic hepatitis B or C", (HBV,), "met"),
        ("HIV-positive patients.", (HBV,), "not-met"),
    ],
)
def test_infections_current_and_treated(text, resources, expected) -> None:
    assert _result(text, *resources) == expected


KIDNEY_TX = condition("Kidney transplant status", (ICD, "Z94.0", "Kidney transplant status"))
LIVER_TX = condition("Liver transplant status", (ICD, "Z94.4", "Liver transplant status"))
SCT_STATUS = condition(
    "Stem cells transplant status", (ICD, "Z94.84", "Stem cells transplant status")
)
ALLO = procedure("Allogeneic hematopoietic stem cell transplant", "2022-05-01")
AUTO = procedure("Autologous stem cell transplant", "2022-05-01")
# An Epic surgical-history row: the CPT code (38241: HPC autologous transplantation) and a
# terse name that says no graft source.
AUTO_BY_CPT = procedure(
    "HPC TRANSPLANT", "2021-02-11", (CPT, "38241", "Hematopoietic progenitor cell transplantation")
)
SCT_UNSAID = procedure("Hematopoietic stem cell transplant", "2023-09-01")


@pytest.mark.parametrize(
    ("text", "resources", "expected"),
    [
        ("Patients with renal transplant.", (KIDNEY_TX,), "met"),
        ("Patients with renal transplant.", (LIVER_TX,), "not-met"),
        (
            "Patients with renal transplant.",
            (HTN, procedure("Kidney transplant", "2015-03-03")),
            "met",
        ),
        ("Prior allogeneic stem cell transplant", (SCT_STATUS,), "unknown"),
        ("Prior allogeneic stem cell transplant", (SCT_STATUS, ALLO), "met"),
        ("Prior allogeneic stem cell transplant", (SCT_STATUS, AUTO), "not-met"),
        ("Prior allogeneic stem cell transplant", (HTN,), "not-met"),
        # The transplant recorded only as the Procedure (no status code): its words or its CPT
        # code say which graft; an autologous one is no allogeneic transplant.
        ("Prior allogeneic stem cell transplant", (HTN, ALLO), "met"),
        ("Prior allogeneic stem cell transplant", (HTN, AUTO), "not-met"),
        ("Prior allogeneic stem cell transplant", (HTN, AUTO_BY_CPT), "not-met"),
        ("Prior allogeneic stem cell transplant", (HTN, SCT_UNSAID), "unknown"),
        ("Prior allogeneic stem cell transplant", (HTN, AUTO, SCT_UNSAID), "unknown"),
        ("Prior allogeneic stem cell transplant", (SCT_STATUS, AUTO, SCT_UNSAID), "unknown"),
        (
            "Prior allogeneic stem cell transplant or solid organ transplant",
            (HTN, AUTO),
            "not-met",
        ),
    ],
)
def test_transplants_from_status_codes_and_procedures(text, resources, expected) -> None:
    assert _result(text, *resources) == expected


HEMICOLECTOMY = procedure("Right hemicolectomy", "2026-11-20")
CHOLECYSTECTOMY = procedure("Laparoscopic cholecystectomy", "2026-11-20")
OLD_HEMICOLECTOMY = procedure("Right hemicolectomy", "2026-08-01")
BIOPSY = procedure("Core needle biopsy of breast", "2026-11-20")
RT_RECENT = procedure("Radiation therapy to left breast", "2026-11-25")
RT_OLD = procedure("Radiation therapy to left breast", "2026-09-01")
IRRADIATION_HISTORY = condition(
    "Personal history of irradiation", (ICD, "Z92.3", "Personal history of irradiation"), onset=None
)


@pytest.mark.parametrize(
    ("text", "exclusion", "resources", "expected"),
    [
        ("Major surgery within 4 weeks before study inclusion", True, (HEMICOLECTOMY,), "met"),
        (
            "Major surgery within 4 weeks before study inclusion",
            True,
            (CHOLECYSTECTOMY,),
            "unknown",
        ),
        (
            "Major surgery within 4 weeks before study inclusion",
            True,
            (OLD_HEMICOLECTOMY,),
            "not-met",
        ),
        ("Major surgery within 4 weeks before study inclusion", True, (BIOPSY,), "not-met"),
        ("Major surgery within 4 weeks before study inclusion", True, (), "unknown"),
        ("At least 4 weeks since major surgery", False, (HEMICOLECTOMY,), "not-met"),
        ("At least 4 weeks since major surgery", False, (OLD_HEMICOLECTOMY,), "met"),
        ("Prior radiotherapy within 2 weeks", True, (RT_RECENT,), "met"),
        ("Prior radiotherapy within 2 weeks", True, (RT_OLD,), "not-met"),
        ("Prior radiotherapy within 2 weeks", True, (HTN, IRRADIATION_HISTORY), "unknown"),
        ("Prior radiotherapy", True, (HTN, IRRADIATION_HISTORY), "met"),
    ],
)
def test_procedures_by_the_day_they_were_done(text, exclusion, resources, expected) -> None:
    assert _result(text, *resources, exclusion=exclusion) == expected


SUD_ACTIVE = condition("Alcohol dependence", (ICD, "F10.20", "Alcohol dependence, uncomplicated"))
SUD_RESOLVED = condition(
    "Alcohol dependence",
    (ICD, "F10.20", "Alcohol dependence, uncomplicated"),
    status="resolved",
    onset="2010-01-01",
    abated="2012-01-01",
)
SCHIZOPHRENIA = condition("Schizophrenia", (ICD, "F20.9", "Schizophrenia, unspecified"))


@pytest.mark.parametrize(
    ("text", "resources", "expected"),
    [
        ("Alcohol abuse", (SUD_ACTIVE,), "met"),
        ("Alcohol abuse", (SUD_RESOLVED,), "not-met"),
        ("History of drug or alcohol abuse", (SUD_RESOLVED,), "met"),
        ("history of bipolar disorder or schizophrenia", (SCHIZOPHRENIA,), "met"),
        ("history of bipolar disorder or schizophrenia", (HTN,), "not-met"),
    ],
)
def test_substance_use_and_psychiatric_diagnoses(text, resources, expected) -> None:
    assert _result(text, *resources) == expected


def test_unknown_without_any_record_is_never_met() -> None:
    criterion: Criterion | None = compile_criterion("Known arrhythmia.", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient())) == "unknown"


_DIABETES = ("E08", "E09", "E10", "E11", "E13")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A narrower diagnosis is never read as its broader class: as an exclusion the class
        # would exclude patients the study accepts (CKD stage 2 for "ESRD", chemotherapy
        # neuropathy for "diabetic neuropathy", any sepsis for "septic shock"). Diabetic
        # neuropathy is its own codes (a common name): the E08-E13 .40-.44 neuropathies.
        ("End stage renal disease (ESRD)", "condition:icd10cm:N18.6"),
        (
            "Diabetic neuropathy",
            "condition:icd10cm:"
            + "+".join(f"{d}.{c}" for d in _DIABETES for c in ("40", "41", "42", "43", "44")),
        ),
        ("Septic shock", None),
        # A comparator before the scale's name belongs to the class that follows it.
        (
            "Heart failure greater than NYHA class II",
            "all-of(condition:heart-failure, lab:nyha-class:>2{class})",
        ),
        (
            "Congestive heart failure ≥ NYHA class 3",
            "all-of(condition:heart-failure, lab:nyha-class:>=3{class})",
        ),
        ("> NYHA class II or III heart failure", None),
    ],
)
def test_an_exclusion_names_exactly_what_excludes(text, expected) -> None:
    assert signature(compile_criterion(text, exclusion=True)) == expected


def test_time_since_the_index_operation_is_not_time_since_any_operation() -> None:
    # "the surgery" is the study's own operation: NOT any surgery in 5 years would turn away a
    # patient with an unrelated operation; the bullet stays text.
    assert compile_criterion("more than 5 years following the surgery") is None
    assert signature(compile_criterion("at least 4 weeks since the last surgery")) == (
        "NOT procedure:surgery:w-28,0,enrollment"
    )
