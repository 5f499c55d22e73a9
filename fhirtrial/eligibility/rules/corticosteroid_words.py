"""Corticosteroids named without a route: "Use of corticosteroids within 2 weeks", "Those using
corticosteroids", "use of steroids in the past 30 days".

Criteria that say "corticosteroids" or "steroids" mostly mean systemic ones, but the words do
not exclude an inhaler or a cream. The reading is the systemic class (`systemic-corticosteroid`,
therapies.json) with the qualifier ``any-route``: a current systemic use meets it; a current
inhaled, nasal, topical or eye-drop corticosteroid, which the words may or may not mean, leaves it
`unknown` (`evaluation.steroid_routes`), never `not-met` — so an inclusion never fails a
patient on an inhaler, and an exclusion never counts one as free of steroids.

Not read: a route or a kind before the name that is not systemic ("inhaled", "topical",
"anabolic", "epidural" …: other rules or text), a systemic word (`rules.medications` reads
"systemic corticosteroids" as the class itself), a local procedure or a name used for something
else than a use after it ("steroid injection", "steroid-induced", "steroid refractory",
"steroid hormones"), and a clause about a reaction to them, a response or a failure ("allergy
to steroids", "refractory to corticosteroids", "failed steroids").
"""

from __future__ import annotations

import re

ANY_ROUTE = "any-route"

# Words right before the name that give it a route or a kind (or that `rules.medications`'s own
# systemic pattern reads).
_NOT_AFTER = (
    "systemic",
    "oral",
    "inhaled",
    "inhalation",
    "topical",
    "nasal",
    "intranasal",
    "ophthalmic",
    "anabolic",
    "androgenic",
    "sex",
    "local",
    "epidural",
    "intra-articular",
    "intraarticular",
    "intralesional",
    "intravitreal",
    "injected",
    "injectable",
    "intravenous",
    "iv",
    "chronic",
    "long-term",
    "long term",
    "daily",
    "regular",
    "prolonged",
    "continuous",
    "high-dose",
    "high dose",
    "stress-dose",
    "stress dose",
    "pulse",
    "rectal",
    "vaginal",
    "dermal",
)
_LOOKBEHIND = "".join(f"(?<!{re.escape(word)} )" for word in _NOT_AFTER)
# What may follow the name: the end of the clause, a list word, a window, a use noun, a dose.
PATTERN = (
    rf"{_LOOKBEHIND}(?:cortico-?steroids?|glucocorticoids?|corticoids?|steroids?)"
    r"(?: (?:therapy|treatment|medications?|drugs?))?"
    r"(?=\s*(?:$|[,;.:)/(]|(?:or|and|and/or|within|in|during|for|at|over|use|usage|intake"
    r"|currently|>|≥|<|≤|\d)(?![\w-])))"
)
# A clause about a reaction, a response, a failure, a local use or a route: never a use.
_NOT_A_USE = re.compile(
    r"allerg|hypersensitiv|intoleran|contraindicat|respon|refractor|resistan|fail|depend"
    r"|taper|withdraw|induced|naive|naïve|inject|infiltrat|inhal|topical|cream|ointment|drops"
    r"|nasal|articular|epidural|anabolic|androgen|abuse|myopathy|spray"
)


def is_a_use(clause: str, after: str) -> bool:
    """Whether the clause around a bare corticosteroid name (``clause`` before it, ``after`` the
    rest of the text) leaves it a use of the medication."""
    return _NOT_A_USE.search(clause) is None and _NOT_A_USE.search(after[:60]) is None
