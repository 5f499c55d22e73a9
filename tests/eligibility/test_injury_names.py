"""Injuries by their everyday names ("hip fracture", "history of fractures", "burns",
"concussion", "ankle sprain"): the ICD-10-CM titles leave the injury chapter out, so the names
are sets of `terminology/icd10cm_common_names.json` (tools/build_icd10cm_common_names.py), and
a window on an injury asks when it happened (`evaluation/injuries.py`). Compiled from real-style
bullets (the development texts write "History of fractures", "History of hip fracture",
"Fractures", "Burn patients", "With diagnosis of rotator cuff tear", "History of Whiplash or
Traumatic Brain Injury (TBI) in the last year", "Lead poisoning") and evaluated against problem
lists as Epic (ICD-10-CM) and Cerner (SNOMED CT only) export them."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.eligibility.rules import compile_text
from fhirtrial.matching.keys import criteria_keys, patient_keys
from tests.eligibility.ehr_records import (
    ICD,
    SNOMED,
    condition,
    criteria_text,
    patient,
    record,
    result_of,
    verdict_of_study,
)
from tests.eligibility.heldout_score import with_judgement_as_text
from tests.eligibility.signature import signature

FRACTURE = (
    "condition:icd10cm:S02.0+S02.1+S02.2+S02.3+S02.4+S02.6+S02.8+S02.9+S12+S22+S32+S42+S52+S62"
    "+S72+S82+S92+M48.4+M48.5+M80+M84.3+M84.4+M84.5+M84.6+M97+P13.0+P13.4+Z87.31+Z87.81"
    "+S49.0+S49.1+S59.0+S59.1+S59.2+S79.0+S79.1+S89.0+S89.1+S89.2+S89.3+M84.7+M96.6+M96.A"
)
HIP = "condition:icd10cm:S72.0+S72.1+S72.2"
FEMUR = "condition:icd10cm:S72+M80.05+M80.85"
VERTEBRAL = (
    "condition:icd10cm:S12.0+S12.1+S12.2+S12.3+S12.4+S12.5+S12.6+S22.0+S32.0+M48.4+M48.5"
    "+M80.08+M80.88"
)
BURN = "condition:icd10cm:" + "+".join(
    [f"T2{site}.{degree}" for site in range(6) for degree in range(4)]
    + [f"T26.{p}" for p in range(5)]
    + [f"T27.{p}" for p in range(4)]
    + [f"T28.{p}" for p in range(5)]
    + ["T30.0", "T31"]
)
W6M = ":w-183,0,enrollment"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Fractures of any bone, and the history codes of a healed one.
        ("Fractures", FRACTURE),
        ("History of fractures", FRACTURE),
        ("Fracture within the past 6 months", FRACTURE + W6M),
        ("Fractures that require reduction.", f"all-of({FRACTURE}, text)"),
        # A named fracture is its own set, never every fracture.
        ("Hip fracture", HIP),
        ("History of hip fracture", HIP),
        ("Hip fracture within the past 6 months", HIP + W6M),
        ("Patients with a hip fracture", HIP),
        ("Fracture of the hip", HIP),
        ("Fractured hip", HIP),
        ("Femoral neck fracture", "condition:icd10cm:S72.00+S72.01+S72.03+S72.04"),
        ("Fracture of the femur or both bones of the leg.", f"any-of({FEMUR}, text)"),
        ("Vertebral fracture", VERTEBRAL),
        (
            "History of hip fracture or vertebral fracture",
            f"any-of({HIP}, {VERTEBRAL})",
        ),
        ("Distal radius fracture", "condition:icd10cm:S52.5"),
        ("Tibial shaft fracture", "condition:icd10cm:S82.2"),
        # Other injuries.
        ("Concussion", "condition:icd10cm:S06.0"),
        ("Burns", BURN),
        ("Burn patients", BURN),
        ("Severe burns", f"all-of({BURN}, text)"),  # a judgement no record states
        ("With diagnosis of rotator cuff tear", "condition:icd10cm:M75.1"),
        ("Ankle sprain", "condition:icd10cm:S93.4"),
        ("Whiplash", "condition:icd10cm:S13.4"),
        (
            "History of Whiplash or Traumatic Brain Injury (TBI) in the last year.",
            "any-of(condition:icd10cm:S13.4:w-365,0,enrollment,"
            " condition:traumatic-brain-injury:w-365,0,enrollment)",
        ),
        ("Anterior cruciate ligament injury", "condition:icd10cm:S83.51+M23.61"),
        ("Lead poisoning .", "condition:icd10cm:T56.0"),
        ("Carbon monoxide poisoning", "condition:icd10cm:T58"),
        # What the name does not say keeps the bullet text: a kind or site of fracture no
        # set states, a risk, a procedure, judgement-only trauma, a tear narrower than a sprain.
        ("Open fractures", None),
        # Records code most as the injury beside osteoporosis (S72.- + M81), not as M80: an
        # inclusion read as M80 would fail them.
        ("Osteoporotic fracture", None),
        ("Prior fragility fracture", None),
        ("Multiple rib fractures.", None),
        ("Distal femur fracture", None),
        ("Old femoral shaft fracture", None),
        ("Teeth with anomalies and fractures.", None),
        ("High risk of fracture", None),
        ("Fracture risk", None),
        ("Able to walk prior to fracture", None),
        ("Hip fracture surgery", None),
        ("Recent major trauma", None),
        ("Poisoning", None),
        ("Urinary burns", None),  # a burning feeling, not a burn
        ("Full thickness rotator cuff tears", None),
        ("ACL tear", None),  # S83.51 is any ACL sprain, a tear or not
        ("Acute ankle sprain less than 3 months", None),
    ],
)
@pytest.mark.parametrize("exclusion", [True, False])
def test_an_injury_name_compiles(text: str, expected: str | None, exclusion: bool) -> None:
    read = compile_text(text, exclusion=exclusion, partial=True)
    assert signature(with_judgement_as_text(read)) == expected


def test_history_of_a_fracture_is_the_history_qualifier() -> None:
    criterion = compile_criterion("History of hip fracture", exclusion=True)
    assert criterion is not None and criterion.qualifiers == ("history",)


HIP_FRACTURE = (
    ICD,
    "S72.001A",
    "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture",
)
HIP_SEQUELA = (ICD, "S72.001S", "Fracture of unspecified part of neck of right femur, sequela")
HEALED = (ICD, "Z87.81", "Personal history of (healed) traumatic fracture")
RADIUS = (
    ICD,
    "S52.501A",
    "Unspecified fracture of the lower end of right radius, initial encounter for closed fracture",
)
SHAFT = (
    ICD,
    "S72.321A",
    "Displaced transverse fracture of shaft of right femur, initial encounter for closed fracture",
)
HTN = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))


@pytest.mark.parametrize(
    ("entry", "result"),
    [
        (
            condition("Closed fracture of right femoral neck", HIP_FRACTURE, onset="2026-09-20"),
            "met",
        ),
        # An old fracture left active on the problem list did not happen in the window.
        (condition("Closed fracture of right femoral neck", HIP_FRACTURE), "not-met"),
        (
            condition(
                "Closed fracture of right femoral neck",
                HIP_FRACTURE,
                status="resolved",
                abated="2025-04-01",
            ),
            "not-met",
        ),
        (condition("Distal radius fracture", RADIUS, onset="2026-10-01"), "not-met"),
        # A healed fracture of no site noted in the window: which bone, and when, it cannot say.
        (condition("History of hip fracture", HEALED, onset="2026-10-01"), "unknown"),
        (condition("History of fracture", HEALED, onset="2024-10-01"), "not-met"),
        (HTN, "not-met"),
    ],
)
def test_a_hip_fracture_in_a_window_is_dated_by_the_injury(entry: dict, result: str) -> None:
    criterion = compile_criterion("Hip fracture within the past 6 months", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry)) == result


@pytest.mark.parametrize(
    ("entry", "result"),
    [
        (condition("Hip fracture, sequela", HIP_SEQUELA), "met"),
        (
            condition("Closed fracture of right femoral neck", HIP_FRACTURE, status="resolved"),
            "met",
        ),
        # Z87.81 does not say which bone: it may be the hip (never not-met on an inclusion).
        (condition("History of hip fracture", HEALED, onset="2026-01-01"), "unknown"),
        # Cerner: SNOMED CT only, in words that are no name of the set.
        (
            condition(
                "Fracture of neck of femur", (SNOMED, "5913000", "Fracture of neck of femur")
            ),
            "unknown",
        ),
        (condition("Hip fracture", (SNOMED, "5913000", "Fracture of neck of femur")), "met"),
        (condition("Femoral shaft fracture", SHAFT, status="resolved"), "not-met"),
        (HTN, "not-met"),
    ],
)
def test_history_of_hip_fracture_in_an_inclusion(entry: dict, result: str) -> None:
    criterion = compile_criterion("History of hip fracture")
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry)) == result


@pytest.mark.parametrize(
    ("text", "entry", "result"),
    [
        ("History of fractures", condition("History of fracture", HEALED), "met"),
        ("History of fractures", condition("Wrist fracture", RADIUS, status="resolved"), "met"),
        ("History of fractures", HTN, "not-met"),
        # A bare name: a healed fracture may or may not count.
        ("Fractures", condition("History of fracture", HEALED), "unknown"),
        ("Fractures", condition("Wrist fracture", RADIUS), "met"),
        # A broken tooth is no fracture a criterion on fractures means.
        (
            "Fractures",
            condition(
                "Broken tooth",
                (
                    ICD,
                    "S02.5XXA",
                    "Fracture of tooth (traumatic), initial encounter for closed fracture",
                ),
            ),
            "not-met",
        ),
        (
            "Vertebral fracture",
            condition(
                "Age-related osteoporosis with current pathological vertebral fracture",
                (
                    ICD,
                    "M80.08XA",
                    "Age-related osteoporosis with current pathological fracture, vertebra(e),"
                    " initial encounter for fracture",
                ),
            ),
            "met",
        ),
        (
            "Vertebral fracture",
            condition(
                "Compression fracture of L1 vertebra",
                (
                    ICD,
                    "M48.56XA",
                    "Collapsed vertebra, not elsewhere classified, lumbar region, initial encounter"
                    " for fracture",
                ),
            ),
            "met",
        ),
        (
            "Concussion",
            condition(
                "Concussion",
                (ICD, "S06.0X0A", "Concussion without loss of consciousness, initial encounter"),
            ),
            "met",
        ),
        (
            "Ankle sprain",
            condition(
                "Sprain of left ankle",
                (
                    ICD,
                    "S93.402A",
                    "Sprain of unspecified ligament of left ankle, initial encounter",
                ),
            ),
            "met",
        ),
        (
            "Burns",
            condition(
                "Burns 20-29% TBSA",
                (
                    ICD,
                    "T31.20",
                    "Burns involving 20-29% of body surface with 0% to 9% third degree burns",
                ),
            ),
            "met",
        ),
        ("Burns", condition("Sunburn", (ICD, "L55.0", "Sunburn of first degree")), "not-met"),
        # "Severe" is a judgement no code states: never met on the code alone.
        (
            "Severe burns",
            condition(
                "Burns 20-29% TBSA",
                (
                    ICD,
                    "T31.20",
                    "Burns involving 20-29% of body surface with 0% to 9% third degree burns",
                ),
            ),
            "unknown",
        ),
    ],
)
def test_injuries_against_problem_lists(text: str, entry: dict, result: str) -> None:
    criterion = compile_criterion(text, exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry)) == result


HIP_STUDY = criteria_text(["Age 50 years or older"], ["Hip fracture within the past 6 months"])


def test_a_recent_hip_fracture_excludes_and_an_old_one_does_not() -> None:
    recent = condition("Closed fracture of right femoral neck", HIP_FRACTURE, onset="2026-09-20")
    old = condition("Closed fracture of right femoral neck", HIP_FRACTURE, onset="2023-02-11")
    born = "1950-03-03"
    assert verdict_of_study(HIP_STUDY, record(patient(born=born), recent)) == "ineligible"
    assert verdict_of_study(HIP_STUDY, record(patient(born=born), old)) != "ineligible"
    assert verdict_of_study(HIP_STUDY, record(patient(born=born), HTN)) != "ineligible"


def test_a_hip_fracture_study_keeps_a_patient_whose_healed_fracture_names_no_site() -> None:
    text = criteria_text(["History of hip fracture"], [])
    healed = record(patient(), condition("History of hip fracture", HEALED, onset="2026-01-01"))
    assert verdict_of_study(text, healed) != "ineligible"
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000011", "briefTitle": "x"},
            "eligibilityModule": {"eligibilityCriteria": text},
        }
    }
    resource = build_evidence_variable(
        study, evidence_variable_id="x", study_reference="ResearchStudy/x"
    )
    needed = set(criteria_keys(resource, None).diagnoses or ())
    assert HIP.removeprefix("condition:") in needed
    for entry in (
        condition("History of hip fracture", HEALED),
        condition("Fracture of neck of femur", (SNOMED, "5913000", "Fracture of neck of femur")),
        condition("Closed fracture of right femoral neck", HIP_FRACTURE),
    ):
        offered = patient_keys(record(patient(), entry)).diagnoses
        assert offered is not None and needed & set(offered), entry["code"]["text"]
    offered = patient_keys(record(patient(), HTN)).diagnoses
    assert offered is not None and not needed & set(offered)


TBI_2019 = condition(
    "Traumatic brain injury",
    (
        ICD,
        "S06.9X0A",
        "Unspecified intracranial injury without loss of consciousness, initial encounter",
    ),
    onset="2019-05-02",
)
WHIPLASH_2026 = condition(
    "Whiplash injury",
    (ICD, "S13.4XXA", "Sprain of ligaments of cervical spine, initial encounter"),
    onset="2026-08-30",
)


def test_whiplash_or_tbi_in_the_last_year_is_dated_by_the_injury() -> None:
    criterion = compile_criterion(
        "History of Whiplash or Traumatic Brain Injury (TBI) in the last year.", exclusion=True
    )
    assert criterion is not None
    # A brain injury of 2019 still "active" on the problem list is not one of the last year.
    assert result_of(criterion, record(patient(), TBI_2019)) == "not-met"
    assert result_of(criterion, record(patient(), WHIPLASH_2026)) == "met"


_UNCODED_TEXTS = [
    "Fracture of ankle",
    "Closed fracture of hip",
    "History of fractures",
    "Paraplegia",
    "Spastic quadriplegia",
    "Tetraparesis",
    "Head injury",
    "Concussion with no loss of consciousness",
    "Burn of skin of forearm",
    "Sprain of ankle",
    "Whiplash injury to neck",
    "Refracture",  # no word starts with a stem: not a fracture
    "Hypertension",
    "Malignant neoplasm of breast",
]


@pytest.mark.parametrize("text", _UNCODED_TEXTS)
def test_the_injuries_an_uncoded_entry_may_be_are_those_naming_a_stem_of_theirs(text):
    """The prefilter's grouped search answers, for an entry with no ICD-10-CM code, exactly the
    injuries one of whose word stems (or lasting deficits') starts a word of its text or of a
    coding's display — the definition, written out here one word at a time."""
    import re

    from fhirtrial.eligibility.evaluation.injuries import (
        _DEFICIT_WORDS,
        _deficits_of,
        _injury_concepts,
        _words_of,
        injuries_an_entry_may_be,
    )

    def named(concept: str, texts: list[str]) -> bool:
        words = _words_of(concept) + tuple(
            w for deficit in _deficits_of(concept) for w in _DEFICIT_WORDS.get(deficit, ())
        )
        return any(re.search(rf"\b{re.escape(w)}", t.lower()) for w in words for t in texts)

    for codes in ((), ((SNOMED, "00000000", text.upper()),)):
        item = record(patient(), condition(text, *codes)).conditions[0]
        expected = {c for c in _injury_concepts() if named(c, [text])}
        assert injuries_an_entry_may_be(item) == expected, (text, codes)
    if text.startswith(("Fracture", "Closed fracture", "Paraplegia", "Spastic", "Burn")):
        assert expected, text  # the words reach the injuries that mean them
