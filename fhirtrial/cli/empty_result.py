"""Why `fhirtrial match` lists no trial, in words: an empty table alone leaves a person guessing
whether the catalog, the filters or the patient's record is the cause."""

from __future__ import annotations

from fhirtrial.matching.matcher import MatchResult


def why_none_listed(result: MatchResult, *, include_ineligible: bool, radius: float | None) -> str:
    if result.catalog == 0:
        return (
            "the catalog is empty: run `fhirtrial import --condition …` (or `--nct …`, "
            "`--file …`) first"
        )
    if result.candidates:
        trials = _trials(result.candidates)
        if include_ineligible:
            return f"{trials} checked, none could be listed"
        return f"{trials} checked, all ineligible; --include-ineligible lists them"
    if result.outside_radius:
        return (
            f"none of the {_trials(result.outside_radius)} otherwise open to this patient has a "
            f"site within {radius:g} miles; a larger --radius (or none) lists them"
        )
    return (
        f"none of the catalog's {_trials(result.catalog)} is open to this patient: recruitment "
        "status, age, sex or diagnoses rule each out before its criteria are read"
    )


def _trials(count: int) -> str:
    return f"{count} trial" if count == 1 else f"{count} trials"
