"""Catalog sync: keep the catalog's studies current with ClinicalTrials.gov (`fhirtrial sync`,
`FHIRTRIAL_SYNC_INTERVAL`); one run at a time, each recorded (docs/adr/0019)."""

from fhirtrial.catalog.sync.lease import LeaseHeld, SyncLease
from fhirtrial.catalog.sync.run import LeaseLost, sync_catalog
from fhirtrial.catalog.sync.runs import SyncRun, recent_runs
from fhirtrial.catalog.sync.scope import DEFAULT_SYNC_STATUSES, SyncScope

__all__ = [
    "DEFAULT_SYNC_STATUSES",
    "LeaseHeld",
    "LeaseLost",
    "SyncLease",
    "SyncRun",
    "SyncScope",
    "recent_runs",
    "sync_catalog",
]
