"""Per-study mapping state: the NCT id being mapped and the warnings collected on the way."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MappingContext:
    nct_id: str
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Record a warning about this study; each starts with its NCT number."""
        warning = f"{self.nct_id}: {message}"
        if warning not in self.warnings:  # e.g. one sponsor class seen by two builders
            self.warnings.append(warning)

    def warn_unknown(self, field_path: str, value: object) -> None:
        self.warn(f"unknown {field_path} value {value!r}; carried as text")
