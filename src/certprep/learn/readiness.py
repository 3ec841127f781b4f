"""Readiness: from everything a learner has answered, an ability estimate (2PL, EAP on a grid),
turned into an expected scaled score with a 90 % interval, a probability of passing, and mastery
per domain. docs/learning.md explains the method in plain words.

The reference form is every live question of the exam, weighted so that each domain counts by
the middle of its blueprint weight range: the score a learner would expect on a typical form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from certprep.bank.blueprint import Blueprint
from certprep.bank.items import AnyItem, CaseStudyItem, question_key
from certprep.bank.loader import Bank, question_domain
from certprep.engine.scoring import body_of, scaled_score
from certprep.learn.irt import GRID, ItemParams, expected_share, posterior, prior_params, quantile
from certprep.store.db import Store
from certprep.store.models import Attempt, AttemptQuestion, CalibratedItem


@dataclass
class Readiness:
    exam: str
    answered: int
    theta: float
    theta_sd: float
    expected_scaled: int
    low: int  # 90 % interval
    high: int
    p_pass: float
    domains: list[dict]

    def to_dict(self) -> dict:
        return {"exam": self.exam, "answered": self.answered, "ability": round(self.theta, 3),
                "ability_sd": round(self.theta_sd, 3), "expected_scaled_score": self.expected_scaled,
                "interval_90": [self.low, self.high], "probability_of_passing": round(self.p_pass, 3),
                "domains": self.domains}


def question_params(item: AnyItem, part: str | None, calibrated: dict[str, ItemParams]) -> ItemParams:
    key = question_key(item.id, part)
    if key in calibrated:
        return calibrated[key]
    difficulty = item.difficulty
    if isinstance(item, CaseStudyItem) and part is not None:
        difficulty = body_of(item, part).difficulty or item.difficulty
    return prior_params(difficulty)


def load_calibration(store: Store) -> dict[str, ItemParams]:
    with store.session.begin() as s:
        return {r.key: ItemParams(r.a, r.b, calibrated=True, responses=r.responses)
                for r in s.scalars(select(CalibratedItem)).all()}


def learner_outcomes(store: Store, user: str, bp: Blueprint, bank: Bank) -> list[tuple[AnyItem, str | None, float]]:
    """(item, part, share of points) of every scored answer the user gave to questions of `bp`."""
    from certprep.bank.items import split_question_key

    out = []
    with store.session.begin() as s:
        rows = s.execute(select(AttemptQuestion.key, AttemptQuestion.points, AttemptQuestion.max_points)
                         .join(Attempt).where(Attempt.user_id == user, Attempt.status != "open",
                                              AttemptQuestion.response.is_not(None))).all()
    for key, points, most in rows:
        item_id, part = split_question_key(key)
        item = bank.items.get(item_id)
        if item is None or points is None or question_domain(item, part, bp) is None:
            continue
        out.append((item, part, points / most))
    return out


@dataclass(frozen=True)
class Reference:
    """The typical form on GRID: expected share of points and scaled score at each ability, and
    the expected share on each domain's questions (mastery). Computed once per bank and reused."""

    share: np.ndarray
    scaled: np.ndarray
    domains: dict[str, np.ndarray | None]
    cut: float  # raw share at the pass mark


def reference(bank: Bank, bp: Blueprint, calibrated: dict[str, ItemParams]) -> Reference:
    questions = [(item, part, question_domain(item, part, bp)) for item in bank.for_exam(bp)
                 for part, _ in item.parts()]
    questions = [q for q in questions if q[2] is not None]
    weight_of = {d.id: (d.weight_min + d.weight_max) / 2 for d in bp.domains}
    per_domain = {d.id: sum(1 for q in questions if q[2] == d.id) for d in bp.domains}
    params = [question_params(item, part, calibrated) for item, part, _ in questions]
    weights = np.array([weight_of[d] / per_domain[d] for _, _, d in questions])
    share = expected_share(params, weights)
    scaled = np.array([scaled_score(x, bp.passing.raw_cut, bp.passing.scaled) for x in share], dtype=float)
    domains = {}
    for d in bp.domains:
        idx = [i for i, q in enumerate(questions) if q[2] == d.id]
        domains[d.id] = expected_share([params[i] for i in idx]) if idx else None
    return Reference(share, scaled, domains, bp.passing.raw_cut)


def summarise(bp: Blueprint, ref: Reference, post: np.ndarray, answered: dict[str, int]) -> Readiness:
    """Readiness from an ability posterior on GRID; `answered` counts answers per domain."""
    theta = float((post * GRID).sum())
    sd = float(np.sqrt((post * (GRID - theta) ** 2).sum()))
    domains = []
    for d in bp.domains:
        curve = ref.domains.get(d.id)
        mastery = None if curve is None else round(float((post * curve).sum()), 3)
        domains.append({"id": d.id, "name": d.name, "mastery": mastery, "answered": answered.get(d.id, 0)})
    return Readiness(bp.code, sum(answered.values()), theta, sd, int(round(float((post * ref.scaled).sum()))),
                     int(quantile(post, ref.scaled, 0.05)), int(quantile(post, ref.scaled, 0.95)),
                     float(post[ref.share >= ref.cut].sum()), domains)


def estimate(bank: Bank, bp: Blueprint, outcomes: list[tuple[AnyItem, str | None, float]],
             calibrated: dict[str, ItemParams], ref: Reference | None = None) -> Readiness:
    post = posterior([(question_params(item, part, calibrated), share) for item, part, share in outcomes])
    answered: dict[str, int] = {}
    for item, part, _ in outcomes:
        d = question_domain(item, part, bp)
        answered[d] = answered.get(d, 0) + 1
    return summarise(bp, ref or reference(bank, bp, calibrated), post, answered)


def learner_readiness(store: Store, user: str, bank: Bank, bp: Blueprint,
                      calibrated: dict[str, ItemParams] | None = None) -> Readiness:
    """Readiness of one learner for one exam, from everything they have answered."""
    calibrated = load_calibration(store) if calibrated is None else calibrated
    return estimate(bank, bp, learner_outcomes(store, user, bp, bank), calibrated)
