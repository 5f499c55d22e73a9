"""The trial finder: the SMART on FHIR app the server serves at `/app` (static files, plain ES
modules, no build step; docs/adr/0024-trial-finder-app.md)."""
