"""CDS Hooks 2.0: the `trial-matches` service on the `patient-view` hook (docs/adr/0023).

`discovery` (the service and its prefetch templates, `GET /cds-services`), `hook_request` (the
body of a hook call, checked), `client_auth` (the CDS client's signed JWT), `record` (the
prefetched data as the patient Bundle `$match` reads), `ehr_fetch` (what was not prefetched, from
the EHR's FHIR server), `cards` (a match → the card), `service` (the hook call), `feedback`.
"""
