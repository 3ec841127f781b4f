"""The bundled bank: it lints clean (which includes reading the same under YAML 1.1 and 1.2),
and both exams can be sat from it."""

from __future__ import annotations

import pytest

from certprep.bank.lint import lint_bank, load_retired_names, load_unreviewed
from certprep.bank.loader import load_bank
from certprep.engine.forms import diagnostic_form, exam_form

from .conftest import CONTENT


@pytest.fixture(scope="module")
def bank():
    return load_bank(CONTENT / "items")


def test_the_bundled_bank_lints_without_errors_or_warnings(bank, exams):
    assert lint_bank(bank, exams, load_retired_names(CONTENT / "services.yaml"),
                     load_unreviewed(CONTENT / "unreviewed.txt")) == []


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


def test_every_career_and_exam_fact_is_dated_and_sourced(exams):
    """Each section of the career page and each exam fact carries as_of and an https source."""
    from certprep.bank.career import load_career

    career = load_career(CONTENT)
    facts = career.facts()
    assert len(facts) == 3 + len(career.comparison) + len(career.path)  # salaries, preparation, validity
    for bp in exams.values():
        facts += bp.facts()
        assert {f.label.split(" ", 1)[1] for f in bp.facts()} == {"outline", "status", "duration",
                                                                   "question count", "passing score"}
    for f in facts:
        assert f.sourced.as_of.year >= 2026 and f.sourced.source.startswith("https://"), f.label
    assert career.salaries.source == career.article.url and career.salaries.as_of == career.article.date


def test_a_fact_without_as_of_is_refused_naming_file_line_and_field(tmp_path):
    from certprep.bank.blueprint import load_blueprint
    from certprep.bank.career import load_career
    from certprep.errors import BankError

    text = (CONTENT / "career.yaml").read_text()
    (tmp_path / "career.yaml").write_text(text.replace("  as_of: 2026-08-18\n", "", 1))
    with pytest.raises(BankError) as err:
        load_career(tmp_path)
    line = text[:text.index("validity:")].count("\n") + 1
    assert f"career.yaml:{line}: validity.as_of: Field required" in str(err.value)

    retired = text.replace('    successors: ["AI-300 (Machine Learning Operations Engineer Associate)"]\n', "")
    (tmp_path / "career.yaml").write_text(retired)
    with pytest.raises(BankError, match="DP-100.*a retired certification needs retired_on and successors"):
        load_career(tmp_path)

    bp = (CONTENT / "exams" / "ai-103.yaml").read_text()
    (tmp_path / "ai-103.yaml").write_text(bp.replace(
        "  source: https://learn.microsoft.com/en-us/credentials/certifications/azure-ai-apps-and-agents-developer-associate/\n"
        "duration:", "  source: learn.microsoft.com/credentials\nduration:"))
    with pytest.raises(BankError) as err:
        load_blueprint(tmp_path / "ai-103.yaml")
    line = bp[:bp.index("duration:")].count("\n")
    assert f"ai-103.yaml:{line}: status.source: Value error, source 'learn.microsoft.com/credentials' is not an https URL" \
        in str(err.value)


def test_ai103_timer_is_microsofts_exam_time_and_the_seat_time_is_separate(exams):
    d = exams["ai-103"].duration
    assert (exams["ai-103"].duration_minutes, d.exam_minutes, d.seat_minutes) == (120, 120, 140)
    assert d.seat_source == "https://learn.microsoft.com/en-us/credentials/support/exam-duration-exam-experience"
    assert (exams["ai-102"].duration_minutes, exams["ai-102"].duration.seat_minutes) == (100, 120)
