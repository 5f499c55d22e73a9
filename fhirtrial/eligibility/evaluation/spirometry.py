"""The FEV1/FVC ratio (`lab` criteria on `fev1-fvc-ratio`, LOINC 19926-5), as `evaluate_lab`
reads any result — but a newest result in "%" whose number is a fraction (0.62 %: a ratio
written with the percentage's unit, as some exports do) says 62% or 0.62%, and only one of them
is a lung: `unknown`, never read as either.
"""

from __future__ import annotations

from fhirtrial.eligibility.evaluation.context import EvalContext, fmt_date
from fhirtrial.eligibility.evaluation.measures import evaluate_lab
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.model import Criterion
from fhirtrial.patient.values import Quantity

FEV1_FVC = "fev1-fvc-ratio"
# No FEV1/FVC ratio is below 15%: a smaller number in "%" is a fraction.
_LEAST_PERCENT = 15.0


def evaluate_fev1_fvc(criterion: Criterion, ctx: EvalContext) -> Finding:
    for item in ctx.facts.observations.find(FEV1_FVC).items:  # newest first
        value = item.value
        if not isinstance(value, Quantity) or value.value is None:
            continue
        if (value.code or value.unit) == "%" and value.value < _LEAST_PERCENT:
            return Finding(
                "unknown",
                f"FEV1/FVC {value.value:g} % on {fmt_date(item.date)} ({item.ref}): a fraction "
                "written in %, so which it is cannot be told",
                (item.ref,),
            )
        break
    return evaluate_lab(criterion, ctx)
