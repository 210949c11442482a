"""How far the id walk may go: as far as the site's evidence reaches in steps of at most the gap."""

from knytscrape.spiders.id_walk import IdEvidence


def test_evidence_within_reach_moves_the_top():
    evidence = IdEvidence(max_gap=100)
    assert evidence.add(119) is False  # more than 100 above the floor (0): not yet within reach
    assert evidence.add(60) is True  # ... until something in between brings it in
    assert evidence.top == 119 and evidence.outliers == []


def test_a_lone_far_id_stays_an_outlier():
    evidence = IdEvidence(max_gap=1000, floor=1321)
    for number in (1330, 1350, 99999999):
        evidence.add(number)
    assert evidence.top == 1350
    assert evidence.outliers == [99999999]


def test_outliers_chain_in_when_the_gaps_close():
    evidence = IdEvidence(max_gap=10)
    for number in (35, 25, 15):
        assert evidence.add(number) is False
    assert evidence.add(5) is True
    assert evidence.top == 35 and evidence.outliers == []


def test_repeated_links_are_remembered_once():
    evidence = IdEvidence(max_gap=10)
    for _ in range(1000):
        evidence.add(500)
    assert evidence.outliers == [500]
