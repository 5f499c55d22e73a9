"""Why `fhirtrial match` lists no trial, in words: an empty table alone leaves a person guessing
whether the catalog, the radius or the patient's record is the cause."""

from __future__ import annotations

from fhirtrial.matching.matcher import MatchResult


def why_none_listed(result: MatchResult, *, radius: float | None) -> str:
    if result.catalog == 0:
        return (
            "the catalog is empty: run `fhirtrial import --condition …` (or `--nct …`, "
            "`--file …`) first"
        )
    ineligible = result.candidates + result.ruled_out
    if ineligible:
        told = f"{_trials(ineligible)} checked, all ineligible; --include-ineligible lists them"
        if result.outside_radius:
            told += f" ({result.outside_radius} more have no site within {radius:g} miles)"
        return told
    if result.outside_radius:
        return (
            f"none of the {_trials(result.outside_radius)} otherwise open to this patient has a "
            f"site within {radius:g} miles; a larger --radius (or none) lists them"
        )
    return (
        f"none of the catalog's {_trials(result.catalog)} is recruiting (match considers "
        "recruiting, not yet recruiting, enrolling by invitation and available studies)"
    )


def _trials(count: int) -> str:
    return f"{count} trial" if count == 1 else f"{count} trials"
