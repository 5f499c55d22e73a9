"""`$match` over HTTP with records written the way Epic and Cerner export past cancers
(issue 13, red team): the study stays listed when no criterion truly rules the patient out.

A stage IV melanoma patient (one anti-PD-1 line, ECOG 0) whose record also holds a breast
cancer three ways: a "Personal history of" problem noted in February 2025, a Cerner encounter
diagnosis of April 2018 without a clinicalStatus, and the problem-list entry resolved in June
2019 (abatement written as a string). Each used to meet NCT05361174's "another primary
malignancy within the previous 3 years" and hid the trial from the default answer.
"""

from tests.matching.match_answers import match_ok, read_matches
from tests.matching.match_patients import AS_OF, ICD10, condition, melanoma_patient, parameters

LIFILEUCEL = "NCT05361174"
EXPANDED_ACCESS = "NCT05398640"
BREAST = "Malignant neoplasm of unspecified site of right female breast"


def _past_breast_cancer() -> list[dict]:
    history = condition(
        "bc-history",
        ICD10,
        "Z85.3",
        "Personal history of malignant neoplasm of breast",
        onset="2025-02-10",
    )
    visit = condition("bc-visit", ICD10, "C50.911", BREAST, onset="2018-04-10")
    del visit["clinicalStatus"]
    visit["category"] = [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                    "code": "encounter-diagnosis",
                }
            ]
        }
    ]
    resolved = condition("bc-problem", ICD10, "C50.911", BREAST, onset="2018-03-01")
    del resolved["clinicalStatus"]
    resolved["abatementString"] = "06/2019"
    return [history, visit, resolved]


async def test_a_past_breast_cancer_exported_three_ways_hides_no_trial(seeded):
    patient = melanoma_patient(*_past_breast_cancer())
    answer = await match_ok(seeded, parameters(patient, {"name": "asOf", "valueDate": AS_OF}))
    matches = read_matches(answer)
    assert set(matches) == {LIFILEUCEL, EXPANDED_ACCESS}
    assert {m.verdict for m in matches.values()} == {"potential-candidate"}
    assert matches[LIFILEUCEL].criteria["exc-6"] == "unknown"
    assert "noted on 2025-02-10" in matches[LIFILEUCEL].reasons["exc-6"]
