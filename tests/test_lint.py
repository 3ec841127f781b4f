"""The linter: one fixture per defect class, each reported as `path:line: id: problem (fix)`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from certprep.bank.lint import lint_bank, load_retired_names
from certprep.bank.loader import load_bank
from certprep.cli import main

from .conftest import CONTENT, doc_examples

FIXTURES = Path(__file__).parent / "fixtures" / "lint"


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


@pytest.mark.parametrize("name", ["clean-item", "former-name-ok", "times-as-text", "retiring-service-ok"])
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
    result = CliRunner().invoke(main, ["--content", str(content_dir), "lint"])
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
