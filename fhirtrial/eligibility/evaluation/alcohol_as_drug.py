"""A drug use disorder named alone, and a record whose only use disorder is alcohol's.

ICD-10-CM indexes "Abuse, drug" under F19.1 and "Abuse, alcohol" under F10.1, and protocols that
mean both write "drug or alcohol abuse": `drug-use-disorder` leaves alcohol out. But alcohol is a
drug to pharmacology and to some protocols, and "History of drug abuse" does not say which it
means. A patient with an alcohol use disorder and no drug use disorder is therefore `unknown` for
it, never met (he would fail an exclusion the text may not mean) and never not met (he would
pass one it may mean). With neither recorded, the criterion is decided as any absent diagnosis.
"""

from __future__ import annotations

# The concept asked for → the concept whose entries may be what the criterion means by it.
_MAY_BE_MEANT: dict[str, str] = {"drug-use-disorder": "alcohol-use-disorder"}


def neighbour_of(concept: str) -> str | None:
    """The concept whose entries leave ``concept`` unknown when it is not recorded."""
    return _MAY_BE_MEANT.get(concept)


def concepts_an_entry_may_be(concepts: frozenset[str]) -> frozenset[str]:
    """The concepts asked for that an entry with these concepts leaves unknown (prefilter keys:
    an alcohol use disorder must not filter a patient out of a drug-only criterion)."""
    return frozenset(asked for asked, near in _MAY_BE_MEANT.items() if near in concepts)
