"""The bundled bank: it lints clean (which includes reading the same under YAML 1.1 and 1.2),
and both exams can be sat from it."""

from __future__ import annotations

import pytest

from certprep.bank.lint import lint_bank, load_retired_names
from certprep.bank.loader import load_bank
from certprep.engine.forms import diagnostic_form, exam_form

from .conftest import CONTENT


@pytest.fixture(scope="module")
def bank():
    return load_bank(CONTENT / "items")


def test_the_bundled_bank_lints_without_errors_or_warnings(bank, exams):
    assert lint_bank(bank, exams, load_retired_names(CONTENT / "services.yaml")) == []


@pytest.mark.parametrize("exam", ["ai-102", "ai-103"])
def test_both_exams_can_be_sat_from_the_bundled_bank(bank, exams, exam):
    assert len(diagnostic_form(bank, exams[exam]).keys()) == 35
    for seed in range(5):
        assert len(exam_form(bank, exams[exam], seed=seed).keys()) == 50


def test_starter_content_covers_every_type_and_every_ai102_domain(bank, exams):
    live = bank.live()
    assert {i.type for i in live} == {"single", "multiple", "matching", "build_list", "dropdown", "yes_no",
                                      "problem_solution", "case_study"}
    bp = exams["ai-102"]
    domains = {bp.domain_of_skill[s].id for i in live for s in i.all_skills() if s in bp.skills}
    assert domains == {d.id for d in bp.domains}
    assert len(live) >= 40
