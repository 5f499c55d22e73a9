"""The impairment a severity scale defines, named before it: "Moderate or severe hepatic
impairment (Child-Pugh B or C)", "Severe cardiac insufficiency (NYHA III-IV)", "Cardiac
dysfunction (NYHA ≥ 3)".

Hepatic impairment is graded by Child-Pugh class (as drug labelling grades it) and cardiac
insufficiency by NYHA class: the words before the parentheses name what the class says, and the
judgement words with them ("moderate or severe", "mild") are the classes in words. The label is
matched with the scale's criterion, which the compiler reads side by side as one (as
`rules.labs` does for "Renal insufficiency (GFR < 30 mL/min)"). Only before an opening
parenthesis, a colon or "defined as": after a comma the words may be an item of their own
("Hepatic impairment, Child-Pugh C, renal failure"), which the reading would drop. Not after a
negation or a past ("no hepatic impairment (Child-Pugh A)", "history of …"): those stay text.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion
from fhirtrial.eligibility.rules.base import Match
from fhirtrial.eligibility.rules.measure_labels import label_start, negated_before

_QUALIFIERS = (
    r"(?:(?:(?:mild|moderate|severe|significant|clinically significant|known|documented"
    r"|advanced|chronic)(?:,? (?:or|and|to|and/or) | )?)*)"
)
_OPENER = (
    r"(?:\s*\(\s*|\s*:\s*|\s*,?\s*(?:(?:as )?(?:defined|evidenced|indicated|determined|graded)"
    r" (?:as|by)|i\.?e\.?,?)\s*\(?\s*)(?:(?:an?|the)\s+)?"
)
_LABELS = {
    "child-pugh-score": re.compile(
        rf"(?<![\w-]){_QUALIFIERS}(?:hepatic|liver) (?:impairment|dysfunction|insufficiency)"
        rf"{_OPENER}$"
    ),
    "nyha-class": re.compile(
        rf"(?<![\w-]){_QUALIFIERS}(?:cardiac|heart) (?:insufficiency|dysfunction){_OPENER}$"
    ),
}
_REACH = 80


def scale_labels(text: str, found: list[Match]) -> list[Match]:
    """The label before each scale match that names what the scale grades, matched with the
    scale's criterion."""
    labels = []
    for match in found:
        pattern = _LABELS.get(_concept(match.criterion))
        if pattern is None:
            continue
        start = label_start(text, match.start, pattern, _REACH)
        if start is None or negated_before(text, start):
            continue
        labels.append(Match(match.criterion, start, match.start))
    return labels


def _concept(criterion: Criterion) -> str:
    return criterion.concept or ""
