"""Words after a measured state that move it to another moment (issue 13, session 14, probe 2).

A lab value, a performance status and a pregnancy are judged on the patient's state now (the
latest value, the current record). The gap reader takes "at", "diagnosis", "in", "the", "past",
"previously" as filler, so "Hemoglobin < 10 g/dL at diagnosis", "ECOG 0-1 at diagnosis",
"ALT > 3 x ULN in the past", "Pregnancy in the past" read as the bare current state: as an
exclusion they would turn away a patient whose value is low now but was normal then, and miss
nothing they name. Right after such a state these words name another moment, which a record's
latest value does not date; the bullet is not read in full (the partial readers may keep the
state with a TEXT residue where it is a necessary part). Windows ("in the past 6 months") are
read before the gap reader and keep their reading. Found by the metamorphic probe of this
session (tests/eligibility/test_narrowing_never_vanishes_2.py).
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import has_any

_STATES = frozenset({Kind.LAB, Kind.PERFORMANCE_STATUS, Kind.PREGNANCY})
_OTHER_MOMENT = re.compile(
    r"^\W*(?:at (?:the )?(?:time of )?(?:initial |first )?diagnosis\b|in the past\b"
    r"|previously\b|historically\b)"
)


def moved_state(criterion: Criterion, gap: str) -> bool:
    """Whether the words right after a state (lab value, performance status, pregnancy) move it
    to another moment: "… at diagnosis", "… in the past", "… previously"."""
    if criterion.kind not in _STATES or not has_any(
        gap, ("diagnosis", "past", "previous", "histor")
    ):
        return False
    return _OTHER_MOMENT.search(gap) is not None
