"""fhirtrial: a FHIR R5 server that makes clinical trials computable."""

__version__ = "0.1.0"
