"""FHIR R5 ⇄ R4 conversion of the resources R4 clients consume, without HTTP.

One module per resource type; `convert` dispatches by type and wraps Bundles. What R4 cannot
express travels in the official cross-version extensions (`cross_version`), so that R5 → R4 → R5
gives back the resource it started from; what cannot be carried raises `NotConvertible`.
"""
