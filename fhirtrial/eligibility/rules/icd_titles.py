"""Diagnoses named by their ICD-10-CM title: "History of multiple sclerosis", "Known glaucoma".

The packaged table (`terminology/icd10cm_titles.json`, generated from the ICD-10-CM release by
tools/build_icd10cm_titles.py) holds the titles that name a diagnosis; a criterion naming one
word for word — or by another name of its code: its last word in the plural, British or
hyphen spellings, "knee osteoarthritis" for "osteoarthritis of knee", and the common names and
abbreviations of `terminology/icd10cm_synonyms.json` ("autism spectrum disorder", "GERD"):
`Terminology.icd_variants` — is the condition `icd10cm:<code>` (the code's whole subtree). A
title is matched as whole words without its nonessential modifiers ("Obstructive sleep apnea
(adult) (pediatric)" is "obstructive sleep apnea"), case, apostrophes and a possessive 's aside
("Parkinson's disease" = "Parkinson disease"), and may be followed by its initials in
parentheses ("multiple sclerosis (MS)").

A title that shares a word with another finder's match yields to it
(`yield_to_other_finders`): the hand-made concepts carry SNOMED CT codes and the qualifiers and
semantics criteria need, so "heart failure" stays `heart-failure` — unless the title holds the
hand-made name whole and says more: "secondary hypertension" (I15), "paroxysmal atrial
fibrillation" (I48.0), "ocular hypertension" (H40.05) are read as their titles (`_names_more`);
"acute myocardial infarction" stays text (an untimed acute event). The only words read with a
title are "current" / "active" before it (qualifier `active`) and a judgement before it
("severe", "clinically significant", "uncontrolled", "untreated"…: its qualifier, as for the
hand-made names, `rules.diagnosis_leads`); no abbreviation alone. The other words around a
title are left to the residual check, which keeps a bullet text whenever they say more ("mild
glaucoma", "chronic mitral stenosis"); a title next to a filler word that says more ("requiring
treatment", "current") or to another finder's match is not read at all.

Fast: titles are indexed by their first two words, so a text costs a dict lookup or two per
word.
"""

from __future__ import annotations

import re
import string
from dataclasses import replace
from functools import cache
from itertools import pairwise

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import (
    WINDOW_LAST,
    WINDOW_LAST_WORDS,
    WINDOW_WITHIN,
    Match,
    has_any,
    is_untimed_acute,
)
from fhirtrial.eligibility.rules.diagnosis_leads import judgement_lead
from fhirtrial.eligibility.rules.mental_states import asked_about_now
from fhirtrial.eligibility.rules.vocabulary import AND_WORDS, FILLER, NEGATORS, OR_WORDS

