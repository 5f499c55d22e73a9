"""The audit trail: an R5 AuditEvent for every access to patient data and every write (issue 14)."""
