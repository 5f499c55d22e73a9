"""Help that shows a boolean option as the flag it is.

Typer's rich help prints a type after every option, `<bool>` after a flag too (`--persist
<bool>`), which reads as "give a value" while a value is refused. These command classes print
flags bare: `--persist`, `--include-ineligible`, `--help`.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand, TyperGroup


def _bare_flags(params: list[Any]) -> list[Any]:
    for param in params:
        if getattr(param, "is_bool_flag", False):
            # Typer's help prints an option's metavar, when it has one, in place of its type.
            param.metavar = ""
    return params


class FlagCommand(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _bare_flags(super().get_params(ctx))


class FlagGroup(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _bare_flags(super().get_params(ctx))
