"""Several criteria written in one bullet: an inline numbered list or a list split by ";".

"Inclusion criteria for study participants include: (1) age ≥ 60 years; (2) English fluency;
(3) …", "a) men and women aged between 18 and 65 years b) …", "Current Smoker 2. Asthma 3. …"
(a flattened list whose "1." the outline took), "pregnancy; serious heart, lung or kidney
dysfunction": each item is a criterion of its own. An item is read as if it were a bullet of the
same list (``read_item``: in full, else in part), so an inclusion bullet gives all-of(item
readings…, TEXT) and an exclusion bullet any-of(item readings…, TEXT); TEXT stands for the items
not read, and makes the bullet at best `unknown` exactly as it would a bullet of its own.

Items are split only where the markers cannot be anything else. Numbered or lettered items must
run in order from the first ((1) (2) …, 1) 2) …, a) b) …, i) ii) …, or 2. 3. after an unmarked
first item), and a ")" that closes an open "(" is no marker. Before the first marker only an
"inclusion criteria include:" lead-in may stand: a group ("Diabetes group:"), a choice ("meet any
of", "either") or a definition ("as evidenced by") changes what the items mean. A ";" splits only
outside parentheses, in a bullet with no ":" lead-in, and only when no item reads as a piece of
its neighbour: an item opening with "or", "if", "in", "with", "e.g." … qualifies or offers an
alternative to the one before ("X; or Y" in an inclusion bullet is any-of, not all-of).

An item not read that still names something a record could decide (a diagnosis, a drug, a
measure: `list_members.LOOKS_DECIDABLE`) would be a leaf the form lacks: the bullet stays text —
unless it names a diagnosis no finder reads (`list_members.names_a_diagnosis`: "pregnancy;
serious heart, lung, kidney or other organ dysfunction") beside items that are all diagnoses or
pregnancy states, not all classes it could narrow: TEXT then stands for it as for any item not
read (any-of(pregnancy, TEXT)).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.list_members import (
    LOOKS_DECIDABLE,
    diagnosis_shaped,
    generic_class,
    names_a_diagnosis,
    names_anything,
)

_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")
_LETTERS = "abcdefghij"
# A marker opens the text or follows a space or a list punctuation mark, never a word or number.
_BEFORE = r"(?<![^\s;,:.])"
_MARKERS = (
    re.compile(_BEFORE + r"\((?P<m>\d{1,2})\)\s*(?=[a-z(])"),
    re.compile(_BEFORE + r"(?P<m>\d{1,2})\)\s*(?=[a-z(])"),
    re.compile(_BEFORE + r"(?P<m>[a-j])\)\s+(?=[a-z(])"),
    re.compile(_BEFORE + r"(?P<m>i{1,3}|iv|vi{0,3}|ix|x)\)\s+(?=[a-z(])"),
    re.compile(r"(?<=[a-z)\s])\s(?P<m>\d{1,2})\.\s+(?=[a-z])"),
)
# Whether one of the parenthesis markers is there: one scan that tries the lookbehind they share
# once per position (a search per marker tried it at every position four times).
_PAREN_MARKER = re.compile(
    _BEFORE
    + "(?:"
    + "|".join(p.pattern.removeprefix(_BEFORE).replace("(?P<m>", "(?:") for p in _MARKERS[:-1])
    + ")"
)
# Words before "2." that make the number a value: "stage 2.", "grade 2.", "< 2.".
_VALUE_BEFORE = re.compile(
    r"(?:\b(?:stage|grade|type|class|level|phase|score|step|part|cycle|day|week|month|year|line"
    r"|to|of|than|and|or)|[<>=≤≥~-])\s*$"
)
_OR_START = re.compile(r"\s*(?:or|and/or)\b")
_OR_END = re.compile(r"\b(?:or|and/or)[\s;,.]*$")
_LEAD_IN = re.compile(
    r"^(?:the )?(?:main |key |general )?(?:inclusion|exclusion|eligibility|selection) criteria"
    r"(?: (?:for|of) [a-z ]{1,40}?)? (?:includes?|included|were|are|is|as follows)"
    r"(?: (?:the )?following| as follows)?\s*:?$"
)
# An item opening with one of these reads as a piece of the item before it, not a criterion.
_CONTINUATION = re.compile(
    r"^(?:or|and/or|either|if|unless|except|but|however|otherwise|in|for|among|when|where"
    r"|while|with|without|which|who|whose|that|as|such|including|especially|particularly"
    r"|namely|mostly|defined|according|based|per|i\.?e\.?|e\.?g\.?|eg|ie|etc|then|than|of|to|by"
    r"|from|at|on|due|because|after|before|during|within|since|until|via|under|over|into"
    r"|against|and)\b"
)
# Kinds that grade or narrow a diagnosis named next to them rather than exclude on their own.
_MEASURES = frozenset(
    {
        *(Kind.LAB, Kind.AGE, Kind.PERFORMANCE_STATUS, Kind.STAGE, Kind.BIOMARKER),
        *(Kind.CORTICOSTEROID_DOSE, Kind.LIFE_EXPECTANCY),
    }
)
_ABBREVIATION = re.compile(r"[a-z][a-z0-9/-]{0,5}")
# An item for one group of patients may set a condition on the others.
_GROUP = re.compile(r"\b(?:cohorts?|groups?|arms?)\b")
# Words anywhere in a ";" list that make an item depend on the others or on a group of patients.
_REFUSED = re.compile(
    r"\b(?:cohorts?|groups?|arms?|either|one of|any of|at least one|following|if|unless|except"
    r"|allowed|permitted|eligible|included|excluded|will be)\b"
)


def inline_list(
    normalized: str, text: str, *, exclusion: bool, read_item: Callable[[str], Criterion | None]
) -> Criterion | None:
    """all-of (inclusion) / any-of (exclusion) of the items' readings and TEXT for the items not
    read, or None: no unambiguous list, or no item read."""
    parenthesis, semicolon = ")" in normalized, ";" in normalized
    if not parenthesis and not semicolon and ". " not in normalized:
        return None
    if (parenthesis and _PAREN_MARKER.search(normalized)) or (
        ". " in normalized and _MARKERS[-1].search(normalized)
    ):
        # A list marker that does not open a clean run (one item of a list broken across
        # bullets, or a lead-in that sets a condition): the ";" are no safer.
        items = _numbered_items(normalized, exclusion=exclusion)
    else:
        items = _semicolon_items(normalized, exclusion=exclusion) if semicolon else None
    if not items:
        return None
    combination: Literal["all-of", "any-of"] = "any-of" if exclusion else "all-of"
    members: list[Criterion] = []
    unread = False
    named = False  # an item not read names a diagnosis no finder reads
    measured_before = True  # whether the item before is a measurement too (none: nothing to grade)
    for item in items:
        reading = read_item(item)
        measured = reading is not None and _measures_only(reading)
        if exclusion and measured and not measured_before:
            # "Heart failure; NYHA class III-IV": a measure after another item may say which
            # of it excludes; read as an item of its own, it would exclude more patients.
            return None
        measured_before = measured
        if reading is None or not reading.computable or (exclusion and _negated(reading)):
            # "not pregnant" among exclusions is an inclusion written in the wrong list
            if _looks_decidable(item):
                if names_anything(item) or _ABBREVIATION.fullmatch(item):
                    return None  # a leaf the form would lack
                if not names_a_diagnosis(item):
                    return None  # a drug, procedure or measure the form would lack
                named = True
            unread = True
            continue
        parts = (
            reading.children
            if reading.combination == combination and reading.cohort is None
            else (reading,)
        )
        for part in parts:
            if not part.computable:
                unread = True
            elif part not in members:
                members.append(part)
    if not members:
        return None
    if named and (not all(map(diagnosis_shaped, members)) or all(map(generic_class, members))):
        return None  # the unread diagnosis is no item of a list of diagnoses
    residue = (Criterion(Kind.TEXT, source_text=text),) if unread else ()
    if len(members) == 1 and not residue:
        return members[0]
    return Criterion(
        Kind.COMBINATION, children=(*members, *residue), combination=combination, source_text=text
    )


def _measures_only(criterion: Criterion) -> bool:
    """Whether every part the reading decides is a measurement (its TEXT residue aside)."""
    if criterion.kind is Kind.COMBINATION:
        read = [child for child in criterion.children if child.kind is not Kind.TEXT]
        return bool(read) and all(_measures_only(child) for child in read)
    return criterion.kind in _MEASURES


def _looks_decidable(item: str) -> bool:
    """Whether an item not read names what a record could decide (`list_members`), or is one
    short word, most often an abbreviation of one ("PE", "DVT"). What the patient reports
    ("self-reported demographic information that includes either the label of SCD or MCI") is
    no record's: it names nothing the form lacks (`rules.asides` refuses "(self-report)" as a
    record's status for the same reason)."""
    if _SELF_REPORTED.match(item):
        return False
    return bool(
        LOOKS_DECIDABLE.search(item) or names_anything(item) or _ABBREVIATION.fullmatch(item)
    )


