"""The two reference trials shipped with the package, loaded into an empty catalog."""

import json
import logging
from importlib.resources import files

from fhirtrial.catalog.importer import ImportSummary, StudyInput, import_studies
from fhirtrial.matching.service import MatchService

log = logging.getLogger("fhirtrial.seeds")

SEED_NCT_IDS = ("NCT05361174", "NCT05398640")


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


async def load_seeds_if_empty(matching: MatchService) -> ImportSummary | None:
    studies = matching.database.collections("ResearchStudy").current
    if await studies.count_documents({}, limit=1):
        return None
    summary = await import_studies(matching, seed_inputs())
    log.info("Empty catalog: loaded the seed trials %s", ", ".join(summary.created))
    for line in summary.lines()[1:]:
        log.warning(line)
    return summary
