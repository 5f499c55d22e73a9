"""The server's own conformance resources: extensions, code systems, search parameters and
operation definitions, published into the store at startup so the server serves them itself.

Static definitions live in the repository's `conformance/` folder (read by
`fhirtrial.conformance`); code systems are generated from the code that emits them.
"""

import logging
from typing import Any

from fhirtrial.conformance import static_resources
from fhirtrial.eligibility.code_systems import code_system_resources as eligibility_code_systems
from fhirtrial.mappers.codes import code_system_resources as ctgov_code_systems
from fhirtrial.store.batch import CREATED, UPDATED, write_units
from fhirtrial.store.database import Database

log = logging.getLogger("fhirtrial.publication")


def conformance_resources() -> list[dict[str, Any]]:
    return [*static_resources(), *ctgov_code_systems(), *eligibility_code_systems()]


async def publish(database: Database) -> None:
    """Create or update our conformance resources; unchanged ones keep their version."""
    resources = [r for r in conformance_resources() if r["resourceType"] in database.types]
    outcome = await write_units(database, resources)
    changed = sum(state in (CREATED, UPDATED) for state in outcome.states.values())
    log.info("Conformance resources: %d published, %d changed", len(resources), changed)
