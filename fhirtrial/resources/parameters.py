"""Reading the `parameter` list of a Parameters resource posted to an operation."""

from collections.abc import Iterator

from fhirtrial.errors import BadRequest


def parameter_entries(body: dict) -> Iterator[tuple[str, dict]]:
    """(FHIRPath of the entry, the entry) for each `Parameters.parameter`; BadRequest when the
    list or an entry is not the JSON it must be."""
    parameters = body.get("parameter", [])
    if not isinstance(parameters, list):
        raise BadRequest("Parameters.parameter must be a list", expression=["Parameters.parameter"])
    for index, parameter in enumerate(parameters):
        where = f"Parameters.parameter[{index}]"
        if not isinstance(parameter, dict):
            raise BadRequest(f"{where} must be an object", expression=[where])
        yield where, parameter
