"""Attempts: sections lock, sets cannot be revisited, the deadline holds with a fixed clock,
items are read from snapshots, and one user never reaches another's attempt."""

from __future__ import annotations

import datetime as dt

import pytest

from certprep.engine.attempts import Attempts
from certprep.engine.forms import Form, Section, practice_form
from certprep.errors import AttemptClosed, AttemptError, InvalidResponse, SectionLocked, UnknownChoice

from .conftest import bank_of


def form_of(sections, minutes=None, mode="exam"):
    return Form("ai-102", mode, sections, seed=1, bank_version="test", minutes=minutes)


MAIN = Section("questions", "Questions", ["docintel-invoice-prebuilt", "search-filter-sort-attributes"])
PS = Section("problem_solution", "Problem", ["keyless-app-access-ps/mi", "keyless-app-access-ps/kv"], revisit=False)
CASE = Section("case_study", "Case", ["case-contoso-claims/q1", "case-contoso-claims/q2"])


def test_answer_change_flag_and_move_within_a_section(attempts, doc_bank):
    aid = attempts.start(form_of([MAIN, CASE]), doc_bank)
    attempts.answer(aid, "docintel-invoice-prebuilt", "B")
    attempts.answer(aid, "docintel-invoice-prebuilt", "A")  # changed
    attempts.flag(aid, "search-filter-sort-attributes")
    attempts.goto(aid, 1)
    view = attempts.get(aid)
    assert view.question("docintel-invoice-prebuilt").response == "A"
    assert view.question("search-filter-sort-attributes").flagged
    assert view.current().key == "search-filter-sort-attributes"
    with pytest.raises(AttemptError, match="questions 1 to 2"):
        attempts.goto(aid, 5)


def test_a_finished_section_locks_and_later_sections_wait(attempts, doc_bank):
    aid = attempts.start(form_of([MAIN, CASE]), doc_bank)
    with pytest.raises(SectionLocked, match="finish section 1"):
        attempts.answer(aid, "case-contoso-claims/q1", "A")
    attempts.finish_section(aid)
    with pytest.raises(SectionLocked, match="locked"):
        attempts.answer(aid, "docintel-invoice-prebuilt", "A")
    with pytest.raises(SectionLocked):
        attempts.flag(aid, "docintel-invoice-prebuilt")
    attempts.answer(aid, "case-contoso-claims/q1", "A")
    view = attempts.finish_section(aid)
    assert view.status == "finished"
    assert view.result["points"] == 1 and view.result["max_points"] == 1 + 2 + 1 + 2


def test_problem_solution_answers_are_final(attempts, doc_bank):
    aid = attempts.start(form_of([PS]), doc_bank)
    attempts.answer(aid, "keyless-app-access-ps/mi", "yes")
    with pytest.raises(AttemptError, match="final"):
        attempts.answer(aid, "keyless-app-access-ps/mi", "no")
    attempts.goto(aid, 1)
    with pytest.raises(AttemptError, match="cannot be revisited"):
        attempts.goto(aid, 0)


def test_invalid_responses_are_refused_and_not_stored(attempts, doc_bank):
    aid = attempts.start(form_of([MAIN]), doc_bank)
    with pytest.raises(InvalidResponse):
        attempts.answer(aid, "docintel-invoice-prebuilt", "Z")
    with pytest.raises(UnknownChoice, match="unknown question"):
        attempts.answer(aid, "no-such-item", "A")
    assert attempts.get(aid).question("docintel-invoice-prebuilt").response is None


def test_deadline_refuses_late_answers_and_finalises_when_touched(store, exams, clock, doc_bank):
    attempts = Attempts(store, exams, clock=clock)
    started = clock()
    aid = attempts.start(form_of([MAIN], minutes=100), doc_bank)
    assert attempts.get(aid).deadline == started + dt.timedelta(minutes=100)
    clock.advance(minutes=99, seconds=59)
    attempts.answer(aid, "docintel-invoice-prebuilt", "A")
    assert attempts.get(aid).remaining(clock()).total_seconds() == 1
    clock.advance(seconds=1)
    with pytest.raises(AttemptClosed, match="time is up"):
        attempts.answer(aid, "search-filter-sort-attributes", ["A", "B"])
    # A fresh service (a restart) sees it expired and scored with the answer given in time.
    view = Attempts(store, exams, clock=clock).get(aid)
    assert view.status == "expired"
    assert view.result["points"] == 1
    assert view.question("search-filter-sort-attributes").response is None


def test_expired_attempt_is_finalised_when_listed(store, exams, clock, doc_bank):
    attempts = Attempts(store, exams, clock=clock)
    aid = attempts.start(form_of([MAIN], minutes=1), doc_bank)
    clock.advance(hours=5)
    assert [a.status for a in attempts.list()] == ["expired"]
    assert attempts.latest_open() is None
    with pytest.raises(AttemptClosed):
        attempts.finish_section(aid)


