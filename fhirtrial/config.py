"""Server settings, read once from `FHIRTRIAL_*` environment variables, passed down explicitly."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FHIRTRIAL_", extra="ignore")

    # Unset: an embedded SecantusDB server is started as a child process.
    mongodb_url: str | None = None
    database: str = "fhirtrial"
    data_dir: Path = Path(".fhirtrial-data")
    # How long a request waits for the database before answering 503.
    db_timeout_ms: int = 3000
    base_url: str | None = None
    max_body_bytes: int = 10 * 1024 * 1024
    max_json_depth: int = 64
    default_page_size: int = 20
    max_page_size: int = 1000
    # Load the two reference trials shipped with the package when the catalog is empty.
    load_seeds: bool = True
    # Bearer token for catalog operations ($import); unset: loopback clients only.
    admin_token: str | None = None
    ctgov_base_url: str = "https://clinicaltrials.gov/api/v2"
    ctgov_requests_per_minute: float = 50
    log_level: str = "INFO"
    # Browser origins allowed to call the API (CORS), comma-separated, e.g.
    # "https://app.example.org,https://ehr.example.org"; empty: no cross-origin access.
    cors_origins: str = ""
    # Delete AuditEvents older than this many days (hourly); unset: keep them for good.
    audit_retention_days: int | None = Field(default=None, ge=1)
