"""The server's garbage-collector settings: what was alive at start-up is frozen and gen 0
waits longer while the server runs; a stopped server leaves the process as it found it."""

import gc

from fhirtrial.api.collector import GEN0_THRESHOLD, tuned_collector


def test_a_running_server_freezes_its_start_up_objects_and_collects_less_often():
    before = gc.get_threshold()
    catalog = [{"study": n} for n in range(1000)]  # stands for what start-up loaded
    with tuned_collector():
        assert gc.get_freeze_count() >= len(catalog)
        assert gc.get_threshold()[0] == max(before[0], GEN0_THRESHOLD)
        assert gc.get_threshold()[1:] == before[1:]
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