_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
# "Chronic kidney disease stage III", "venous insufficiency (stages 3 and 4)": the stage of the
# diagnosis itself, which the stage finder would read as a cancer stage. Such a title is left
# unread (the bullet stays text).
_OWN_STAGE = re.compile(r" \(?stages? ")
# Filler words that say more about a diagnosis than its name: when, how treated, which form
# ("Psoriasis requiring treatment", "current depression", "glaucoma type …"). The residual check
# reads them as filler for the hand-made concepts; next to a title they would be lost, so a text
# holding one (outside a time window) gets no title at all.
_SAYS_MORE = frozenset(
    {
        *("current", "currently", "presently", "require", "requires", "required", "requiring"),
        *("receive", "received", "receiving", "undergone", "treated", "treatment", "therapy"),
        *("dose", "doses", "steroid", "measurable", "evaluable", "score", "level", "value"),
        *("type", "form", "status", "performance", "positive", "test", "tests", "testing"),
        *("result", "results", "serology", "seropositivity", "seropositive", "equivalent"),
        *("another", "own", "age", "aged", "years", "year", "old", "criteria", "defined"),
        *("following", "also", "edition", "per", "uln", "antibody", "antibodies", "blocking"),
        *("cohort", "melanoma", "nsclc", "ecog", "ajcc", "8th", "institutional", "proven"),
    }
)
# "Diabetic ketoacidosis at diagnosis": the diagnosis at one moment of the disease, which a
# problem list does not date (read as ever, it would exclude a later episode the text allows).
_AT_A_MOMENT = re.compile(
    r"\bat (?:the )?(?:time of )?(?:initial |first )?(?:diagnosis|presentation|onset)\b", re.I
)
# Words right before a title that say the diagnosis is current: its `active` qualifier, as the
# hand-made concepts read them ("current PTSD", "active endometriosis").
_CURRENT = frozenset({"current", "currently", "active", "ongoing"})
NO_QUALIFIERS: tuple[str, ...] = ()
_NOT_ONLY_CURRENT = frozenset({"or", "and", "and/or", "lifetime", "past", "previous", "prior"})
_CURRENT_LEADS = (
    *((word,) for word in sorted(_CURRENT)),
    ("current", "diagnosis", "of"),
    ("current", "diagnoses", "of"),
    ("currently", "diagnosed", "with"),
    ("currently", "have"),
    ("currently", "has"),
)
# The words a title may stand next to: those the residual check reads as filler, connectives
# and negations, and "within" that opens a time window. Any other word next to it is another
# finder's match ("glaucoma surgery" would become glaucoma and a surgery) or a word that leaves
# the bullet text anyway.
_NEIGHBOURS = (FILLER | NEGATORS | OR_WORDS | AND_WORDS | {"within"}) - _SAYS_MORE
# A candidate title: its words after the first, its code, the initials that may follow it.
_Title = tuple[tuple[str, ...], str, str]
# Punctuation → space: `str.split` then gives the words `_WORD` finds (the prefilter's words).
_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation if c not in "'-"})
_Index = tuple[dict[str, str], dict[tuple[str, str], tuple[_Title, ...]]]


def _key(word: str) -> str:
    return terminology.title_key(word) if "'" in word or not word.isascii() else word


@cache
def _index() -> _Index:
    """(one-word title → code, first two words → the longer titles starting with them, longest
    first: their words after the first, code and initials)."""
    single: dict[str, str] = {}
    grouped: dict[tuple[str, str], list[_Title]] = {}
    vocabulary = terminology.terminology()
    named = {terminology.title_name(name): key for key, name in vocabulary.icd_heads.items()}
    named |= {terminology.title_name(title): code for code, title in vocabulary.icd_titles.items()}
    for name, code in (named | vocabulary.icd_variants | vocabulary.icd_wider_names).items():
        words = name.split(" ")
        if not all(_WORD.fullmatch(word) for word in words):
            continue
        if len(words) == 1:
            single[words[0]] = code
            continue
        initials = vocabulary.icd_abbreviations.get(name) or "".join(w[0] for w in words)
        grouped.setdefault((words[0], words[1]), []).append((tuple(words[1:]), code, initials))
    pairs = {
        pair: tuple(sorted(titles, key=lambda t: -len(t[0]))) for pair, titles in grouped.items()
    }
    return single, pairs


