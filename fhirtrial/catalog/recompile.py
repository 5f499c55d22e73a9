"""Re-run the eligibility compiler over stored studies (`fhirtrial recompile`).

Each study's EvidenceVariable is rebuilt from the ClinicalTrials.gov record it was imported from;
a new version is written only where the compiled output changed.
"""

from dataclasses import dataclass, field
from typing import Any

from fhirtrial.catalog.records import iter_records
from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from fhirtrial.mappers import ids
from fhirtrial.mappers.record_shape import conform_record
from fhirtrial.resources.validation import validate_resource
from fhirtrial.store.batch import UNCHANGED, write_units
from fhirtrial.store.database import Database

BATCH_SIZE = 100


@dataclass
class RecompileSummary:
    upgraded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """NCT numbers asked for that have no stored ClinicalTrials.gov record."""
    asked: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        failed = dict(self.failures)
        outcome = {nct_id: "new version written" for nct_id in self.upgraded}
        outcome |= {nct_id: "unchanged" for nct_id in self.unchanged}
        outcome |= {nct_id: "not in the catalog" for nct_id in self.missing}
        out = [f"{nct_id}: {outcome[nct_id]}" for nct_id in self.asked if nct_id not in failed]
        summary = (
            f"evidence variables: {len(self.upgraded)} upgraded, {len(self.unchanged)} "
            f"unchanged, {len(self.failures)} failed"
        )
        if self.asked:
            summary += f", {len(self.missing)} not in the catalog"
        out.append(summary)
        return out + [f"FAILED {nct_id}: {reason}" for nct_id, reason in self.failures]


async def recompile(database: Database, nct_ids: list[str] | None = None) -> RecompileSummary:
    """Recompile the stored studies, or those of `nct_ids` (any case, repeated ones once)."""
    asked = list(dict.fromkeys(nct_id.strip().upper() for nct_id in nct_ids or ()))
    summary = RecompileSummary(asked=asked)
    batch: list[tuple[str, dict[str, Any]]] = []
    async for nct_id, study in iter_records(database, asked or None):
        try:
            resource = build_evidence_variable(
                conform_record(study)[0],
                evidence_variable_id=ids.evidence_variable_id(nct_id),
                study_reference=ids.reference("ResearchStudy", ids.research_study_id(nct_id)),
            )
            validate_resource(resource)
        except Exception as exc:  # one bad record must not stop the run; report it
            summary.failures.append((nct_id, f"{type(exc).__name__}: {exc}"))
            continue
        batch.append((nct_id, resource))
        if len(batch) >= BATCH_SIZE:
            await _write(database, batch, summary)
            batch = []
    if batch:
        await _write(database, batch, summary)
    done = {*summary.upgraded, *summary.unchanged, *(nct_id for nct_id, _ in summary.failures)}
    summary.missing = [nct_id for nct_id in asked if nct_id not in done]
    return summary


async def _write(
    database: Database, batch: list[tuple[str, dict[str, Any]]], summary: RecompileSummary
) -> None:
    outcome = await write_units(database, [resource for _, resource in batch])
    for nct_id, resource in batch:
        state = outcome.states[f"EvidenceVariable/{resource['id']}"]
        (summary.unchanged if state == UNCHANGED else summary.upgraded).append(nct_id)
