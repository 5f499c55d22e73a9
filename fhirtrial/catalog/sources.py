"""Where studies to import come from: files, NCT ids, a ClinicalTrials.gov search, or the two
reference trials shipped with the package (the seeds)."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from fhirtrial.ctgov import (
    CtGovClient,
    CtGovError,
    iter_source_records,
    study_nct_id,
    study_problem,
)

SEED_NCT_IDS = ("NCT05361174", "NCT05398640")


@dataclass(frozen=True)
class StudyInput:
    """One study to import (parsed, or as its JSON text in `raw`), or the reason it could not
    even be read."""

    origin: str
    study: dict[str, Any] | None = None
    error: str | None = None
    nct_id: str | None = None
    raw: bytes | None = None


def from_files(paths: list[Path]) -> list[StudyInput]:
    """Every record in these files; ndjson lines stay unparsed until mapped (in the importer's
    worker processes for large imports)."""
    out = []
    for path in paths:
        for record in iter_source_records(path, parse_lines=False):
            nct_id = study_nct_id(record.study) if record.study is not None else None
            error = record.error.reason if record.error is not None else None
            out.append(StudyInput(str(record.origin), record.study, error, nct_id, record.raw))
    return out


def from_documents(studies: list[dict[str, Any]], origin: str) -> list[StudyInput]:
    """Parsed documents; one that is not a study record becomes a failure of its own, like a bad
    line of a file, so the others are still imported."""
    out = []
    for i, study in enumerate(studies):
        where = f"{origin}[{i}]"
        if (problem := study_problem(study)) is not None:
            out.append(StudyInput(where, None, problem))
        else:
            out.append(StudyInput(where, study, None, study_nct_id(study)))
    return out


async def from_nct_ids(client: CtGovClient, nct_ids: list[str]) -> AsyncIterator[StudyInput]:
    for nct_id in nct_ids:
        origin = f"ClinicalTrials.gov {nct_id}"
        try:
            study = await client.get_study(nct_id)
        except (CtGovError, ValueError) as exc:
            yield StudyInput(origin, None, str(exc), nct_id)
            continue
        yield StudyInput(origin, study, None, nct_id)


async def from_search(
    client: CtGovClient,
    *,
    term: str | None = None,
    condition: str | None = None,
    overall_status: list[str] | None = None,
) -> AsyncIterator[StudyInput]:
    try:
        async for study in client.iter_studies(
            term=term, condition=condition, overall_status=overall_status
        ):
            nct_id = study_nct_id(study)
            yield StudyInput(f"ClinicalTrials.gov search ({nct_id})", study, None, nct_id)
    except CtGovError as exc:
        yield StudyInput("ClinicalTrials.gov search", None, str(exc), None)


def seed_inputs() -> list[StudyInput]:
    folder = files("fhirtrial.data") / "seeds"
    return [
        StudyInput(
            f"seed {nct_id}",
            json.loads((folder / f"{nct_id}.json").read_text("utf-8")),
            None,
            nct_id,
        )
        for nct_id in SEED_NCT_IDS
    ]
