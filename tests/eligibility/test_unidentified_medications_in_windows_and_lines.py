"""An unidentified drug leaves a required prior therapy unknown also when the record holds an
identified course outside the criterion's window, and when lines of therapy are counted.

The fifteenth session made a drug the shipped terminology cannot name (a brand exported with a
branded RxNorm code) leave a required drug or prior therapy `unknown` — but only when no
identified course of it was recorded at all. A patient given pembrolizumab two years ago and
Zynyz (retifanlimab, an anti-PD-1 antibody) this year still failed "Prior treatment with an
anti-PD-1 antibody within the last 12 months", and a patient given carboplatin and then Zynyz
failed "at least 2 prior lines of systemic therapy": the unnamed course may be the one the
criterion asks for. An exclusion is unchanged (the unnamed drug neither excludes nor clears
more than before), and a known drug of another class still decides.
"""

from __future__ import annotations

from tests.eligibility.ehr_records import (
    criteria_text,
    medication,
    patient,
    record,
    verdict_of_inclusion_bullet,
    verdict_of_study,
)

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def _zynyz(start: str, end: str) -> dict:
    use = medication("Zynyz 500 mg/20 mL intravenous solution", start, end)
    use["medicationCodeableConcept"]["coding"] = [
        {"system": RXNORM, "code": "2640471", "display": "Zynyz 500 mg/20 mL intravenous solution"}
    ]
    return use


PEMBROLIZUMAB_LONG_AGO = medication(
    "pembrolizumab 100 mg/4 mL injection", "2023-01-05", "2023-06-01"
)
CARBOPLATIN = medication("carboplatin 450 mg injection", "2022-01-10", "2022-06-01")
ZYNYZ_THIS_YEAR = _zynyz("2026-03-01", "2026-08-01")


def test_an_unknown_brand_in_the_window_leaves_a_windowed_prior_therapy_unknown() -> None:
    person = record(patient(), PEMBROLIZUMAB_LONG_AGO, ZYNYZ_THIS_YEAR)
    bullet = "Prior treatment with an anti-PD-1 antibody within the last 12 months"
    assert verdict_of_inclusion_bullet(bullet, person) == "potential-candidate"


def test_an_unknown_brand_outside_the_window_does_not_save_a_windowed_prior_therapy() -> None:
    person = record(patient(), PEMBROLIZUMAB_LONG_AGO, _zynyz("2023-07-01", "2023-09-01"))
    bullet = "Prior treatment with an anti-PD-1 antibody within the last 12 months"
    assert verdict_of_inclusion_bullet(bullet, person) == "ineligible"


def test_an_unknown_brand_may_be_one_more_line_of_therapy() -> None:
    person = record(patient(), CARBOPLATIN, ZYNYZ_THIS_YEAR)
    bullet = "Received at least 2 prior lines of systemic therapy"
    assert verdict_of_inclusion_bullet(bullet, person) == "potential-candidate"


def test_a_line_count_the_unknown_brand_cannot_change_still_decides() -> None:
    person = record(patient(), CARBOPLATIN, ZYNYZ_THIS_YEAR)
    bullet = "Received at least 3 prior lines of systemic therapy"
    assert verdict_of_inclusion_bullet(bullet, person) == "ineligible"


def test_an_unknown_brand_does_not_add_a_line_to_an_exclusion() -> None:
    person = record(patient(), CARBOPLATIN, ZYNYZ_THIS_YEAR)
    text = criteria_text(["Age 18 years or older"], ["More than 1 prior line of systemic therapy"])
    assert verdict_of_study(text, person) == "eligible"
