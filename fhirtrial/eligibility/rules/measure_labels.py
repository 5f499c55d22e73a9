"""The words before a measurement that name what it defines ("Renal insufficiency (GFR < 30)",
"Severe hepatic impairment (Child-Pugh C)"): where such a label starts, and whether a negation or
a past stands before it ("no hepatic impairment (Child-Pugh A)", "history of …"), which keeps
the bullet text. Shared by `rules.labs` and `rules.scale_labels`."""

from __future__ import annotations

import re

_NEGATED = re.compile(
    r"(?:\bno|\bnot|\bwithout|\bnon|\bfree of|history of|\bprior|\bprevious|\bpast)\s*$"
)


def label_start(text: str, at: int, pattern: re.Pattern[str], reach: int) -> int | None:
    """Where the label ``pattern`` finds in the ``reach`` characters before ``at`` starts."""
    before = text[max(0, at - reach) : at]
    label = pattern.search(before)
    return None if label is None else at - len(before) + label.start()


def negated_before(text: str, start: int) -> bool:
    """Whether a negation or a past stands right before a label starting at ``start``."""
    return _NEGATED.search(text, max(0, start - 20), start) is not None
