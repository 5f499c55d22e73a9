"""Bulk export (FHIR Bulk Data Access `$export`) without HTTP: export jobs kept in MongoDB
(`jobs`), their NDJSON files kept as pieces in MongoDB (`pieces`), and the background runner
that claims jobs and writes their files (`runner`). See docs/adr/0022-bulk-export.md."""
