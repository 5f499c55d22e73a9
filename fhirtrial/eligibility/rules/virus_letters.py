"""Hepatitis viruses listed by their letters: "hepatitis B, C or HIV", "hepatitis A, B and C".

Criteria name several hepatitis viruses with the word "hepatitis" written once and the letters
after it: "Hepatitis B, C or HIV", "known hepatitis A, B or C", "Hepatitis C & B". No finder
reads a bare "C" after a comma, so such a bullet stayed text or lost a virus ("hepatitis B, C
or HIV" read any-of(hepatitis B, HIV, TEXT)). `letters_written_out` writes the word before
every letter ("hepatitis b, hepatitis c or hiv"), which means what the text means, so every
reading the finders then give is one of the text. "&" is written "and": the list word stays
what it was, and the finders weigh "and" as they do when the names are written in full.

Left as they are:

- "hepatitis B or C", "hepatitis B/C", "hepatitis B and C": the conditions finder reads that
  pair itself (with the qualifier in front for both);
- a list followed by a result word ("hepatitis B, C and HIV serology negative",
  "… non-reactive"): written out, the finders would read the first names as diagnoses and
  only the last as negative;
- a list joined by "and" or "&" ("hepatitis C & B", "hepatitis A, B and C"), which may mean
  either virus or all of them, but among the examples of a class ("infections such as HIV,
  hepatitis A, B and C"), where every item is an example of its own, or after "negative for"
  (each virus negative: "negative for hepatitis A, B and C");
- a last letter "a" that may be the article ("hepatitis B or a positive HBsAg"): only at the
  end of the text, before punctuation or before "virus"/"infection".

Fast: a text without "hepatitis " costs one substring test.
"""

from __future__ import annotations

import re

_LINK = r"(?:\s*,\s*(?:and/or |or |and )?|\s*/\s*|\s*&\s*| and/or | or | and )"
_LETTERS = re.compile(rf"\bhepatitis (?P<letters>[a-e](?:{_LINK}[a-e])+)(?![\w-])")
_LINKS = re.compile(_LINK)
# The pair the conditions finder reads itself (`rules.conditions._HEPATITIS_B_OR_C`).
_PAIR = re.compile(r"b(?:,? (?:and/or|or|and) ?|/)c")
# Words after the list that say a test result of every virus: left as written.
_RESULT = re.compile(r"negative|non-?reactive|seronegative|free of|\bnot\b|\bno\b")
# "and" lists ("hepatitis C & B") may mean either virus or both, but among examples or after
# "negative for", where "and" names each.
_AND = re.compile(r"&|\band\b(?!/)")
_NEGATIVE_FOR = re.compile(r"\bnegative (?:\w+ )?(?:for|to)\b")
_EXAMPLES = re.compile(r"\b(?:e\.?g\b|such as|like|including|includes|for example|for instance)")
# What may follow a last letter "a" for it to be a virus's letter, not the article.
_AFTER_A = re.compile(r"\s*(?:$|[,;.:)\]]|virus|infection)")


def letters_written_out(normalized: str) -> str | None:
    """The text with "hepatitis" written before every letter of its letter lists, or None when
    it has none that the rules of the module docstring allow to write out."""
    if "hepatitis " not in normalized:
        return None
    pieces: list[str] = []
    start = 0
    for found in _LETTERS.finditer(normalized):
        letters = found["letters"]
        if _PAIR.fullmatch(letters):
            continue
        if letters[-1] == "a" and not _AFTER_A.match(normalized, found.end()):
            continue
        if _RESULT.search(normalized, found.end()):
            continue
        before = normalized[: found.start()]
        if _AND.search(letters) and not (_EXAMPLES.search(before) or _NEGATIVE_FOR.search(before)):
            continue
        links = [" and " if "&" in link else link for link in _LINKS.findall(letters)]
        names = [f"hepatitis {letter}" for letter in _LINKS.split(letters)]
        written = names[0] + "".join(
            link + name for link, name in zip(links, names[1:], strict=True)
        )
        pieces += [normalized[start : found.start()], written]
        start = found.end()
    if not pieces:
        return None
    return "".join(pieces) + normalized[start:]
