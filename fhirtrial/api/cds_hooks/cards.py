"""A match → the card the EHR shows: how many trials may fit, the best few in words, and a link
to the SMART app that shows them all. No card when nothing fits: a card that says "no trials"
on every chart opened would be noise clinicians learn to ignore."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from fhirtrial.matching.matcher import MatchResult, StudyMatch

SHOWN = 3
"""Trials described in the card's detail; the app shows the rest."""
SOURCE_LABEL = "fhirtrial trial matching"
CATALOG_URL = "https://clinicaltrials.gov/"
_NCT = re.compile(r"^NCT\d{8}$")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_VERDICTS = {"eligible": "eligible", "potential-candidate": "possibly eligible"}


def trial_cards(result: MatchResult, *, base: str, patient_id: str) -> list[dict[str, Any]]:
    matches = result.matches
    if not matches:
        return []
    return [
        {
            "uuid": str(uuid.uuid4()),
            "summary": summary(matches),
            "detail": _detail(result.returned[:SHOWN], len(matches)),
            "indicator": "info",
            "source": {"label": SOURCE_LABEL, "url": CATALOG_URL},
            "links": [
                {
                    "label": "Review trial matches",
                    "url": f"{base}/app/launch.html",
                    "type": "smart",
                    "appContext": json.dumps({"patientId": patient_id}),
                }
            ],
        }
    ]


def summary(matches: list[StudyMatch]) -> str:
    """ "3 trials may fit this patient — 1 eligible, 2 possibly" (always under 140 characters)."""
    eligible = sum(1 for m in matches if m.verdict == "eligible")
    possibly = len(matches) - eligible
    counts = [f"{eligible} eligible"] if eligible else []
    counts += [f"{possibly} possibly"] if possibly else []
    trials = "1 trial may" if len(matches) == 1 else f"{len(matches)} trials may"
    return f"{trials} fit this patient — {', '.join(counts)}"


def _detail(shown: list[StudyMatch], total: int) -> str:
    heading = "Best match:" if len(shown) == 1 else f"Best {len(shown)} of {total}:"
    lines = [heading, ""]
    for place, match in enumerate(shown, start=1):
        lines.append(f"{place}. {_trial(match)} — {_verdict(match)}")
    if total > len(shown):
        lines += ["", f"{total - len(shown)} more in the trial matches app."]
    return "\n".join(lines)


def _trial(match: StudyMatch) -> str:
    title = f"**{_escaped(match.title or match.study_id)}**"
    if _NCT.match(match.study_id):
        return f"{title} ([{match.study_id}](https://clinicaltrials.gov/study/{match.study_id}))"
    return f"{title} ({_escaped(match.study_id)})"


def _verdict(match: StudyMatch) -> str:
    words = _VERDICTS[match.verdict]
    explanation = match.explanation
    if match.verdict == "potential-candidate" and explanation is not None:
        to_check = len(explanation.to_check)
        words += f", {to_check} {'criterion' if to_check == 1 else 'criteria'} to check"
    if match.distance is not None:
        words += f"; nearest site {match.distance:.0f} miles"
    return words


def _escaped(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))
