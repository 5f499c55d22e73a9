"""Answers that must not depend on how an EHR exported the record (issue 13, export-shape
probe, `tests/patient/test_export_shapes.py`): each test is one class of difference the probe
found, written from what the record means.

- Unit spellings of US result feeds in upper case or in words ("KG", "kilogram", "KG/M2") and
  grams per litre in lower case ("g/l", "gm/L") are the UCUM unit; "G/L" (giga per litre in
  French laboratories) stays unread.
- A fact without a date cannot be placed before or after a dated one: an undated receptor
  result or stage that says otherwise than the latest dated one leaves the status `unknown`,
  an undated pregnancy entry says nothing of now, an undated treatment of brain metastases may
  be the recent one, and undated drug courses may make one line or several.
"""

from __future__ import annotations

from fhirtrial.eligibility.model import Count, Criterion, Kind
from fhirtrial.eligibility.rules import compile_text
from fhirtrial.patient.record import PatientRecord
from tests.eligibility.ehr_records import (
    ICD,
    LOINC,
    condition,
    medication,
    observation,
    patient,
    procedure,
    record,
    result_of,
)


def _answer(text: str, rec: PatientRecord, *, excluding: bool = False) -> str:
    criterion = compile_text(text)
    assert criterion is not None, text
    return result_of(criterion, rec, excluding=excluding)


def _quantity(value: float, unit: str) -> dict:
    return {"valueQuantity": {"value": value, "unit": unit}}


WEIGHT = (LOINC, "29463-7", "Body weight")
BMI = (LOINC, "39156-5", "Body mass index (BMI) [Ratio]")
ALBUMIN = (LOINC, "1751-7", "Albumin [Mass/volume] in Serum or Plasma")


# ---------------------------------------------------------------- unit spellings


def test_weight_in_upper_case_or_in_words_is_kilograms():
    for unit in ("KG", "kilogram", "Kg", "kgs"):
        rec = record(patient(), observation(WEIGHT, "2026-11-20", **_quantity(68.2, unit)))
        assert _answer("Body weight > 30 kg", rec) == "met", unit


def test_bmi_in_upper_case_is_kilograms_per_square_metre():
    rec = record(patient(), observation(BMI, "2026-11-20", **_quantity(17.1, "KG/M2")))
    assert _answer("Body mass index (BMI) >= 18.5 kg/m2", rec) == "not-met"


def test_grams_per_litre_in_lower_case_convert_but_giga_per_litre_stays_unread():
    # 38 g/L of albumin is 3.8 g/dL; "G/L" may be 10*9/L (a count) as well as grams.
    for unit, wanted in (("g/l", "met"), ("gm/L", "met"), ("G/L", "unknown")):
        rec = record(patient(), observation(ALBUMIN, "2026-11-20", **_quantity(38, unit)))
        assert _answer("Albumin >= 3 g/dL", rec) == wanted, unit


# ---------------------------------------------------------------- undated facts

ER = (LOINC, "16112-5", "Estrogen receptor [Interpretation] in Tissue")


def _er(day: str | None, answer: str) -> dict:
    resource = observation(ER, day or "2026-01-01", valueCodeableConcept={"text": answer})
    if day is None:
        del resource["effectiveDateTime"]
    return resource


def test_an_undated_receptor_result_that_disagrees_leaves_the_status_unknown():
    # ER negative in 2025 and an ER positive of unknown date: either may be the latest.
    rec = record(patient(), _er("2025-06-10", "Negative (<1%)"), _er(None, "Positive (Allred 7/8)"))
    assert _answer("Estrogen receptor negative", rec) == "unknown"


def test_an_undated_receptor_result_that_agrees_changes_nothing():
    rec = record(patient(), _er("2025-06-10", "Negative (<1%)"), _er(None, "Negative (0%)"))
    assert _answer("Estrogen receptor negative", rec) == "met"


def test_dated_receptor_results_still_take_the_latest():
    rec = record(patient(), _er("2025-06-10", "Negative (<1%)"), _er("2019-03-01", "Positive"))
    assert _answer("Estrogen receptor negative", rec) == "met"


STAGE_IIIC = Criterion(Kind.STAGE, concept="stage-3c")
MELANOMA = (ICD, "C43.62", "Malignant melanoma of left upper limb, including shoulder")


def _melanoma(onset: str | None, stage: str) -> dict:
    resource = condition("Malignant melanoma of left upper arm (HCC)", MELANOMA, onset=onset)
    resource["stage"] = [{"summary": {"text": stage}}]
    return resource


