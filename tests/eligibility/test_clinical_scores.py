"""Clinical scores with a bound (MMSE, MoCA, CDR, Glasgow, NIHSS, mRS, ASA, Bishop, PHQ-9, …):
the forms real bullets compile to, the bullets that stay text, and the answers EHR-style
Observations give."""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_criterion
from fhirtrial.eligibility.evaluation.scores import SCORES
from fhirtrial.eligibility.rules import compile_text
from fhirtrial.eligibility.rules.scores import SCORE_CONCEPTS
from fhirtrial.eligibility.terminology import concept
from tests.eligibility.ehr_records import LOINC, observation, patient, record, result_of
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("MMSE ≥ 24", False, "lab:mmse:>=24"),
        (
            "has a score of 24 or above on the Folstein Mini-Mental State Exam",
            False,
            "lab:mmse:>=24",
        ),
        ("Mini-Mental State Examination score <24", True, "lab:mmse:<24"),
        ("MMSE score between 4 and 26 / 30", False, "lab:mmse:4..26"),
        ("Montreal Cognitive Assessment score of less than 23", True, "lab:moca:<23"),
        ("MoCa score <20", True, "lab:moca:<20"),
        ("Telephone MoCA score > 17", False, "lab:t-moca:>17"),
        (
            "Telephone-Montreal Cognitive Assessment (T-MoCA) score of >20.",
            False,
            "lab:t-moca:>20",
        ),
        ("CDR global score of 0.5 or 1", False, "lab:clinical-dementia-rating:0.5..1"),
        ("Clinical Dementia Rating Scale (CDR)=1.0;", False, "lab:clinical-dementia-rating:=1"),
        # The scale grades the dementia it names: CDR 2-3 runs to the top of the scale.
        (
            "Patients with moderate to severe dementia (CDR 2-3).",
            True,
            "all-of(condition:dementia, lab:clinical-dementia-rating:>=2)",
        ),
        ("Glasgow Coma Scale < 12;", True, "lab:glasgow-coma-scale:<12"),
        ("Glasgow Coma Scale - 15/15", False, "lab:glasgow-coma-scale:=15"),
        ("NIHSS 4–25", False, "lab:nihss:4..25"),
        ("ASA physical status I or II", False, "lab:asa-physical-status:<=2"),
        ("ASA I-III", False, "lab:asa-physical-status:<=3"),
        ("ASA scoreⅠ to Ⅱ", False, "lab:asa-physical-status:<=2"),
        ("ASA physical status I", False, "lab:asa-physical-status:=1"),
        ("ASA status I, II, or III.", False, "lab:asa-physical-status:<=3"),
        (
            "Class I or II according to American Society of Anesthesiologists (ASA)",
            False,
            "lab:asa-physical-status:<=2",
        ),
        (
            "American Society of Anesthesiologists physical status classification system (ASA)"
            " </= 2",
            False,
            "lab:asa-physical-status:<=2",
        ),
        ("ASA physical status >II", True, "lab:asa-physical-status:>2"),
        ("ASA ≥ III", True, "lab:asa-physical-status:>=3"),
        ("Co-morbidity >ASA II", True, None),
        ("Bishop score of 5 or less", False, "lab:bishop-score:<=5"),
        ("Modified Bishop's score <5.", False, "lab:bishop-score:<5"),
        (
            "Patient Health Questionnaire (PHQ9) for depression score ≥15",
            True,
            "lab:phq-9:>=15",
        ),
        ("GAD-7 score ≥ 10", False, "lab:gad-7:>=10"),
        (
            "modified Rankin scale > 4 at the time of enrollment",
            True,
            "lab:modified-rankin-scale:>4",
        ),
        ("HDRS > 30", True, "lab:hamilton-depression-scale:>30"),
        (
            "Hoehn & Yahr Classification of Disability, stage 1-3",
            False,
            "lab:hoehn-yahr-stage:1..3",
        ),
        ("Hoehn and Yahr stage I-III", False, "lab:hoehn-yahr-stage:1..3"),
        ("Expanded Disability Status Scale (EDSS) between 0 and 6.5 ;", False, "lab:edss:<=6.5"),
    ],
)
def test_bounds_compile_to_the_score_and_its_bound(text, exclusion, expected) -> None:
    assert signature(compile_criterion(text, exclusion=exclusion)) == expected