# An item that is the patient's own report, from its first word ("self-reported …",
# "self-report of …"); one that only mentions a report elsewhere may still name a record's state.
_SELF_REPORTED = re.compile(r"self[- ]?report(?:ed|s|ing)?\b")


def _negated(criterion: Criterion) -> bool:
    return criterion.negated or any(_negated(child) for child in criterion.children)


def _numbered_items(text: str, *, exclusion: bool) -> list[str] | None:
    for pattern in _MARKERS:
        found = [m for m in pattern.finditer(text) if not _closes_a_parenthesis(text, m.start())]
        run = _ordered_run(found)
        if run is None:
            continue
        lead = text[: run[0].start()].strip()
        if run[0]["m"] not in ("1", "a", "i"):
            # "Current Smoker 2. Asthma …": the first item lost its marker to the outline
            if lead.endswith(":"):
                return None  # a lead-in, not an item
            lead, items = "", [lead]
        else:
            items = []
        if lead and not _LEAD_IN.match(lead):
            return None
        if any(_VALUE_BEFORE.search(text[: m.start()]) for m in run):
            return None  # "stage 2. 3. …": a value, not a marker
        ends = [m.start() for m in run[1:]] + [len(text)]
        items += [text[m.end() : end] for m, end in zip(run, ends, strict=True)]
        if (not exclusion and any(map(_OR_END.search, items))) or any(map(_OR_START.match, items)):
            return None  # "a) X; or b) Y": alternatives, not all required
        items = [_trim(item) for item in items]
        if not all(items) or any(map(_GROUP.search, items)):
            return None
        return items
    return None