def find_icd_titles(text: str) -> list[Match]:
    single, pairs = _index()
    words = text.translate(_PUNCTUATION).split()
    if "'" in text or not text.isascii():
        words = [_key(word.strip("'")) for word in words]
    if single.keys().isdisjoint(words) and pairs.keys().isdisjoint(pairwise(words)):
        return []  # most texts: a translation, a split and two set tests, all in C
    words = [_key(word) for word in _WORD.findall(text)]
    # Which titles the words spell (a dict lookup or two per word); most texts spell none.
    spelt: list[tuple[int, tuple[str, ...], str, str]] = []
    count = len(words)
    for i, word in enumerate(words):
        titles = pairs.get((word, words[i + 1])) if i + 1 < count else None
        if titles is not None:
            for rest, code, initials in titles:
                if tuple(words[i + 1 : i + 1 + len(rest)]) == rest:
                    spelt.append((i, rest, code, initials))
                    break
            else:
                titles = None
        if titles is None and word in single:
            spelt.append((i, (), single[word], ""))
    if not spelt:
        return []
    tokens = [(m.start(), m.end(), _key(m.group())) for m in _WORD.finditer(text)]
    found: list[Match] = []
    spans: list[tuple[int, int]] = []  # the first and last token of each found title's name
    current: set[int] = set()  # tokens read as "the diagnosis is current"
    for i, rest, code, initials in spelt:
        last = i + len(rest)
        if is_untimed_acute(text, tokens[i][0]):
            continue
        if not _follows(text, tokens, i, rest):
            continue
        stop = _with_initials(text, tokens[last][1], initials)
        first, qualifiers = i, NO_QUALIFIERS
        lead = _current_lead(text, tokens, i)
        if lead is not None:
            first, qualifiers = lead, ("active",)  # "current PTSD": active, as for hand-made
        elif (judged := judgement_lead(text, tokens, i)) is not None:
            first, qualifiers = judged[0], (judged[1],)  # "severe mitral stenosis"
        if _stands_alone(text, tokens, first, last, stop):
            concept = f"{terminology.ICD_TITLE_PREFIX}{code}"
            criterion = Criterion(Kind.CONDITION, concept=concept, qualifiers=qualifiers)
            found.append(Match(criterion, tokens[first][0], stop))
            spans.append((i, last))
            current.update(range(first, i))
    if found and _says_more(text, [t for n, t in enumerate(tokens) if n not in current]):
        return []
    if found and _AT_A_MOMENT.search(text):
        return []
    asked_about_now(text, found)
    return found


# What joins the items of a list: "A, B", "A or B", "A and/or B", "A, and B", "A/B".
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:(?:and/or|or|and)\s+)?|(?:and/or|or|and)\s+|/\s*)", re.I)


def _share_leading_modifiers(
    text: str, tokens: list[tuple[int, int, str]], found: list[Match], spans: list[tuple[int, int]]
) -> list[Match]:
    """``found`` with each bare one-word name that follows, in a list, a title whose first word
    classifies the name after it ("neuromuscular scoliosis and/or kyphosis"): the first word
    may qualify the whole list — "neuromuscular kyphosis" — so the bare name is read with it
    when that is a name of its own, and otherwise is not read (the bullet keeps its text), never
    as any kyphosis: an exclusion would turn away a patient with a kyphosis the text does not
    mean. A name with a first word of its own ("idiopathic scoliosis or congenital kyphosis")
    says which it is."""
    _, pairs = _index()
    kept: list[Match] = []
    modifier: str | None = None
    modifier_of: Match | None = None
    previous: Match | None = None
    for match, (first, last) in zip(found, spans, strict=True):
        if previous is not None and previous.start <= match.start and match.end <= previous.end:
            kept.append(match)  # a shorter title inside the one before (`spell_icd_titles`)
            continue
        joined = previous is not None and _LIST_GAP.fullmatch(text, previous.end, match.start)
        if not joined:
            modifier = None
        if joined and modifier is not None and first == last and _siblings(modifier_of, match):
            word = tokens[first][2]
            titles = pairs.get((modifier, word), ())
            own = next((code for rest, code, _ in titles if len(rest) == 1), None)
            previous = match
            if own is None:
                continue  # "neuromuscular … kyphosis": not any kyphosis
            concept = f"{terminology.ICD_TITLE_PREFIX}{own}"
            match = Match(replace(match.criterion, concept=concept), match.start, match.end)
            kept.append(match)
            continue
        if last > first and _names_a_diagnosis([t[2] for t in tokens[first + 1 : last + 1]]):
            modifier, modifier_of = tokens[first][2], match
        elif first == last or not joined:
            modifier = None
        kept.append(match)
        previous = match
    return kept


def _codes(match: Match) -> list[str]:
    concept = match.criterion.concept or ""
    return concept.removeprefix(terminology.ICD_TITLE_PREFIX).split(terminology.ICD_SET_JOIN)


