"""Server settings, read once from `FHIRTRIAL_*` environment variables, passed down explicitly."""

import ipaddress
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_CACHE_MB = 256
_CACHE_SIZE = re.compile(r"^\s*(\d+)\s*([MG])B?\s*$", re.IGNORECASE)


def checked_cache_size(value: str) -> str:
    """A database cache size as a setting gives it ("2G", "512M"), in SecantusDB's form
    ("2048M"); ValueError for anything else or for less than 256 MB."""
    match = _CACHE_SIZE.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a size like 512M or 2G")
    megabytes = int(match.group(1)) * (1024 if match.group(2).upper() == "G" else 1)
    if megabytes < MIN_CACHE_MB:
        raise ValueError(f"{value!r} is below the {MIN_CACHE_MB}M the database needs")
    return f"{megabytes}M"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FHIRTRIAL_", extra="ignore")

    # Unset: an embedded SecantusDB server is started as a child process.
    mongodb_url: str | None = None
    database: str = "fhirtrial"
    data_dir: Path = Path(".fhirtrial-data")
    # The embedded database's cache, e.g. "4G" or "512M"; unset: half of (memory - 1 GB), at
    # least 256 MB, as mongod sizes its own (docs/adr/0027: a catalog larger than the cache
    # stalled the writes of SecantusDB's 1 GB default).
    embedded_cache_size: str | None = None
    # How long the database may take to be reached or to answer a ping before a request gets
    # 503 (not a cap on a query: slow healthy searches are bounded by request_timeout_s).
    db_timeout_ms: int = 3000
    # Pooled connections idle longer than this are closed rather than reused: below the idle cut
    # of SecantusDB (300 s) and of common firewalls, so no request meets a dropped connection.
    db_max_idle_ms: int = 60_000
    # The time budget of one request, database work included (503 with Retry-After beyond it).
    request_timeout_s: float = 30
    # Rate limits per client (or address) and server process, a minute's worth as burst; 0: off.
    rate_match_per_minute: float = 120
    rate_import_per_minute: float = 20
    rate_token_per_minute: float = 60
    rate_auth_failures_per_minute: float = 30
    # Searches (and history pages) of this process at the database at once; the rest queue.
    # One: the embedded database is a single process, where concurrent scans only contend
    # (bench/abuse.py: reads by id p95 464 ms with one, 1,227 ms with two). Raise on mongod.
    max_concurrent_searches: int = 1
    base_url: str | None = None
    # Reverse proxies (addresses or networks, comma-separated) whose `Forwarded` /
    # `X-Forwarded-Host` / `X-Forwarded-Proto` headers give the base of links when base_url is
    # unset; empty: such headers are never read.
    trusted_proxies: str = ""
    max_body_bytes: int = 10 * 1024 * 1024
    max_json_depth: int = 64
    default_page_size: int = 20
    max_page_size: int = 1000
    # Work caps (README "Limits"): a $match body in bytes and in resources, and the resources
    # `_include`/`_revinclude` add to one search page (the rest are left out, with a warning).
    match_max_bytes: int = 10 * 1024 * 1024
    match_max_resources: int = 10_000
    max_included: int = 1000
    # The most resources the inner search of a chained parameter or `_has` may find (400
    # beyond): their ids become one `$in` of the outer search, whose cost on SecantusDB grows
    # with matches × ids when other criteria come with the join (docs/adr/0014: 200 ids 4.6 s
    # over 2,000 subjects; alone, a join runs in pieces: 1,000 ids 0.4 s). Raise it on mongod.
    max_joined: int = 200
    # The most matches a search total counts on the embedded SecantusDB, which reads every
    # counted document whole (~0.6 ms each at 30,000 ResearchStudies, the database busy for
    # everyone meanwhile): beyond it the total is left out, with a warning. 0: no limit. On
    # mongod totals are always counted.
    max_counted: int = 1000
    # Entries of one batch or transaction Bundle (413 too-costly beyond).
    max_bundle_entries: int = 1000
    # Load the two reference trials shipped with the package when the catalog is empty.
    load_seeds: bool = True
    # "required": patient data, writes and operations need a SMART bearer token (the trial
    # catalog stays public); "off": no authorization at all, for local development only.
    auth: Literal["required", "off"] = "required"
    # An external OpenID Connect / SMART issuer (Keycloak, an EHR) whose tokens are accepted
    # besides the built-in server's, and the audience its tokens carry for this server.
    auth_issuer: str | None = None
    auth_audience: str | None = None
    # Lifetime of the access tokens the built-in token endpoint issues.
    auth_token_lifetime_s: int = 300
    ctgov_base_url: str = "https://clinicaltrials.gov/api/v2"
    ctgov_requests_per_minute: float = 50
    # Run `fhirtrial sync` in the server every this many seconds (the first at start; 0: off),
    # over this scope: a condition, a free-text query, comma-separated overall statuses (empty:
    # RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION).
    sync_interval: float = Field(default=0, ge=0)
    sync_condition: str | None = None
    sync_query: str | None = None
    sync_statuses: str = ""
    log_level: str = "INFO"
    # Browser origins allowed to call the API (CORS), comma-separated, e.g.
    # "https://app.example.org,https://ehr.example.org"; empty: no cross-origin access.
    cors_origins: str = ""
    # Delete AuditEvents older than this many days (hourly); unset: keep them for good.
    audit_retention_days: int | None = Field(default=None, ge=1)
    # Subscriptions (README "Subscriptions", docs/adr/0021): seconds between the worker's rounds
    # (0: no worker in this process); notifications to loopback/private addresses (off: a
    # client could make the server probe its own network); a post's timeout; retries.
    subscription_poll: float = Field(default=5.0, ge=0)
    subscription_allow_private: bool = False
    subscription_timeout_s: float = Field(default=10.0, gt=0)
    subscription_max_attempts: int = Field(default=8, ge=1)
    subscription_retry_base_s: float = Field(default=2.0, gt=0)
    subscription_lease_s: float = Field(default=120.0, gt=0)

    # Bulk export ($export): how long a finished export's files are kept, and the most
    # resources one NDJSON file holds (the rest of the type goes to its next file).
    export_retention_hours: float = Field(default=24, gt=0)
    export_file_max_resources: int = Field(default=10_000, ge=1)
    # Build the evaluation plan of every study's criteria in the background at start, so that
    # the first `$match` does not (about 25 s at 30,000 studies: README Performance).
    match_warm_up: bool = True
    # Seconds between runs of the re-match job in the server (persisted candidates against the
    # studies changed since; it also forgets the records of deleted Patients); 0: never.
    rematch_interval_s: float = Field(default=300, ge=0)
    # The client id the trial finder app (/app) is registered under in EHRs: it sends it in
    # every SMART launch (fhirtrial/app).
    app_client_id: str = "fhirtrial-trial-finder"

    # CDS Hooks (README "CDS Hooks", docs/adr/0023): the CDS clients (EHRs) trusted to call the
    # hook service, a JSON object of issuer (the JWT's iss) → the https URL of its JWK set;
    # and the time budget for fetching from the EHR's FHIR server what it did not prefetch.
    cds_clients: dict[str, str] = Field(default_factory=dict)
    cds_fetch_timeout_s: float = Field(default=3.0, gt=0)

    @field_validator("cds_clients")
    @classmethod
    def _jwks_urls(cls, value: dict[str, str]) -> dict[str, str]:
        for issuer, url in value.items():
            if not issuer.strip():
                raise ValueError("a CDS client needs an issuer (the iss of its JWTs)")
            if not url.startswith("https://"):
                raise ValueError(f"the JWK set URL of the CDS client {issuer} must use https")
        return value

    @field_validator("embedded_cache_size")
    @classmethod
    def _cache_size(cls, value: str | None) -> str | None:
        return None if value is None else checked_cache_size(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)  # ValueError names the entry
        return value
