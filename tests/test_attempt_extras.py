"""The exam-UI extras an attempt keeps (issue 15): intro screens shown once per problem–solution
set and case study, options struck through per question, and "Show answer" in practice. All of
it is stored, so a restart (a new Store over the same database) keeps it."""

from __future__ import annotations

import datetime as dt

import pytest

from certprep.engine.attempts import Attempts
from certprep.engine.scoring import body_of
from certprep.errors import AttemptError, SectionLocked, UnknownChoice
from certprep.learn import review
from certprep.store.db import Store

from .test_attempts import CASE, MAIN, PS, form_of

SINGLE, MULTIPLE, YES_NO = "docintel-invoice-prebuilt", "search-filter-sort-attributes", "keys-and-rotation-statements"


def restarted(database_url, exams, clock) -> tuple[Store, Attempts]:
    store = Store(database_url)
    return store, Attempts(store, exams, clock=clock)


def test_intro_screens_show_once_per_set_and_case_and_survive_a_restart(attempts, doc_bank, database_url, exams, clock):
    aid = attempts.start(form_of([MAIN, PS, CASE]), doc_bank)
    assert attempts.get(aid).intro_due is None  # ordinary questions start at once
    attempts.finish_section(aid)
    assert attempts.get(aid).intro_due == "problem_solution"
    attempts.dismiss_intro(aid)
    store, again = restarted(database_url, exams, clock)
    try:
        assert again.get(aid).intro_due is None
        again.answer(aid, "keyless-app-access-ps/mi", "yes")
        assert again.get(aid).intro_due is None  # not again within the set
        again.finish_section(aid)
        assert again.get(aid).intro_due == "case_study"
        again.dismiss_intro(aid)
        again.dismiss_intro(aid)  # twice (a double tap) is harmless
        assert again.get(aid).intro_due is None and again.get(aid).current().key == "case-contoso-claims/q1"
    finally:
        store.close()


def test_a_practice_that_starts_with_a_set_shows_its_intro_first(attempts, doc_bank):
    aid = attempts.start(form_of([PS], mode="practice"), doc_bank, feedback="now")
    assert attempts.get(aid).intro_due == "problem_solution"


def test_struck_options_are_kept_by_shown_position_and_stay_answerable(attempts, doc_bank, database_url, exams, clock):
    aid = attempts.start(form_of([MAIN, CASE]), doc_bank)
    assert attempts.strike(aid, 0, 2) == [2]  # question 1, the option shown second
    assert attempts.strike(aid, 0, 4) == [2, 4]
    assert attempts.strike(aid, 0, 2, struck=False) == [4]
    assert attempts.strike(aid, 1, 1) == [1]  # question 2 keeps its own
    store, again = restarted(database_url, exams, clock)
    try:
        view = again.get(aid)
        assert view.question(0).struck == [4] and view.question(1).struck == [1]
        struck_option = view.question(0).body.options[3].id
        again.answer(aid, SINGLE, struck_option)  # striking is a note to oneself, not a lock
        assert again.get(aid).question(0).response == struck_option
    finally:
        store.close()


def test_strike_refuses_what_it_cannot_mean(attempts, doc_bank):
    aid = attempts.start(form_of([MAIN, CASE]), doc_bank)
    options = len(body_of(doc_bank.items[SINGLE], None).options)
    with pytest.raises(UnknownChoice, match=f"1 to {options}"):
        attempts.strike(aid, 0, options + 1)
    with pytest.raises(UnknownChoice):
        attempts.strike(aid, 0, 0)
    with pytest.raises(SectionLocked):
        attempts.strike(aid, 2, 1)  # the case study's section has not started
    other = attempts.start(form_of([type(MAIN)("questions", "Q", [YES_NO])]), doc_bank)
    with pytest.raises(AttemptError, match="only the options of single-answer and choose-N"):
        attempts.strike(other, 0, 1)


def practice(attempts, doc_bank, keys):
    return attempts.start(form_of([type(MAIN)("questions", "Practice", keys)], mode="practice"), doc_bank,
                          feedback="now")


def test_show_answer_counts_as_not_answered_and_is_final(attempts, doc_bank, store, clock):
    aid = practice(attempts, doc_bank, [SINGLE, MULTIPLE])
    attempts.reveal(aid, 0)
    q = attempts.get(aid).question(0)
    assert q.revealed and q.done and not q.answered and q.points == 0
    key = doc_bank.items[SINGLE].key
    with pytest.raises(AttemptError, match="its answer was shown"):
        attempts.answer(aid, SINGLE, key)  # the key, now known, earns nothing
    attempts.answer(aid, MULTIPLE, list(doc_bank.items[MULTIPLE].key))
    result = attempts.submit(aid)
    assert [(r["points"], r["answered"]) for r in result["questions"]] == [(0, False), (2, True)]
    with store.session.begin() as s:  # looked up, so it comes back for review soon
        assert SINGLE in review.due(s, "local", clock() + dt.timedelta(days=2))


def test_show_answer_only_in_practice_with_feedback_and_before_answering(attempts, doc_bank):
    exam = attempts.start(form_of([MAIN]), doc_bank)
    with pytest.raises(AttemptError, match="only in practice with feedback"):
        attempts.reveal(exam, 0)
    later = attempts.start(form_of([MAIN], mode="practice"), doc_bank, feedback="end")
    with pytest.raises(AttemptError, match="only in practice with feedback"):
        attempts.reveal(later, 0)
    aid = practice(attempts, doc_bank, [SINGLE, MULTIPLE])
    attempts.answer(aid, SINGLE, "A")
    with pytest.raises(AttemptError, match="answered already"):
        attempts.reveal(aid, 0)


def test_show_answer_never_gives_away_an_open_exam_s_key(attempts, doc_bank):
    attempts.start(form_of([MAIN]), doc_bank)  # an open exam holds SINGLE
    aid = practice(attempts, doc_bank, [SINGLE])
    with pytest.raises(AttemptError, match="open attempt"):
        attempts.reveal(aid, 0)
    assert not attempts.get(aid).question(0).revealed
