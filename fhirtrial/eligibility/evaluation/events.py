"""Events in a window ("myocardial infarction within the past 6 months", "stroke within 3
months", "seizure in the past 12 months", "pulmonary embolism within 6 months"): the event must
have happened in it.

A problem list keeps an event's entry "active" for years (an NSTEMI of 2019, a cerebral
infarction of 2015), and holds codes that name what is left of an earlier event (I25.2 old
myocardial infarction, I69 sequelae of a stroke) or the disease behind recurring events (G40
epilepsy for seizures). Read as "present at some time in the window", each of these met the
criterion and ruled out a patient whose event was years ago. Here an entry counts by when the
event happened:

- an episode code (I21 infarction, I63 stroke, R56 convulsions, …) by its onset (or, without
  one, its recorded date when that was before the window): in the window met, before it not;
- a lasting code (`_LASTING`) says the event came before the entry: an entry dated before the
  window is not one in it, one dated in the window or after it cannot say when the event was
  (unknown: "at least 6 months post-stroke" is not failed by hemiplegia following a cerebral
  infarction, I69.351, noted last month — the stroke came before the note, maybe long before);
  epilepsy (G40) cannot say whether a seizure happened in the window at all (unknown). Entries
  that say so in SNOMED CT ("Old myocardial infarction" 1755008) or in words ("Old MI", "History
  of myocardial infarction", "History of CVA", "s/p stroke") are read the same way: they are
  dated the day they were noted, not the day of the event.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from fhirtrial.eligibility.evaluation.context import window_bounds
from fhirtrial.eligibility.model import Window
from fhirtrial.patient.items import ConditionItem
from fhirtrial.patient.values import ICD10CM, SNOMED

EVENTS = frozenset(
    {"myocardial-infarction", "stroke", "stroke-ischemic", "stroke-hemorrhagic"}
    | {"transient-ischemic-attack", "seizure", "unstable-angina", "acute-coronary-syndrome"}
    | {"pulmonary-embolism", "deep-vein-thrombosis", "venous-thromboembolism"}
)
# ICD-10-CM codes that name what remains of an earlier event, or the disease behind recurring
# ones: (prefix, whether an entry before the window rules the event in the window out).
_LASTING = (
    ("I25.2", True),
    ("I69", True),
    ("Z86.7", True),
    ("G40", False),
    ("I82.5", False),  # chronic deep-vein thrombosis: a clot still there, of no stated date
    ("I27.82", False),  # chronic pulmonary embolism
)


# SNOMED CT findings of an earlier event (old myocardial infarction), and the words records use.
_LASTING_SNOMED = frozenset({"1755008"})
_EARLIER_EVENT = re.compile(
    r"\b(?:old|history of|hx of|h/o|personal history|prior|previous|remote|healed|s/p"
    r"|status post|sequelae?|late effects?)\b",
    re.IGNORECASE,
)


def _lasting(item: ConditionItem) -> tuple[bool, bool]:
    """(lasting code, an entry dated before the window says the event was before it too)."""
    for coding in item.code.codings:
        if coding.system == SNOMED and coding.code in _LASTING_SNOMED:
            return True, True
        if coding.system != ICD10CM or not coding.code:
            continue
        for prefix, before_rules_out in _LASTING:
            if coding.code.upper().startswith(prefix):
                return True, before_rules_out
    texts = item.code.texts
    if any(_EARLIER_EVENT.search(text) for text in texts):
        return True, True
    return False, True


def event_in_window(
    item: ConditionItem,
    window: Window,
    as_of: date,
    diagnosed_in: Callable[[ConditionItem, Window, date], bool | None],
) -> bool | None:
    """Whether the entry places the event in the window (None: it cannot say); ``diagnosed_in``
    places an entry by its onset or recorded date (`evaluation.diagnoses.diagnosed_in`)."""
    made = diagnosed_in(item, window, as_of)
    lasting, before_rules_out = _lasting(item)
    if not lasting:
        return made
    if made is False and before_rules_out and _noted_before(item, window, as_of):
        return False
    return None


def _noted_before(item: ConditionItem, window: Window, as_of: date) -> bool:
    """Whether the entry was noted before the window opened (so the event was before it too);
    one noted after the window closed says only that the event came before the note."""
    low = window_bounds(window, as_of)[0]
    noted = item.onset_latest or item.onset or item.recorded
    return low is not None and noted is not None and noted < low
