"""Golden scoring: every type, partial credit and its edge cases, the scaled score."""

from __future__ import annotations

import pytest

from certprep.engine.scoring import body_of, normalize, points, scaled_score, score
from certprep.errors import InvalidResponse


def got(bank, item_id, response, part=None):
    body = body_of(bank.items[item_id], part)
    return points(body, normalize(body, response)), body.max_points()


def test_single_is_all_or_nothing(doc_bank):
    assert got(doc_bank, "docintel-invoice-prebuilt", "A") == (1, 1)
    assert got(doc_bank, "docintel-invoice-prebuilt", "B") == (0, 1)
    with pytest.raises(InvalidResponse, match="unknown option 'E'"):
        got(doc_bank, "docintel-invoice-prebuilt", "E")


def test_multiple_earns_a_point_per_key_option(doc_bank):
    assert got(doc_bank, "search-filter-sort-attributes", ["A", "B"]) == (2, 2)
    assert got(doc_bank, "search-filter-sort-attributes", ["B", "A"]) == (2, 2)
    assert got(doc_bank, "search-filter-sort-attributes", ["A", "C"]) == (1, 2)
    assert got(doc_bank, "search-filter-sort-attributes", ["C", "D"]) == (0, 2)
    assert got(doc_bank, "search-filter-sort-attributes", ["A"]) == (1, 2)  # fewer than asked: partial
    with pytest.raises(InvalidResponse, match="at most 2"):
        got(doc_bank, "search-filter-sort-attributes", ["A", "B", "C"])  # choosing all cannot game it


def test_matching_scores_each_target_and_allows_reuse(doc_bank):
    full = {"t1": "pii", "t2": "language", "t3": "sentiment"}
    assert got(doc_bank, "language-feature-matching", full) == (3, 3)
    assert got(doc_bank, "language-feature-matching", {"t1": "pii", "t2": "pii", "t3": "pii"}) == (1, 3)
    assert got(doc_bank, "language-feature-matching", {"t2": "language"}) == (1, 3)
    with pytest.raises(InvalidResponse, match="unknown target"):
        got(doc_bank, "language-feature-matching", {"t9": "pii"})


def test_build_list_scores_each_slot(doc_bank):
    item = "keys-rotation-order"
    assert got(doc_bank, item, ["s1", "s2", "s3", "s4"]) == (4, 4)
    assert got(doc_bank, item, ["s2", "s1", "s3", "s4"]) == (2, 4)  # two swapped
    assert got(doc_bank, item, ["s1", "s2", "s5", "s4"]) == (3, 4)  # a spare in slot 3
    assert got(doc_bank, item, ["s1"]) == (1, 4)
    with pytest.raises(InvalidResponse, match="only once"):
        got(doc_bank, item, ["s1", "s1"])
    with pytest.raises(InvalidResponse, match="4 slots"):
        got(doc_bank, item, ["s1", "s2", "s3", "s4", "s5"])


def test_dropdown_scores_each_blank(doc_bank):
    item = "openai-keyless-client"
    assert got(doc_bank, item, {"scope": "ai", "url": "v1", "model": "deployment"}) == (3, 3)
    assert got(doc_bank, item, {"scope": "mgmt", "url": "v1", "model": "deployment"}) == (2, 3)
    assert got(doc_bank, item, {"scope": "ai"}) == (1, 3)
    with pytest.raises(InvalidResponse, match="unknown option 'x'"):
        got(doc_bank, item, {"scope": "x"})


def test_yes_no_scores_each_statement_and_reads_many_spellings(doc_bank):
    item = "keys-and-rotation-statements"
    assert got(doc_bank, item, {"s1": "yes", "s2": "no", "s3": "yes"}) == (3, 3)
    assert got(doc_bank, item, {"s1": True, "s2": "N", "s3": "y"}) == (3, 3)
    assert got(doc_bank, item, {"s1": "no", "s2": "no"}) == (1, 3)
    with pytest.raises(InvalidResponse, match="yes or no"):
        got(doc_bank, item, {"s1": "maybe"})


def test_problem_solution_scores_each_solution(doc_bank):
    item = "keyless-app-access-ps"
    assert got(doc_bank, item, "yes", "mi") == (1, 1)
    assert got(doc_bank, item, "yes", "kv") == (0, 1)
    assert got(doc_bank, item, "no", "rotate") == (1, 1)


def test_case_study_questions_score_by_their_type(doc_bank):
    assert got(doc_bank, "case-contoso-claims", "A", "q1") == (1, 1)
    assert got(doc_bank, "case-contoso-claims", {"s1": "yes", "s2": "yes"}, "q2") == (1, 2)


@pytest.mark.parametrize("fraction, expected", [
    (0.0, 1), (0.35, 351), (0.7, 700), (0.85, 850), (1.0, 1000), (-1, 1), (2, 1000)])
def test_scaled_score_puts_the_cut_at_700(fraction, expected):
    assert scaled_score(fraction, 0.7) == expected


def test_scaled_score_with_another_cut():
    assert scaled_score(0.6, 0.6) == 700
    assert scaled_score(0.8, 0.6) == 850
    assert scaled_score(0.3, 0.6) == 351


def test_report_domains_skills_and_weakest_areas(doc_bank, exams):
    bp = exams["ai-102"]
    qs = [(k, doc_bank.items[k], None) for k in
          ("docintel-invoice-prebuilt", "search-filter-sort-attributes", "language-feature-matching",
           "keys-and-rotation-statements")]
    report = score(qs, {"docintel-invoice-prebuilt": "A", "keys-and-rotation-statements": {"s1": True}}, bp)
    assert (report.points, report.max) == (2, 9)
    assert not report.passed
    d = report.to_dict()
    by_id = {x["id"]: x for x in d["domains"]}
    assert by_id["ai102.6"]["points"] == 1 and by_id["ai102.6"]["max_points"] == 3
    assert by_id["ai102.1"]["points"] == 1 and by_id["ai102.1"]["max_points"] == 3
    assert by_id["ai102.5"]["percent"] == 0.0
    assert d["weakest_domains"][0] == "ai102.5"
    assert len(d["weakest_domains"]) == 3
    assert d["scaled_score"] == scaled_score(2 / 9, 0.7)


def test_a_pass_names_no_weakest_areas(doc_bank, exams):
    qs = [("docintel-invoice-prebuilt", doc_bank.items["docintel-invoice-prebuilt"], None)]
    report = score(qs, {"docintel-invoice-prebuilt": "A"}, exams["ai-102"])
    assert report.passed and report.scaled == 1000 and report.weakest == []
