"""Diagnosis names written in a spelling no finder knows, respelled as the vocabulary spells them.

Criteria write the names of known diagnoses in spellings the finders' names do not hold:

- a prefix or a compound split by a hyphen: "hypo-thyroidism", "gastro-intestinal disorder"
  (the vocabulary's one word: "hypothyroidism"), "deep-vein thrombosis", "iron-deficiency
  anemia" (its two words: "deep vein thrombosis"), and DSM's slash
  "attention-deficit/hyperactivity disorder" (ICD-10-CM's "attention-deficit hyperactivity
  disorder"), between words of three letters or more (not a range: "ASA I-II", "grades a-b");
- an eponym's possessive without its apostrophe: "Cushings syndrome", "Huntingtons disease"
  ("Cushing's syndrome"), before a word that follows the eponym in a name (not "night
  workers");
- British spellings the finders' own variants do not cover: "generalised anxiety disorder"
  (a respelt word of six letters or more: "four" is not "for");
- hepatitis viruses listed by their letters, "hepatitis B, C or HIV" (`rules.virus_letters`:
  "hepatitis" written before every letter);
- a prefix written with a hyphen before a word holding the stem, "hyper- or hypoglycemia"
  (`rules.hyphen_prefixes`: the stem written after the prefix);
- the abbreviations of diabetes by its type: "DM2", "DM 2", "DM-II", "DM type 2", "DMT2",
  "T2 diabetes", "NIDDM" (type 2), "IDDM", "T1 diabetes" (type 1); not "DM1", "DM 1",
  "DM type 1": myotonic dystrophy type 1 as often, nor "DM2" beside myotonic dystrophy.

`respelled` rewrites such a word into the vocabulary's spelling, and only then: a hyphen is
joined only when the joined word is a word of a known name and the hyphenated one is not;
split only when the two words stand side by side in a known name (for a slash, only when
neither word is a name alone: "anxiety/depression" is either); an eponym is one ICD-10-CM or a
hand-made concept writes with "'s"; a British word only when its American spelling is a word
of a known name. The respelling means what the text means (the same word spelled
another way), so every reading the finders then give is one of the text. Words the vocabulary
spells already, and abbreviations that name several things in criteria ("MS", "PE", "RA",
"AS", "PD", "AD", "TBI": total body irradiation too), are left as they are.

The vocabulary: the names of the ICD-10-CM titles, heads and their variants and synonyms
(`terminology.Terminology.icd_variants`; the eponyms from the tables' own spellings) and the
names of the hand-made conditions (terminology/conditions.json).

Fast (about 2 µs a text): a text with no hyphen, slash, "s <word after an eponym>", British
letters or diabetes abbreviation costs a few substring tests and one trie search.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from itertools import pairwise

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.rules.base import any_substring
from fhirtrial.eligibility.rules.hyphen_prefixes import prefixes_written_out
from fhirtrial.eligibility.rules.virus_letters import letters_written_out

_CONDITIONS = "conditions"  # the hand-made concepts' value set (terminology/conditions.json)
# "x-y" or "x/y" between words of three letters or more (not "pd-l1", "her2-negative": no digit
# either side; not "i-ii", "a-b": numerals and letters in a range).
_JOINED = re.compile(r"\b([a-z]{3,})([-/])(?=([a-z]{3,})\b(?![-/]?\d))")
# An eponym's possessive without its apostrophe, and the word after it ("cushings syndrome").
_POSSESSIVE = r"\b(?P<eponym>{})s (?=(?P<next>[a-z]+))"
# British endings and letters whose American spelling may be a known word ("generalised").
_BRITISH = (
    (re.compile(r"is(ed|ing|ation|ations)$"), r"iz\1"),
    (re.compile(r"ae"), "e"),
    (re.compile(r"oe"), "e"),
    (re.compile(r"(?<=...)our$"), "or"),  # "tumour", "labour"; not "four", "hour", "your"
)
# Respelt words shorter are not names: "for", "des" ("four", "does").
_SHORTEST_RESPELT = 6
_BRITISH_HINTS = ("ae", "oe", "ised", "ising", "isation", "our")
_BRITISH_WORDS = re.compile(r"\b(?:[a-z]*(?:ae|oe)[a-z]*|[a-z]+(?:is(?:ed|ing|ations?)|our))\b")
# Diabetes by its type, abbreviated: not before a number's unit ("DM 2 years" is a duration).
# "DM1" / "DM 1" / "DM type 1" are left as they are: myotonic dystrophy type 1 as often (and
# "DM2" / "DM type 2" its type 2, so not in a text naming myotonic dystrophy).
_NOT_A_DURATION = r"(?! ?(?:years?|yrs?|months?|weeks?|days?|%|mg|mmol|units?)\b)(?![-/.,]?\d)"
_TYPE_2 = re.compile(
    r"\b(?:dm ?-?(?:2|ii)|dmt-?(?:2|ii)|dm,? type (?:2|ii)|t2 diabetes|niddm)\b" + _NOT_A_DURATION
)
_TYPE_1 = re.compile(r"\b(?:t1 diabetes|iddm)\b")
_MYOTONIC = ("myotonic", "dystroph", "steinert", "promm")


def _synonyms() -> list[str]:
    """The ICD-10-CM synonyms and common names as their tables spell them ("hashimoto's
    thyroiditis"; the terminology keeps them without the possessive)."""
    folder = files("fhirtrial.eligibility.terminology")
    names: list[str] = []
    for table, key in (
        ("icd10cm_synonyms.json", "synonyms"),
        ("icd10cm_common_names.json", "names"),
    ):
        names += json.loads(folder.joinpath(table).read_text(encoding="utf-8"))[key]
    return names


@cache
def _vocabulary() -> tuple[
    frozenset[str], frozenset[tuple[str, str]], frozenset[str], re.Pattern[str], re.Pattern[str]
]:
    """(the words of known diagnosis names, the pairs of words side by side in them, the
    names of one word, a quick test for an eponym's possessive without its apostrophe, the
    pattern of those eponyms before a word: "cushings syndrome")."""
    vocabulary = terminology.terminology()
    names = {terminology.title_name(title) for title in vocabulary.icd_titles.values()}
    names |= {terminology.title_name(name) for name in vocabulary.icd_heads.values()}
    names |= set(vocabulary.icd_variants)
    raw = [*vocabulary.icd_titles.values(), *_synonyms()]
    for concept in vocabulary.concepts.values():
        if concept.value_set == _CONDITIONS:
            spelt = [concept.display, *concept.synonyms]
            raw += spelt
            names |= {terminology.title_key(name) for name in spelt}
    words: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for name in names:
        split = name.split()
        words.update(split)
        pairs.update(pairwise(split))
    eponyms = {
        match.group(1)
        for name in raw
        for match in re.finditer(r"\b([a-z]{3,})'s\b", name.lower().replace("\u2019", "'"))
    }
    possessive = re.compile(_POSSESSIVE.format("|".join(sorted(eponyms))))
    single = frozenset(name for name in names if " " not in name)
    # The cheap test first: "s " and a word that follows an eponym in a name ("s syndrome").
    after = any_substring(f"s {second}" for first, second in pairs if first in eponyms)
    return frozenset(words), frozenset(pairs), single, after, possessive


def respelled(normalized: str) -> str | None:
    """The text with the variant spellings of known diagnosis names respelled as the
    vocabulary spells them, or None when it has none (most texts)."""
    text = prefixes_written_out(normalized) or normalized  # "hyper- or hypo…" (`hyphen_prefixes`)
    if "dm" in text or " diabetes" in text:
        if not any(word in text for word in _MYOTONIC):
            text = _TYPE_2.sub("type 2 diabetes", text)
        text = _TYPE_1.sub("type 1 diabetes", text)
    if "-" in text or "/" in text:
        text = _JOINED.sub(_join, text)
    _, _, _, after, possessive = _vocabulary()
    if after.search(text) is not None:
        text = possessive.sub(_apostrophe, text)
    if _has_british_letters(text):
        text = _BRITISH_WORDS.sub(_american, text)
    text = letters_written_out(text) or text  # "hepatitis b, c or hiv" (`virus_letters`)
    return None if text == normalized else text


def _has_british_letters(text: str) -> bool:
    for hint in _BRITISH_HINTS:  # noqa: SIM110 (a plain loop: no generator, as `base.has_any`)
        if hint in text:
            return True
    return False


def _join(match: re.Match[str]) -> str:
    """The first word and the mark after it, respelled: joined to the next word, or a space."""
    words, pairs, single, _, _ = _vocabulary()
    first, mark, second = match.groups()
    if mark == "-" and f"{first}-{second}" in words:
        return match.group(0)
    if mark == "-" and first + second in words:
        return first  # "hypo-thyroidism"
    # A slash is "or" between two names ("anxiety/depression"), a space inside one only
    # between words that name nothing alone ("attention-deficit/hyperactivity disorder").
    if (first, second) in pairs and (mark == "-" or single.isdisjoint((first, second))):
        return f"{first} "  # "deep-vein thrombosis"
    return match.group(0)


def _apostrophe(match: re.Match[str]) -> str:
    """An eponym's possessive with its apostrophe, before a word that follows it in a name:
    "cushings syndrome" → "cushing's syndrome"; not "workers compensation"."""
    eponym = match.group("eponym")
    if (eponym, match.group("next")) in _vocabulary()[1]:
        return f"{eponym}'s "
    return match.group(0)


def _american(match: re.Match[str]) -> str:
    """A word in its American spelling when that is a word of a known name: "generalised" →
    "generalized", "aetiology" → "etiology"."""
    word = match.group(0)
    words = _vocabulary()[0]
    if word in words:
        return word
    for pattern, american in _BRITISH:
        respelt = pattern.sub(american, word)
        if respelt != word and len(respelt) >= _SHORTEST_RESPELT and respelt in words:
            return respelt
    return word
