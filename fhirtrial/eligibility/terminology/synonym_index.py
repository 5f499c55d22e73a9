"""Which of the terminology's ~2,200 synonyms a lower-cased text names, without testing each.

A synonym is named where it stands as whole words: not preceded and not followed by a word
character or a hyphen (`(?<![\\w-])synonym(?![\\w-])`). Where it stands so, its first word (the
run of word characters it begins with) is a whole word of the text, so only the synonyms whose
first word is among the text's words can be named; they alone are tested, each with its own
pattern. Testing every synonym cost ~1.9 ms a criteria line (now ~19 µs): ~12% of mapping a
study at ingest (`bench/ingest.py`), and a patient's uncoded problem-list entries at match time.
"""

import re
from collections.abc import Iterable

_WORD = re.compile(r"\w+")


class SynonymIndex:
    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        """`pairs`: (lower-cased synonym, concept id)."""
        self._by_first_word: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        self._always: list[tuple[re.Pattern[str], str]] = []
        for synonym, concept_id in pairs:
            entry = (re.compile(rf"(?<![\w-]){re.escape(synonym)}(?![\w-])"), concept_id)
            first = _WORD.match(synonym)
            if first is None:  # begins with a sign: no word to look it up by
                self._always.append(entry)
            else:
                self._by_first_word.setdefault(first.group(), []).append(entry)

    def __len__(self) -> int:
        return len(self._always) + sum(map(len, self._by_first_word.values()))

    def concepts_named(self, lowered: str) -> set[str]:
        found = {concept_id for pattern, concept_id in self._always if pattern.search(lowered)}
        for word in set(_WORD.findall(lowered)):
            for pattern, concept_id in self._by_first_word.get(word, ()):
                if concept_id not in found and pattern.search(lowered):
                    found.add(concept_id)
        return found