def _siblings(title: Match | None, other: Match) -> bool:
    """Whether two titles name diagnoses of one ICD-10-CM block neighbourhood (the same letter
    and first digit: scoliosis M41 and kyphosis M40), kinds of one thing a first word can
    classify alike — not "cervical radiculopathy, fibromyalgia" (M54, M79)."""
    if title is None or not _is_title(other):
        return False
    return not {c[:2] for c in _codes(title)}.isdisjoint(c[:2] for c in _codes(other))


def sibling_names(item: str, other: str) -> bool:
    """Whether ``other`` spells a title of the same block neighbourhood as the title ``item``
    ends in (`_siblings`)."""
    end = len(item.rstrip(" .,;:"))
    mine = [m for m in spell_icd_titles(item) if m.end == end]
    theirs = spell_icd_titles(other)
    if not mine or not theirs:
        return False
    title = min(mine, key=lambda m: m.start)
    return any(_siblings(title, match) for match in theirs)


def classifying_first_word(item: str) -> bool:
    """Whether the list item ``item`` ends in a title whose first word classifies the name
    after it ("neuromuscular scoliosis": "scoliosis" is a name too), a word that may qualify
    the bare names listed after the item as well."""
    end = len(item.rstrip(" .,;:"))
    starts = [m.start for m in spell_icd_titles(item) if m.end == end]
    if not starts:
        return False
    words = [_key(m.group()) for m in _WORD.finditer(item, min(starts), end)]
    return len(words) > 1 and _names_a_diagnosis(words[1:])


def _names_a_diagnosis(words: list[str]) -> bool:
    single, pairs = _index()
    if len(words) == 1:
        return words[0] in single
    return any(rest == tuple(words[1:]) for rest, _, _ in pairs.get((words[0], words[1]), ()))


def _current_lead(text: str, tokens: list[tuple[int, int, str]], i: int) -> int | None:
    """The first token of "current" / "current diagnosis of" / "currently diagnosed with" right
    before the title at token ``i`` (one space apart), or None."""
    for words in _CURRENT_LEADS:
        first = i - len(words)
        if first < 0 or tuple(t[2] for t in tokens[first:i]) != words:
            continue
        if first and tokens[first - 1][2] in _NOT_ONLY_CURRENT:
            return None  # "lifetime or current diagnosis of": any time
        if all(text[tokens[n][1] : tokens[n + 1][0]] == " " for n in range(first, i)):
            return first
    return None


def yield_to_other_finders(matches: list[Match]) -> list[Match]:
    """``matches`` without the titles that share a word with another finder's match, unless
    the title holds a hand-made diagnosis (or a drug, procedure, pregnancy or stage word of its
    name) whole and says more (`_names_more`): then the title replaces it. A hand-made reading
    with a word more was text before ("secondary hypertension" left "secondary" over), so titles
    only ever add readings, never change a complete one; an "acute" title is never read
    (`is_untimed_acute`), so "acute myocardial infarction" stays text."""
    titles = [m for m in matches if _is_title(m)]
    if not titles:
        return matches
    others = [m for m in matches if not _is_title(m)]
    kept = [t for t in titles if all(_apart(t, o) or _names_more(t, o) for o in others)]
    return [o for o in others if not any(_names_more(t, o) for t in kept)] + kept


# Qualifiers a title carries as the hand-made diagnoses do ("active tuberculosis or
# sarcoidosis": a current sarcoidosis).
_TITLE_QUALIFIERS = frozenset({"active", "history"})
# What joins the members of a list a qualifier in front of it holds for (as
# `conditions._share_qualifiers` reads them).
_QUALIFIED_LIST_GAPS = frozenset({" or ", ", ", ", or ", " and/or ", ", and/or ", "/"})


