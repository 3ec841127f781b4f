"""The adaptive readiness check: the CAT rules (learn/adaptive.py), the growing attempt
(learn/checks.py) on SQLite and PostgreSQL, and `certprep check` end to end."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from certprep.bank.items import BuildListBody, DropdownBody, MatchingBody, SolutionBody, YesNoBody
from certprep.bank.loader import content_root, load_bank
from certprep.engine.attempts import Attempts
from certprep.learn.checks import Checks
from certprep.engine.scoring import body_of
from certprep.learn import review
from certprep.learn.adaptive import MAX_QUESTIONS, MIN_QUESTIONS, Pool, information
from certprep.learn.data import scored_rows
from certprep.learn.readiness import learner_readiness
from certprep.store.db import Store

from .test_cli import cli, synthetic_content  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def bank():
    return load_bank(content_root() / "items")


@pytest.fixture(scope="module")
def pool(bank, exams) -> Pool:
    return Pool(bank, exams["ai-103"])


def key_of(body):
    """The right answer to a question as shown."""
    if isinstance(body, (YesNoBody,)):
        return {s.id: s.key for s in body.statements}
    if isinstance(body, DropdownBody):
        return {b.id: b.key for b in body.blanks}
    if isinstance(body, SolutionBody):
        return body.solution.key
    return body.key


def wrong_of(body):
    """A wrong answer (no points, or fewer than all)."""
    if isinstance(body, YesNoBody):
        return {s.id: not s.key for s in body.statements}
    if isinstance(body, DropdownBody):
        return {b.id: next(o.id for o in b.options if o.id != b.key) for b in body.blanks}
    if isinstance(body, MatchingBody):
        return {t.id: next(s.id for s in body.sources if s.id != body.key[t.id]) for t in body.targets}
    if isinstance(body, BuildListBody):
        return list(reversed(body.key))
    if isinstance(body, (SolutionBody,)):
        return not body.solution.key
    if isinstance(body.key, list):
        return [o.id for o in body.options if o.id not in body.key][:len(body.key)]
    return next(o.id for o in body.options if o.id != body.key)


def take(checks: Checks, attempt_id: int, right) -> object:
    """Answer every question the check asks; `right(n)` says whether the n-th answer is right."""
    view = checks.attempts.get(attempt_id)
    while view.open:
        q = view.current()
        n = len(view.questions)
        _, view = checks.answer(attempt_id, q.key, key_of(q.body) if right(n) else wrong_of(q.body))
    return view


# ---- the rules, without a database


def test_information_agrees_with_catsim(pool):
    """catsim (the field's CAT simulator) is the oracle for the information function."""
    from catsim import irt

    items = np.column_stack([pool.a, pool.b, np.zeros(len(pool)), np.ones(len(pool))])
    for theta in (-2.0, 0.0, 0.8, 2.5):
        assert np.allclose(information(theta, pool.a, pool.b), irt.inf_hpc(theta, items))


def test_the_pool_leaves_out_case_studies_and_problem_solution_sets(pool, bank):
    kinds = Counter(bank.items[k].type for k in pool.keys)
    assert "case_study" not in kinds and "problem_solution" not in kinds
    assert kinds["single"] > 0 and kinds["matching"] > 0  # every standalone type is in


def test_it_never_stops_before_10_and_always_by_25(pool):
    rng = np.random.default_rng(0)
    answers = []
    for n in range(1, MAX_QUESTIONS + 1):
        answers.append((pool.next(answers, rng), 1.0))
        assert pool.decide(answers).done == (n >= MIN_QUESTIONS)  # all right: sure from the 10th on
    near, rng = [], np.random.default_rng(1)
    for n in range(1, MAX_QUESTIONS + 1):  # right, wrong, right, …: never sure
        near.append((pool.next(near, rng), float(n % 3 != 0)))
        decision = pool.decide(near)
        assert decision.done == (n == MAX_QUESTIONS), (n, decision)


def test_every_domain_gets_its_share_of_the_questions(pool):
    rng = np.random.default_rng(2)
    answers = []
    for n in range(1, MAX_QUESTIONS + 1):
        answers.append((pool.next(answers, rng), float(rng.random() < 0.6)))
        counts = Counter(str(pool.domain[pool.index[k]]) for k, _ in answers)
        for d, share in pool.target.items():
            assert abs(counts[d] - share * n) < 1 + 1e-9, (n, d, counts)
        if n >= MIN_QUESTIONS:
            assert set(counts) == set(pool.target)  # every domain is represented


def test_exposure_no_question_in_more_than_a_quarter_of_checks(pool, bank, exams):
    """200 learners of spread abilities answering as the authored difficulties predict: the
    randomesque draw keeps every question of the bank under a quarter of the checks, where always
    taking the most informative question (a bin of one) serves the same questions far more often.
    How much more depends on the pool's size (a bigger pool spreads even the greedy choice), so that
    comparison runs on a fixed-size sample of the bank (300 items, chosen by a hash of their ids),
    which stays the same size as the bank grows."""
    import hashlib

    import certprep.learn.adaptive as adaptive
    from certprep.bank.loader import Bank
    from certprep.learn.irt import p_correct

    def exposure(pool: Pool, bin_size: int) -> float:
        seen: Counter = Counter()
        rng, runs = np.random.default_rng(3), 200
        old, adaptive.BIN = adaptive.BIN, bin_size
        try:
            for _ in range(runs):
                theta, answers = rng.normal(0, 1.2), []
                while not pool.decide(answers).done:
                    key = pool.next(answers, rng)
                    n = pool.index[key]
                    p = float(p_correct(np.array(theta), pool.a[n], pool.b[n]))
                    answers.append((key, float(rng.random() < p)))
                seen.update(k for k, _ in answers)
        finally:
            adaptive.BIN = old
        return max(seen.values()) / runs

    assert exposure(pool, adaptive.BIN) <= 0.25  # 0.155 with the bank of 2026-12-07
    sample = Bank()
    for item_id in sorted((i.id for i in bank.for_exam(exams["ai-103"])),
                          key=lambda i: hashlib.sha256(i.encode()).hexdigest())[:300]:
        sample.items[item_id], sample.paths[item_id] = bank.items[item_id], bank.paths[item_id]
    small = Pool(sample, exams["ai-103"])
    binned, greedy = exposure(small, adaptive.BIN), exposure(small, 1)
    assert greedy > 1.5 * binned  # 0.215 vs 0.38 on the sample of 2026-12-07


# ---- the attempt that grows


def test_a_check_stores_every_answer_and_ends_in_a_call(attempts, bank, exams):
    checks = Checks(attempts, bank)
    strong = take(checks, checks.start(exams["ai-103"], seed=5), lambda n: True)
    check = strong.result["check"]
    # All right: the call is sure at or just after the minimum (how soon depends on which questions
    # the bank offers: ten right answers put P(pass) near the 0.95 bar).
    assert strong.status == "finished" and MIN_QUESTIONS <= check["asked"] <= MIN_QUESTIONS + 2
    assert check["asked"] == len(strong.questions)
    assert check["call"] == "pass" and check["probability_of_passing"] > 0.95 and check["sure"]
    low, high = check["interval_90"]
    assert 700 < low <= check["expected_scaled_score"] <= high
    assert strong.result["scaled_score"] == check["expected_scaled_score"] and strong.result["passed"]
    assert [d["answered"] for d in check["domains"]] and all(d["answered"] >= 1 for d in check["domains"])
    weak = take(checks, checks.start(exams["ai-103"], seed=6), lambda n: False)
    assert weak.result["check"]["call"] == "fail" and weak.result["check"]["interval_90"][1] < 700
    assert all(q.answered for q in weak.questions)


def test_a_check_near_the_cut_stops_at_25_and_says_it_is_unsure(attempts, bank, exams):
    checks = Checks(attempts, bank)
    view = take(checks, checks.start(exams["ai-103"], seed=7), lambda n: n % 4 != 0)
    assert len(view.questions) == MAX_QUESTIONS and view.result["check"]["asked"] == MAX_QUESTIONS
    assert not view.result["check"]["sure"]


def test_a_check_s_answers_feed_readiness_review_and_item_statistics(attempts, bank, exams):
    checks = Checks(attempts, bank)
    view = take(checks, checks.start(exams["ai-103"], seed=8), lambda n: n % 2 == 0)
    ready = learner_readiness(attempts.store, attempts.user, bank, exams["ai-103"])
    assert ready.answered == len(view.questions)
    missed = {q.key for q in view.questions if q.points < q.max_points}
    with attempts.store.session.begin() as s:
        queued = set(review.due(s, attempts.user, attempts.clock() + __import__("datetime").timedelta(days=30), 100))
    assert missed and missed <= queued
    assert {r[1] for r in scored_rows(attempts.store) if r[0] == view.id} == {q.key for q in view.questions}


def test_a_check_resumes_after_a_crash_between_an_answer_and_the_next_question(database_url, exams, clock, bank):
    """Killed right after an answer was stored: a new process asks the question the check would
    have asked, and the check ends as an uninterrupted one with the same answers does."""
    store = Store(database_url)
    try:
        attempts = Attempts(store, exams, clock=clock)
        checks = Checks(attempts, bank)
        whole = take(checks, checks.start(exams["ai-103"], seed=9), lambda n: n % 3 != 1)
        crashed = checks.start(exams["ai-103"], seed=9)
        for n in range(1, 5):
            q = attempts.get(crashed).current()
            body = q.body
            if n < 4:
                checks.answer(crashed, q.key, key_of(body) if n % 3 != 1 else wrong_of(body))
            else:  # the answer is committed, then the process dies before the next question
                attempts.answer_and_advance(crashed, q.key, key_of(body) if n % 3 != 1 else wrong_of(body))
        assert len(attempts.get(crashed).questions) == 4
    finally:
        store.close()
    store = Store(database_url)  # a new process
    try:
        checks = Checks(Attempts(store, exams, clock=clock), bank)
        view = checks.advance(crashed)
        assert len(view.questions) == 5 and [q.key for q in view.questions] == [q.key for q in whole.questions[:5]]
        view = take(checks, crashed, lambda n: n % 3 != 1)
        assert [q.key for q in view.questions] == [q.key for q in whole.questions]
        assert view.result["check"] == whole.result["check"]
    finally:
        store.close()


def test_a_check_takes_answers_to_its_current_question_only(attempts, bank, exams):
    from certprep.errors import AttemptError

    checks = Checks(attempts, bank)
    attempt_id = checks.start(exams["ai-103"], seed=10)
    first = attempts.get(attempt_id).current()
    checks.answer(attempt_id, first.key, key_of(first.body))
    with pytest.raises(AttemptError, match="final"):  # no going back: the next question depends on it
        attempts.answer(attempt_id, first.key, wrong_of(first.body))
    other = next(k for k in checks.pool(exams["ai-103"]).keys if k not in {q.key for q in attempts.get(attempt_id).questions})
    with pytest.raises(AttemptError, match="current question only"):
        checks.answer(attempt_id, other, "a")


# ---- the command


def answers_for(content, exam_code: str, right: bool = True) -> dict:
    from certprep.bank.loader import load_exams

    bank = load_bank(content / "items")
    pool = Pool(bank, load_exams(content)[exam_code])
    return {"answers": {k: (key_of if right else wrong_of)(body_of(bank.items[k], None)) for k in pool.keys}}


def test_check_command_with_an_answers_file(cli, synthetic_content, tmp_path):  # noqa: F811
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers_for(synthetic_content, "ai-103")))
    result = cli("check", "--exam", "ai-103", "--answers", path, "--seed", 1)
    assert result.exit_code == 0, result.output
    assert "likely PASS" in result.output and "questions asked: 10" in result.output
    assert "Implement computer vision solutions" in result.output  # mastery per domain
    path.write_text(json.dumps(answers_for(synthetic_content, "ai-103", right=False)))
    data = json.loads(cli("check", "--exam", "ai-103", "--answers", path, "--format", "json").output)
    assert data["check"]["call"] == "fail" and data["check"]["asked"] == 10 and not data["passed"]
    history = json.loads(cli("history", "--format", "json").output)
    assert [h["mode"] for h in history] == ["check", "check"] and history[0]["questions"] == 10


