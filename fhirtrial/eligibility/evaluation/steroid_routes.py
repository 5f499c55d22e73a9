"""Corticosteroids whose route the criterion does not name (qualifier ``any-route``:
`rules.corticosteroid_words`): a current inhaled, nasal, topical or eye-drop corticosteroid may or
may not be what "use of corticosteroids" means, so without a systemic use it leaves the answer
`unknown` rather than `not-met`.

A use is found by its label: the generic names of the corticosteroids given by those routes
(and of the systemic ones, whose creams and drops `evaluation.medications` does not count).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.patient.items import MedicationItem

# Corticosteroid ingredients, systemic and inhaled / nasal / topical / ophthalmic (WHO ATC H02AB,
# R03BA, R01AD, D07A, S01BA), by generic name.
_CORTICOSTEROID = re.compile(
    r"\b(?:prednisone|prednisolone|methylprednisolone|dexamethasone|hydrocortisone|cortisone"
    r"|betamethasone|triamcinolone|budesonide|fluticasone|beclomethasone|beclometasone"
    r"|mometasone|ciclesonide|flunisolide|clobetasol|fluocinolone|fluocinonide|desonide"
    r"|halobetasol|desoximetasone|loteprednol|fluorometholone|difluprednate|deflazacort"
    r"|corticosteroid|glucocorticoid|steroid)\b",
    re.IGNORECASE,
)


def other_route_use(
    uses: list[MedicationItem], current: Callable[[MedicationItem], bool | None]
) -> MedicationItem | None:
    """A use of a corticosteroid by any route that may fall in the criterion's time."""
    for use in uses:
        if use.state == "planned" or not _CORTICOSTEROID.search(use.medication.label):
            continue
        if current(use) is not False:
            return use
    return None
