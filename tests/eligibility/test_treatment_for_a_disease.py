"""A treatment "for" a disease is a treatment given for it, which no structured datum ties.

"Prior therapy (chemotherapy or radiotherapy) for the current cancer" compiled to
any-of(chemotherapy, all-of(radiotherapy, cancer)): the "for" was read for the last alternative
only, and as "had radiotherapy and has a cancer" — a patient given chemotherapy or radiotherapy
for an earlier, other cancer was excluded. Such bullets stay text (or keep a necessary part
plus text), and "A or B for C" never leaves A without its "for C".
"""

from __future__ import annotations

import pytest

from tests.eligibility.signature import bullet_signature


@pytest.mark.parametrize(
    "text",
    [
        "Prior therapy (chemotherapy or radiotherapy) for the current cancer",
        "Prior therapy (radiotherapy or chemotherapy) for the current cancer",
        "Prior therapy (radiotherapy) for the current cancer",
        "Radiotherapy for brain metastases",
        "Insulin for hypertension",
    ],
)
def test_a_treatment_for_a_disease_is_not_the_treatment_and_the_disease(text: str) -> None:
    for section in ("Exclusion", "Inclusion"):
        signature = bullet_signature(text, section) or "text"
        assert "condition:" not in signature or "text" in signature, (section, signature)
        assert not signature.startswith("any-of(prior-therapy"), (section, signature)


def test_the_for_clause_of_a_list_is_kept_as_text_beside_the_list() -> None:
    # Every alternative is a necessary part of the exclusion, the "for cancer" stays text.
    assert bullet_signature("Prior chemotherapy or radiotherapy for cancer") == (
        "all-of(any-of(prior-therapy:cytotoxic-chemotherapy, procedure:radiotherapy), text)"
    )
