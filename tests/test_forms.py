"""Forms: blueprint weight ranges over many seeds, sections for sets and cases, the fixed
diagnostic, practice filters, and clear errors when the bank is too small."""

from __future__ import annotations

from collections import Counter

import pytest

from certprep.bank.loader import question_domain
from certprep.bank.synthetic import synthetic_items
from certprep.engine.forms import diagnostic_form, domain_ranges, exam_form, practice_form
from certprep.errors import FormError, UnknownChoice

from .conftest import bank_of


def domain_counts(form, bank, bp) -> Counter:
    counts: Counter = Counter()
    for key in form.keys():
        item_id, _, part = key.partition("/")
        counts[question_domain(bank.items[item_id], part or None, bp)] += 1
    return counts


def test_domain_ranges_round_inward(exams):
    assert domain_ranges(exams["ai-102"], 50) == {
        "ai102.1": (10, 12), "ai102.2": (8, 10), "ai102.3": (3, 5), "ai102.4": (5, 7),
        "ai102.5": (8, 10), "ai102.6": (8, 10)}


@pytest.mark.parametrize("n", [40, 50, 60])
def test_exam_form_honours_the_weight_ranges_over_many_seeds(synthetic_bank, exams, n):
    bp = exams["ai-102"]
    ranges = domain_ranges(bp, n)
    seen_forms = set()
    for seed in range(60):
        form = exam_form(synthetic_bank, bp, n, seed=seed)
        keys = form.keys()
        assert len(keys) == n and len(set(keys)) == n
        counts = domain_counts(form, synthetic_bank, bp)
        for d, (lo, hi) in ranges.items():
            assert lo <= counts[d] <= hi, (seed, d, counts[d], lo, hi)
        seen_forms.add(tuple(keys))
    assert len(seen_forms) == 60  # seeds really vary the form


def test_exam_form_delivers_sets_and_cases_as_their_own_sections(synthetic_bank, exams):
    form = exam_form(synthetic_bank, exams["ai-102"], 50, seed=3)
    kinds = [s.kind for s in form.sections]
    assert kinds == ["questions", "problem_solution", "case_study"]
    ps = form.sections[1]
    assert not ps.revisit and all("/" in k for k in ps.questions)
    assert len({k.split("/")[0] for k in form.sections[2].questions}) == 1
    assert form.minutes == exams["ai-102"].duration_minutes


def test_same_seed_same_form(synthetic_bank, exams):
    a = exam_form(synthetic_bank, exams["ai-102"], seed=11)
    b = exam_form(synthetic_bank, exams["ai-102"], seed=11)
    assert a.to_dict() == b.to_dict()


def test_exam_length_outside_the_blueprint_is_refused(synthetic_bank, exams):
    with pytest.raises(FormError, match="40 to 60 questions"):
        exam_form(synthetic_bank, exams["ai-102"], 70, seed=1)


def test_a_bank_too_small_names_the_domain_that_is_short(exams):
    bp = exams["ai-102"]
    small = bank_of(synthetic_items(30, bp, seed=1, types=("single",)))
    with pytest.raises(FormError, match=r"ai102\.\d needs at least \d+, the bank has \d+"):
        exam_form(small, bp, 50, seed=1)


def test_diagnostic_is_fixed_per_bank_version_and_weighted(synthetic_bank, exams):
    bp = exams["ai-102"]
    a, b = diagnostic_form(synthetic_bank, bp), diagnostic_form(synthetic_bank, bp)
    assert a.keys() == b.keys() and len(a.keys()) == 35
    counts = domain_counts(a, synthetic_bank, bp)
    for d, (lo, hi) in domain_ranges(bp, 35).items():
        assert lo <= counts[d] <= hi
    assert all(synthetic_bank.items[k].type not in ("case_study", "problem_solution") for k in a.keys())
    changed = bank_of(synthetic_items(601, bp, seed=7))  # one more item: a new bank version
    assert diagnostic_form(changed, bp).bank_version != a.bank_version


def standalone_by_domain(bank, bp) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for item in bank.for_exam(bp):
        if item.type not in ("case_study", "problem_solution"):
            out.setdefault(question_domain(item, None, bp), set()).add(item.id)
    return out