def _ordered_run(found: list[re.Match[str]]) -> list[re.Match[str]] | None:
    """The markers, when they are exactly the sequence 1, 2, 3 … (a, b …; i, ii …) in order,
    from the first label or from the second (the first item's marker lost)."""
    if len(found) < 2:
        return None
    labels = [m["m"] for m in found]
    for sequence in ([str(n) for n in range(1, 20)], list(_LETTERS), list(_ROMAN)):
        if labels in (sequence[: len(labels)], sequence[1 : len(labels) + 1]):
            return found
    return None


def _closes_a_parenthesis(text: str, index: int) -> bool:
    before = text[:index]
    return before.count("(") > before.count(")")


def _trim(item: str) -> str:
    item = item.strip(" ;,.")
    for word in ("and/or ", "and ", "or "):
        if item.endswith(" " + word.strip()):
            item = item[: -len(word)].rstrip(" ;,.")
    return item.strip(" ;,.")


def _semicolon_items(text: str, *, exclusion: bool) -> list[str] | None:
    if ":" in text or _REFUSED.search(text):
        return None
    pieces: list[str] = []
    start = 0
    for index, char in enumerate(text):
        if char == ";" and not _inside_brackets(text[:index]):
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    items = [piece.strip(" .,") for piece in pieces]
    while items and items[-1] in ("", "and"):
        items.pop()  # a closing ";" or "; and": the bullet's own end
    if len(items) < 2 or any(not item for item in items):
        return None
    if _CONTINUATION.match(items[0]) or (not exclusion and any(map(_OR_END.search, items))):
        return None  # joined to the bullet before; "A or; B" offers alternatives
    out = []
    for index, item in enumerate(items):
        if index and item.startswith("and "):
            # A list's last "and" in an exclusion; "A; and B" of two may be one state.
            if exclusion and (index != len(items) - 1 or len(items) < 3):
                return None
            item = item[4:]
        elif index and item.startswith("or ") and exclusion:
            item = item[3:]
        if _CONTINUATION.match(item):
            return None
        out.append(_trim(item))
    return out


def _inside_brackets(before: str) -> bool:
    return before.count("(") + before.count("[") > before.count(")") + before.count("]")
