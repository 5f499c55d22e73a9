""" "BRAF/MEK inhibitor" is a BRAF or a MEK inhibitor, not both.

Melanoma trials write the targeted line of a BRAF V600 patient as "BRAF/MEK inhibitor"; the
lifileucel label asks for "a BRAF inhibitor with or without a MEK inhibitor", and patients
treated before combinations were standard had vemurafenib or dabrafenib alone. Read as all-of,
an inclusion turned such a patient away and an exclusion let a patient on one of the two in.
"""

from __future__ import annotations

import pytest

from tests.eligibility.ehr_records import (
    medication,
    patient,
    record,
    verdict_of_inclusion_bullet,
)
from tests.eligibility.signature import bullet_signature

EITHER = "any-of(prior-therapy:braf-inhibitor, prior-therapy:mek-inhibitor)"


@pytest.mark.parametrize(
    "text",
    [
        "Prior BRAF/MEK inhibitor therapy",
        "Received BRAF/MEK inhibitor",
    ],
)
def test_the_slash_pair_is_either_class(text: str) -> None:
    assert bullet_signature(text) == EITHER
    assert bullet_signature(text, "Inclusion") == EITHER


def test_a_patient_given_a_braf_inhibitor_alone_meets_the_prior_line() -> None:
    vemurafenib = medication("vemurafenib (ZELBORAF) 240 mg tablet", "2014-02-01", "2014-09-30")
    assert (
        verdict_of_inclusion_bullet("Received BRAF/MEK inhibitor", record(patient(), vemurafenib))
        == "eligible"
    )


@pytest.mark.parametrize(
    "text", ["Prior treatment with BRAF and MEK inhibitors", "Prior BRAF and MEK inhibitor therapy"]
)
def test_braf_and_mek_stays_text(text: str) -> None:
    # "A and B" may be the combination (a study of BRAF + MEK after BRAF alone excludes only
    # the pair) or either class: any-of excluded a patient given vemurafenib alone, all-of
    # turned him away from an inclusion. No development bullet says which; the text is read.
    assert bullet_signature(text) is None
    assert bullet_signature(text, "Inclusion") is None