def test_a_stage_of_parkinson_disease_is_its_hoehn_and_yahr_stage_not_a_cancer_stage() -> None:
    text = "Parkinson disease, Hoehn and Yahr stage 2-4, confirmed by neurologist"
    assert signature(compile_text(text, partial=True)) == (
        "all-of(condition:parkinson-disease, lab:hoehn-yahr-stage:2..4)"
    )


def test_a_score_beside_the_age_is_a_necessary_part_of_an_inclusion_bullet() -> None:
    text = "Male and Female, between 18 and 80 years, ASA 1-3, Scheduled for open thoracotomy"
    assert signature(compile_text(text, partial=True)) == (
        "all-of(age:18..80a, lab:asa-physical-status:<=3, text)"
    )


@pytest.mark.parametrize(
    "text",
    [
        # Aspirin and mesalazine are "ASA" too.
        "Current medication acetylsalicylic acid (ASA)",
        "Baseline 5-ASA ≤2g daily",
        # A class list with a gap, a value off the scale, a denominator of another scale.
        "ASA I or III",
        "MMSE ≥ 34",
        "MMSE 24 and age > 60",
        "EDSS ≤ 6.3",
        "GCS 12/20",
        # Another instrument or a part of one.
        "GCS motor component ≤5",
        "HAMD-17 ≥ 18",
        "PHQ-9 item 9 score ≥ 2",
        # Before an event the record cannot date; rated by someone; at a later visit.
        "Pre-stroke modified Rankin scale ≤ 3",
        "MMSE ≥ 24 as determined by the investigator",
        "PHQ-9 score ≥ 10 at week 4",
    ],
)
def test_what_the_bound_does_not_account_for_stays_text(text) -> None:
    assert compile_criterion(text) is None


def test_every_score_is_a_terminology_concept_the_evaluator_reads() -> None:
    assert SCORE_CONCEPTS == SCORES
    assert all(concept(score).display for score in SCORES)


MMSE = (LOINC, "72106-8", "Total score [MMSE]")
GCS = (LOINC, "9269-2", "Glasgow coma score total")


@pytest.mark.parametrize(
    ("text", "resources", "expected"),
    [
        (
            "Mini Mental State Examination score ≥ 24",
            (observation(MMSE, "2026-10-01", valueInteger=27),),
            "met",
        ),
        (
            "Mini Mental State Examination score ≥ 24",
            (observation(MMSE, "2026-10-01", valueInteger=21),),
            "not-met",
        ),
        # A result older than the freshness limit, or none at all, decides nothing.
        (
            "Mini Mental State Examination score ≥ 24",
            (observation(MMSE, "2025-01-10", valueInteger=21),),
            "unknown",
        ),
        ("Mini Mental State Examination score ≥ 24", (), "unknown"),
        # Uncoded results, by their words: "24/30", a quantity, a roman ASA class.
        ("MMSE ≥ 24", (observation("MMSE", "2026-11-02", valueString="22/30"),), "not-met"),
        (
            "ASA physical status I or II",
            (observation("ASA physical status", "2026-11-20", valueString="ASA III"),),
            "not-met",
        ),
        (
            "ASA physical status I or II",
            (observation("ASA physical status", "2026-11-20", valueString="II"),),
            "met",
        ),
        (
            "ASA physical status I or II",
            (observation("ASA physical status", "2026-11-20", valueString="pending"),),
            "unknown",
        ),
        # The instrument's name in the value is not the score.
        (
            "PHQ-9 score ≥ 10",
            (observation("PHQ-9", "2026-11-20", valueString="PHQ-9: 12"),),
            "met",
        ),
        (
            "PHQ-9 score ≥ 10",
            (observation((LOINC, "44261-6", "PHQ-9 total score"), "2026-11-20", valueInteger=9),),
            "not-met",
        ),
        # A telephone MoCA is not a MoCA.
        (
            "MoCA score < 20",
            (observation("Telephone MoCA total", "2026-11-20", valueInteger=15),),
            "unknown",
        ),
        # A coma score is a state of the day: yesterday's answers, last month's does not.
        ("GCS < 8", (observation(GCS, "2026-11-30", valueInteger=6),), "met"),
        ("GCS < 8", (observation(GCS, "2026-11-01", valueInteger=6),), "unknown"),
        ("GCS < 8", (observation("GCS motor", "2026-11-30", valueInteger=5),), "unknown"),
    ],
)
def test_scores_are_read_from_observations(text, resources, expected) -> None:
    criterion = compile_criterion(text)
    assert criterion is not None, text
    assert result_of(criterion, record(patient(), *resources)) == expected
