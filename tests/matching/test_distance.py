"""Great-circle miles from a patient's ZIP centroid to a study's nearest site."""

import pytest

from fhirtrial.matching.distance import Point, miles_between, nearest_miles

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