def test_history_keeps_the_item_as_it_was_shown(attempts, doc_bank):
    aid = attempts.start(form_of([MAIN]), doc_bank)
    attempts.answer(aid, "docintel-invoice-prebuilt", "A")
    # The bank changes after the attempt started: the key moves to B.
    data = doc_bank.items["docintel-invoice-prebuilt"].model_dump(mode="json")
    data["key"] = "B"
    edited = bank_of([data])
    assert edited.items["docintel-invoice-prebuilt"].content_hash() != doc_bank.items["docintel-invoice-prebuilt"].content_hash()
    view = attempts.submit(aid)
    assert view["points"] == 1  # scored against the version the learner saw
    assert attempts.get(aid).question("docintel-invoice-prebuilt").item.key == "A"


def test_one_user_never_reaches_another_users_attempt(store, exams, clock, doc_bank):
    alice = Attempts(store, exams, user="alice", clock=clock)
    bob = Attempts(store, exams, user="bob", clock=clock)
    aid = alice.start(form_of([MAIN]), doc_bank)
    for action in (lambda: bob.get(aid), lambda: bob.answer(aid, "docintel-invoice-prebuilt", "A"),
                   lambda: bob.flag(aid, "docintel-invoice-prebuilt"), lambda: bob.submit(aid)):
        with pytest.raises(UnknownChoice, match="unknown attempt"):
            action()
    assert bob.list() == []
    assert alice.get(aid).question("docintel-invoice-prebuilt").response is None


def test_practice_feedback_now_returns_points_at_once(attempts, doc_bank, exams):
    form = practice_form(doc_bank, exams["ai-102"], types=["single"], count=1, seed=1)
    aid = attempts.start(form, doc_bank, feedback="now")
    fb = attempts.answer(aid, "docintel-invoice-prebuilt", "A")
    assert (fb.points, fb.max_points) == (1, 1)
    exam_id = attempts.start(form_of([MAIN]), doc_bank)
    assert attempts.answer(exam_id, "docintel-invoice-prebuilt", "A") is None  # exams say nothing


def test_history_filters_seen_missed_flagged(attempts, doc_bank):
    aid = attempts.start(form_of([MAIN]), doc_bank)
    attempts.answer(aid, "docintel-invoice-prebuilt", "A")
    attempts.answer(aid, "search-filter-sort-attributes", ["A", "C"])  # partly wrong
    attempts.flag(aid, "docintel-invoice-prebuilt")
    attempts.submit(aid)
    assert attempts.seen_items("ai-102") == {"docintel-invoice-prebuilt", "search-filter-sort-attributes"}
    assert attempts.missed_items("ai-102", 1) == {"search-filter-sort-attributes"}
    assert attempts.flagged_items("ai-102") == {"docintel-invoice-prebuilt"}
    later = attempts.start(form_of([MAIN]), doc_bank)
    attempts.answer(later, "docintel-invoice-prebuilt", "A")
    attempts.answer(later, "search-filter-sort-attributes", ["A", "B"])
    attempts.submit(later)
    assert attempts.missed_items("ai-102", 1) == set()
    assert attempts.missed_items("ai-102", 2) == {"search-filter-sort-attributes"}


def test_choices_are_shown_shuffled_per_attempt_and_stay_put(attempts, synthetic_bank):
    """Authors write the key first; an attempt shows the choices in its own order, the same on
    every reload, and a response names an option, not a place."""
    keys = [k for k in synthetic_bank.items if synthetic_bank.items[k].type == "single"][:20]
    form = form_of([Section("questions", "Questions", keys)], mode="practice")
    first, second = attempts.start(form, synthetic_bank), attempts.start(form, synthetic_bank)
    orders = {aid: {q.key: [o.id for o in q.body.options] for q in attempts.get(aid).questions}
              for aid in (first, second)}
    assert orders[first] == {q.key: [o.id for o in q.body.options] for q in attempts.get(first).questions}
    assert orders[first] != orders[second]
    assert any(ids != sorted(ids) for ids in orders[first].values())
    key = keys[0]
    attempts.answer(first, key, synthetic_bank.items[key].key)
    attempts.submit(first)
    assert attempts.get(first).question(key).points == 1


def test_the_bank_s_keys_are_not_given_away_by_position(exams):
    """Over the real bank, the key is shown first about as often as chance says (1 in n)."""
    from certprep.bank.loader import load_bank
    from certprep.engine.order import shuffled

    from .conftest import CONTENT
    bank = load_bank(CONTENT / "items")
    singles = [(i.id, i) for i in bank.items.values() if i.type == "single"]
    first = sum(shuffled(i, f"7/{k}").options[0].id == i.key for k, i in singles)
    expected = sum(1 / len(i.options) for _, i in singles)
    assert len(singles) > 50 and first < 2 * expected


def test_attempts_started_at_the_same_moment_all_start(store, exams, synthetic_bank):
    """Concurrent starts store the same item snapshots; on PostgreSQL they once deadlocked."""
    from concurrent.futures import ThreadPoolExecutor

    from certprep.engine.forms import exam_form

    def start(seed: int) -> int:
        learner = Attempts(store, exams, user=f"learner{seed}")
        return learner.start(exam_form(synthetic_bank, exams["ai-102"], 40, seed), synthetic_bank)
    with ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(start, range(12)))
    assert len(set(ids)) == 12
    assert all(len(Attempts(store, exams, user=f"learner{n}").get(i).questions) >= 40 for n, i in enumerate(ids))
