"""TestScript variables: `${name}` in URLs, params, headers and expected values, each taken from a
response header (`headerField`) or a body (`expression` / `path`) of a source, or `defaultValue`."""

import re
from collections.abc import Callable
from typing import Any

from fhirtrial.testscript.exchange import Exchange
from fhirtrial.testscript.paths import as_text, evaluate

_REFERENCE = re.compile(r"\$\{([^}]+)\}")


class Variables:
    def __init__(
        self, definitions: list[dict[str, Any]], source: Callable[[str | None], Exchange | None]
    ) -> None:
        self._definitions = {str(d["name"]): d for d in definitions}
        self._source = source

    def value(self, name: str) -> str:
        definition = self._definitions.get(name)
        if definition is None:
            raise KeyError(f"undefined variable ${{{name}}}")
        exchange = self._source(definition.get("sourceId"))
        found: str | None = None
        if exchange is not None and "headerField" in definition:
            found = exchange.headers.get(str(definition["headerField"]))
        elif exchange is not None and ("expression" in definition or "path" in definition):
            selected = evaluate(
                str(definition.get("expression") or definition["path"]), exchange.body
            )
            found = as_text(selected[0]) if selected else None
        if found is None:
            found = definition.get("defaultValue")
        if found is None:
            raise KeyError(f"variable ${{{name}}} has no value (its source has none yet)")
        return found

    def substitute(self, text: str) -> str:
        return _REFERENCE.sub(lambda match: self.value(match[1]), text)
