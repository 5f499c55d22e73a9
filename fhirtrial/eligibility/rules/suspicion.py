"""A diagnosis named as "known or suspected" in an exclusion or inclusion bullet.

"Known or suspected brain metastases", "Suspected or confirmed stroke", "HIV infection (known or
suspected)": a recorded diagnosis excludes on its own (or meets an inclusion on its own); a
suspicion is no record, so it stays text for review: any-of(diagnosis, TEXT). In an inclusion
the reading never fails a patient: without the diagnosis on record it is `unknown`, since a
suspicion may still hold. A suspicion alone ("Suspected stroke") is not read.
"""

from __future__ import annotations

import re

_SURE = r"(?:known|confirmed|documented|diagnosed|proven)"
_OR = r"(?: or | and/or |/ ?)"
_KNOWN_OR_SUSPECTED = re.compile(
    rf"(?<![\w-])(?:{_SURE}{_OR}suspected|suspected{_OR}{_SURE})(?= )"
    rf"|\s*\((?:{_SURE}{_OR}suspected|suspected{_OR}{_SURE})\)"
)


def without_suspicion(normalized: str) -> str | None:
    """The text without its one "known or suspected" phrase, or None when it has none (or
    speaks of a suspicion elsewhere too)."""
    if "suspect" not in normalized:
        return None
    found = list(_KNOWN_OR_SUSPECTED.finditer(normalized))
    if len(found) != 1:
        return None
    rest = normalized[: found[0].start()] + normalized[found[0].end() :]
    return None if "suspect" in rest else " ".join(rest.split())
