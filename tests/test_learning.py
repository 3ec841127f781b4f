"""Learning maths against real data: 2PL calibration on LSAT6 against the published estimates,
parameter recovery on simulated data, item statistics on FrcSub against an independent
computation, a deliberately wrong key caught by the flags, and readiness that moves the right
way."""

from __future__ import annotations

import math
import statistics
import numpy as np
import pytest

from certprep.learn.irt import ItemParams, calibrate, p_correct, posterior, prior_params
from certprep.learn.itemstats import corrected_item_total, item_statistics
from certprep.learn.readiness import estimate

from .conftest import shared_data


# Bock & Lieberman's LSAT6 (1970) as the published table of its 32 response patterns: the count of
# examinees with each pattern, patterns in binary order 00000, 00001, …, 11111 (items 1..5, left to
# right). The whole data set is these 32 facts. (The `mirt` package's bundled LSAT6 pairs these
# counts with the wrong patterns, 11111 gets 173, so it cannot serve as the reference.)
LSAT6_COUNTS = [3, 6, 2, 11, 1, 1, 3, 4, 1, 8, 0, 16, 0, 3, 2, 15,
                10, 29, 14, 81, 3, 28, 15, 80, 16, 56, 21, 173, 11, 61, 28, 298]
# Its 2PL estimates by marginal ML (R ltm's `ltm(LSAT ~ z1)`, the textbook values).
LSAT6_A = [0.825, 0.723, 0.890, 0.689, 0.658]
LSAT6_B = [-3.360, -1.370, -0.280, -1.866, -3.124]


def lsat6() -> np.ndarray:
    patterns = [[int(bit) for bit in f"{n:05b}"] for n in range(32)]
    return np.repeat(np.array(patterns, dtype=float), LSAT6_COUNTS, axis=0)


def test_lsat6_table_is_the_real_data_file():
    data = np.loadtxt(shared_data("lsat6", "lsat.dat"))
    rows = sorted(map(tuple, data.tolist()))
    assert rows == sorted(map(tuple, lsat6().tolist()))


def test_lsat6_calibration_matches_the_published_2pl_estimates():
    fitted = calibrate(lsat6(), min_responses=50)
    assert [round(p.a, 2) for p in fitted] == pytest.approx(LSAT6_A, abs=0.03)
    assert [round(p.b, 2) for p in fitted] == pytest.approx(LSAT6_B, abs=0.06)


def simulated_2pl(rng: np.random.Generator, learners: int, items: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a, b = rng.uniform(0.6, 2.0, items), rng.normal(0, 1, items)
    theta = rng.normal(0, 1, learners)
    probs = 1 / (1 + np.exp(-a * (theta[:, None] - b)))
    return a, b, (rng.random(probs.shape) < probs).astype(float)


def test_parameter_recovery_on_simulated_data():
    rng = np.random.default_rng(11)
    a, b, data = simulated_2pl(rng, 2000, 30)
    data[rng.random(data.shape) < 0.3] = np.nan  # sparse: each learner sees about 70 % of the items
    fitted = calibrate(data, min_responses=50)
    assert np.corrcoef(b, [p.b for p in fitted])[0, 1] >= 0.9
    assert np.corrcoef(a, [p.a for p in fitted])[0, 1] >= 0.7


def test_items_with_too_few_responses_keep_their_prior():
    _, _, data = simulated_2pl(np.random.default_rng(5), 1000, 5)
    data[40:, 2] = np.nan  # item 3: 40 responses only
    fitted = calibrate(data, min_responses=50)
    assert fitted[2] is None and all(p is not None for i, p in enumerate(fitted) if i != 2)


def assert_statistics_match_an_independent_computation(data: np.ndarray) -> list:
    learners, items = data.shape
    stats = item_statistics([f"i{j}" for j in range(items)], data)
    for j, s in enumerate(stats):
        column = [row[j] for row in data.tolist()]
        rest = [(sum(row) - row[j]) / (items - 1) for row in data.tolist()]
        assert s.facility == pytest.approx(statistics.fmean(column), abs=1e-12)
        assert s.discrimination == pytest.approx(statistics.correlation(column, rest), abs=1e-9)
        assert s.responses == learners
    return stats


def test_item_statistics_match_an_independent_computation():
    assert_statistics_match_an_independent_computation(simulated_2pl(np.random.default_rng(8), 300, 12)[2])


def test_frcsub_item_statistics_match_an_independent_computation():
    stats = assert_statistics_match_an_independent_computation(np.loadtxt(shared_data("frcsub", "data.txt")))
    assert len(stats) == 20 and stats[0].responses == 536
    assert stats[12].facility == pytest.approx(0.295, abs=0.001)  # the README's hardest item
    assert stats[5].facility == pytest.approx(0.795, abs=0.001)


def test_a_wrong_key_is_caught_by_its_discrimination():
    rng = np.random.default_rng(3)
    n, items = 800, 15
    a, b = rng.uniform(0.8, 1.8, items), rng.normal(0, 0.8, items)
    theta = rng.normal(0, 1, n)
    correct = rng.random((n, items)) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))
    # Item 7's key names a distractor: strong learners (who pick the real answer) are marked
    # wrong, and the weak learners who fall for that distractor are marked right.
    picked_distractor = ~correct[:, 7] & (rng.random(n) < 0.5)
    scored = correct.astype(float)
    scored[:, 7] = picked_distractor
    stats = item_statistics([f"q{j}" for j in range(items)], scored)
    flagged = [s.item_id for s in stats if any("check the key" in f for f in s.flags)]
    assert flagged == ["q7"]
    assert stats[7].discrimination < 0