def _stage_observation(day: str, stage: str, code: dict) -> dict:
    return observation("x", day, valueCodeableConcept={"text": stage}) | {"code": code}


def test_an_undated_stage_that_disagrees_with_the_dated_one_leaves_the_stage_unknown():
    # The problem's own stage IIIB has no date (nor has the problem); a IIIC of 2026-09-01.
    clinical = {"coding": [{"system": LOINC, "code": "21908-9"}]}
    rec = record(
        patient(),
        _melanoma(None, "Stage IIIB"),
        _stage_observation("2026-09-01", "Stage IIIC (recurrent)", clinical),
    )
    assert result_of(STAGE_IIIC, rec) == "unknown"


def test_a_stage_observation_named_in_words_is_a_stage():
    # The stage-group Observation sent with its LOINC name only: still the latest stage.
    by_name = {"text": "Stage group.clinical Cancer"}
    rec = record(
        patient(),
        _melanoma("2025-05-20", "Stage IIIB"),
        _stage_observation("2026-09-01", "Stage IIIC (recurrent)", by_name),
    )
    assert result_of(STAGE_IIIC, rec) == "met"


def test_an_undated_pregnancy_entry_says_nothing_of_now():
    pregnant = condition("Pregnant", (ICD, "Z33.1", "Pregnant state, incidental"), onset=None)
    assert _answer("Pregnant women", record(patient(), pregnant)) == "unknown"


def test_a_dated_current_pregnancy_entry_still_counts():
    pregnant = condition(
        "Pregnant", (ICD, "Z33.1", "Pregnant state, incidental"), onset="2026-09-14"
    )
    assert _answer("Pregnant women", record(patient(), pregnant)) == "met"


BRAIN = (ICD, "C79.31", "Secondary malignant neoplasm of brain")
SRS = ("http://snomed.info/sct", "473238004", "Stereotactic radiosurgery")


def _brain_metastases_exclusion(treatment_day: str | None) -> str:
    """NCT01246102's first exclusion ("known brain metastases …, with the exception of patients
    whose brain metastatic disease status has remained stable for greater than or equal to 2
    months after treatment"), as `$match` evaluates it."""
    from fhirtrial.eligibility.evaluation import evaluate_study
    from tests.patient.shape_probe import _mapped

    metastasis = condition("Brain metastasis, treated", BRAIN, onset="2024-01-16")
    radiosurgery = procedure("Stereotactic radiosurgery of brain metastasis", "2024-02-06", SRS)
    if treatment_day is None:
        del radiosurgery["performedDateTime"]
    rec = record(patient(), metastasis, radiosurgery)
    evidence_variable, _ = _mapped("NCT01246102")
    evaluation = evaluate_study(evidence_variable, rec, as_of=rec.as_of)
    exclusion = next(c for c in evaluation.criteria if c.link_id == "exc-1")
    treated_recently = exclusion.children[0].children[1]
    return f"{exclusion.result} / {treated_recently.result}"


def test_an_undated_treatment_of_brain_metastases_may_be_the_recent_one():
    # Treated in February 2024 and not since: the exception (stable ≥ 2 months after treatment)
    # may apply — steroids and seizure drugs are not recorded either way, so the exclusion is
    # not decided, and "not treated in the last 2 months" holds. A treatment of unknown date
    # may be last week's: the exclusion must not be met for it.
    assert _brain_metastases_exclusion("2024-02-06") == "unknown / not-met"
    assert _brain_metastases_exclusion(None) == "unknown / unknown"


AT_MOST_THREE = "No more than 3 prior lines of systemic therapy"
LINES = Count(None, 3)


def _undated(resource: dict) -> dict:
    resource.pop("authoredOn", None)
    resource.pop("dosageInstruction", None)
    return resource


def test_undated_courses_may_make_one_line_or_several():
    # Two dated lines and two undated drugs: 2, 3 or 4 lines — the limit of 3 is not decided.
    dated = (
        medication("carboplatin 10 MG/ML Injection", "2024-01-29", "2024-06-01"),
        medication("docetaxel 20 MG/ML Injection", "2025-02-03", "2025-06-01"),
    )
    undated = (
        _undated(medication("gemcitabine 1 GM Injection", "2026-01-01")),
        _undated(medication("pemetrexed 500 MG Injection", "2026-01-01")),
    )
    assert compile_text(AT_MOST_THREE).count == LINES  # type: ignore[union-attr]
    assert _answer(AT_MOST_THREE, record(patient(), *dated, *undated)) == "unknown"
    # One undated drug: 2 or 3 lines, within the limit either way.
    assert _answer(AT_MOST_THREE, record(patient(), *dated, undated[0])) == "met"


