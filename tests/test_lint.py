"""The linter: one fixture per defect class, each reported as `path:line: id: problem (fix)`."""

from __future__ import annotations

from pathlib import Path

import datetime as dt
import re
import shutil

import pytest
import yaml
from click.testing import CliRunner

from certprep.bank.lint import lint_bank, lint_facts, load_retired_names
from certprep.bank.loader import load_bank
from certprep.cli import main

from .conftest import CONTENT, doc_examples

FIXTURES = Path(__file__).parent / "fixtures" / "lint"
TODAY = dt.date(2026, 12, 6)  # a fixed "today": facts age against it, not against the clock


def lint(path: Path, exams):
    return lint_bank(load_bank(path), exams, load_retired_names(CONTENT / "services.yaml"))


@pytest.mark.parametrize("name, line, message, fix", [
    ("malformed-yaml", 4, "malformed YAML", "fix the indentation, quoting"),
    ("duplicate-key", 13, "duplicate mapping key", "repeated key"),
    ("unknown-type", 2, "type: unknown item type 'hotspot'", "use one of single, multiple"),
    ("missing-stem", 1, "stem: required field missing", "add `stem:`"),
    ("unknown-skill", 13, "unknown skill id 'ai102.9.9.9'", "certprep exams --skills ai-102"),
    ("bad-key", 12, "key 'E' names no option", "set key to one of the option ids"),
    ("no-explanation", 9, "options 'B' has no explanation", "add `explanation:`"),
    ("no-refs", 1, "no refs", "learn.microsoft.com"),
    ("no-source", 1, "no source", "MicrosoftDocs/azure-ai-docs"),
    ("no-verified", 1, "no verified date", "verified: YYYY-MM-DD"),
    ("not-blind-reviewed", 17, "checked on 2026-12-06 but not blind-reviewed", "reviewed: {date: YYYY-MM-DD, blind: true}"),
    ("review-not-blind", 18, "not blind-reviewed", "without seeing it"),
    ("reviewed-before-verified", 18, "reviewed on 2026-12-05, before the key was last checked", "review the item again"),
    ("former-name", 1, "former name 'Form Recognizer' used", "Document Intelligence"),
    ("retired-service", 1, "retired service 'LUIS' named without saying it is retired", "migration"),
    ("retiring-service", 10, "retiring service 'prompt flow' named without its retirement on 2027-04-20",
     "say in the item that it retires on 2027-04-20"),
    ("choose-mismatch", 5, "choose is 3 but key has 2 options", "make choose equal"),
    ("undefined-blank", 6, "blank {{version}} in the template is not defined", "add a blank with id 'version'"),
    ("yaml-1-1-boolean", 1, "means something else to YAML 1.1", "quote ids"),
    ("target-without-key", 11, "target 't2' has no key", "add `t2: <source id>`"),
])
def test_each_defect_is_reported_with_file_line_and_fix(exams, name, line, message, fix):
    problems = lint(FIXTURES / f"{name}.yaml", exams)
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1, problems
    p = errors[0]
    assert p.path.endswith(f"{name}.yaml")
    assert p.line == line
    assert message in p.message
    assert fix in p.fix
    assert str(p).startswith(f"{p.path}:{line}: ")


@pytest.mark.parametrize("name", ["clean-item", "blind-reviewed", "former-name-ok", "times-as-text", "retiring-service-ok"])
def test_clean_items_have_no_problems(exams, name):
    assert lint(FIXTURES / f"{name}.yaml", exams) == []


def test_text_that_looks_like_a_time_or_date_stays_text(exams):
    """A YAML parser that reads "02:00:00" as a time made a right option text an error."""
    item = load_bank(FIXTURES / "times-as-text.yaml").items["times-as-text"]
    assert [o.text for o in item.options] == ["P1D", "02:00:00", "2026-01-01"]


def test_duplicate_ids_across_files(exams):
    problems = lint(FIXTURES / "dup", exams)
    assert [(Path(p.path).name, p.message.split(",")[0]) for p in problems] == [
        ("duplicate-id-2.yaml", "duplicate id")]
    assert "duplicate-id-1.yaml" in problems[0].message


def test_near_duplicate_stems_are_a_warning(exams):
    problems = lint(FIXTURES / "neardup", exams)
    assert [(p.severity, p.message) for p in problems] == [("warning", "stem nearly duplicates near-duplicate-a")]


def test_documented_examples_lint_clean(content_dir, exams):
    assert len(doc_examples()) == 8
    assert lint(content_dir / "items", exams) == []


def test_cli_lint_lists_every_problem_and_exits_1():
    result = CliRunner().invoke(main, ["lint", str(FIXTURES)])
    assert result.exit_code == 1
    out = result.output.splitlines()
    assert any("bad-key.yaml:12: bad-key: key 'E' names no option" in line for line in out)
    assert any("unknown-type.yaml:2: unknown-type:" in line for line in out)
    assert "errors" in result.output and "Traceback" not in result.output