def test_check_command_answers_file_must_answer_what_is_asked(cli, synthetic_content, tmp_path):  # noqa: F811
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": {}}))
    result = cli("check", "--exam", "ai-103", "--answers", path, "--seed", 1)
    assert result.exit_code == 1 and "the file does not answer" in result.output and "certprep resume 1" in result.output
    path.write_text(json.dumps({"answers": {"no-such-item": "a"}}))
    result = cli("check", "--exam", "ai-103", "--answers", path)
    assert result.exit_code == 1 and "answers.no-such-item: not a question of this form" in result.output


def test_check_command_typed_at_the_terminal_then_resumed(cli):  # noqa: F811
    """Scripted input: three answers, quit, then resume and answer `A` until the check ends."""
    result = cli("check", "--exam", "ai-103", "--seed", 2, input="A\nB\nA\nq\n")
    assert result.exit_code == 0 and "Quick check · question 4" in result.output
    assert "Saved. Resume with: certprep resume 1" in result.output
    result = cli("resume", input="A\n" * 25)
    assert result.exit_code == 0, result.output
    assert "Resuming attempt 1 (ai-103, check)" in result.output and "questions asked: " in result.output
    asked = int(result.output.split("questions asked: ")[1].split()[0])
    assert MIN_QUESTIONS <= asked <= MAX_QUESTIONS
    history = json.loads(cli("history", "--format", "json").output)
    assert history[0]["status"] == "finished" and history[0]["answered"] == asked
