"""The state one process keeps over one database for matching, held in one explicit object.

`MatchService` is created where the database is opened (`runtime.open_database`), carried on the
server context (`api.context.ServerContext.matching`) and handed to whatever matches patients or
writes the catalog's studies: the matcher, the importer (whose hook indexes each batch), the
seeds, the CLI commands. Nothing of it lives in module globals: two services over two databases
share nothing, and a test builds its own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from fhirtrial.matching.index.state import IndexState
from fhirtrial.matching.plans import PlanStore
from fhirtrial.matching.resource_cache import ResourceCache
from fhirtrial.store.database import Database


@dataclass
class MatchService:
    """One database, this process's state of its match index, its cache of the catalog
    resources that matching reads, and the evaluation plans of the catalog's criteria."""

    database: Database
    index: IndexState = field(default_factory=IndexState)
    resources: ResourceCache = field(default_factory=ResourceCache)
    plans: PlanStore = field(default_factory=PlanStore)
    warming: asyncio.Task[int] | None = None
    """The server's start-up task building every plan (`plan_loading.start_warm_up`)."""
