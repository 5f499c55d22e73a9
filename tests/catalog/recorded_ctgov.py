"""ClinicalTrials.gov API v2 `/studies` answered from real records (tests/data/ctgov), as the
API pages them: filtered by `filter.overallStatus`, `query.cond` and the
`AREA[LastUpdatePostDate]RANGE[from,MAX]` of `filter.advanced`, sorted by LastUpdatePostDate
ascending, `pageSize` studies per page with a `nextPageToken`; faults can be injected."""

import copy
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import orjson

from tests.helpers import DATA

STUDIES_URL = "https://clinicaltrials.gov/api/v2/studies"
NDJSON = DATA / "ctgov" / "breast-cancer-studies.ndjson"
RECORDS: list[dict[str, Any]] = [
    orjson.loads(line) for line in NDJSON.read_bytes().splitlines() if line.strip()
]
_RANGE = re.compile(r"AREA\[LastUpdatePostDate\]RANGE\[(\d{4}-\d{2}-\d{2}),MAX\]")


def nct(study: dict[str, Any]) -> str:
    return str(study["protocolSection"]["identificationModule"]["nctId"])


def status_of(study: dict[str, Any]) -> str:
    return str(study["protocolSection"]["statusModule"]["overallStatus"])


def updated(study: dict[str, Any]) -> date:
    return date.fromisoformat(
        study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
    )


def changed(study: dict[str, Any], *, status: str | None = None, on: str) -> dict[str, Any]:
    """The record as CT.gov serves it after an update posted on day `on`."""
    copied = copy.deepcopy(study)
    module = copied["protocolSection"]["statusModule"]
    if status is not None:
        module["overallStatus"] = status
    module["lastUpdatePostDateStruct"] = {"date": on, "type": "ACTUAL"}
    return copied


@dataclass
class RecordedCtGov:
    """Serves `studies` (any JSON values; a malformed one is served as it is)."""

    studies: list[Any]
    page_size: int = 4
    # page number (0-based) → (an HTTP status it answers instead, how many more times)
    faults: dict[int, tuple[int, int]] = field(default_factory=dict)
    requests: list[httpx.QueryParams] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        self.requests.append(params)
        assert params["sort"] == "LastUpdatePostDate:asc"
        found = [s for s in self.studies if self._matches(s, params)]
        found.sort(key=lambda s: str(_dig(s, "lastUpdatePostDateStruct", "date") or ""))
        size = int(params.get("pageSize", self.page_size))
        size = min(size, self.page_size)
        page = int(params.get("pageToken", "page-0").removeprefix("page-"))
        fault = self.faults.get(page)
        if fault is not None and fault[1] > 0:
            self.faults[page] = (fault[0], fault[1] - 1)
            return httpx.Response(fault[0], text="upstream error")
        body: dict[str, Any] = {"studies": found[page * size : (page + 1) * size]}
        if (page + 1) * size < len(found):
            body["nextPageToken"] = f"page-{page + 1}"
        return httpx.Response(200, json=body)

    @staticmethod
    def _matches(study: Any, params: httpx.QueryParams) -> bool:
        if not isinstance(study, dict):
            return True  # served as is: the client must cope
        statuses = params.get("filter.overallStatus")
        if statuses is not None and _dig(study, "overallStatus") not in statuses.split(","):
            return False
        if "query.cond" in params:
            conditions = study["protocolSection"].get("conditionsModule", {}).get("conditions", [])
            wanted = params["query.cond"].lower()
            if not any(wanted in c.lower() for c in conditions):
                return False
        if "filter.advanced" in params:
            since = _RANGE.fullmatch(params["filter.advanced"])
            assert since is not None, params["filter.advanced"]
            day = _dig(study, "lastUpdatePostDateStruct", "date")
            return day is not None and day >= since.group(1)
        return True


def _dig(study: dict[str, Any], *keys: str) -> Any:
    found: Any = study.get("protocolSection", {}).get("statusModule", {})
    for key in keys:
        found = found.get(key) if isinstance(found, dict) else None
    return found
