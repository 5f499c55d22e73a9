"""Re-matching persisted candidates (`$match` with `persist=true`) when the catalog or the
patient's record changes: the stored record and question (`records`), the studies changed since
the last run (`changes`), one patient's re-assessment and what it writes (`reassess`,
`recording`), the lease that keeps one job at a time (`lease`) and the job (`job`).
See docs/adr/0020-rematching-persisted-candidates.md."""
