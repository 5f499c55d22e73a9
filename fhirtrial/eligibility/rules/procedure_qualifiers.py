"""A surgery or a radiotherapy narrowed by words the record's codes do not tell: "previous
glaucoma surgery", "prior palliative radiotherapy", "recent surgery", "history of lung
resection", "prior minor surgery within 7 days".

The procedure is read with its narrowing words as text: all-of(procedure, TEXT). No surgery at
all rules the bullet out (an exclusion is not met, an inclusion is not met where the record's
procedures count as evidence); a surgery of any kind leaves it to a reader. The reading is never
wider than the words: the TEXT member keeps the narrowing.

Only where words say the procedure was done ("prior", "history of", "underwent", a window
after it, or "recent" among the narrowing words): "glaucoma surgery patients" is the study's own
operation. Up to three words right before the name are taken, none of them a past, list,
negation, relative or need word ("prior", "or", "no", "to", "requiring" …: "cardiac disease
requiring surgery" is not narrowed) and none another procedure reading took. A diagnosis named
among them is the operation's ("prior glaucoma surgery", "cancer surgery"), not a diagnosis of
its own: the reading, longer, wins over the diagnosis alone. A resection ("lung resection") is a
surgery only with its narrowing words before it: a bare "resection" is as often the study's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import Match

_BARE = frozenset(
    {"surgery", "major-surgery", "radiotherapy"}
    # The sites `rules.procedures` reads as concepts of their own ("extensive abdominal surgery").
    | {"abdominal-surgery", "gastrointestinal-surgery", "gastric-surgery"}
    | {"intraocular-surgery", "eye-surgery"}
    | {"cardiac-surgery", "spinal-surgery", "thoracic-surgery", "brain-surgery", "breast-surgery"}
    | {"knee-surgery", "hip-surgery", "shoulder-surgery", "colorectal-surgery"}
)
# Words that end the narrowing words (read backwards from the name): past and list words,
# negations, prepositions, verbs and the people a criterion names.
_STOP_WORDS = (
    "prior previous previously history hx h/o had have has having underwent undergone past"
    " former earlier ever s/p status post of or and and/or nor any with a an the no not"
    " without never for in to on at by from after since following before during than other"
    " including such as e.g i.e eg ie who whom which that those these their his her its"
    " patients patient subjects subject participants participant women men people persons"
    " individuals children adults received receiving receive underwent undergo undergoing"
    " requiring required require requires need needs needed needing due because is are was"
    " were be been being will would may can could must should known documented evidence"
    " previously recently ago time day days week weeks month months year years same"
    " either both all each every one more less than"
)
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[a-z][a-z'/-]*")
_RESECTION = re.compile(r"(?<![\w-])resections?(?![\w-])")
_RECENT = frozenset({"recent"})


def narrowed_procedures(
    text: str,
    found: list[Match],
    *,
    not_done: Callable[[str, int], bool],
    done_before: Callable[[str, int, int], bool],
) -> list[Match]:
    """``found`` with each bare surgery / radiotherapy that has narrowing words before it read
    as all-of(procedure, TEXT), and each narrowed resection added as all-of(surgery, TEXT)."""
    out: list[Match] = []
    for match in found:
        criterion = match.criterion
        if _sited(criterion):
            out.append(_sited_narrowed(text, match, found) or match)
            continue
        if criterion.kind is not Kind.PROCEDURE or criterion.concept not in _BARE:
            out.append(match)
            continue
        narrowed = _narrowed(text, match, found, not_done, done_before)
        out.append(narrowed or match)
    if "resection" in text:
        for resection in _RESECTION.finditer(text):
            if any(m.start < resection.end() and resection.start() < m.end for m in out):
                continue
            bare = Match(Criterion(Kind.PROCEDURE, concept="surgery"), *resection.span())
            narrowed = _narrowed(text, bare, out, not_done, done_before)
            if narrowed is not None:
                out.append(narrowed)
    return out


def _narrowed(
    text: str,
    match: Match,
    found: list[Match],
    not_done: Callable[[str, int], bool],
    done_before: Callable[[str, int, int], bool],
) -> Match | None:
    start = _narrowing_start(text, match.start, found)
    if start is None or not_done(text, start):
        return None
    words = text[start : match.start].split()
    if not (_RECENT.intersection(words) or done_before(text, start, match.end)):
        return None
    which = Criterion(Kind.TEXT, source_text=text[start : match.end])
    both = Criterion(Kind.COMBINATION, children=(match.criterion, which), combination="all-of")
    return Match(both, start, match.end)


def _sited(criterion: Criterion) -> bool:
    """all-of(surgery / radiotherapy, TEXT site): a sited procedure `rules.procedures` read."""
    return (
        criterion.kind is Kind.COMBINATION
        and criterion.combination == "all-of"
        and len(criterion.children) == 2
        and criterion.children[0].kind is Kind.PROCEDURE
        and criterion.children[0].concept in _BARE
        and criterion.children[1].kind is Kind.TEXT
    )


def _sited_narrowed(text: str, match: Match, found: list[Match]) -> Match | None:
    """ "Previous lumbar spine surgery": the words before a sited procedure narrow its site,
    which stays text (the sited reading already found the procedure done)."""
    start = _narrowing_start(text, match.start, found)
    if start is None:
        return None
    procedure = match.criterion.children[0]
    which = Criterion(Kind.TEXT, source_text=text[start : match.end])
    both = Criterion(Kind.COMBINATION, children=(procedure, which), combination="all-of")
    return Match(both, start, match.end)


def _narrowing_start(text: str, end: int, found: list[Match]) -> int | None:
    """Where up to three narrowing words right before ``end`` begin; None if there are none."""
    start = end
    for _ in range(3):
        before = text[:start].rstrip()
        if len(before) == start or not before:
            break  # no space before the word (a hyphen, a bracket) or nothing before
        last = before.rsplit(None, 1)[-1]
        if not _WORD.fullmatch(last) or last in _STOP:
            break
        word_start = len(before) - len(last)
        if word_start > 0 and not text[word_start - 1].isspace():
            break
        if any(m.start < start and word_start < m.end for m in found):
            return None  # another finder read it: a diagnosis, a drug, a site
        start = word_start
    return start if start < end else None
