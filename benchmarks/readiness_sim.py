"""Readiness on simulated learners: how often is the pass/fail verdict right, and is the chance
of passing calibrated?

Each simulated learner has a known ability θ. "True" item parameters are the authored priors
perturbed (a ~ U(0.7, 1.8), b = prior + N(0, 0.5)). The learner takes the bank's 35-question
diagnostic, then a 50-question exam; every question's share of points is drawn from the 2PL.
Truth: passing means the true expected share on a typical form is at or above the cut.

Readiness is estimated twice: with the authored priors only (a new bank, nothing calibrated)
and with the true parameters (a fully calibrated bank). Printed per case: verdict agreement
(P(pass) ≥ 0.5 vs the truth), Brier score, expected calibration error (10 bins) and the mean
absolute error of the expected scaled score. Goals (issue 6): agreement ≥ 0.90 from the
diagnostic alone; calibration error ≤ 0.05.

    .venv/bin/python benchmarks/readiness_sim.py [--exam ai-102] [--learners 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random

import numpy as np

from certprep.bank.items import question_key
from certprep.bank.loader import content_root, load_bank, load_exams, question_domain
from certprep.engine.forms import diagnostic_form, exam_form
from certprep.engine.scoring import body_of, scaled_score
from certprep.learn.irt import ItemParams, p_correct
from certprep.learn.readiness import estimate, question_params


def expected_calibration_error(p: np.ndarray, truth: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    return float(sum(abs(p[which == k].mean() - truth[which == k].mean()) * (which == k).mean()
                     for k in range(bins) if (which == k).any()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exam", default="ai-102")
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng, pyrng = np.random.default_rng(args.seed), random.Random(args.seed)
    content = content_root()
    bank, bp = load_bank(content / "items"), load_exams(content)[args.exam]
    questions = [(item, part) for item in bank.for_exam(bp) for part, _ in item.parts()
                 if question_domain(item, part, bp)]
    true = {}
    for item, part in questions:
        prior = question_params(item, part, {})
        true[question_key(item.id, part)] = ItemParams(float(rng.uniform(0.7, 1.8)), prior.b + float(rng.normal(0, 0.5)))
    # The truth's typical form: every question, each domain weighted by the middle of its range.
    weight_of = {d.id: (d.weight_min + d.weight_max) / 2 for d in bp.domains}
    domains = [question_domain(item, part, bp) for item, part in questions]
    counts = {d: domains.count(d) for d in set(domains)}
    weights = np.array([weight_of[d] / counts[d] for d in domains])
    params = [true[question_key(i.id, p)] for i, p in questions]
    diagnostic = diagnostic_form(bank, bp)

    def take(form, theta):
        out = []
        for key in form.keys():
            item_id, _, part = key.partition("/")
            item, part = bank.items[item_id], part or None
            most = body_of(item, part).max_points()
            p = float(p_correct(np.array([theta]), true[key].a, true[key].b)[0])
            out.append((item, part, rng.binomial(most, p) / most))
        return out

    results = {case: {"p": [], "truth": [], "err": []} for case in
               ("diagnostic, priors", "diagnostic, calibrated", "diagnostic + exam, priors", "diagnostic + exam, calibrated")}
    for _ in range(args.learners):
        theta = float(rng.normal(0, 1.2))
        share = float(sum(w * p_correct(np.array([theta]), p.a, p.b)[0] for w, p in zip(weights, params)) / weights.sum())
        passes = share >= bp.passing.raw_cut
        true_scaled = scaled_score(share, bp.passing.raw_cut, bp.passing.scaled)
        diag = take(diagnostic, theta)
        both = diag + take(exam_form(bank, bp, seed=pyrng.randrange(2**31)), theta)
        for case, outcomes, known in (("diagnostic, priors", diag, {}), ("diagnostic, calibrated", diag, true),
                                      ("diagnostic + exam, priors", both, {}), ("diagnostic + exam, calibrated", both, true)):
            r = estimate(bank, bp, outcomes, known)
            results[case]["p"].append(r.p_pass)
            results[case]["truth"].append(passes)
            results[case]["err"].append(abs(r.expected_scaled - true_scaled))

    rate = np.mean([t for t in results["diagnostic, priors"]["truth"]])
    print(f"{args.learners} simulated learners on {bp.exam} ({len(questions)} live questions); {rate:.0%} truly pass")
    print(f"{'case':<32} {'agreement':>9} {'Brier':>7} {'ECE':>7} {'|scaled error|':>15}")
    for case, r in results.items():
        p, truth = np.array(r["p"]), np.array(r["truth"], dtype=float)
        agreement = float(((p >= 0.5) == (truth == 1)).mean())
        print(f"{case:<32} {agreement:9.3f} {float(((p - truth) ** 2).mean()):7.3f} "
              f"{expected_calibration_error(p, truth):7.3f} {float(np.mean(r['err'])):15.1f}")
    print("goals: agreement >= 0.90 from the diagnostic alone; ECE <= 0.05")


if __name__ == "__main__":
    main()
