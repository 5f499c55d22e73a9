"""The instant range a FHIR date string covers: its precision, down to what the store keeps."""

from datetime import UTC, datetime

from fhirtrial.resources.dates import parse_range


def test_a_fraction_covers_the_span_of_its_last_digit_and_at_least_a_millisecond():
    lo = datetime(2026, 12, 3, 10, 0, 0, 123000, tzinfo=UTC)
    assert parse_range("2026-12-03T10:00:00.123Z") == (lo, lo.replace(microsecond=124000))
    assert parse_range("2026-12-03T10:00:00.1Z") == (
        lo.replace(microsecond=100000),
        lo.replace(microsecond=200000),
    )
    # Finer than the store's milliseconds: still one millisecond wide, so a stored instant in it
    # is found by `eq`, `le` and `ge`.
    fine = parse_range("2026-12-03T10:00:00.123456Z")
    assert fine == (lo.replace(microsecond=123456), lo.replace(microsecond=124456))
