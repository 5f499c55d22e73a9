"""Administrative gender and the sex US Core records beside it (issue 13, red team).

Epic and Cerner export `Patient.gender` (administrative gender) and US Core's birth-sex
extension. ClinicalTrials.gov's sex eligibility is about biological sex. A trans woman recorded
`gender: female` with a birth sex of male was `not-met` for "Men aged 18 years and older" (a
prostate-cancer trial hidden from a patient who may have prostate cancer, and the prefilter hid
it too); a trans man recorded male with a birth sex of female was "male patient: cannot be
pregnant". When the two disagree, a criterion on sex is `unknown`; pregnancy follows the sex
assigned at birth.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.matching.keys import patient_keys
from tests.eligibility.ehr_records import PREGNANT, patient, record, result_of

BIRTH_SEX = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex"
US_CORE_SEX = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-sex"


def _person(gender: str, birth_sex: str | None = None, **extension: Any) -> dict[str, Any]:
    person = patient(gender, born="1970-05-05")
    if birth_sex:
        person["extension"] = [{"url": BIRTH_SEX, "valueCode": birth_sex}]
    if extension:
        person["extension"] = [extension]
    return person


def _result(text: str, person: dict[str, Any], *resources: dict[str, Any], exclusion=False):
    criterion = compile_criterion(text, exclusion=exclusion)
    assert criterion is not None, text
    return result_of(criterion, record(person, *resources))


@pytest.mark.parametrize(
    ("gender", "birth_sex", "expected"),
    [
        ("male", None, "met"),
        ("male", "M", "met"),
        ("female", None, "not-met"),
        ("female", "F", "not-met"),
        ("female", "M", "unknown"),  # a trans woman: not ruled out of a male-only trial
        ("male", "F", "unknown"),
        ("unknown", "M", "unknown"),
    ],
)
def test_a_criterion_on_sex_when_gender_and_birth_sex_disagree(gender, birth_sex, expected):
    assert _result("Men aged 18 years and older", _person(gender, birth_sex)) == expected


def test_us_core_sex_extension_is_read_like_birth_sex() -> None:
    coding = {"system": "http://snomed.info/sct", "code": "248153007", "display": "Male"}
    person = _person("female", url=US_CORE_SEX, valueCoding=coding)
    assert _result("Men aged 18 years and older", person) == "unknown"


def test_the_prefilter_keeps_a_patient_whose_sexes_disagree() -> None:
    assert patient_keys(record(_person("female", "M"))).sex is None
    assert patient_keys(record(_person("female", "F"))).sex == "female"
    assert patient_keys(record(_person("male"))).sex == "male"


@pytest.mark.parametrize(
    ("gender", "birth_sex", "expected"),
    [
        ("male", None, "not-applicable"),
        ("male", "F", "met"),  # a trans man may be pregnant
        ("female", "M", "not-applicable"),
        ("female", "F", "met"),
    ],
)
def test_pregnancy_follows_the_sex_assigned_at_birth(gender, birth_sex, expected) -> None:
    result = _result("Pregnant women", _person(gender, birth_sex), PREGNANT, exclusion=True)
    assert result == expected