def test_cli_lint_clean_folder_exits_0(content_dir):
    result = CliRunner().invoke(main, ["--content", str(content_dir), "lint", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_prompt_flow_is_retiring_in_the_catalog_and_items_must_say_so(exams, tmp_path):
    """Prompt flow still runs until 2027-04-20, so naming it is allowed; teaching it without its
    retirement is not. A date from another year or another service does not count."""
    shown = CliRunner().invoke(main, ["--content", str(CONTENT), "services", "prompt flow"])
    assert shown.exit_code == 0 and "retiring on 2027-04-20" in shown.output, shown.output
    assert "Agent Framework" in shown.output
    item = (FIXTURES / "retiring-service-ok.yaml").read_text().replace("April 20, 2027", "soon (Custom Vision retires in 2028)")
    (tmp_path / "retiring-service-ok.yaml").write_text(item)
    [problem] = lint(tmp_path, exams)
    assert "retiring service 'prompt flow'" in problem.message and problem.line == 10


def test_a_retired_model_is_flagged_by_its_id_but_not_its_successors_or_in_a_retired_item(exams, tmp_path):
    """gpt-image-1 retired on 2026-10-23; gpt-image-1.5 and gpt-image-1-mini are current, and "GPT-image-1
    series" is the docs' name for the family. A retired item is never served, so it keeps its words."""
    item = (FIXTURES / "retiring-service-ok.yaml").read_text()
    current = item.replace("A standard flow in prompt flow", "A gpt-image-1.5 or gpt-image-1-mini deployment (GPT-image-1 series)")
    current = current.replace("and retires on April 20, 2027", "").replace("Prompt flow is", "They are")
    (tmp_path / "current.yaml").write_text(current.replace("id: retiring-service-ok", "id: current-models"))
    assert lint(tmp_path, exams) == []
    (tmp_path / "current.yaml").write_text(current.replace("id: retiring-service-ok", "id: current-models")
                                           .replace("A gpt-image-1.5 or", "A gpt-image-1 or"))
    [problem] = lint(tmp_path, exams)
    assert "retired service 'gpt-image-1' named without saying it is retired" in problem.message
    (tmp_path / "current.yaml").write_text((tmp_path / "current.yaml").read_text().replace("status: live", "status: retired"))
    assert lint(tmp_path, exams) == []


def _dated(content: Path, old: dt.date, ai103: dict | None = None) -> Path:
    """The exams and career file of `content` with every as_of set to `old`, then AI-103's
    facts named in `ai103` (field: date) set apart."""
    for path in [*(content / "exams").glob("*.yaml"), content / "career.yaml"]:
        path.write_text(re.sub(r"as_of: '?\d{4}-\d\d-\d\d'?", f"as_of: '{old}'", path.read_text()))
    path = content / "exams" / "ai-103.yaml"
    data = yaml.safe_load(path.read_text())
    for field, day in (ai103 or {}).items():
        data[field]["as_of"] = day
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return content


@pytest.fixture
def aged_content(content_dir: Path) -> Path:
    shutil.copy(CONTENT / "career.yaml", content_dir / "career.yaml")
    # AI-103's status is due by a day (181 days old); its passing score is a day short (180).
    return _dated(content_dir, dt.date(2026, 9, 1), {"status": dt.date(2026, 6, 8), "passing": dt.date(2026, 6, 9)})


def test_facts_older_than_180_days_are_warnings_with_file_line_and_source(aged_content):
    problems = lint_facts(aged_content, TODAY)
    assert [(p.item_id, p.severity) for p in problems] == [("ai-103 status", "warning")]
    p = problems[0]
    text = (aged_content / "exams" / "ai-103.yaml").read_text()
    assert p.line == text[:text.index("  as_of: 2026-06-08")].count("\n") + 1
    assert "fact is 181 days old (as of 2026-06-08; due after 180 days)" in p.message
    page = "https://learn.microsoft.com/en-us/credentials/certifications/azure-ai-apps-and-agents-developer-associate/"
    assert f"check {page} again" in p.fix


def test_every_kind_of_fact_comes_due_but_retired_certifications_never_do(aged_content):
    _dated(aged_content, dt.date(2025, 1, 1))
    labels = {p.item_id for p in lint_facts(aged_content, TODAY)}
    assert {"ai-103 outline", "ai-103 duration", "ai-103 question count", "salaries", "preparation", "validity",
            "AI-103 (Azure AI Apps and Agents Developer Associate)", "path: AI-901 (optional)"} <= labels
    assert not {label for label in labels if label.startswith("ai-102")}  # a retired exam's facts are history
    assert "AWS Certified Machine Learning – Specialty (MLS-C01)" not in labels
    assert "AWS Certified Machine Learning Engineer – Associate (MLA-C01)" in labels


def test_a_fact_dated_after_today_is_an_error(aged_content):
    _dated(aged_content, TODAY + dt.timedelta(days=1))
    errors = [p for p in lint_facts(aged_content, TODAY) if p.severity == "error"]
    assert errors and all("is after today (2026-12-06)" in p.message for p in errors)


def test_cli_lint_prints_the_due_facts_and_still_exits_0(aged_content):
    result = CliRunner().invoke(main, ["--content", str(aged_content), "lint", "--today", "2026-12-06"])
    assert result.exit_code == 0, result.output
    assert "ai-103.yaml:" in result.output and "ai-103 status: warning: fact is 181 days old" in result.output
    assert "0 errors, 1 warnings" in result.output


def test_a_former_name_still_current_elsewhere_is_listed_but_not_flagged():
    names = {r.name: r.current for r in load_retired_names(CONTENT / "services.yaml")}
    assert names["Azure Cognitive Services"] == "Foundry Tools"
    assert "Azure AI services" not in names  # still the name of the endpoint and the resource in the docs
