"""ContactPoints for a CT.gov contact (central, site or official contact)."""

from __future__ import annotations

from typing import Any

from fhirtrial.mappers.record import dig, text


def contact_telecom(person: object) -> list[dict[str, Any]]:
    telecom = []
    if phone := text(dig(person, "phone")):
        extension = text(dig(person, "phoneExt"))
        telecom.append(
            {"system": "phone", "value": f"{phone} ext. {extension}" if extension else phone}
        )
    if email := text(dig(person, "email")):
        telecom.append({"system": "email", "value": email})
    return telecom
