"""Measurements as real criteria write them: one threshold restated in two units, vitals whose
bullet ends with "without medication", and scores with their own phrasing — each compiled whole
(every number and comparator kept) and evaluated against Epic-style Observations.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.ehr_records import (
    LOINC,
    criteria_text,
    observation,
    patient,
    record,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)
from tests.eligibility.signature import signature


def _compiled(bullet: str, section: str = "Inclusion") -> str | None:
    nodes = compile_outline(parse_outline(f"{section} Criteria:\n\n* {bullet}\n"))
    assert len(nodes) == 1
    return signature(nodes[0].criterion)


# (section, bullet, signature): forms written from the text before the rule.
READ = [
    # One threshold in two units is one bound, in the unit records hold HbA1c in (NGSP %).
    ("Exclusion", "HbA1c above 48mmol/mol (or 6.5%)", "lab:hba1c:>6.5%"),
    ("Inclusion", "HbA1c ≥ 53 mmol/mol (≥ 7.0%)", "lab:hba1c:>=7%"),
    ("Inclusion", "HbA1c ≤ 11% (97 mmol/mol)", "lab:hba1c:<=11%"),
    # Ranges keep both bounds; an untreated value's "without medication" stays text.
    (
        "Inclusion",
        "Normal blood pressure (systolic 90-140 mmHg; diastolic 50-90 mmHg) resting heart rate "
        "45-100 beats per minute) without medication",
        "all-of(all-of(lab:systolic-bp:>=90mm[Hg], lab:systolic-bp:<=140mm[Hg]), "
        "all-of(all-of(lab:diastolic-bp:>=50mm[Hg], lab:diastolic-bp:<=90mm[Hg]), "
        "all-of(lab:heart-rate:>=45/min, lab:heart-rate:<=100/min)), text)",
    ),
    (
        "Inclusion",
        "Resting heart rate 45-100 beats per minute without medication",
        "all-of(lab:heart-rate:>=45/min, lab:heart-rate:<=100/min, text)",
    ),
    (
        "Inclusion",
        "Systolic blood pressure < 140 mmHg without medication",
        "all-of(lab:systolic-bp:<140mm[Hg], text)",
    ),
]

# (why, section, bullet): left as text.
REFUSED = [
    ("the units disagree: two thresholds", "Inclusion", "HbA1c > 47 mmol/mol (> 8%)"),
    (
        "an allowance after the medication words",
        "Inclusion",
        "Resting heart rate 45-100 beats per minute without medication unless approved",
    ),
    ("a rate per day is no heart rate", "Inclusion", "Heart rate 45-100 beats per day"),
]


@pytest.mark.parametrize(("section", "bullet", "expected"), READ)
def test_a_measurement_is_read_whole(section: str, bullet: str, expected: str) -> None:
    assert _compiled(bullet, section) == expected


@pytest.mark.parametrize(("why", "section", "bullet"), REFUSED)
def test_a_measurement_that_cannot_be_read_whole_stays_text(
    why: str, section: str, bullet: str
) -> None:
    assert _compiled(bullet, section) in (None, "text"), why


HBA1C = (LOINC, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood")


def _hba1c(value: float, unit: str, code: str) -> dict:
    quantity = {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": code}
    return observation(HBA1C, "2026-11-20", valueQuantity=quantity)


@pytest.mark.parametrize(
    ("result", "verdict"),
    [
        # 6.52% is above 6.5%, though below 48 mmol/mol (6.54%): the % bound decides.
        (_hba1c(6.52, "%", "%"), "eligible"),
        (_hba1c(6.4, "%", "%"), "ineligible"),
        # A result in mmol/mol is converted (IFCC → NGSP): 53 mmol/mol is 7.0%.
        (_hba1c(53, "mmol/mol", "mmol/mol"), "eligible"),
        (_hba1c(42, "mmol/mol", "mmol/mol"), "ineligible"),
    ],
)
def test_an_hba1c_bound_in_two_units_decides_once(result: dict, verdict: str) -> None:
    person = record(patient(), result)
    assert verdict_of_inclusion_bullet("HbA1c above 48mmol/mol (or 6.5%)", person) == verdict


def _vital(code: str, display: str, value: float, unit: str, ucum: str) -> dict:
    quantity = {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": ucum}
    return observation((LOINC, code, display), "2026-11-28", valueQuantity=quantity)


BP_BULLET = (
    "Normal blood pressure (systolic 90-140 mmHg; diastolic 50-90 mmHg) resting heart rate "
    "45-100 beats per minute) without medication"
)


@pytest.mark.parametrize(
    ("systolic", "diastolic", "rate", "verdict"),
    [
        (120, 80, 70, "potential-candidate"),  # in range: untreated is for the investigator
        (150, 80, 70, "ineligible"),  # above the systolic range whatever the treatment
        (120, 80, 40, "ineligible"),  # below the heart rate range
    ],
)
def test_vital_ranges_with_an_untreated_clause(
    systolic: float, diastolic: float, rate: float, verdict: str
) -> None:
    person = record(
        patient(),
        _vital("8480-6", "Systolic blood pressure", systolic, "mmHg", "mm[Hg]"),
        _vital("8462-4", "Diastolic blood pressure", diastolic, "mmHg", "mm[Hg]"),
        _vital("8867-4", "Heart rate", rate, "/min", "/min"),
    )
    assert verdict_of_inclusion_bullet(BP_BULLET, person) == verdict


# A score read in full inside an inclusion bullet whose other words no finder reads.
SCORE_PARTS = [
    (
        "Generally in good health as determined by the Principal Investigator based on prior "
        "medical history, American Society of Anesthesiologists physical status I or II",
        "all-of(lab:asa-physical-status:<=2, text)",
    ),
    (
        "Healthy (American Society of Anaesthesiologists (ASA) category I or II)",
        "all-of(lab:asa-physical-status:<=2, text)",
    ),
    (
        "physical status ASA I-II (by the American Society of Anesthesiologists),",
        "all-of(lab:asa-physical-status:<=2, text)",
    ),
    (
        '"Healthy" subjects: ability to give informed consent, comply with study procedures, and '
        "have a Telephone-Montreal Cognitive Assessment (T-MoCA) score of >20.",
        "all-of(lab:t-moca:>20, text)",
    ),
    ("unfavourable cervix (Bishop score ≤ 4),", "all-of(lab:bishop-score:<=4, text)"),
]

SCORE_PARTS_REFUSED = [
    ("a negation the reading cannot place", "Patients not classified as ASA III"),
    ("an alternative", "ASA I-II or ASA III with controlled hypertension"),
    ("a leaf the form would lack (a planned procedure)", "ASA I-II undergoing cholecystectomy"),
    ("a diagnosis beside it", "Consciousness disorder with Glasgow score <15"),
    ("another time", "ASA I-II before the previous surgery"),
    ("a number left in the rest", "ASA I-II and at least 2 prior surgeries"),
]


@pytest.mark.parametrize(("bullet", "expected"), SCORE_PARTS)
def test_a_score_inside_an_inclusion_bullet_is_a_necessary_part(bullet: str, expected: str):
    assert _compiled(bullet) == expected


@pytest.mark.parametrize(("why", "bullet"), SCORE_PARTS_REFUSED)
def test_a_score_the_rest_may_change_is_not_made_necessary(why: str, bullet: str) -> None:
    assert _compiled(bullet) in (None, "text"), why


def test_a_score_part_is_not_read_in_an_exclusion_bullet() -> None:
    bullet = "Healthy (American Society of Anaesthesiologists (ASA) category I or II)"
    assert _compiled(bullet, "Exclusion") in (None, "text")


ASA = "American Society of Anesthesiologists physical status"


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ({"valueString": "ASA II"}, "potential-candidate"),  # met: the rest stays unknown
        ({"valueInteger": 3}, "ineligible"),
        (None, "potential-candidate"),  # no ASA class recorded: unknown, never a reason
    ],
)
def test_an_asa_part_rules_out_only_a_recorded_higher_class(value: dict | None, verdict: str):
    bullet = (
        "Generally in good health as determined by the Principal Investigator based on prior "
        "medical history, American Society of Anesthesiologists physical status I or II"
    )
    resources = [] if value is None else [observation(ASA, "2026-11-28", **value)]
    assert verdict_of_inclusion_bullet(bullet, record(patient(), *resources)) == verdict


# Weight lost over a stated period, read with its window and computed from body weights.
WEIGHT_LOSS_READ = [
    (
        "Weight loss above the 20% of the body weight in the last 6 months",
        "lab:body-weight-loss:>20%:w-183,0,enrollment",
    ),
    ("Weight loss 15% or more past 6 months", "lab:body-weight-loss:>=15%:w-183,0,enrollment"),
    (
        "unintentional weight loss of more than 10% within the past 3 months",
        "lab:body-weight-loss:>10%:w-91,0,enrollment",
    ),
    (
        "Weight loss of more than 10 pounds in the last 3 months",
        "lab:body-weight-loss:>4.536kg:w-91,0,enrollment",
    ),
]

WEIGHT_LOSS_REFUSED = [
    ("no period: no time to measure the loss over", "Weight loss > 10%"),
    (
        "a stable weight cannot be shown by weights taken now and then",
        "Weight loss of less than 5% in the last 6 months",
    ),
]


@pytest.mark.parametrize(("bullet", "expected"), WEIGHT_LOSS_READ)
def test_a_weight_loss_is_read_with_its_period(bullet: str, expected: str) -> None:
    assert _compiled(bullet, "Exclusion") == expected


@pytest.mark.parametrize(("why", "bullet"), WEIGHT_LOSS_REFUSED)
def test_a_weight_loss_without_a_period_or_with_an_upper_bound_stays_text(why: str, bullet: str):
    assert _compiled(bullet, "Exclusion") in (None, "text"), why


def _weight(day: str, value: float, unit: str = "kg", ucum: str = "kg") -> dict:
    quantity = {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": ucum}
    return observation((LOINC, "29463-7", "Body weight"), day, valueQuantity=quantity)


EXCLUSION_WEIGHT_LOSS = "Weight loss above the 20% of the body weight in the last 6 months"


@pytest.mark.parametrize(
    ("weights", "verdict"),
    [
        # 80 kg in August, 62 kg now: 22.5% lost in the period — excluded.
        ([_weight("2026-08-10", 80), _weight("2026-11-25", 62)], "ineligible"),
        # Pounds converted: 176.4 lb (80 kg) to 136.7 lb (62 kg).
        (
            [
                _weight("2026-08-10", 176.4, "lb", "[lb_av]"),
                _weight("2026-11-25", 136.7, "lb", "[lb_av]"),
            ],
            "ineligible",
        ),
        # 10% lost: the weights do not show the loss, nor that it did not happen — unknown.
        ([_weight("2026-08-10", 80), _weight("2026-11-25", 72)], "potential-candidate"),
        # The heavier weight is before the period (March): not a loss in the last 6 months.
        ([_weight("2026-03-01", 90), _weight("2026-11-25", 70)], "potential-candidate"),
        # One weight only: no loss can be computed.
        ([_weight("2026-11-25", 62)], "potential-candidate"),
    ],
)
def test_a_weight_loss_excludes_only_when_the_weights_show_it(weights: list, verdict: str):
    person = record(patient(), *weights)
    criteria = criteria_text(["Age 18 years or older"], [EXCLUSION_WEIGHT_LOSS])
    assert verdict_of_study(criteria, person) == verdict


# A stage written with its comparator or before the scale's name.
@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        (
            "Greater than Stage 3 on the Hoehn & Yahr Classification of Disability",
            "lab:hoehn-yahr-stage:>3",
        ),
        ("Stage 3 or greater on the Hoehn and Yahr scale", "lab:hoehn-yahr-stage:>=3"),
        ("Hoehn and Yahr > stage 3", "lab:hoehn-yahr-stage:>3"),
        ("grade 3 or higher on the modified Rankin scale", "lab:modified-rankin-scale:>=3"),
        # The Edinburgh Postnatal Depression Scale (LOINC 99046-5), 0-30.
        ("Edinburgh Postnatal Depression Scale (EPDS) score of 13 or more", "lab:epds:>=13"),
        ("EPDS score ≥ 10", "lab:epds:>=10"),
    ],
)
def test_a_score_bound_with_its_stage_word_or_a_new_scale(bullet: str, expected: str) -> None:
    assert _compiled(bullet, "Exclusion") == expected


@pytest.mark.parametrize("bullet", ["EPDS score ≥ 31", "EPDS 12"])
def test_an_epds_value_off_its_scale_or_without_a_comparator_stays_text(bullet: str) -> None:
    assert _compiled(bullet, "Exclusion") in (None, "text")


EPDS = (LOINC, "99046-5", "Edinburgh Postnatal Depression Scale [EPDS]")


@pytest.mark.parametrize(
    ("resources", "verdict"),
    [
        ([observation(EPDS, "2026-11-20", valueInteger=14)], "ineligible"),
        ([observation(EPDS, "2026-11-20", valueInteger=6)], "eligible"),
        # An item of the scale, found by its words, is not the total: unknown.
        ([observation("EPDS item 10", "2026-11-20", valueInteger=3)], "potential-candidate"),
        ([], "potential-candidate"),
    ],
)
def test_an_epds_bound_is_decided_by_the_total_score(resources: list, verdict: str) -> None:
    criteria = criteria_text(["Age 18 years or older"], ["EPDS score ≥ 13"])
    assert verdict_of_study(criteria, record(patient(), *resources)) == verdict


# The FEV1/FVC ratio (LOINC 19926-5): a fraction written 0.70 or 70%.
@pytest.mark.parametrize(
    ("bullet", "expected"),
    [
        ("FEV1/FVC < 0.7", "lab:fev1-fvc-ratio:<70%"),
        ("FEV1/FVC ratio <70 %", "lab:fev1-fvc-ratio:<70%"),
        (
            "FEV1 < 80% predicted and FEV1/FVC < 0.70",
            "all-of(lab:fev1-predicted:<80%, lab:fev1-fvc-ratio:<70%)",
        ),
    ],
)
def test_an_fev1_fvc_ratio_is_one_bound_in_percent(bullet: str, expected: str) -> None:
    assert _compiled(bullet) == expected


@pytest.mark.parametrize(
    ("why", "bullet"),
    [
        ("after a bronchodilator: another measurement", "post-bronchodilator FEV1/FVC <70%"),
        ("neither a fraction nor a percentage", "FEV1/FVC < 5"),
    ],
)
def test_an_fev1_fvc_ratio_of_another_kind_stays_text(why: str, bullet: str) -> None:
    assert _compiled(bullet) in (None, "text"), why


FEV1_FVC = (LOINC, "19926-5", "FEV1/FVC")


def _ratio(value: float, unit: str, ucum: str) -> dict:
    quantity = {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": ucum}
    return observation(FEV1_FVC, "2026-11-02", valueQuantity=quantity)


@pytest.mark.parametrize(
    ("result", "verdict"),
    [
        (_ratio(62, "%", "%"), "eligible"),
        (_ratio(78, "%", "%"), "ineligible"),
        (_ratio(0.62, "1", "1"), "eligible"),  # a ratio in UCUM "1" converts to 62%
        (_ratio(0.75, "%", "%"), "potential-candidate"),  # a fraction written in %: unknown
    ],
)
def test_an_fev1_fvc_bound_against_spirometry_results(result: dict, verdict: str) -> None:
    assert verdict_of_inclusion_bullet("FEV1/FVC < 0.70", record(patient(), result)) == verdict


# A weight change either way, and a stable weight as NOT a change beyond its tolerance.
@pytest.mark.parametrize(
    ("section", "bullet", "expected"),
    [
        (
            "Exclusion",
            "Weight change more than 3 kg within the last 3 months.",
            "lab:body-weight-change:>3kg:w-91,0,enrollment",
        ),
        (
            "Inclusion",
            "Weight stable (±5kg) for at least 6 months",
            "NOT lab:body-weight-change:>5kg:w-183,0,enrollment",
        ),
        (
            "Inclusion",
            "Body weight stable for 3 months prior (±3 kg)",
            "NOT lab:body-weight-change:>3kg:w-91,0,enrollment",
        ),
    ],
)
def test_a_weight_change_is_read_with_its_period(section: str, bullet: str, expected: str):
    assert _compiled(bullet, section) == expected


@pytest.mark.parametrize(
    "bullet",
    ["Weight change more than 3 kg", "Body weight stable for <3 months prior (±3 kg)"],
)
def test_a_weight_change_without_a_period_stays_text(bullet: str) -> None:
    assert _compiled(bullet, "Exclusion") in (None, "text")


@pytest.mark.parametrize(
    ("weights", "verdict"),
    [
        # Gained 6 kg in the period: not stable within ±5 kg.
        ([_weight("2026-07-01", 70), _weight("2026-11-25", 76)], "ineligible"),
        # Within 2 kg: a change between unrecorded weights is not ruled out — unknown.
        ([_weight("2026-07-01", 70), _weight("2026-11-25", 72)], "potential-candidate"),
        ([], "potential-candidate"),
    ],
)
def test_a_stable_weight_fails_only_when_the_weights_change_beyond_it(weights: list, verdict: str):
    bullet = "Weight stable (±5kg) for at least 6 months"
    assert verdict_of_inclusion_bullet(bullet, record(patient(), *weights)) == verdict


def test_a_weight_change_either_way_excludes() -> None:
    gained = record(patient(), _weight("2026-10-01", 70), _weight("2026-11-25", 74))
    criteria = criteria_text(
        ["Age 18 years or older"], ["Weight change more than 3 kg within the last 3 months."]
    )
    assert verdict_of_study(criteria, gained) == "ineligible"


def test_a_weight_change_row_found_by_its_words_is_no_weight() -> None:
    """A local row "Weight change" of 3 kg is not a weight of 3 kg (a 96% loss)."""
    quantity = {"value": 3, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}
    change = observation("Body weight change", "2026-11-26", valueQuantity=quantity)
    person = record(patient(), _weight("2026-08-10", 80), change)
    criteria = criteria_text(["Age 18 years or older"], [EXCLUSION_WEIGHT_LOSS])
    assert verdict_of_study(criteria, person) == "potential-candidate"
