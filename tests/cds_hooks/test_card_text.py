"""The card's words for the counts a match can have, and trial titles that are not Markdown."""

from datetime import date

import pytest

from fhirtrial.api.cds_hooks.cards import summary, trial_cards
from fhirtrial.matching.matcher import MatchResult, StudyMatch


def matches(*verdicts: str) -> list[StudyMatch]:
    return [
        StudyMatch(f"NCT0000000{n}", f"Trial {n}", verdict, 1.0, None)
        for n, verdict in enumerate(verdicts)
    ]


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        (["eligible"], "1 trial may fit this patient — 1 eligible"),
        (["potential-candidate"], "1 trial may fit this patient — 1 possibly"),
        (
            ["eligible", "potential-candidate", "potential-candidate"],
            "3 trials may fit this patient — 1 eligible, 2 possibly",
        ),
        (["eligible"] * 1000, "1000 trials may fit this patient — 1000 eligible"),
    ],
)
def test_the_summary_counts_each_verdict(verdicts, expected):
    assert summary(matches(*verdicts)) == expected


def result(found: list[StudyMatch]) -> MatchResult:
    return MatchResult(date(2026, 12, 5), None, found, [{}] * len(found), [], len(found))  # type: ignore[arg-type]


def test_a_title_is_shown_as_text_not_as_markdown():
    title = "A *bold* [claim](javascript:alert(1)) <b>"
    found = [StudyMatch("local-7", title, "eligible", 1, None, distance=12.4)]
    (card,) = trial_cards(result(found), base="https://trials.example", patient_id="p1")
    line = card["detail"].splitlines()[2]
    assert line == (
        r"1. **A \*bold\* \[claim\]\(javascript:alert\(1\)\) \<b\>** (local-7) — eligible; "
        "nearest site 12 miles"
    )
    assert "more in the trial matches app" not in card["detail"]


def test_no_match_no_card():
    assert trial_cards(result([]), base="https://trials.example", patient_id="p1") == []
