"""FHIRTRIAL_CDS_CLIENTS as an operator writes it: a JSON object of issuer → https JWK set URL."""

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsError

from fhirtrial.config import Settings

SANDBOX = {"https://sandbox.cds-hooks.org": "https://sandbox.cds-hooks.org/.well-known/jwks.json"}


def test_the_sandbox_is_configured_from_the_environment(monkeypatch):
    monkeypatch.setenv(
        "FHIRTRIAL_CDS_CLIENTS",
        '{"https://sandbox.cds-hooks.org": "https://sandbox.cds-hooks.org/.well-known/jwks.json"}',
    )
    assert Settings().cds_clients == SANDBOX


def test_no_cds_client_is_trusted_by_default(monkeypatch):
    monkeypatch.delenv("FHIRTRIAL_CDS_CLIENTS", raising=False)
    assert Settings().cds_clients == {}


@pytest.mark.parametrize(
    "clients",
    [{"https://ehr.example": "http://ehr.example/jwks"}, {" ": "https://ehr.example/jwks"}],
)
def test_a_jwks_url_without_https_or_a_blank_issuer_stops_the_start(clients):
    with pytest.raises(ValidationError, match="cds_clients"):
        Settings(cds_clients=clients)


def test_a_value_that_is_no_json_object_stops_the_start(monkeypatch):
    monkeypatch.setenv("FHIRTRIAL_CDS_CLIENTS", "https://sandbox.cds-hooks.org")
    with pytest.raises(SettingsError, match="cds_clients"):
        Settings()