def test_exams_prefer_questions_not_seen_and_keep_the_weights(synthetic_bank, exams):
    bp = exams["ai-102"]
    ranges = domain_ranges(bp, 50)
    seen: set[str] = set()
    firsts = []
    for seed in range(4):  # four exams in a row, each after the ones before
        form = exam_form(synthetic_bank, bp, 50, seed=seed, seen=seen)
        assert not set(form.item_ids()) & seen, seed  # 600 items: room for four unseen forms
        counts = domain_counts(form, synthetic_bank, bp)
        assert all(lo <= counts[d] <= hi for d, (lo, hi) in ranges.items()), (seed, counts)
        seen |= set(form.item_ids())
        firsts.append(form.sections[0].questions[0])
    # Without a history the same seed gives the same form as before.
    assert exam_form(synthetic_bank, bp, 50, seed=0).to_dict() == exam_form(synthetic_bank, bp, 50, seed=0, seen=set()).to_dict()


def test_when_unseen_questions_run_short_seen_ones_fill_the_quota(synthetic_bank, exams):
    bp = exams["ai-102"]
    supply = standalone_by_domain(synthetic_bank, bp)
    keep = {d: set(sorted(ids)[:3]) for d, ids in supply.items()}  # three unseen per domain
    seen = set().union(*supply.values()) - set().union(*keep.values())
    for seed in range(10):
        form = exam_form(synthetic_bank, bp, 50, seed=seed, seen=seen)
        main = set(form.sections[0].questions)
        counts = domain_counts(form, synthetic_bank, bp)
        for d, (lo, hi) in domain_ranges(bp, 50).items():
            assert lo <= counts[d] <= hi
        for d, ids in keep.items():  # every unseen question of a domain is used before a seen one
            in_main = sum(question_domain(synthetic_bank.items[i], None, bp) == d for i in main)
            assert len(ids & main) == min(len(ids), in_main), (seed, d)


def test_a_second_diagnostic_asks_other_questions(synthetic_bank, exams):
    bp = exams["ai-102"]
    first = diagnostic_form(synthetic_bank, bp)
    assert diagnostic_form(synthetic_bank, bp, seen=set()).keys() == first.keys()  # new learners: one form
    second = diagnostic_form(synthetic_bank, bp, seen=set(first.item_ids()))
    assert len(second.keys()) == 35 and not set(second.keys()) & set(first.keys())
    counts = domain_counts(second, synthetic_bank, bp)
    for d, (lo, hi) in domain_ranges(bp, 35).items():
        assert lo <= counts[d] <= hi


def test_practice_filters_by_domain_skill_type_and_history(synthetic_bank, exams):
    bp = exams["ai-102"]
    form = practice_form(synthetic_bank, bp, domains=["ai102.6"], types=["dropdown"], count=5, seed=1)
    ids = form.item_ids()
    assert len(ids) == 5
    for i in ids:
        item = synthetic_bank.items[i]
        assert item.type == "dropdown" and item.skills[0].startswith("ai102.6.")
    only = set(ids[:2])
    again = practice_form(synthetic_bank, bp, count=10, only=only, seed=2)
    assert set(again.item_ids()) == only
    skill = synthetic_bank.items[ids[0]].skills[0]
    by_skill = practice_form(synthetic_bank, bp, skills=[skill], count=50, seed=1)
    assert all(skill in synthetic_bank.items[i].all_skills() for i in by_skill.item_ids())


def test_practice_puts_cases_and_sets_in_sections_of_their_own(synthetic_bank, exams):
    form = practice_form(synthetic_bank, exams["ai-102"], types=["case_study", "problem_solution", "single"],
                         count=6, seed=5)
    kinds = Counter(s.kind for s in form.sections)
    assert kinds["questions"] <= 1
    assert kinds["case_study"] + kinds["problem_solution"] == sum(
        synthetic_bank.items[i].type in ("case_study", "problem_solution") for i in form.item_ids())


def test_practice_rejects_unknown_filters_listing_valid_choices(synthetic_bank, exams):
    with pytest.raises(UnknownChoice, match="valid choices: ai102.1, ai102.2"):
        practice_form(synthetic_bank, exams["ai-102"], domains=["ai102.9"])
    with pytest.raises(UnknownChoice, match="unknown item type 'hotspot'"):
        practice_form(synthetic_bank, exams["ai-102"], types=["hotspot"])
    with pytest.raises(FormError, match="no live items match"):
        practice_form(synthetic_bank, exams["ai-102"], only=set())
