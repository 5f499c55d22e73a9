"""Uses of a list of medications in which some items are not known ("Use of anti-secretory drugs,
antibiotics or probiotics", "use of metformin or corticosteroids", "Use of rituximab,
tocilizumab, or any monoclonal antibody for immunomodulation within 6 months").

After words that say a use ("use of", "taking", "treatment with"; a past use — "have taken",
"receipt of" — only with a window of enrolment after the list, as `rules.medications` reads
it), a list of alternatives ("," / "or" / "and/or", at least one "or") whose items are classes
(`medications.class_at`) or single drugs (terminology/drug_names.json) is read when at least one
item is known: an any-of of the known items' uses and a TEXT member for the items no finder
knows. Each item is a use that alone meets the bullet, so the any-of is met when a record shows
a known one, and unknown otherwise: never wider than the text in an exclusion, never narrower
in an inclusion. A list joined by a bare "and" (all of them, or either: not said) is left alone,
and so is an unknown item with words that could narrow or qualify the others ("except",
"other than", numbers, "for", "in"): those stay text with the bullet.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules import medications
from fhirtrial.eligibility.rules.base import Match, has_any

# Words that say a use now ("use of", "currently taking", "concomitant treatment with").
_USE_LEAD = re.compile(
    r"(?<![\w-])(?:(?:(?:current|concurrent|concomitant|ongoing|chronic|regular|long-term|daily)"
    r" )?(?:use|usage|intake|administration) of"
    r"|(?:current|concurrent|concomitant|ongoing|chronic|long-term) (?:treatment|therapy) with"
    r"|(?:currently |regularly |concurrently |presently )?(?:taking|using|receiving)"
    r"|treatment with"
    # "Patients on ezetimibe or bile acid sequestrants": "on" at the start or after the
    # people it is said of, never after a verb ("progressed on").
    r"|^(?:(?:patients|subjects|participants) (?:who are )?)?(?:currently )?on) (?:an? |any |the )?"
)
# Words that say a use at some time: read only with a window of enrolment after the list.
_PAST_LEAD = re.compile(
    r"(?<![\w-])(?:(?:(?:have|has|had|having) )?(?:been )?(?:used|taken|received)"
    r"|receipt of|exposure to) (?:an? |any |the )?"
)
_LEAD_WORDS = (
    "use",
    "usage",
    "intake",
    "administration",
    "taking",
    "using",
    "receiv",
    "with",
    "on ",
)
_PAST_WORDS = ("used", "taken", "received", "receipt", "exposure")
# Between two items: alternatives only (a bare "and" is not said to be "or").
_SEPARATOR = re.compile(r",? (?:or|and/or) (?:an? |any |other |any other )*|, |/")
# An item no finder knows: one to four words, none of which could narrow or time the list.
_UNKNOWN_ITEM = re.compile(r"[a-z][a-z-]*(?: [a-z][a-z-]*){0,3}")
_NOT_IN_ITEM = frozenset(
    {
        *("except", "excluding", "other", "than", "unless", "not", "no", "without", "but"),
        *("for", "in", "within", "during", "prior", "before", "after", "since", "past", "last"),
        *("due", "if", "when", "who", "that", "which", "while", "as", "at", "to", "of", "on"),
        *("with", "and", "or", "is", "are", "was", "were", "be", "been", "allowed", "permitted"),
        *("day", "days", "week", "weeks", "month", "months", "year", "years", "dose", "doses"),
        *("previous", "prior", "history", "stable", "use", "the", "a", "an", "any"),
        *("surgery", "procedure", "study", "visit", "enrollment", "enrolment", "screening"),
        *("including", "includes", "such", "certain", "e", "g", "eg", "i", "ie", "etc"),
        # A clause of its own or a diagnosis ("receiving anticoagulant therapy or may have
        # bleeding disorders"): not an item of the list.
        *("may", "might", "can", "could", "will", "would", "should", "must", "have", "has"),
        *("had", "having", "patients", "subjects", "disorder", "disorders", "disease"),
        *("diseases", "condition", "conditions", "infection", "infections", "cancer"),
    }
)
# Where the list may end: the end of the text or a clause, a bracket, or a window after it.
_LIST_END = re.compile(r"$|[.;:,)(]| (?:within|in|during|for|over|prior|before|in the) ")
# "Drug addiction defined as the use of cannabis, opioids or other drugs": a substance use, not
# a medication's.
_SUBSTANCE_USE = re.compile(r"addict|abuse|misuse|dependen|illicit|recreational")
_WINDOW_WORDS = (" day", " week", " month", " year")


def find_medication_lists(text: str) -> list[Match]:
    if " or " not in text and "and/or " not in text:
        return []  # every list read has an "or" (the cheapest test first: most texts fail it)
    if not has_any(text, _LEAD_WORDS) and not has_any(text, _PAST_WORDS):
        return []
    found: list[Match] = []
    leads = [(m, False) for m in _USE_LEAD.finditer(text)]
    if has_any(text, _PAST_WORDS):
        leads += [(m, True) for m in _PAST_LEAD.finditer(text)]
    for lead, past in leads:
        listed = _list_at(text, lead.end())
        if listed is None:
            continue
        known, unknown, end = listed
        before = text[: lead.start()]
        clause = before[max(before.rfind(c) for c in ";.") + 1 :]
        if not medications.is_a_use(clause) or _SUBSTANCE_USE.search(clause):
            continue
        said_past = past or medications.says_past(clause)
        if said_past and not (
            has_any(text, _WINDOW_WORDS) and medications.window_follows(text, end)
        ):
            continue
        leaves = tuple(
            Criterion(Kind.MEDICATION, concept=concept, source_text=concept)
            for concept in dict.fromkeys(known)
        )
        rest = Criterion(Kind.TEXT, source_text=", ".join(unknown))
        criterion = Criterion(Kind.COMBINATION, children=(*leaves, rest), combination="any-of")
        found.append(Match(criterion, lead.start(), end))
    return found


def _item_at(text: str, position: int) -> tuple[tuple[str, ...], int] | None:
    """The concepts of the class or single drug named at ``position``, and where it ends."""
    best = medications.class_at(text, position)
    drug = terminology.terminology().drug_at(text, position)
    if drug is not None and (best is None or drug[1] > best[1]):
        return (drug[0],), drug[1]
    return best


def _list_at(text: str, position: int) -> tuple[list[str], list[str], int] | None:
    """(known concepts, unknown items, end) of a list of alternatives from ``position``; None
    unless it has a known and an unknown item, each whole, and an "or"."""
    known: list[str] = []
    unknown: list[str] = []
    end = _whole_item(text, position, known, unknown)
    if end is None:
        return None
    alternatives = False
    while separator := _SEPARATOR.match(text, end):
        more_known: list[str] = []
        more_unknown: list[str] = []
        item_end = _whole_item(text, separator.end(), more_known, more_unknown)
        if item_end is None:
            break
        known += more_known
        unknown += more_unknown
        end = item_end
        if "or" in separator[0]:
            alternatives = True
            break  # "A, B or C": the "or" closes the list (a comma after it starts a new item)
    if not known or not unknown or not alternatives:
        return None
    if _LIST_END.match(text, end) is None:
        return None
    return known, unknown, end


def _whole_item(text: str, position: int, known: list[str], unknown: list[str]) -> int | None:
    """Where the item at ``position`` ends, adding it to ``known`` or ``unknown``; None unless
    the item ends at a separator or at the end of the list."""
    item = _item_at(text, position)
    if item is not None and _ends_item(text, item[1]):
        known.extend(item[0])
        return item[1]
    words = _UNKNOWN_ITEM.match(text, position)
    if words is None:
        return None
    tokens = words[0].split(" ")
    for count in range(len(tokens), 0, -1):
        if any(t in _NOT_IN_ITEM for t in tokens[:count]):
            continue
        end = position + len(" ".join(tokens[:count]))
        if _ends_item(text, end):
            unknown.append(" ".join(tokens[:count]))
            return end
    return None


def _ends_item(text: str, end: int) -> bool:
    return _SEPARATOR.match(text, end) is not None or _LIST_END.match(text, end) is not None
