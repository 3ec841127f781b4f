"""Response data from stored attempts, for calibration and item statistics (all learners)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import delete, select

from certprep.bank.items import MultipleBody, SingleBody, split_question_key
from certprep.bank.loader import ITEM_ADAPTER, Bank
from certprep.learn.irt import MIN_RESPONSES, calibrate
from certprep.learn.itemstats import ItemStats, item_statistics
from certprep.store.db import Store
from certprep.store.models import Attempt, AttemptQuestion, CalibratedItem, ItemVersion


def scored_rows(store: Store) -> list[tuple[int, str, int, int, object]]:
    """(attempt, question key, points, max points, response) of every finished attempt."""
    with store.session.begin() as s:
        return [tuple(r) for r in s.execute(
            select(AttemptQuestion.attempt_id, AttemptQuestion.key, AttemptQuestion.points,
                   AttemptQuestion.max_points, AttemptQuestion.response)
            .join(Attempt).where(Attempt.status != "open", AttemptQuestion.points.is_not(None))).all()]


def matrix_of(rows, column_of) -> tuple[list[str], np.ndarray]:
    """Attempts × columns of point shares (NaN: not shown); `column_of(key)` names the column."""
    attempts = sorted({r[0] for r in rows})
    columns = sorted({column_of(r[1]) for r in rows})
    a_index, c_index = {a: i for i, a in enumerate(attempts)}, {c: j for j, c in enumerate(columns)}
    points = np.zeros((len(attempts), len(columns)))
    most = np.zeros_like(points)
    for attempt, key, got, top, _ in rows:
        i, j = a_index[attempt], c_index[column_of(key)]
        points[i, j] += got
        most[i, j] += top
    with np.errstate(invalid="ignore", divide="ignore"):
        return columns, np.where(most > 0, points / most, np.nan)


def calibrate_store(store: Store, clock=lambda: dt.datetime.now(dt.UTC), min_responses: int = MIN_RESPONSES) -> int:
    """Fit 2PL parameters for every question with enough responses; returns how many."""
    keys, matrix = matrix_of(scored_rows(store), lambda key: key)
    fitted = calibrate(matrix, min_responses) if keys else []
    now = clock()
    with store.session.begin() as s:
        s.execute(delete(CalibratedItem))
        for key, params in zip(keys, fitted):
            if params is not None:
                s.add(CalibratedItem(key=key, a=params.a, b=params.b, responses=params.responses, calibrated_at=now))
    return sum(p is not None for p in fitted)


def chosen_texts(store: Store) -> list[tuple[str, list[str]]]:
    """(item id, texts of the options chosen) of every finished single or multiple answer, read
    against the item version the learner saw: option ids change when the bank is re-lettered."""
    with store.session.begin() as s:
        rows = s.execute(select(AttemptQuestion.key, AttemptQuestion.response, AttemptQuestion.item_hash)
                         .join(Attempt).where(Attempt.status != "open", AttemptQuestion.points.is_not(None))).all()
        rows = [(key, response, h) for key, response, h in rows if response and split_question_key(key)[1] is None]
        shown = {h: ITEM_ADAPTER.validate_python(s.get(ItemVersion, h).body) for h in {r[2] for r in rows}}
    out = []
    for key, response, h in rows:
        if isinstance(shown[h], (SingleBody, MultipleBody)):
            text = {o.id: o.text for o in shown[h].options}
            out.append((key, [text[c] for c in ([response] if isinstance(response, str) else response) if c in text]))
    return out


def store_item_statistics(store: Store, bank: Bank) -> list[ItemStats]:
    """Item statistics over every finished attempt, with option use for choice items (an option
    counts a choice of the option with the same text in the version shown)."""
    rows = scored_rows(store)
    ids, matrix = matrix_of(rows, lambda key: split_question_key(key)[0])
    options: dict[str, dict[str, int]] = {}
    distractors: dict[str, list[str]] = {}
    for item_id in ids:
        body = bank.items.get(item_id)
        if isinstance(body, (SingleBody, MultipleBody)):
            options[item_id] = {o.id: 0 for o in body.options}
            keys = {body.key} if isinstance(body, SingleBody) else set(body.key)
            distractors[item_id] = [o.id for o in body.options if o.id not in keys]
    for item_id, texts in chosen_texts(store):
        if item_id in options:
            by_text = {o.text: o.id for o in bank.items[item_id].options}
            for text in texts:
                if text in by_text:  # an option reworded since is not counted against the new text
                    options[item_id][by_text[text]] += 1
    return item_statistics(ids, matrix, options, distractors)
