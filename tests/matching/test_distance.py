"""Great-circle miles from a patient's ZIP centroid to a study's nearest site."""

import pytest
import zipcodes

from fhirtrial.matching.distance import Point, miles_between, nearest_miles, zip_centroid

NEW_YORK = Point(40.7128, -74.0060)
LOS_ANGELES = (34.0522, -118.2437)
PHILADELPHIA = (39.9526, -75.1652)
BOSTON = (42.3601, -71.0589)


def test_new_york_to_los_angeles_is_about_2446_miles():
    assert miles_between(NEW_YORK, Point(*LOS_ANGELES)) == pytest.approx(2445.6, abs=1.0)


def test_the_nearest_site_decides_whatever_the_order():
    to_philadelphia = miles_between(NEW_YORK, Point(*PHILADELPHIA))
    assert 75 < to_philadelphia < 85
    for sites in ([LOS_ANGELES, PHILADELPHIA, BOSTON], [BOSTON, PHILADELPHIA, LOS_ANGELES]):
        assert nearest_miles(NEW_YORK, sites) == to_philadelphia


def test_a_study_without_located_sites_has_no_distance():
    assert nearest_miles(NEW_YORK, []) is None


def test_a_zip_code_has_the_position_the_zipcodes_package_gives_it():
    codes = sorted({row["zip_code"] for row in zipcodes.list_all()})
    assert len(codes) > 40_000
    for code in codes[::211]:
        row = zipcodes.matching(code)[0]
        assert zip_centroid(code) == Point(float(row["lat"]), float(row["long"])), code
        assert zip_centroid(f" {code}-1234 ") == zip_centroid(code)  # ZIP+4, as typed
    assert zip_centroid("02139") == Point(42.3647, -71.1042)  # Cambridge, MA
    assert zip_centroid("00000") is None  # not a ZIP code
    assert zip_centroid("2139") is None and zip_centroid("K1A 0B1") is None
