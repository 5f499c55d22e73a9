"""Children or infants named as the people an exclusion's diagnosis is about.

"Children with HBV infection;" (NCT03864263 exc-1), "Children with known and documented
preexisting hearing loss." (NCT03866460 exc-1), "infants suffering from neurological disorders"
(NCT03928457 exc-2): the bullet excludes the children who have the diagnosis. The group word
bounds no age a record could check (a study of adults and children may mean its children only),
so the reading is all-of(diagnoses, TEXT): a patient without the diagnosis is not excluded by
the bullet whatever his age, one with it is left to a reader. In an inclusion the diagnosis is a
necessary part already (`rules.partial.necessary_parts`).

Read only when the words after "with" / "suffering from" read in full as diagnoses a record
states (positive, no cohort), never a malignancy named without a site (in a cancer study it may
mean another one), and never after a negation ("children without …").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind

TRIGGERS = ("child", "infant")
_GROUP = re.compile(
    r"^(?:the )?(?:children|child|infants?) (?:with|suffering from) (?P<rest>\S.*)$"
)


def group_with_diagnosis(
    normalized: str,
    text: str,
    read: Callable[[str], Criterion | None],
    recorded: Callable[[Criterion], bool],
    any_malignancy: Callable[[Criterion], bool],
) -> Criterion | None:
    """all-of(the diagnoses, TEXT) for "children with X" in an exclusion, or None.

    ``read`` reads a normalized piece in full as an exclusion bullet; ``recorded`` says whether
    a reading holds only positive diagnoses; ``any_malignancy`` whether it names a malignancy
    with no site."""
    match = _GROUP.match(normalized.strip())
    if match is None:
        return None
    reading = read(match["rest"])
    if reading is None or not recorded(reading) or any_malignancy(reading):
        return None
    return Criterion(
        Kind.COMBINATION,
        children=(reading, Criterion(Kind.TEXT, source_text=text)),
        combination="all-of",
        source_text=text,
    )