def test_undated_courses_beyond_the_limit_whatever_their_dates():
    # Four dated lines already exceed 3; an undated course cannot bring the count down.
    dated = [
        medication(name, start, end)
        for name, start, end in (
            ("carboplatin 10 MG/ML Injection", "2022-01-03", "2022-04-01"),
            ("docetaxel 20 MG/ML Injection", "2023-02-06", "2023-05-01"),
            ("gemcitabine 1 GM Injection", "2024-03-04", "2024-06-01"),
            ("pemetrexed 500 MG Injection", "2025-04-07", "2025-08-01"),
        )
    ]
    undated = _undated(medication("vinorelbine 10 MG/ML Injection", "2026-01-01"))
    assert _answer(AT_MOST_THREE, record(patient(), *dated, undated)) == "not-met"


def test_two_undated_courses_of_one_drug_may_be_two_lines():
    # Docetaxel in 2025 and two carboplatin courses of unknown date: carboplatin before and
    # again after docetaxel is three lines by the grouping rule (a drug not in the current
    # line opens a new one), so "at least 3 lines" is not ruled out. Counting undated drugs
    # rather than courses read it as at most 2: not met.
    dated = medication("docetaxel 20 MG/ML Injection", "2025-02-03", "2025-06-01")
    first = _undated(medication("carboplatin 10 MG/ML Injection", "2026-01-01"))
    again = _undated(medication("carboplatin 10 MG/ML Injection", "2026-01-01"))
    at_least_three = "At least 3 prior lines of systemic therapy"
    assert _answer(at_least_three, record(patient(), dated, first, again)) == "unknown"


# ---------------------------------------------------------------- neither status nor date

PTSD = (ICD, "F43.10", "Post-traumatic stress disorder, unspecified")
ASTHMA = (ICD, "J45.909", "Unspecified asthma, uncomplicated")
ALCOHOL = (ICD, "F10.11", "Alcohol abuse, in remission")


def _bare(text: str, code: tuple[str, str, str], **dates: str | None) -> dict:
    """An entry as an HIE collection or a stripped export sends it: no clinicalStatus."""
    resource = condition(text, code, onset=dates.get("onset"))
    del resource["clinicalStatus"]
    return resource


def test_an_entry_with_neither_status_nor_date_is_not_a_current_one():
    # "PTSD (current)": the entry says PTSD was diagnosed, never when nor whether it goes on.
    rec = record(patient(), _bare("PTSD (post-traumatic stress disorder)", PTSD))
    assert _answer("Post-traumatic stress disorder (current)", rec) == "unknown"
    # An active entry, dated or not, still is one.
    active = condition("PTSD (post-traumatic stress disorder)", PTSD, onset=None)
    assert _answer("Post-traumatic stress disorder (current)", record(patient(), active)) == "met"


def test_an_entry_with_neither_status_nor_date_cannot_be_placed_in_a_window():
    rec = record(patient(), _bare("Asthma", ASTHMA))
    assert _answer("Asthma within the past 12 months", rec) == "unknown"
    # With an onset in the window it was present in it, status or not.
    rec = record(patient(), _bare("Asthma", ASTHMA, onset="2026-06-01"))
    assert _answer("Asthma within the past 12 months", rec) == "met"


def test_an_entry_with_neither_status_nor_date_is_not_a_current_abuse():
    rec = record(patient(), _bare("Alcohol use disorder, mild, in sustained remission", ALCOHOL))
    assert _answer("Current alcohol abuse", rec, excluding=True) == "unknown"


# ---------------------------------------------------------------- dates of a year or a month

YELLOW_FEVER = ("http://hl7.org/fhir/sid/cvx", "37", "yellow fever")
APPENDECTOMY = ("http://snomed.info/sct", "80146002", "Appendectomy")


def _vaccination(day: str) -> dict:
    return {
        "resourceType": "Immunization",
        "id": f"imm-{day}",
        "status": "completed",
        "patient": {"reference": "Patient/p1"},
        "occurrenceDateTime": day,
        "vaccineCode": {
            "coding": [{"system": s, "code": c, "display": d} for s, c, d in (YELLOW_FEVER,)]
        },
    }