def out_of_qualified_lists(text: str, matches: list[Match]) -> list[Match]:
    """``matches`` without the titles listed after a qualified diagnosis ("severe asthma or
    bronchiectasis", "clinically significant hypertension or hypotension"): the qualifier in
    front of the list holds for every member, and a title carries none, so read bare it would
    exclude any bronchiectasis, any hypotension. The title is left unread (the bullet keeps it
    as text); a hand-made diagnosis after it in the same list takes the qualifier, as
    `conditions._share_qualifiers` gives it to one right after a qualified one."""
    if not any(_is_title(m) for m in matches):
        return matches
    kept: list[Match] = []
    qualifiers: tuple[str, ...] = ()
    previous: Match | None = None
    for match in sorted(matches, key=lambda m: (m.start, -m.end)):
        if match.kind != "criterion":
            kept.append(match)
            continue
        joined = previous is not None and text[previous.end : match.start] in _QUALIFIED_LIST_GAPS
        criterion = match.criterion
        if not joined:
            qualifiers = ()
        listed = criterion.kind is Kind.CONDITION and bool(qualifiers)
        if listed and _is_title(match) and not set(qualifiers) <= _TITLE_QUALIFIERS:
            previous = match
            continue  # "severe asthma or bronchiectasis": not any bronchiectasis
        if listed and not criterion.qualifiers:
            match = Match(replace(criterion, qualifiers=qualifiers), match.start, match.end)
        head = match.criterion.children[0] if match.criterion.children else match.criterion
        qualifiers = head.qualifiers if head.kind is Kind.CONDITION else ()
        kept.append(match)
        previous = match
    return kept


def _apart(title: Match, other: Match) -> bool:
    return title.end <= other.start or title.start >= other.end


# Readings of another finder that a title's name may hold as a word of it ("neuroleptic
# malignant syndrome", "recurrent pregnancy loss", "colostomy complications", "stage 2
# necrotizing enterocolitis"): a diagnosis named by its title, not the drug, procedure,
# pregnancy or stage with the rest left over.
_WORDS_OF_A_TITLE = frozenset({Kind.MEDICATION, Kind.PROCEDURE, Kind.PREGNANCY, Kind.STAGE})


def _names_more(title: Match, other: Match) -> bool:
    """Whether ``other`` is a hand-made diagnosis named inside the title, which says more: the
    title is that diagnosis's narrower form ("paroxysmal atrial fibrillation" I48.0, "secondary
    hypertension" I15) or another disease ("ocular hypertension" H40.05), never the hand-made
    one with a word the residual check would let pass. A qualifier the hand-made reading took
    from inside the title is a word of the title's name ("secondary progressive multiple
    sclerosis" G35.C is no progressive multiple sclerosis with a word left over)."""
    criterion = other.criterion
    return (
        (
            (criterion.kind is Kind.CONDITION and criterion.concept is not None)
            or (other.kind == "criterion" and criterion.kind in _WORDS_OF_A_TITLE)
        )
        and title.start <= other.start
        and other.end <= title.end
        and (title.start, title.end) != (other.start, other.end)
    )


def _is_title(match: Match) -> bool:
    concept = match.criterion.concept
    return concept is not None and concept.startswith(terminology.ICD_TITLE_PREFIX)


def _stands_alone(
    text: str, tokens: list[tuple[int, int, str]], first: int, last: int, stop: int
) -> bool:
    """Whether the title at tokens ``first``..``last`` (ending at ``stop``) is a name of its own:
    not the diagnosis's own stage, not joined by "/" or "-" to a word, and next to filler only
    within its item: a comma or semicolon ends the item ("glaucoma, epilepsy"), and the words
    of the next item are left to their finders and the residual check."""
    start = tokens[first][0]
    if start and text[start - 1] not in " (,;:":
        return False
    if stop < len(text) and (text[stop] not in " ,;.:)" or _OWN_STAGE.match(text, stop)):
        return False
    before = tokens[first - 1] if first else None
    if before and text[before[1] : start].strip(" :(") == "" and before[2] not in _NEIGHBOURS:
        return False
    after = last + 1
    while after < len(tokens) and tokens[after][0] < stop:
        after += 1  # past the initials
    if after < len(tokens) and text[stop : tokens[after][0]].strip(" :)") == "":
        return tokens[after][2] in _NEIGHBOURS or _opens_window(text, tokens[after])
    return True


