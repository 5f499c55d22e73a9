"""Words that only narrow a criterion the finders know: all-of(criterion, TEXT).

"Have a history of severe motion sickness", "Severe psychiatric illness", "Severe coexisting
liver or kidney disease", "Unilateral and/or bilateral conductive hearing loss", "Existence of
mental and psychological diseases": the finders know the diagnosis (an ICD-10-CM title, a common
name), but a word before it that no structured datum decides — a grade of severity, "concurrent",
the side — leaves the whole bullet text-only. Without those words the bullet reads in full; with
them it says *a kind of* what it reads. So the bullet means all-of(reading, TEXT): not met when
the record lacks what it reads (then it lacks the narrower kind too), unknown otherwise — never
met. It is read in exclusion bullets only, where it can exclude nobody; an inclusion takes only
the restatements ("existence of", "unilateral or bilateral"), because a name may cover fewer
codes than its narrower kind ("depressive episode" F32 beside the recurrent F33) and a wrong
not-met there would call a patient ineligible.

That holds only when every patient with the narrower kind has the wider one in the record. The
words here are judgements of degree, side or company, which ICD-10-CM codes inside the same
family ("severe depressive episode" F32.2 under F32); words that name another family of codes
("acute" renal failure N17 beside chronic N18, "chronic" bronchitis J42 beside J20-J40,
"recurrent" depressive disorder F33 beside F32) are not among them, nor words that do not imply
the state at all ("suspected", "risk of", "planned", "family history of", "non-"), nor "other"
inside a bullet ("asthma or other lung disease" is `rules.or_other_class`'s). "Other" opening
an exclusion bullet ("Other sleep disorders", "Presence of other …") is read: the kinds the
list does not name are all kinds of the name.

The reading refuses a negation anywhere in the text (what "no X" denies, narrowed, is a wider
inclusion), and a word must stand right before a word the finders read (not before "than",
"of", a connective).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind, evolve
from fhirtrial.eligibility.rules.diagnosis_kinds import codes_the_kind, malignant
from fhirtrial.eligibility.rules.vocabulary import AND_WORDS, FILLER, NEGATORS, OR_WORDS

# Degrees, judgements, sides and company: each names a kind of what follows, coded in its family
# ("advanced" AMD H35.3-, periodontitis K05.3-, pulmonary fibrosis J84.1-, cancer; the side of
# a fracture or of a limb's disease: its laterality character).
_WORD = (
    r"(?:severe(?:ly)?|serious|(?:clinically )?significant|marked(?:ly)?|mild|moderate"
    r"|(?:mild|moderate)(?: to |-to-|-|/)(?:moderate|severe)|unstable|debilitating|disabling"
    r"|relevant|important|concomitant"
    r"|concurrent|co[- ]?existing|co[- ]?morbid|underlying|pre-?existing|existing|unilateral"
    r"|bilateral|ipsilateral|contralateral|advanced|recent|first(?:[- ]ever)?|new[- ]onset"
    r"|recurrent|chronic|acute)"
)
_JOIN = r"(?:,? and/or |,? or |,? and |, | |/)"
# Both sides named as alternatives narrow nothing: "Unilateral and/or bilateral hearing loss".
_EITHER_SIDE = re.compile(
    r"unilateral(?:,? and/or |,? or |/)bilateral|bilateral(?:,? and/or |,? or |/)unilateral"
)
_NARROWING = re.compile(rf"(?<![\w-]){_WORD}(?:{_JOIN}{_WORD})*(?= (?P<next>[a-z0-9][\w'-]*))")
# A lead-in that says no more than "presence of": "Existence of mental and psychological
# diseases".
_EXISTENCE = re.compile(r"^(?:the )?existence of (?:an? |any )?")
# "Other sleep disorders", "Presence of other sleep disorders", "Other active liver diseases" as
# a bullet of its own: a kind of the name (those the list or the study does not name), as
# narrow as a degree. Only at the start: "asthma or other lung disease" is
# `rules.or_other_class`'s, "other than" an exception.
_OTHER_FIRST = re.compile(
    r"^(?P<lead>(?:the )?(?:presence|existence) of (?:any )?|any )?other (?!than\b)"
)
_CHEAP = (
    *("severe", "serious", "significant", "marked", "mild", "moderate"),
    *("unstable", "disabling", "debilitating", "relevant", "important"),
    *("concomitant", "concurrent", "existing", "morbid", "underlying"),
    *("lateral", "existence", "advanced", "recent", "recurrent", "chronic", "acute"),
    *("first", "onset", "other "),
)
_OTHER_STARTS = ("other ", "presence of ", "the presence of ", "existence of ", "any ")
_WORD_IN = re.compile(r"[a-z][a-z-]*")
# Words of time or course, read in either list: "recent", "first(-ever)", "new-onset" say when
# (vaguely: a stated window is the windows' reader's), "recurrent" before a cancer says it came
# back (the site's codes hold it). Words of kind, read in an exclusion only and only where the
# diagnosis's own ICD-10-CM codes name that kind ("chronic liver disease" K70-K77 under liver
# disease): elsewhere they may name another family ("acute" renal failure N17 beside chronic N18).
_TIME = frozenset({"recent", "first", "first-ever", "ever", "new", "onset", "new-onset"})
_COURSE = frozenset({"recurrent"})
_KINDS = frozenset({"chronic", "acute"})
_NEEDS_A_DIAGNOSIS = _TIME | _COURSE | _KINDS | {"advanced"}
_KINDS_AT_END = re.compile(r"(?:(?<= )|^)(?:chronic|acute)$")
_ALTERNATIVE_END = re.compile(r"(?:\bor|/|,) ?$")
# A negation in a head or a clause (shared by the narrowing and alternative readers).
NEGATION = re.compile(r"(?<![\w-])(?:no|not|non|without|never|free|negative|neither|nor|none)\b")
# The end of a clause or sentence inside a bullet.
CLAUSE_BREAK = re.compile(r"[.;:](?:\s|$)")
# ("First-line treatment", "first-degree relative", "first dose": an order of something else.)
_NOT_A_NAME = (
    FILLER
    | OR_WORDS
    | AND_WORDS
    | NEGATORS
    | {"than", "reasons", "causes", "line", "lines", "degree", "time", "dose", "cycle"}
    | {"trimester", "visit", "day", "week", "month", "year", "relative", "relatives"}
)


def narrowed(
    normalized: str,
    text: str,
    read: Callable[[str], Criterion | None],
    found: Callable[[str], set[str]],
    *,
    exclusion: bool,
) -> Criterion | None:
    """all-of(the text read without its narrowing words, TEXT), or None.

    ``read`` reads a normalized text in full (the bullet's own list: inclusion or exclusion).
    An inclusion takes only a restatement ("existence of", "unilateral or bilateral"): a name
    can cover fewer codes than its narrower kind ("depressive episode" F32 beside the recurrent
    F33), and a wrong not-met would call the patient ineligible. An exclusion all-of(X, TEXT)
    can exclude nobody.

    ``found`` gives the concepts the finders read in a text: a concept they read with the words
    that the reading without them lacks means the words made another name ("severe sepsis" is
    its own title, R65.2, which "sepsis" alone does not code): the bullet stays text."""
    if not any(word in normalized for word in _CHEAP):
        return None
    if NEGATION.search(normalized) or "-free" in normalized:
        return None
    rest = _EXISTENCE.sub("", normalized)
    other = None
    if exclusion and rest.startswith(_OTHER_STARTS) and (other := _OTHER_FIRST.match(rest)):
        rest = f"{other['lead'] or ''}{rest[other.end() :]}"  # "Other sleep disorders"
    # First without every word; then keeping a kind that may be part of the name ("advanced
    # chronic liver disease": "chronic liver disease" is the name, "advanced" narrows it).
    tried = ""
    for keep_kinds in (False, True):
        cuts = _cut(rest, keep_kinds=keep_kinds)
        if cuts is None:
            return None
        kept, cut, words = cuts
        cut = cut or other is not None
        if kept == tried:
            return None  # no kind word to keep
        tried = kept
        either_list = words <= _TIME | _COURSE
        if (kept == normalized) or (cut and not exclusion and not either_list):
            return None
        if words & _NEEDS_A_DIAGNOSIS and not found(kept):
            return None  # (nothing read without the words: none to narrow, no costly reading)
        reading = read(kept)
        if reading is None or not affirmed(reading):
            continue
        if other is not None and reading.kind is Kind.COMBINATION:
            return None  # "Other lung disease or asthma": which names "other" reaches is unsaid
        if cut and not found(normalized) <= _concepts(reading):
            continue
        if words & (_TIME | _COURSE | _KINDS) and not _said_of_diagnoses(reading, words):
            return None
        if not cut:
            # "existence of", "unilateral or bilateral": the reading in full
            return evolve(reading, source_text=text)
        return kind_of(reading, text)
    return None


def _cut(rest: str, *, keep_kinds: bool) -> tuple[str, bool, set[str]] | None:
    """The text without its narrowing words, whether any was cut, the words cut; None when a
    word stands before no name ("other than …", "severe or …")."""
    cut = False
    words: set[str] = set()
    pieces: list[str] = []
    position = 0
    for match in _NARROWING.finditer(rest):
        if match["next"] in _NOT_A_NAME:
            return None
        end = match.end() + 1
        if keep_kinds and (kinds := _KINDS_AT_END.search(match.group(0))):
            if _ALTERNATIVE_END.search(match.group(0), 0, kinds.start()):
                return None  # "severe or chronic periodontitis": the kind is an alternative
            end = match.start() + kinds.start()
        pieces.append(rest[position : match.start()])
        position = max(end, match.start())
        said = rest[match.start() : end]
        if said.strip() and not _EITHER_SIDE.fullmatch(match.group(0)):
            cut = True
            words.update(_WORD_IN.findall(said))
    pieces.append(rest[position:])
    return " ".join("".join(pieces).split()), cut, words


def kind_of(reading: Criterion, text: str) -> Criterion:
    """all-of(reading, TEXT): what a text means that names a kind of what ``reading`` reads."""
    return Criterion(
        Kind.COMBINATION,
        children=(reading, Criterion(Kind.TEXT, source_text=text)),
        combination="all-of",
        source_text=text,
    )


def _said_of_diagnoses(reading: Criterion, words: set[str]) -> bool:
    """Whether words of time, course or kind narrow only diagnoses they can narrow: "recent"
    only diagnoses ("recent use of anticoagulants" may be a stopped one no current medication
    holds), "recurrent" a cancer or a diagnosis whose codes name recurrence, "chronic" and
    "acute" a diagnosis whose codes name that kind."""
    leaves = _leaves(reading)
    if not leaves or any(leaf.kind is not Kind.CONDITION or not leaf.concept for leaf in leaves):
        return False
    for leaf in leaves:
        concept = leaf.concept or ""
        if "recurrent" in words and not (
            malignant(concept) or codes_the_kind(concept, "recurrent")
        ):
            return False
        if any(not codes_the_kind(concept, word) for word in words & _KINDS):
            return False
    return True


def _leaves(criterion: Criterion) -> list[Criterion]:
    if criterion.kind is Kind.COMBINATION:
        return [leaf for child in criterion.children for leaf in _leaves(child)]
    return [criterion]


def _concepts(criterion: Criterion) -> set[str]:
    if criterion.kind is Kind.COMBINATION:
        return {concept for child in criterion.children for concept in _concepts(child)}
    return {criterion.concept} if criterion.concept else set()


def affirmed(criterion: Criterion) -> bool:
    """No negation and no text member anywhere: a narrower kind then implies the reading."""
    if criterion.negated or criterion.kind is Kind.TEXT:
        return False
    if criterion.kind is Kind.COMBINATION:
        return criterion.combination in ("all-of", "any-of") and all(
            affirmed(child) for child in criterion.children
        )
    return True