def test_a_vaccination_dated_by_its_year_may_be_in_the_last_weeks():
    # "2026": any day of 2026 up to today — maybe within 28 days, maybe not. It was read as
    # 1 January 2026 (not within 28 days: not met).
    live = "Live vaccine within 28 days before enrollment"
    assert _answer(live, record(patient(), _vaccination("2026")), excluding=True) == "unknown"
    assert _answer(live, record(patient(), _vaccination("2026-11")), excluding=True) == "unknown"
    # A year or a month wholly before the window still decides.
    assert _answer(live, record(patient(), _vaccination("2019")), excluding=True) == "not-met"
    assert _answer(live, record(patient(), _vaccination("2026-05")), excluding=True) == "not-met"
    # A full date decides as before.
    assert _answer(live, record(patient(), _vaccination("2026-11-12")), excluding=True) == "met"


def test_a_surgery_dated_by_its_year_may_be_in_the_window():
    surgery = "Surgery within 6 months"
    this_year = procedure("Appendectomy", "2026", APPENDECTOMY)
    assert _answer(surgery, record(patient(), this_year), excluding=True) == "unknown"
    long_ago = procedure("Appendectomy", "2015", APPENDECTOMY)
    assert _answer(surgery, record(patient(), long_ago), excluding=True) == "not-met"


def test_courses_dated_by_their_year_are_not_placed_in_lines_by_1_january():
    # Carboplatin/paclitaxel in 2024, docetaxel in 2025, gemcitabine in 2026 — all as years:
    # how many lines they make is not known by the first days of their years. With one dated
    # line and two drugs of a year, the count is 1 to 3: "no more than 3" holds either way.
    courses = (
        medication("carboplatin 10 MG/ML Injection", "2024-12-09", "2025-03-01"),
        medication("docetaxel 20 MG/ML Injection", "2025", "2025"),
        medication("gemcitabine 1 GM Injection", "2026", "2026"),
    )
    assert _answer(AT_MOST_THREE, record(patient(), *courses)) == "met"
    assert _answer(
        "No more than 1 prior line of systemic therapy", record(patient(), *courses)
    ) in ("unknown",)


def _warfarin(start: str, end: str, status: str) -> dict:
    return medication(
        "warfarin 5 MG Oral Tablet", start, end, kind="MedicationStatement", status=status
    )


def test_a_course_that_ended_in_a_month_is_over():
    # Warfarin from 1 October to some day of November 2026, the record read on 1 December: the
    # course is over whatever its status says. Its end read as no end at all made the active
    # entry a current use (met: ineligible) and a completed one a use of 1 October only.
    for status in ("active", "completed", "recorded"):
        rec = record(patient(), _warfarin("2026-10-01", "2026-11", status))
        assert _answer("Current use of warfarin", rec, excluding=True) == "not-met", status
        # It reached into the last 60 days (it ran past 1 November)…
        within_60 = "Treatment with anticoagulants within 60 days"
        assert _answer(within_60, rec, excluding=True) == "met", status
        # …but whether into the last 14 (from 17 November) depends on the day it ended.
        within_14 = "Treatment with anticoagulants within 14 days"
        assert _answer(within_14, rec, excluding=True) == "unknown", status
    # Ended in a year long past: over.
    rec = record(patient(), _warfarin("2018-03-01", "2019", "active"))
    assert _answer("Current use of warfarin", rec, excluding=True) == "not-met"
    # Ended this year: maybe today, maybe in February.
    rec = record(patient(), _warfarin("2026", "2026", "active"))
    assert _answer("Current use of warfarin", rec, excluding=True) == "unknown"


def test_a_procedure_that_ended_in_a_month_may_reach_into_the_window():
    operation = procedure("Appendectomy", "2026-10-01", APPENDECTOMY)
    del operation["performedDateTime"]
    operation["performedPeriod"] = {"start": "2026-10-01", "end": "2026-11"}
    rec = record(patient(), operation)
    assert _answer("Surgery within 14 days", rec, excluding=True) == "unknown"
    assert _answer("Surgery within 60 days", rec, excluding=True) == "met"