def _opens_window(text: str, token: tuple[int, int, str]) -> bool:
    """Whether the word after a title opens a time window as "within" does ("Suicide attempt
    during the previous three months", "Migraine over the past year"): the window's reader
    dates the title; any other "during" ("during pregnancy") says more."""
    start, _, word = token
    if word not in _WINDOW_OPENERS:
        return False
    return bool(WINDOW_WITHIN.match(text, start) or WINDOW_LAST.match(text, start))


_WINDOW_OPENERS = frozenset({"during", "over"})


def _says_more(text: str, tokens: list[tuple[int, int, str]]) -> bool:
    """Whether a word of `_SAYS_MORE` stands in the text outside its time windows ("within 12
    months", "in the past year")."""
    said = [start for start, _, word in tokens if word in _SAYS_MORE]
    if not said:
        return False
    windows = [(m.start(), m.end()) for m in WINDOW_WITHIN.finditer(text)]
    if has_any(text, WINDOW_LAST_WORDS):
        # "within the last year": a window too — not inside an aside ("Bipolar disorder
        # (history of mania within the past year)": whose time it is, the aside says).
        windows += [
            (m.start(), m.end())
            for m in WINDOW_LAST.finditer(text)
            if text.count("(", 0, m.start()) == text.count(")", 0, m.start())
        ]
    return any(not any(low <= at < high for low, high in windows) for at in said)


def _follows(text: str, tokens: list[tuple[int, int, str]], i: int, rest: tuple[str, ...]) -> bool:
    """Whether the words after token ``i`` are ``rest``, one space apart (a word may end in a
    possessive apostrophe: "Graves' disease")."""
    for n, word in enumerate(rest, start=i + 1):
        start, _, token = tokens[n]
        if token != word or text[tokens[n - 1][1] : start] not in (" ", "' ", "\u2019 "):
            return False
    return True


def _with_initials(text: str, end: int, initials: str) -> int:
    """The end of the title, past "(MS)" when its initials follow it."""
    if initials and text.startswith(" (", end):
        close = text.find(")", end + 2)
        if close > 0 and text[end + 2 : close] in (initials, f"{initials}s"):
            return close + 1
    return end


def spell_icd_titles(text: str) -> list[Match]:
    """Every title the text spells as words of its own, whatever stands next to it.

    For readings that check the words around a title themselves (`rules.partial`, an inclusion's
    necessary diagnosis): only the spelling is tested here — whole words one space apart, not
    joined by "-" or "/" to another word, the longest title at each word, its initials in
    parentheses after it, and no "acute" title (`find_icd_titles`); a bare name after a title
    whose first word may qualify it too is read as `find_icd_titles` reads it
    (`_share_leading_modifiers`)."""
    single, pairs = _index()
    spelt: list[str] = _WORD.findall(text)
    keys = [_key(word) for word in spelt] if "'" in text or not text.isascii() else spelt
    if single.keys().isdisjoint(keys) and pairs.keys().isdisjoint(pairwise(keys)):
        return []  # most texts: no one-word title, no first two words of a longer one
    tokens = [(m.start(), m.end(), key) for m, key in zip(_WORD.finditer(text), keys, strict=True)]
    found: list[Match] = []
    spans: list[tuple[int, int]] = []
    for i, (start, _, word) in enumerate(tokens):
        rest: tuple[str, ...] | None = None
        code = initials = ""
        for words, title_code, title_initials in (
            pairs.get((word, tokens[i + 1][2]), ()) if i + 1 < len(tokens) else ()
        ):
            if i + len(words) < len(tokens) and _follows(text, tokens, i, words):
                rest, code, initials = words, title_code, title_initials
                break
        if rest is None and word in single:
            rest, code = (), single[word]
        if rest is None or word == "acute":
            continue
        end = tokens[i + len(rest)][1]
        if (start and text[start - 1] in "-/") or text[end : end + 1] in ("-", "/"):
            continue
        stop = _with_initials(text, end, initials)
        concept = f"{terminology.ICD_TITLE_PREFIX}{code}"
        found.append(Match(Criterion(Kind.CONDITION, concept=concept), start, stop))
        spans.append((i, i + len(rest)))
    return _share_leading_modifiers(text, tokens, found, spans)
