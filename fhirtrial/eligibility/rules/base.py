"""Shared pieces of the rules: text normalization, comparators, numbers, windows, `Match`."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal, cast

from fhirtrial.eligibility.model import Comparator, Criterion, Kind
from fhirtrial.eligibility.windows import MEAN_UCUM_DAYS as MEAN_UCUM_DAYS
from fhirtrial.eligibility.windows import MEAN_UNIT_DAYS as MEAN_UNIT_DAYS
from fhirtrial.eligibility.windows import Amount as Amount
from fhirtrial.eligibility.windows import days as days
from fhirtrial.eligibility.windows import window_before as window_before
from fhirtrial.eligibility.windows import window_of as window_of

# After a bare number of years: no decimal, then the end, a mark or a word opening a clause.
_BARE_AGE_END = (
    r"(?![.,]?\d)(?=\s*(?:[,;.)]|$|(?:and|or|with|who|at|on|in|for|treated|undergoing|admitted"
    r"|scheduled|presenting|hospitali[sz]ed|referred|having|diagnosed)\b))"
)
# After a negated comparison: no "or" and another comparison ("not younger than 18 or older
# than 70" denies both ends).
_NO_OR_AFTER = (
    r"(?![^,;]*?\bor (?:older|younger|greater|less|lower|higher|more|above|below|over|under)\b)"
)
_PERSONS = (
    r"patients|subjects|participants|individuals|people|persons|volunteers|women|men|males"
    r"|females|adults|residents|outpatients|inpatients"
)
# (pattern, replacement, triggers): a replacement runs only when one of its trigger substrings
# is in the text (every match of the pattern contains one), which skips most of them cheaply.
# "Below-knee", "above ankle", "below- or above-elbow": the level of a limb (an amputation's),
# not a comparison.
_LANDMARK = r"(?:[- ](?:the )?(?:knee|elbow|ankle)\b|- (?:or|and/or)\b)"
_REPLACEMENT_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        r"[≥⩾]|=>|>/=|>\s=|> or =|\bgreater than/equal to\b",
        ">=",
        ("≥", "⩾", "=>", ">", "greater than/equal to"),
    ),
    (
        r"[≤⩽]|=<|</=|<\s=|< or =|\bless than/equal to\b",
        "<=",
        ("≤", "⩽", "=<", "<", "less than/equal to"),
    ),
    (r"[×✕]", "x", ("×", "✕")),
    (r"[–—−]", "-", ("–", "—", "−")),
    (r"[’`]", "'", ("’", "`")),
    (r"⁹", "^9", ("⁹",)),
    (r"\b10\*\*9\b", "10^9", ("10**9",)),
    (r"ﬁ", "fi", ("ﬁ",)),
    (r"ﬀ", "ff", ("ﬀ",)),
    (r"ﬂ", "fl", ("ﬂ",)),
    # "Not older than 65 (years)", "no younger than 18", "not less than 3 months": the bound
    # itself, inclusive; "11 to no older than 17" is `age_clauses`' range. Not when the negation
    # governs an "or" ("not younger than 18 or older than 70": between the two, not either).
    (
        rf"(?<!\bto )\bno[t]? older than (\d{{1,3}}){_BARE_AGE_END}{_NO_OR_AFTER}",
        r"<= \1 years",
        ("older than",),
    ),
    (
        rf"(?<!\bto )\bno[t]? younger than (\d{{1,3}}){_BARE_AGE_END}{_NO_OR_AFTER}",
        r">= \1 years",
        ("younger than",),
    ),
    (
        rf"(?<!\bto )\bno[t]? (?:older|greater|higher) than\b{_NO_OR_AFTER}",
        "<=",
        ("older than", "greater than", "higher than"),
    ),
    (
        rf"(?<!\bto )\bno[t]? (?:younger|less|lower) than\b{_NO_OR_AFTER}",
        ">=",
        ("younger than", "less than", "lower than"),
    ),
    # "Older than 65", "younger than 18, …": a person older than a bare number is that many
    # years old (CT.gov ages are in years). Only before the bullet's end, a mark or a word that
    # opens another clause: "older than 6 months", "older than 65 kg" keep their unit.
    (rf"\bolder than (\d{{1,3}}){_BARE_AGE_END}", r"> \1 years", ("older than",)),
    (rf"\byounger than (\d{{1,3}}){_BARE_AGE_END}", r"< \1 years", ("younger than",)),
    # "Patients over 65", "Women over 50 who …": the same after a person.
    (rf"\b({_PERSONS}) over (\d{{1,3}}){_BARE_AGE_END}", r"\1 > \2 years", (" over ",)),
    (
        r"\bgreater than or equal to\b|\bequal to or greater than\b|\bno less than\b",
        ">=",
        ("greater than or equal to", "equal to or greater than", "no less than"),
    ),
    (
        r"\bless than or equal to\b|\bequal to or less than\b",
        "<=",
        ("less than or equal to", "equal to or less than"),
    ),
    (
        r"\bno more than\b|\bnot more than\b|\bnot exceeding\b|\bat most\b|\bup to\b",
        "<=",
        ("no more than", "not more than", "not exceeding", "at most", "up to"),
    ),
    (
        r"\bat least\b|\ba minimum of\b|\bminimum of\b|\bminimum\b",
        ">=",
        ("at least", "minimum"),
    ),
    (
        r"\bgreater than\b|\bmore than\b|\bhigher than\b|\babove\b(?!"
        + _LANDMARK
        + r")|\bexceeding\b",
        ">",
        ("greater than", "more than", "higher than", "above", "exceeding"),
    ),
    (
        r"\bless than\b|\blower than\b|\bbelow\b(?!" + _LANDMARK + r")|\byounger than\b|\bunder\b",
        "<",
        ("less than", "lower than", "below", "younger than", "under"),
    ),
    (r"\bolder than\b|\bover\b", ">", ("older than", "over")),
    # "Within a month", "within a year": one of the unit (NCT03930043 exc-1, NCT03797274 exc-4).
    # Only after "within": "2 episodes in a year" counts a frequency, not a window.
    (r"\bwithin an? (day|week|month|year)\b", r"within 1 \1", ("within a",)),
    # "In the past half year", "last half year" (NCT03920618 inc-5, NCT03924843 exc-5): six
    # calendar months. Only after a word that counts back ("one and a half years" is no window).
    (
        r"\b(past|previous|last|preceding|prior) half[- ](?:a )?year\b",
        r"\1 6 months",
        ("half",),
    ),
    # Clinical shorthand for a past diagnosis: "Hx of MI", "h/o stroke", "no hx. of AF".
    (r"(?<![\w/-])(?:hx\.?|h/o)(?: of)?(?![\w/-])", "history of", ("hx", "h/o")),
    # "Status post liver transplantation", "s/p CABG": done before, like "history of".
    (r"(?<![\w/-])(?:status post|s/p)(?: of)?(?![\w/-])", "history of", ("status post", "s/p")),
)
# Most phrases contain "than", which few texts do: a text without it is tested for the other
# triggers only. (pattern, replacement, triggers, the triggers without "than").
_Replacement = tuple[re.Pattern[str], str, tuple[str, ...], tuple[str, ...]]
_REPLACEMENTS: tuple[_Replacement, ...] = tuple(
    (re.compile(pattern), replacement, triggers, tuple(t for t in triggers if "than" not in t))
    for pattern, replacement, triggers in _REPLACEMENT_RULES
)
# An ASCII text needs no test for a replacement whose triggers are all non-ASCII characters.
_ASCII_REPLACEMENTS = tuple(r for r in _REPLACEMENTS if any(map(str.isascii, r[2])))


def _rules_to_test(
    replacements: tuple[_Replacement, ...], *, than: bool
) -> tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...]:
    """(pattern, replacement, the triggers to test), without the rules left no trigger to test."""
    chosen = ((pattern, out, t if than else u) for pattern, out, t, u in replacements)
    return tuple(rule for rule in chosen if rule[2])


# (ASCII text, "than" in it) → the rules `normalize` tests, in order.
_RULES = {
    (ascii, than): _rules_to_test(_ASCII_REPLACEMENTS if ascii else _REPLACEMENTS, than=than)
    for ascii in (True, False)
    for than in (True, False)
}
# The same → every trigger of those rules: most texts (~70% of a bench pass) hold none, and one
# test of them all replaces one a rule (no rule can fire: the text stays as it is).
_ANY_RULE_TRIGGER = {
    case: tuple(dict.fromkeys(t for _, _, triggers in rules for t in triggers))
    for case, rules in _RULES.items()
}

CMP = r"(?P<cmp><=|>=|<|>|=)"
NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)"
WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}
# A number of time units ("4 weeks", "six months"), for the patterns that read durations.
DURATION_NUMBER = r"(?P<n>\d+|" + "|".join(WORD_NUMBERS) + r")"
DURATION_UNIT = r"(?P<unit>day|week|month|year)s?"
_LAST = r"(?:past|previous|last|prior|preceding) "
# "During" is a window only with a word saying the period ends now ("during the past 6 months")
# or a "prior to" after it ("during the 6 months prior to enrolment"): "during 12 months" alone
# may be how long something lasted.
# Words that end the moment a window is counted back from ("within 4 weeks prior to enrolment,
# except minor procedures", "… prior to screening unless revascularized", "… of the study is
# allowed", "… on the same eye"): what follows narrows or undoes the criterion, so it is left to
# the reading of the words after the window, never swallowed as part of the moment's name.
EVENT_ENDS = (
    r"(?:except|unless|other|if|allowed|permitted|in|on|for|that|which|who|with|without|but|is"
    r"|are|was|were|not|including|excluding|when|where|as|to|at|by|from|due|because|while|until)"
)
# "Within the past 12-month period", "in the previous six month period": the period is the
# window. A hyphen joins number and unit only before "period": "in the 4-week programme" names
# a programme, not a time before enrolment.
_PERIOD = r"(?: |-(?=(?:day|week|month|year) period\b))"
WINDOW_WITHIN = re.compile(
    rf"(?:(?:with)?in (?:the )?(?:{_LAST})?|during (?:the )?(?:{_LAST}|(?=[a-z0-9]+ "
    r"(?:day|week|month|year)s? (?:prior to|before) )))"
    + DURATION_NUMBER
    + _PERIOD
    + DURATION_UNIT
    + r"(?: period)?"
    + r"(?: (?:prior to|before|of|preceding) (?:the )?(?:start of |beginning |first |planned "
    r"|scheduled )?"
    r"(?:the )?[a-z0-9 '/-]{0,60}?(?=[.;),]|$| and | or | " + EVENT_ENDS + r"(?![\w-])))?"
)
# Enrolment and the moments written for it, after a window's "prior to" / "before".
_ENROLMENT_MOMENT = (
    r"(?:the )?(?:study )?(?:enrol+ment|screening|randomi[sz]ation|entry|inclusion|registration"
    r"|baseline|(?:informed )?consent|study|start of (?:the )?study)"
)
# "< 3 months ago", "less than 6 months before enrolment" (normalized to "<"): within that time
# before enrolment. Only before enrolment or its like: "< 3 months before surgery" is another
# moment, and "< 6 months" alone may be a duration.
WINDOW_LESS = re.compile(
    r"(?:<=|<) ?"
    + DURATION_NUMBER
    + " "
    + DURATION_UNIT
    + r"(?: ago| (?:prior to|before|preceding) "
    + _ENROLMENT_MOMENT
    + r")(?![\w-])"
)
# "Lower limb surgery two years prior to enrollment", "drug abuse 2 years prior to the
# screening period", "probiotics 4 weeks preceding the enrollment": in an exclusion list, a
# time before enrolment with no "within" is the window it names. Read only where no word
# before the number makes it a bound or a duration (">= 3 months prior", "for 6 months before",
# "between 3 and 6 months before": `_bare_window_reads`), and only before enrolment or its like.
WINDOW_BARE = re.compile(
    r"(?<![\w<>=≤≥+/-])"
    + DURATION_NUMBER
    + " "
    + DURATION_UNIT
    + r" (?:prior to|before|preceding) "
    + _ENROLMENT_MOMENT
    + r"(?: period| visit)?(?![\w-])"
)
# The words before a bare window's number that make it something else: a bound, a duration, an
# onset, a range or a window some other word already opened.
_NOT_BARE_BEFORE = frozenset(
    {
        *("for", "after", "over", "than", "least", "most", "about", "approximately", "around"),
        *("nearly", "almost", "only", "within", "in", "during", "the", "last", "past", "previous"),
        *("preceding", "prior", "of", "from", "since", "by", "until", "to", "and", "or", "up"),
        *("minimum", "maximum", "between", "per", "every", "each", "a"),
        # onset and duration: "Type 2 diabetes diagnosed 10 years before enrollment" says how long
        # ago the disease began, as "for 10 years" how long it lasted ("a disease duration of less
        # than 1 year", "fissure lasting more than 6 weeks", "Onset of active GO within 9 months":
        # NCT03796611 inc-1, NCT03920449 inc-1, NCT03922321 inc-3)
        *("diagnosed", "onset", "started", "lasting", "duration"),
    }
)
_WORD_BEFORE = re.compile(r"(\S+)\s*$")
_BARE_WINDOW_WORDS = (" prior to ", " before ", " preceding ")
# "Antibiotic treatment the prior 3 months", "dependence past 6 months", "substance use disorder
# (past 1 month; …)" (NCT03863730 exc-9, NCT03794076 exc-1, NCT03922581 exc-2): a time counted
# back from now with no "in" or "within" before it, right after what it dates. Only where it
# closes the clause: "the past 3 months of pregnancy", "the last 2 weeks before surgery" count
# from another moment, and a word before it ("for", "over", "at least") may make it a duration.
WINDOW_UNOPENED = re.compile(
    r"(?<![\w-])(?:the )?(?:prior|previous|past|last|preceding) "
    + DURATION_NUMBER
    + " "
    + DURATION_UNIT
    + r"(?=\s*(?:[.;,)]|$))"
)
_UNOPENED_WINDOW_WORDS = ("prior ", "previous ", "past ", "last ", "preceding ")


def opened_bare_windows(text: str) -> str:
    """An exclusion's text with "within" before each window written without it ("surgery two
    years prior to enrollment" → "surgery within two years prior to enrollment", "antibiotic
    treatment the prior 3 months" → "… within the prior 3 months"), so that every reader takes
    it as the window it names (`WINDOW_BARE`, `WINDOW_UNOPENED`); the text itself otherwise."""
    if not has_any(text, WINDOW_UNITS):
        return text
    starts: list[int] = []
    if has_any(text, _BARE_WINDOW_WORDS):
        starts += (m.start() for m in WINDOW_BARE.finditer(text) if _bare_window_reads(text, m))
    if has_any(text, _UNOPENED_WINDOW_WORDS):
        starts += (m.start() for m in WINDOW_UNOPENED.finditer(text) if _bare_window_reads(text, m))
    for start in sorted(starts, reverse=True):
        text = f"{text[:start]}within {text[start:]}"
    if "recent" in text and "(<" in text.replace("( ", "("):
        text = _RECENT_BOUND.sub(r"\g<recent>(within \g<n> \g<unit>)", text)
    return text


# "Recent cardiorespiratory exacerbation (<6 weeks)", "recent (< 1 week) gastrointestinal
# disorders", "recently diagnosed chronic disease (< 2 months)" (NCT03921983 exc-1, NCT03924466
# exc-2.3, NCT03861468 exc-1): "recent" says the bound counts back from now, as "within" does.
# Without "recent" a bare "(< 2 years)" may be how long something lasted, and stays unread.
_RECENT_BOUND = re.compile(
    r"(?P<recent>\brecent(?:ly)?\b[^.;()]*?)\(\s*<=? ?"
    + DURATION_NUMBER
    + " "
    + r"(?P<unit>(?:day|week|month|year)s?)"
    + r"\s*\)"
)


def _bare_window_reads(text: str, match: re.Match[str]) -> bool:
    """Whether the word before a bare window leaves it a window: a word that names what
    happened ("surgery", "abuse", "probiotics"), not a comparator, duration or range word. A
    parenthesis may stand between ("use disorder (past 1 month)")."""
    start = match.start()
    if start and text[start - 1] == "(":
        start -= 1
    before = _WORD_BEFORE.search(text, 0, start)
    if before is None:
        return False  # "6 months prior to screening, …": a window before what it limits
    word = before[1]
    return word.isalpha() and word not in _NOT_BARE_BEFORE


# Every match of WINDOW_WITHIN has one (the pattern has no literal prefix: test these first),
# but for a hyphenated period (`WINDOW_PERIOD_UNITS`).
WINDOW_UNITS = (" day", " week", " month", " year")
WINDOW_PERIOD_UNITS = ("-day period", "-week period", "-month period", "-year period")
# "In the past year", "(past year)", "during the previous month": one unit, no number.
WINDOW_LAST = re.compile(
    r"\(?(?:(?:(?:with)?in|during|over) )?(?:the )?(?:past|previous|last|preceding)"
    r" (?P<unit>day|week|month|year)(?![\w-])\)?"
)
# Every match of WINDOW_LAST has one: test them before a search (it tries every position).
WINDOW_LAST_WORDS = ("past ", "previous ", "last ", "preceding ")


def is_untimed_acute(text: str, start: int) -> bool:
    """Whether the name at ``start`` says "acute" in a text that gives no window: "acute
    myocardial infarction" alone means a current episode, which a problem list that keeps acute
    codes long after it (an infarction years ago stays I21) cannot tell."""
    return text.startswith("acute ", start) and not has_any(text, WINDOW_UNITS)


def normalize(text: str) -> str:
    out = text.lower()
    case = out.isascii(), "than" in out  # no replacement writes "than": tested once
    if has_any(out, _ANY_RULE_TRIGGER[case]):
        for pattern, replacement, triggers in _RULES[case]:
            if has_any(out, triggers):
                out = pattern.sub(replacement, out)
    return " ".join(out.split())  # runs of whitespace → one space, ends stripped


def has_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether any of the substrings occurs: the cheap prefilter run before a rule's regexes."""
    for word in words:  # noqa: SIM110 (a plain loop: no generator; runs ~50× per criterion)
        if word in text:
            return True
    return False


