"""Spaced repetition: outcomes become FSRS ratings, mistakes join the queue and come back when
due, and the FSRS integration is checked on a real Anki review log."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fsrs import Rating

import certprep
from certprep.engine.forms import Form, Section
from certprep.learn import review as queue
from certprep.learn.review import ReviewEventData, fit_parameters, predicted_recall, rating_for

from .conftest import shared_data

REVLOG = ("fsrs-revlog-josh", "review_logs_josh_1711744352250_to_1728234780857.csv")
GOLDEN = [0.12340357383516173, 1.2931, 2.397673571899466, 8.2956, 6.686820427099132, 0.45021679958387956,
          3.077875127553957, 0.053520395733247045, 1.6539992229052127, 0.1466206769107436, 0.6300772488850335,
          1.611965002575047, 0.012840136810798864, 0.34853762746216305, 1.8878958285806287, 0.8546376191171063,
          1.8729, 0.6748536823468675, 0.20451266082721842, 0.22622814695113844, 0.46030603398979064]


@pytest.mark.parametrize("share, confidence, rating", [
    (0.0, None, Rating.Again), (0.0, "high", Rating.Again), (0.5, None, Rating.Hard), (1.0, "low", Rating.Hard),
    (1.0, None, Rating.Good), (1.0, "medium", Rating.Good), (1.0, "high", Rating.Easy)])
def test_outcomes_map_to_fsrs_ratings(share, confidence, rating):
    assert rating_for(share, confidence) == rating


def test_mistakes_join_the_queue_and_come_back_when_due(attempts, doc_bank, clock):
    form = Form("ai-102", "practice", [Section("questions", "Q", ["docintel-invoice-prebuilt",
                                                                "search-filter-sort-attributes",
                                                                "keys-and-rotation-statements"])], 1, "t")
    aid = attempts.start(form, doc_bank)
    attempts.answer(aid, "docintel-invoice-prebuilt", "B")  # wrong
    attempts.answer(aid, "search-filter-sort-attributes", ["A", "B"], confidence="low")  # right but unsure
    attempts.answer(aid, "keys-and-rotation-statements", {"s1": "yes", "s2": "no", "s3": "yes"})  # right
    attempts.submit(aid)
    with attempts.store.session.begin() as s:
        assert queue.due(s, "local", clock()) == []  # learning steps: not due at once
        later = clock() + dt.timedelta(minutes=10)
        assert sorted(queue.due(s, "local", later)) == ["docintel-invoice-prebuilt", "search-filter-sort-attributes"]
        assert queue.queued(s, "local") == 2
        queue.record(s, "local", "docintel-invoice-prebuilt", Rating.Good, later)
        card = s.get(queue.ReviewCard, ("local", "docintel-invoice-prebuilt"))
        due = card.due if card.due.tzinfo else card.due.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC
        assert due - later == dt.timedelta(minutes=10)  # FSRS's second learning step (golden, fuzzing off)


def test_confident_and_wrong_answers_are_singled_out(attempts, doc_bank):
    form = Form("ai-102", "practice", [Section("questions", "Q", ["docintel-invoice-prebuilt"])], 1, "t")
    aid = attempts.start(form, doc_bank)
    attempts.answer(aid, "docintel-invoice-prebuilt", "C", confidence="high")
    assert attempts.submit(aid)["confident_and_wrong"] == ["docintel-invoice-prebuilt"]


def test_review_in_the_terminal(tmp_path, content_dir):
    from click.testing import CliRunner

    from certprep.cli import main

    db = tmp_path / "r.db"
    base = ["--content", str(content_dir), "--db", str(db)]
    form = json.loads(CliRunner().invoke(main, [*base, "practice", "--exam", "ai-102", "--type", "single",
                                                "--seed", "1", "--print-form"]).output)
    key = form["sections"][0]["questions"][0]["key"]
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"answers": {key: "D"}}))
    CliRunner().invoke(main, [*base, "practice", "--exam", "ai-102", "--type", "single", "--seed", "1",
                              "--answers", str(answers)])
    assert "Nothing is due" in CliRunner().invoke(main, [*base, "review"]).output
    with pytest.MonkeyPatch.context() as mp:  # ten minutes later the mistake is due
        real = queue.due
        mp.setattr(queue, "due", lambda s, user, now, limit=50: real(s, user, now + dt.timedelta(minutes=11), limit))
        out = CliRunner().invoke(main, [*base, "review"], input="A\n").output
    assert "Review 1 of 1" in out and "Correct" in out and "learn.microsoft.com" in out
    assert key.split("/")[0] not in out.split("Correct")[0]  # the question is not named before it is answered


def load_revlog() -> list[ReviewEventData]:
    with shared_data(*REVLOG).open() as fh:
        return [ReviewEventData(row["card_id"], int(row["review_rating"]),
                                dt.datetime.fromisoformat(row["review_time"].replace("Z", "+00:00")))
                for row in csv.DictReader(fh)]


def test_fsrs_optimizer_reproduces_the_published_parameters():
    assert fit_parameters(load_revlog()) == pytest.approx(GOLDEN, abs=1e-6)


def test_fitted_fsrs_predicts_held_out_recall_better_than_a_constant():
    events = load_revlog()
    split = events[int(len(events) * 0.8)].at
    train = [e for e in events if e.at < split]
    params = fit_parameters(train)
    train_pairs = predicted_recall(params, train, since=train[0].at)
    base = sum(r for _, r in train_pairs) / len(train_pairs)
    held = predicted_recall(params, events, since=split)
    assert len(held) > 500

    def log_loss(pairs):
        return -sum(math.log(p if r else 1 - p) for p, r in pairs) / len(pairs)

    model = log_loss([(min(max(p, 1e-6), 1 - 1e-6), r) for p, r in held])
    constant = log_loss([(base, r) for _, r in held])
    assert model < constant


# A sitecustomize that makes torch absent, as in an install without the `optimizer` extra.
WITHOUT_TORCH = '''
import sys

class NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NoTorch())
'''

FIT_ONE_REVIEW = '''
import datetime as dt
from certprep.errors import CertprepError
from certprep.learn.review import ReviewEventData, fit_parameters
try:
    import torch
except ImportError:
    print("torch is absent")
try:
    fit_parameters([ReviewEventData("q1", 1, dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc))])
except CertprepError as exc:
    print(f"Error: {exc}")
'''


def test_fitting_without_the_optimizer_extra_says_what_to_install(tmp_path):
    (tmp_path / "sitecustomize.py").write_text(WITHOUT_TORCH)
    src = Path(certprep.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(src)])}
    out = subprocess.run([sys.executable, "-c", FIT_ONE_REVIEW], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "torch is absent",
        "Error: fitting FSRS parameters to your own reviews needs the optional extra 'optimizer' "
        "(torch is not installed); install it with: pip install 'certprep[optimizer]'"]
