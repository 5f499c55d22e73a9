"""Names of diagnoses development bullets used that no finder read (session 15, issue 13).

Each name is the ICD-10-CM code (or set) it wholly names, or a hand-made concept it spells
otherwise: degrees of atrioventricular block ("Second and third-degree heart block", "2nd or 3rd
degree Atrioventricular (AV) block", "second-degree or higher atrioventricular block"), spellings
of polycystic ovary syndrome ("Syndrome of polycystic ovary.", "PCO syndrome carriers"), LBP
("LBP of any duration", "Low Back Pain (LBP)"), DME ("diagnosed with DME with central macular
thickness", "Presence of DME in the study eye"), AMD and SCI (two studies each), "cardiac
valvulopathy" (two studies) and "cerebral infarct" (two studies). Abbreviations with another
meaning in the development texts stay text.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import (
    EPIC_DX,
    ICD,
    condition,
    patient,
    procedure,
    record,
    result_of,
)
from tests.eligibility.signature import signature

_DME = "+".join(
    f"{d}.{c}"
    for d in ("E08", "E09", "E10", "E11", "E13")
    for c in ("311", "321", "331", "341", "351")
)


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        # NCT03795792 exc-6: ICD-10-CM E28.2 Polycystic ovarian syndrome.
        ("Syndrome of polycystic ovary.", True, "condition:icd10cm:E28.2"),
        ("PCO syndrome", True, "condition:icd10cm:E28.2"),
        # NCT03798288 inc-2: low back pain of any duration is low back pain.
        ("LBP of any duration", False, "condition:icd10cm:M54.4+M54.5"),
        # NCT03866746 inc-2: the diagnosis, and a thickness only imaging measures.
        (
            "diagnosed with DME with central macular thickness (CMT) more than 250 µm measured"
            " by OCT",
            False,
            f"all-of(condition:icd10cm:{_DME}, text)",
        ),
        # NCT03930914 exc-2 / NCT03933306 exc-3 name the degrees: I44.1 and I44.2.
        (
            "Second or third degree atrioventricular block",
            True,
            "any-of(condition:icd10cm:I44.1, condition:icd10cm:I44.2)",
        ),
        ("Second-degree AV block", True, "condition:icd10cm:I44.1"),
        ("Complete heart block", True, "condition:icd10cm:I44.2"),
        ("Third-degree heart block", True, "condition:icd10cm:I44.2"),
        # NCT03866018, NCT03921931: age-related macular degeneration, H35.30 its NOS code.
        ("AMD", True, "condition:icd10cm:H35.30+H35.31+H35.32"),
        ("Age-related macular degeneration", False, "condition:icd10cm:H35.30+H35.31+H35.32"),
        # NCT03925077, NCT03925649: spinal cord injury.
        ("History of SCI", True, "condition:icd10cm:S14.0+S14.1+S24.0+S24.1+S34.0+S34.1"),
        # NCT03922178 exc-3, NCT03925272 exc-3.
        ("Cardiac valvulopathy", True, "condition:valvular-heart-disease"),
        # NCT03923439, NCT03865225: an infarct of the brain is ischaemic stroke.
        ("Cerebral infarct", True, "condition:stroke-ischemic"),
    ],
)
def test_a_name_development_bullets_use_is_read(text: str, exclusion: bool, expected: str) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


@pytest.mark.parametrize(
    ("text", "exclusion"),
    [
        # AD is atopic dermatitis (NCT03796676) and Alzheimer's disease (NCT03860792).
        ("Diagnosis of AD by current McKhann et al. criteria", False),
        # GAD is a questionnaire (GAD-7) and an antibody (anti-GAD) as often as the disorder.
        ("GAD-diagnosed", False),
        # Congenital Q60.0 is only part; Z90.5 holds both kidneys removed too.
        ("solitary kidney", True),
        # L91.0 is every hypertrophic scar: a keloid is only part of it.
        ("History of keloid formation.", True),
        # Autoimmune (M30-M36) to some, Marfan and Ehlers-Danlos to NCT03869307.
        ("Connective tissue diseases", True),
        # HF is hot flashes in NCT03796195 ("treatments ... that can affect HF").
        ("Use of treatments in the past two months that can affect HF", True),
        # VT is a ventilation tube in NCT03868891 ("History of at least 2 sets of VT insertions").
        ("History of VT", True),
        # TBI is also total body irradiation, UC urothelial carcinoma.
        ("History of past moderate/severe TBI,", True),
        ("Diagnosis of UC confirmed by biopsy", False),
    ],
)
def test_a_name_with_no_code_set_of_its_own_stays_text(text: str, exclusion: bool) -> None:
    criterion = compile_text(text, exclusion=exclusion, partial=True)
    assert criterion is None or not criterion.computable


COMPLETE_BLOCK = condition(
    "Complete heart block",
    (EPIC_DX, "1053721", "Complete heart block"),
    (ICD, "I44.2", "Atrioventricular block, complete"),
)
MOBITZ = condition(
    "Mobitz type I block",
    (EPIC_DX, "1053722", "Second degree AV block, Mobitz type I"),
    (ICD, "I44.1", "Atrioventricular block, second degree"),
)
LOW_BACK_PAIN = condition(
    "Low back pain",
    (EPIC_DX, "1053740", "Low back pain"),
    (ICD, "M54.50", "Low back pain, unspecified"),
)
THORACIC_PAIN = condition(
    "Thoracic back pain",
    (EPIC_DX, "1053741", "Thoracic back pain"),
    (ICD, "M54.6", "Pain in thoracic spine"),
)


AMD_NOS = condition(
    "Age-related macular degeneration",
    (EPIC_DX, "1053750", "Age-related macular degeneration"),
    (ICD, "H35.30", "Unspecified macular degeneration"),
)
CYSTOID = condition(
    "Cystoid macular degeneration",
    (EPIC_DX, "1053751", "Cystoid macular degeneration"),
    (ICD, "H35.35", "Cystoid macular degeneration"),
)


@pytest.mark.parametrize(
    ("text", "exclusion", "entry", "result"),
    [
        ("Complete heart block", True, COMPLETE_BLOCK, "met"),
        # Second degree is the neighbouring code, not a complete block.
        ("Complete heart block", True, MOBITZ, "not-met"),
        ("LBP of any duration", False, LOW_BACK_PAIN, "met"),
        ("LBP of any duration", False, THORACIC_PAIN, "not-met"),
        # H35.30's inclusion term is age-related macular degeneration: an inclusion met.
        ("Age-related macular degeneration", False, AMD_NOS, "met"),
        ("Age-related macular degeneration", False, CYSTOID, "not-met"),
    ],
)
def test_an_epic_record_meets_the_name_by_a_code_of_its_set(
    text: str, exclusion: bool, entry: dict, result: str
) -> None:
    criterion = compile_criterion(text, exclusion=exclusion)
    assert criterion is not None
    assert result_of(criterion, record(patient(), entry)) == result


# ECMO, a life support a patient is on now (NCT03793842 exc-3 "ECMO", NCT03868735 exc-3
# "Extracorporeal membrane oxygenation", NCT03922451 inc-1 "supported on ECMO"): SNOMED CT
# 233573008, as the MII ICU module codes it, read as mechanical ventilation is.
ECMO_CODE = ("http://snomed.info/sct", "233573008", "Extracorporeal membrane oxygenation")
VENTILATION_CODE = ("http://snomed.info/sct", "40617009", "Artificial ventilation")


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("ECMO", True, "procedure:ecmo"),
        ("Extracorporeal membrane oxygenation", True, "procedure:ecmo"),
        ("supported on ECMO", False, "procedure:ecmo"),
        (
            "Mechanical ventilation or ECMO",
            True,
            "any-of(procedure:mechanical-ventilation, procedure:ecmo)",
        ),
        # Past, planned, a kind the codes do not tell, or how long it ran: a reader's.
        ("Prior ECMO", True, None),
        ("Candidates for ECMO", False, None),
        ("VA-ECMO", True, None),
        ("ECMO for more than 48 hours", True, None),
    ],
)
def test_ecmo_now_is_a_support_state(text: str, exclusion: bool, expected: str | None) -> None:
    assert signature(compile_text(text, exclusion=exclusion, partial=True)) == expected


def test_ecmo_is_met_only_by_ecmo_going_on() -> None:
    criterion = compile_text("ECMO", exclusion=True, partial=True)
    assert criterion is not None
    running = {**procedure("ECMO, veno-venous", "2026-11-28", ECMO_CODE), "status": "in-progress"}
    assert result_of(criterion, record(patient(), running)) == "met"
    # ECMO years ago says nothing of today; ventilation, the neighbouring support, is no ECMO.
    old = procedure("ECMO", "2019-04-04", ECMO_CODE)
    assert result_of(criterion, record(patient(), old)) == "unknown"
    ventilated = {
        **procedure("Mechanical ventilation", "2026-11-28", VENTILATION_CODE),
        "status": "in-progress",
    }
    assert result_of(criterion, record(patient(), ventilated)) == "unknown"