_Trie = dict[str, "_Trie"]


def any_substring(words: Iterable[str]) -> re.Pattern[str]:
    """A regex that finds whether any of ``words`` is in a text: `has_any` over many words in
    one scan. The words are factored into a trie ("stroke|stage" → "st(?:age|roke)"), so at each
    position the search follows one branch instead of trying every word."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return re.compile(_trie_pattern(trie))


class Triggers:
    """Which of many trigger substrings occur in a text, found in one scan instead of a `has_any`
    per group of them.

    Every `Triggers` of the rules shares one scan of a text (`triggers_in`): a scan per group
    cost ~3-9 us a text each (a trie regex tries every position), the shared one ~3 us for all
    of them, and the finders read the same text one after another (measured: ~8 % of a bench
    pass)."""

    def __init__(self, words: Iterable[str]) -> None:
        unique = frozenset(words)
        if "" in unique:
            raise ValueError("an empty trigger is in every text")
        self.words = unique
        _REGISTERED.update(unique)

    def found_in(self, text: str) -> AbstractSet[str]:
        """The triggers of this group the text holds."""
        return self.words.intersection(triggers_in(text))

    def any_in(self, text: str) -> bool:
        """Whether the text holds any trigger of this group."""
        return not self.words.isdisjoint(triggers_in(text))


# Every trigger of every `Triggers`: what `triggers_in` looks for.
_REGISTERED: set[str] = set()


def triggers_in(text: str) -> frozenset[str]:
    """The triggers of every `Triggers` that occur in the text (substrings, anywhere)."""
    index = _INDEX[0]
    if index is None or index.size != len(_REGISTERED):
        index = _INDEX[0] = _TriggerIndex(frozenset(_REGISTERED))
    return index.found_in(text)


class _TrieScan:
    """Which of the words occur in a text: the trie of `any_substring`, searched again from the
    position after each match, gives the longest word at each position where one starts; the
    words that are prefixes of it start there too."""

    def __init__(self, words: Iterable[str]) -> None:
        unique = sorted(set(words))
        self._any = any_substring(unique)
        self._prefixes = {
            word: frozenset(prefix for prefix in unique if word.startswith(prefix))
            for word in unique
        }

    def found_in(self, text: str) -> frozenset[str]:
        if not self._prefixes:
            return _NOTHING
        search = self._any.search
        match = search(text)
        if match is None:
            return _NOTHING
        found: set[str] = set()
        while match is not None:
            found |= self._prefixes[match.group()]
            match = search(text, match.start() + 1)
        return frozenset(found)


# The triggers found in a word (text between spaces): the words inside it, and the triggers
# with a space whose part before it ends the word (a candidate, tested on the whole text).
_WordTriggers = tuple[frozenset[str], tuple[str, ...]]


class _TriggerIndex:
    """`triggers_in` for a set of triggers, word by word: a trigger without a space lies inside
    one word, and one with a space starts with a word's end (or a space). What a word holds is
    kept (a pure function of the word, a small vocabulary), so a text costs a split and a look-up
    per word; the answers for the last few texts are kept too (the finders ask in turn)."""

    _WORDS_KEPT = 50_000
    _TEXTS_KEPT = 8

    def __init__(self, triggers: frozenset[str]) -> None:
        self.size = len(triggers)
        self._inside = _TrieScan(t for t in triggers if " " not in t)
        spaced = sorted(t for t in triggers if " " in t)
        self._after_space = tuple(t for t in spaced if t.startswith(" "))
        heads: dict[str, list[str]] = {}
        for trigger in spaced:
            head = trigger.split(" ", 1)[0]
            if head:
                heads.setdefault(head, []).append(trigger)
        self._spanning = {head: tuple(listed) for head, listed in heads.items()}
        self._words: dict[str, _WordTriggers] = {}
        self._recent: dict[str, frozenset[str]] = {}

    def found_in(self, text: str) -> frozenset[str]:
        found = self._recent.get(text)
        if found is None:
            found = self._scan(text)
            if len(self._recent) >= self._TEXTS_KEPT:
                self._recent.pop(next(iter(self._recent)), None)  # the oldest (if still there)
            self._recent[text] = found
        return found

    def _scan(self, text: str) -> frozenset[str]:
        found: set[str] = set()
        candidates: list[str] = []
        words = self._words
        for word in text.split(" "):
            known = words.get(word)
            if known is None:
                known = self._read_word(word)
            inside, spanning = known
            if inside:
                found |= inside
            if spanning:
                candidates += spanning
        for trigger in (*self._after_space, *candidates):
            if trigger in text:
                found.add(trigger)
        return frozenset(found) if found else _NOTHING

    def _read_word(self, word: str) -> _WordTriggers:
        spanning = tuple(
            trigger
            for start in range(len(word))
            for trigger in self._spanning.get(word[start:], ())
        )
        known = (self._inside.found_in(word), spanning)
        if len(self._words) >= self._WORDS_KEPT:
            self._words.clear()
        self._words[word] = known
        return known


_INDEX: list[_TriggerIndex | None] = [None]


_NOTHING: frozenset[str] = frozenset()


def _trie_pattern(node: _Trie) -> str:
    branches = [re.escape(char) + _trie_pattern(child) for char, child in node.items() if char]
    if not branches:
        return ""
    pattern = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{pattern})?" if "" in node else pattern


def to_number(text: str) -> float:
    return float(text.replace(",", ""))


def word_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return WORD_NUMBERS.get(text)


def comparator(symbol: str) -> Comparator:
    """The comparator of a `CMP` group (which matches only comparators)."""
    return cast(Comparator, symbol)


# "modifier": qualifies the following condition; "unless": an exception to what precedes it.
MatchKind = Literal["criterion", "modifier", "unless"]


@dataclass(slots=True)
class Match:
    """A criterion found in the normalized text at [start, end)."""

    criterion: Criterion
    start: int
    end: int
    kind: MatchKind = "criterion"


def remember_recent(
    size: int,
) -> Callable[[Callable[[str], list[Match]]], Callable[[str], list[Match]]]:
    """A finder that answers a text it read among its last ``size`` texts from memory.

    A partial reader reads the text `_assemble` has just read again (`find_conditions` 1,495
    times a bench pass on 1,173 distinct texts, most repeats within 5 calls). Only the last few
    texts are kept: a bench pass reads ~1,200 texts, so nothing is kept from one pass to the
    next (the bench would then measure the memory, not the rules), and memory stays bounded.
    A finder is a function of its text alone; the `Match`es are mutable (callers move their
    bounds), so each call gets new ones (their `Criterion`s are frozen and shared)."""

    def decorate(finder: Callable[[str], list[Match]]) -> Callable[[str], list[Match]]:
        recent: dict[str, tuple[tuple[Criterion, int, int, MatchKind], ...]] = {}

        @functools.wraps(finder)
        def remembered(text: str) -> list[Match]:
            found = recent.get(text)
            if found is None:
                matches = finder(text)
                # Most texts hold nothing the finder reads: no tuple to build, nothing to copy.
                found = (
                    tuple((m.criterion, m.start, m.end, m.kind) for m in matches) if matches else ()
                )
                if len(recent) >= size:
                    del recent[next(iter(recent))]  # the oldest (dicts keep insertion order)
                recent[text] = found
            if not found:
                return []
            return [Match(criterion, start, end, kind) for criterion, start, end, kind in found]

        return remembered

    return decorate


def any_of_conditions(concepts: Iterable[str]) -> Criterion:
    """The condition, or any-of the conditions, of these concept ids (each once, in order)."""
    children = tuple(
        Criterion(Kind.CONDITION, concept=concept, source_text=concept)
        for concept in dict.fromkeys(concepts)
    )
    if len(children) == 1:
        return children[0]
    return Criterion(Kind.COMBINATION, children=children, combination="any-of")


def modifier_matches(patterns: tuple[tuple[str, re.Pattern[str]], ...], text: str) -> list[Match]:
    """A modifier `Match` (qualifying the condition that follows) per occurrence of each
    (qualifier, pattern): "unresectable or metastatic", "locally advanced or metastatic"."""
    return [
        Match(Criterion(Kind.TEXT, qualifiers=(qualifier,)), match.start(), match.end(), "modifier")
        for qualifier, pattern in patterns
        for match in pattern.finditer(text)
    ]


def threshold_matches(
    pattern: re.Pattern[str], text: str, kind: Kind, concept: str, unit: str
) -> list[Match]:
    """One `Match` per occurrence of ``pattern``, whose `CMP` and `NUMBER` groups (``cmp``,
    ``num``) compare ``concept`` with a number in ``unit``."""
    return [
        Match(
            Criterion(
                kind,
                concept=concept,
                comparator=comparator(match["cmp"]),
                value=to_number(match["num"]),
                unit=unit,
            ),
            match.start(),
            match.end(),
        )
        for match in pattern.finditer(text)
    ]