def test_a_chemotherapy_course_dated_by_months_or_years_is_placed_by_its_span():
    # Read on 1 December 2026. A course "2026" to "2026" may have ended in February (before the
    # last 6 months) or last week: neither window is decided. It was read as no course in either
    # window (not met: an inclusion asking for recent chemotherapy turned the patient away).
    recent = "Received chemotherapy within the past 6 months"
    washout = "Cytotoxic chemotherapy within 28 days before enrollment"
    for start, end, within_6_months, within_28_days in (
        ("2026", "2026", "unknown", "unknown"),
        ("2026-01-05", "2026-11", "met", "unknown"),  # ended in November
        ("2026", "2026-11-20", "met", "met"),
        ("2019", "2019", "not-met", "not-met"),
    ):
        course = medication("capecitabine 500 mg tablet", start, end, status="completed")
        rec = record(patient(), course)
        assert _answer(recent, rec) == within_6_months, (start, end)
        assert _answer(washout, rec, excluding=True) == within_28_days, (start, end)


# ---------------------------------------------------------------- problems sent as words only


def _words_only(text: str, **status: str | None) -> dict:
    resource = condition(text, onset=status.get("onset", "2015-09-01"))
    if status.get("status"):
        resource["clinicalStatus"]["coding"][0]["code"] = status["status"]
    return resource


def test_words_that_are_an_icd_title_read_as_the_coded_entry():
    # "Bipolar II disorder" is the title of F31.81, a bipolar disorder: the entry sent without
    # its code is still one (it read as "no bipolar disorder among the recorded conditions").
    rec = record(patient(), _words_only("Bipolar II disorder (HCC)"))
    assert _answer("Bipolar disorder", rec) == "met"


def test_a_metastasis_whose_only_named_primary_is_over_may_be_the_cancer_asked_for():
    # "Metastatic carcinoma of right breast to bone and pleura" in words only, beside a
    # melanoma excised and inactive since 2024: the words do not settle which cancer spread
    # (they read as a metastasis), and the one named primary is over: breast cancer is
    # possible, not ruled out.
    melanoma = condition(
        "Malignant melanoma of skin of upper back",
        (ICD, "C43.59", "Malignant melanoma of other part of trunk"),
        status="inactive",
        onset="2024-05-02",
        abated="2024-06-11",
    )
    metastatic = _words_only(
        "Metastatic carcinoma of right breast to bone and pleura, stage IV, ER+/PR+/HER2-",
        onset="2010-03-22",
    )
    assert _answer("Breast cancer", record(patient(), melanoma, metastatic)) == "unknown"
    # Coded, the entry says so.
    coded = condition(
        "Metastatic carcinoma of right breast to bone and pleura",
        (ICD, "C50.911", "Malignant neoplasm of unspecified site of right female breast"),
        onset="2010-03-22",
    )
    assert _answer("Breast cancer", record(patient(), melanoma, coded)) == "met"


# ---------------------------------------------------------------- results in SI units

CREATININE_MOLAR = (LOINC, "14682-9", "Creatinine [Moles/volume] in Serum or Plasma")
BILIRUBIN_MOLAR = (LOINC, "14631-6", "Bilirubin.total [Moles/volume] in Serum or Plasma")


def _si(code: tuple[str, str, str], value: float) -> dict:
    return observation(
        code,
        "2026-11-19",
        valueQuantity={"value": value, "unit": "umol/L", "system": UCUM, "code": "umol/L"},
    )


UCUM = "http://unitsofmeasure.org"


def test_creatinine_and_bilirubin_coded_in_moles_are_the_same_analytes():
    # The LOINC codes of the molar results (what SI laboratories send): 68 umol/L of creatinine
    # is 0.77 mg/dL, 9 umol/L of bilirubin 0.53 mg/dL. Found by their words when uncoded, the
    # coded result was "no serum creatinine result recorded".
    rec = record(patient(), _si(CREATININE_MOLAR, 68), _si(BILIRUBIN_MOLAR, 9))
    assert _answer("Serum creatinine < 1.5 mg/dL", rec) == "met"
    assert _answer("Serum creatinine > 1.5 mg/dL", rec, excluding=True) == "not-met"
    assert _answer("Total bilirubin <= 1.5 mg/dL", rec) == "met"


def test_micromoles_per_litre_in_words_is_umol_per_litre():
    # The spelling of UK laboratories (NHS pathology): "micromol/L", no UCUM code.
    result = observation(CREATININE_MOLAR, "2026-11-19", **_quantity(68, "micromol/L"))
    assert _answer("Serum creatinine < 1.5 mg/dL", record(patient(), result)) == "met"
