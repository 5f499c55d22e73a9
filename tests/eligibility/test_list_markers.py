"""List markers the outline leaves on a bullet: a number, a letter before ")" or a roman
numeral, written with or without a space ("II.Motor neuron diseases", "2.Asthma", "b) asthma").
The bullet reads as without them; a letter and a dot may be a genus's initial ("S. aureus") and
"i.e." is no marker, so those are left as written.

The bullets are from development studies (not the held-out sample), or written like them.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.signature import signature


@pytest.mark.parametrize(
    ("text", "exclusion", "expected"),
    [
        ("II.Motor neuron diseases", True, "condition:icd10cm:G12.2"),
        ("2.Asthma", True, "condition:asthma"),
        ("b) asthma", True, "condition:asthma"),
        ("(a) Asthma", False, "condition:asthma"),
        ("iv) Multiple sclerosis", True, "condition:multiple-sclerosis"),
        ("3. Asthma", True, "condition:asthma"),
    ],
)
def test_a_list_marker_is_not_part_of_the_bullet(text: str, exclusion: bool, expected: str) -> None:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None
    assert signature(criterion) == expected


@pytest.mark.parametrize(
    "text",
    [
        "S. aureus bacteremia",  # a genus's initial: not a bacteremia of any kind
        "C. difficile infection",
        "i.e., completion of ICF/HIPAA",
        "3.5 mg of prednisone daily",
    ],
)
def test_what_only_looks_like_a_marker_stays_text(text: str) -> None:
    assert compile_text(text, exclusion=True) is None
