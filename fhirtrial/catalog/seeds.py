"""The two reference trials shipped with the package (`sources.seed_inputs`), loaded into an
empty catalog."""

import logging

from fhirtrial.catalog.importer import ImportSummary, import_studies
from fhirtrial.catalog.sources import seed_inputs
from fhirtrial.matching.service import MatchService

log = logging.getLogger("fhirtrial.seeds")


async def load_seeds_if_empty(matching: MatchService) -> ImportSummary | None:
    studies = matching.database.collections("ResearchStudy").current
    if await studies.count_documents({}, limit=1):
        return None
    summary = await import_studies(matching, seed_inputs())
    log.info("Empty catalog: loaded the seed trials %s", ", ".join(summary.created))
    for line in summary.lines()[1:]:
        log.warning(line)
    return summary
