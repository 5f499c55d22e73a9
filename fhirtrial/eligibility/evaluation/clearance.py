"""An eGFR standing in for a creatinine clearance decides only away from the bound.

Protocols ask for a calculated creatinine clearance (Cockcroft-Gault, mL/min); laboratories
report an eGFR normalized to 1.73 m² (`terminology/observations.json`: `creatinine-clearance`
includes `egfr-lab`). The two differ with body size and age — a large patient's clearance is
above the eGFR (× body surface / 1.73 m²: +16 % at 2 m²) — so an eGFR of 45 does not show a
clearance under 50. Within 15 % of the bound the answer is `unknown`; further away the eGFR
decides, and a measured or Cockcroft-Gault clearance decides as it is.
"""

from __future__ import annotations

from functools import cache

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion
from fhirtrial.patient.items import ObservationItem
from fhirtrial.patient.values import LOINC

CLEARANCE = "creatinine-clearance"
_MARGIN = 0.15


@cache
def _clearance_codes() -> frozenset[str]:
    return frozenset(c.code for c in terminology.codings(CLEARANCE) if c.system == LOINC)


def estimate_too_close(criterion: Criterion, item: ObservationItem, value: float) -> bool:
    """Whether ``value``, read from an eGFR for a clearance criterion, is too near a bound to
    decide it."""
    if criterion.concept != CLEARANCE or criterion.uln_multiple:
        return False
    if not set(item.code.codes_in(LOINC)).isdisjoint(_clearance_codes()):
        return False  # a clearance itself
    bounds = [b for b in (criterion.value, criterion.high) if b is not None]
    return any(abs(value - bound) <= _MARGIN * bound for bound in bounds)