def test_unused_distractors_and_extreme_facility_are_flagged():
    data = np.ones((40, 3))
    data[:20, 1] = 0
    data[:, 2] = np.r_[np.zeros(4), np.ones(36)]  # agrees with "mid": no discrimination flag there
    stats = item_statistics(["easy", "mid", "x"], data, option_counts={"mid": {"A": 20, "B": 20, "C": 0}},
                            distractors={"mid": ["B", "C"]})
    assert any("above 0.95" in f for f in stats[0].flags)
    assert stats[1].flags == ["distractor C is never chosen"]


def test_corrected_item_total_ignores_items_not_shown():
    m = np.array([[1, 0, np.nan], [1, 1, 1], [0, 0, 0], [1, np.nan, 1], [0, 1, 0]], dtype=float)
    r = corrected_item_total(m)
    assert not np.isnan(r[0]) and math.isfinite(r[0])


def test_posterior_moves_with_the_evidence():
    items = [ItemParams(1.2, b) for b in np.linspace(-2, 2, 20)]
    strong = posterior([(p, 1.0) for p in items])
    weak = posterior([(p, 0.0) for p in items])
    grid = np.linspace(-4, 4, strong.size)
    assert (strong * grid).sum() > 1.0 > -1.0 > (weak * grid).sum()
    assert p_correct(np.array([0.0]), 1.0, 0.0)[0] == pytest.approx(0.5)
    assert prior_params(5).b > prior_params(1).b


def test_readiness_reflects_the_answers(doc_bank, exams):
    bp = exams["ai-102"]
    items = [(item, part) for item in doc_bank.items.values() for part, _ in item.parts()]
    none = estimate(doc_bank, bp, [], {})
    good = estimate(doc_bank, bp, [(i, p, 1.0) for i, p in items] * 4, {})
    bad = estimate(doc_bank, bp, [(i, p, 0.0) for i, p in items] * 4, {})
    assert bad.expected_scaled < none.expected_scaled < good.expected_scaled
    assert bad.p_pass < none.p_pass < good.p_pass
    assert good.low <= good.expected_scaled <= good.high and (good.high - good.low) < (none.high - none.low)
    assert good.answered == 4 * len(items)
    assert {d["id"] for d in good.domains} == {d.id for d in bp.domains}


def test_item_statistics_read_old_answers_against_the_version_shown(attempts, synthetic_bank, exams):
    """After the bank is re-lettered (scripts/reletter_bank.py), an answer stored as `A` means the
    option that was `A` then: option use follows its text, not today's id."""
    from certprep.bank.items import SingleBody
    from certprep.engine.forms import Form, Section
    from certprep.learn.data import store_item_statistics

    from .conftest import bank_of

    item = next(i for i in synthetic_bank.items.values() if isinstance(i, SingleBody) and i.status == "live")
    first, second = item.options[0], item.options[1]
    form = Form("ai-102", "practice", [Section("questions", "Practice", [item.id])], seed=1, bank_version="t")
    aid = attempts.start(form, synthetic_bank)
    attempts.answer_and_advance(aid, item.id, first.id)
    attempts.submit(aid)
    # Re-lettered: the first two options swap ids (and places), the key follows its text.
    data = item.model_dump(mode="json")
    data["options"][0]["id"], data["options"][1]["id"] = second.id, first.id
    data["options"][0], data["options"][1] = data["options"][1], data["options"][0]
    data["key"] = {first.id: second.id, second.id: first.id}.get(item.key, item.key)
    relettered = bank_of([data])
    stats = {s.item_id: s for s in store_item_statistics(attempts.store, relettered)}[item.id]
    chosen = next(o.id for o in relettered.items[item.id].options if o.text == first.text)
    assert chosen == second.id and stats.options[chosen] == 1 and stats.options[first.id] == 0
