"""Chemotherapy lines "in the metastatic setting" (issue 12, NCT00709761): "no more than one prior
chemotherapeutic regimen in the metastatic setting" counts only the lines started on or after the
date metastatic disease was first recorded; an adjuvant course before it never counts. Unknown
when that date is unknown or when a course close before it would change the answer.
"""

from __future__ import annotations

from fhirtrial.eligibility.fhir_reader import read_characteristic
from fhirtrial.eligibility.fhir_writer import criterion_characteristic
from fhirtrial.eligibility.model import Count
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import condition, medication, patient, record, result_of

AT_MOST_ONE = (
    "Subjects must have received no more than one prior chemotherapeutic regimen in the "
    "metastatic setting."
)
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
LUNG_METASTASIS = condition(
    "Secondary malignant neoplasm of lung",
    (ICD, "C78.00", "Secondary malignant neoplasm of unspecified lung"),
    onset="2025-03-10",
)
ADJUVANT_DOCETAXEL = medication("Docetaxel 20 MG/ML Injection", "2023-02-06", "2023-05-01")
FIRST_LINE_DOCETAXEL = medication("Docetaxel 20 MG/ML Injection", "2025-04-07", "2025-08-01")
CAPECITABINE = medication("capecitabine 500 MG Oral Tablet", "2026-03-09", "2026-09-01")


def _verdict(*resources: dict) -> str:
    criterion = compile_text(AT_MOST_ONE)
    assert criterion is not None
    rec = record(patient(), *resources)
    return result_of(criterion, rec)


def test_the_limit_compiles_to_a_counted_chemotherapy_in_the_metastatic_setting():
    criterion = compile_text(AT_MOST_ONE)
    assert criterion is not None
    assert (criterion.concept, criterion.count, criterion.qualifiers) == (
        "cytotoxic-chemotherapy",
        Count(None, 1),
        ("metastatic-setting",),
    )
    read = read_characteristic(
        criterion_characteristic(
            criterion, link_id="inc-3", description=AT_MOST_ONE, exclude=False, cohort_groups={}
        )
    ).criterion
    assert read is not None
    assert (read.count, read.qualifiers) == (Count(None, 1), ("metastatic-setting",))


def test_a_count_without_the_setting_stays_text():
    assert compile_text("No more than one prior chemotherapy regimen.") is None


def test_two_metastatic_lines_fail_the_limit():
    resources = (LUNG_METASTASIS, ADJUVANT_DOCETAXEL, FIRST_LINE_DOCETAXEL, CAPECITABINE)
    assert _verdict(*resources) == "not-met"


def test_adjuvant_chemotherapy_before_the_metastasis_does_not_count():
    assert _verdict(LUNG_METASTASIS, ADJUVANT_DOCETAXEL, FIRST_LINE_DOCETAXEL) == "met"


def test_an_unknown_metastatic_date_leaves_the_count_unknown():
    assert _verdict(ADJUVANT_DOCETAXEL, FIRST_LINE_DOCETAXEL, CAPECITABINE) == "unknown"


def test_a_course_just_before_the_metastasis_was_recorded_may_count():
    shortly_before = medication("Paclitaxel 6 MG/ML Injection", "2025-02-01", "2025-03-01")
    assert _verdict(LUNG_METASTASIS, shortly_before, FIRST_LINE_DOCETAXEL) == "unknown"
