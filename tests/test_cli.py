"""The CLI end to end with CliRunner: real content folders, real SQLite files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from certprep.bank.synthetic import synthetic_items
from certprep.cli import main
from certprep.engine.attempts import Attempts
from certprep.store.db import Store

from .conftest import CONTENT, write_items


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


@pytest.fixture
def synthetic_content(tmp_path, exams) -> Path:
    """Real blueprints, 400 synthetic single/multiple/yes_no items tagged for both exams."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT / "exams", root / "exams")
    shutil.copy(CONTENT / "services.yaml", root / "services.yaml")
    items = synthetic_items(400, exams["ai-102"], seed=3, types=("single", "multiple", "yes_no"))
    more = synthetic_items(300, exams["ai-103"], seed=4, types=("single",))
    for i, item in enumerate(more):
        item["id"] = f"synthetic-b{i:05d}"
    write_items(root / "items", items + more)
    return root


@pytest.fixture
def cli(synthetic_content, tmp_path):
    db = tmp_path / "cli.db"

    def invoke(*args, input=None):
        return run("--content", synthetic_content, "--db", db, *args, input=input)
    invoke.content = synthetic_content
    return invoke


def test_help_lists_every_command():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("exams", "diagnostic", "practice", "exam", "resume", "history", "review", "lint", "coverage"):
        assert command in result.output


def test_exams_show_status_and_skills():
    data = json.loads(run("exams", "--format", "json").output)
    by_code = {e["code"]: e for e in data}
    assert by_code["ai-102"]["status"] == "retired" and by_code["ai-102"]["successor"] == "ai-103"
    assert by_code["ai-103"]["minutes"] == 120 and len(by_code["ai-103"]["domains"]) == 5
    assert (by_code["ai-103"]["seat_minutes"], by_code["ai-103"]["as_of"]) == (140, "2026-09-12")
    skills = json.loads(run("exams", "--skills", "ai-103", "--format", "json").output)
    assert len(skills) == 64 and skills[0]["id"] == "ai103.1.1.1"
    text = " ".join(run("exams").output.split())  # Rich wraps at the terminal width
    assert "retired on 2026-06-30; successor AI-103" in text
    assert "120 minutes of exam time (140 seat time)" in text


@pytest.mark.parametrize("args", [["coverage", "--exam", "ai-999"], ["diagnostic", "--exam", "AI-999"],
                                  ["exams", "--skills", "az-900"]])
def test_unknown_exam_lists_the_valid_choices(args):
    result = run(*args)
    assert result.exit_code == 1
    assert "Error: unknown exam" in result.output and "valid choices: ai-102, ai-103" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("exam, domains, skills", [("ai-102", 6, 106), ("ai-103", 5, 64)])
def test_coverage_json_shape_on_the_bundled_bank(exam, domains, skills):
    result = run("coverage", "--exam", exam, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["exam"] == exam and isinstance(data["items"], int)
    assert len(data["domains"]) == domains and len(data["skills"]) == skills
    assert set(data["skills"][0]) == {"id", "domain", "name", "items"}
    assert set(data["domains"][0]) == {"id", "name", "weight_min", "weight_max", "items"}
    assert set(data["types"]) == {"single", "multiple", "matching", "build_list", "dropdown", "yes_no",
                                  "problem_solution", "case_study"}
    assert sum(data["types"].values()) == data["items"]


def test_coverage_of_some_domains_counts_only_their_items(cli, synthetic_content):
    from certprep.bank.loader import load_bank

    data = json.loads(cli("coverage", "--exam", "ai-102", "--domain", "ai102.1", "--domain", "ai102.3",
                          "--format", "json").output)
    live = [i for i in load_bank(synthetic_content / "items").items.values() if i.status == "live"]
    expected = [i for i in live if any(s.startswith(("ai102.1.", "ai102.3.")) for s in i.all_skills())]
    assert [d["id"] for d in data["domains"]] == ["ai102.1", "ai102.3"]
    assert {s["domain"] for s in data["skills"]} == {"ai102.1", "ai102.3"}
    assert data["items"] == len(expected) < len(live)
    assert sum(data["types"].values()) == sum(data["difficulty"].values()) == data["items"]
    assert data["single_share"] == round(sum(i.type == "single" for i in expected) / len(expected), 3)
    wrong = cli("coverage", "--exam", "ai-102", "--domain", "ai102.9")
    assert wrong.exit_code != 0 and "ai102.9" in wrong.output and "ai102.6" in wrong.output


def test_coverage_of_a_review_round_counts_only_its_blind_reviewed_items():
    from certprep.bank.loader import load_bank

    from .conftest import CONTENT

    data = json.loads(run("coverage", "--exam", "ai-103", "--reviewed-since", "2026-12-06", "--format", "json").output)
    expected = [i for i in load_bank(CONTENT / "items").live() if i.reviewed and i.reviewed.blind
                and any(s.startswith("ai103.") for s in i.all_skills())]
    assert data["reviewed_since"] == "2026-12-06" and data["items"] == len(expected) > 0
    everything = json.loads(run("coverage", "--exam", "ai-103", "--format", "json").output)
    assert everything["reviewed_since"] is None and everything["items"] > data["items"]
    later = json.loads(run("coverage", "--exam", "ai-103", "--reviewed-since", "2099-01-01", "--format", "json").output)
    assert later["items"] == 0


def test_diagnostic_from_an_answers_file_prints_a_scored_report(cli, tmp_path):
    form = json.loads(cli("diagnostic", "--exam", "ai-102", "--print-form").output)
    questions = [q for s in form["sections"] for q in s["questions"]]
    assert len(questions) == 35
    assert '"key"' not in json.dumps([{k: v for k, v in q.items() if k != "key"} for q in questions])
    assert "explanation" not in json.dumps(form)
    answers = {}
    for q in questions:
        answers[q["key"]] = {"single": "A", "multiple": ["A", "B"],
                             "yes_no": {s["id"]: "yes" for s in q.get("statements", [])}}[q["type"]]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": answers}))
    result = cli("diagnostic", "--exam", "ai-102", "--answers", path, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert 1 <= report["scaled_score"] <= 1000 and report["passing_score"] == 700
    assert len(report["domains"]) == 6 and sum(d["max_points"] for d in report["domains"]) == report["max_points"]
    assert report["passed"] == (report["scaled_score"] >= 700)
    history = json.loads(cli("history", "--format", "json").output)
    assert [(h["mode"], h["status"], h["answered"]) for h in history] == [("diagnostic", "finished", 35)]
    # A second diagnostic asks questions this learner has not seen (400 items: room for them all);
    # a new learner still gets the first form.
    again = json.loads(cli("diagnostic", "--exam", "ai-102", "--print-form").output)
    assert not {q["key"] for s in again["sections"] for q in s["questions"]} & {q["key"] for q in questions}
    fresh = run("--content", cli.content, "--db", tmp_path / "other.db", "diagnostic", "--exam", "ai-102", "--print-form")
    assert [q["key"] for s in json.loads(fresh.output)["sections"] for q in s["questions"]] == [q["key"] for q in questions]


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('{"answers": {"nope": "A"}}', "answers.nope: not a question of this form"),
    ('{"answers": []}', 'expected {"answers"'),
])
def test_bad_answers_files_name_the_file_and_the_fault(cli, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = cli("diagnostic", "--exam", "ai-102", "--answers", path)
    assert result.exit_code == 1
    assert str(path) in result.output and message in result.output
    assert json.loads(cli("history", "--format", "json").output) == []  # nothing half-started


def test_an_invalid_answer_in_the_file_is_refused_before_starting(cli, tmp_path):
    form = json.loads(cli("practice", "--exam", "ai-102", "--type", "single", "--count", "2", "--seed", "1",
                          "--print-form").output)
    key = form["sections"][0]["questions"][0]["key"]
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"answers": {key: "Z"}}))
    result = cli("practice", "--exam", "ai-102", "--type", "single", "--count", "2", "--seed", "1", "--answers", path)
    assert result.exit_code == 1 and f"answers.{key}: unknown option 'Z'" in result.output


def test_interactive_practice_with_feedback_flag_quit_resume_and_review(cli, tmp_path):
    args = ("practice", "--exam", "ai-102", "--type", "single", "--count", "3", "--seed", "2")
    form = json.loads(cli(*args, "--print-form").output)
    keys = [q["key"] for q in form["sections"][0]["questions"]]
    out = cli(*args, input="B\nf\nq\n").output
    assert "Correct" in out or "0 of 1 points" in out  # feedback now shows at once
    assert "Saved. Resume with: certprep resume 1" in out
    resumed = cli("resume", input="r\nq\n").output
    assert "Resuming attempt 1" in resumed
    assert "Question 1 of 3" in resumed and "Question 2 of 3" in resumed
    assert not [k for k in keys if k in resumed]  # item ids hint at answers: numbers while it is open
    lines = [line for line in resumed.splitlines() if "Question 1 of 3" in line and "│" in line]
    assert "yes" in lines[0] and lines[0].rstrip(" │").endswith("B")
    refused = cli("review", "1")
    assert refused.exit_code == 1 and "still open" in refused.output
    done = cli("resume", "1", input="A\nA\ne\ny\n").output
    assert "Attempt 1:" in done and "/3 points" in done and "/ 1000" not in done  # practice: points, no verdict
    review = cli("review", "1")
    assert review.exit_code == 0
    assert "Why option A is right or wrong." in review.output and "learn.microsoft.com" in review.output
    # Choices are shown shuffled per attempt; a typed letter names the option shown at that place.
    store = Store(f"sqlite:///{tmp_path / 'cli.db'}")
    view = Attempts(store, {}, user="local").get(1)
    store.close()
    shown = [[o.id for o in q.body.options] for q in view.questions]
    assert any(ids != sorted(ids) for ids in shown)
    for q in view.questions:
        assert f"{q.body.options[0].text}" in out + done + resumed
    data = json.loads(cli("review", "1", "--format", "json").output)
    assert [q["response"] for q in data["questions"]] == [shown[0][1], shown[1][0], shown[2][0]]
    assert [q["flagged"] for q in data["questions"]] == [False, True, False]


def test_unknown_attempt_lists_the_users_attempts(cli):
    result = cli("review", "42")
    assert result.exit_code == 1 and "unknown attempt 42; valid choices: (none)" in result.output


def test_a_bank_with_errors_is_not_served(synthetic_content, tmp_path):
    (synthetic_content / "items" / "broken.yaml").write_text("id: broken\ntype: single\n")
    result = run("--content", synthetic_content, "--db", tmp_path / "x.db", "diagnostic", "--exam", "ai-102")
    assert result.exit_code == 1 and "run `certprep lint`" in result.output and "broken.yaml" in result.output


def test_a_database_that_is_not_one_gets_a_clear_error(cli, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    result = run("--db", bad, "history")
    assert result.exit_code == 1 and "is not a SQLite database" in result.output and "Traceback" not in result.output
    assert bad.read_text() == "hello"


def test_services_answers_by_former_name_and_lists_choices_otherwise():
    result = run("services", "Form Recognizer")
    assert result.exit_code == 0 and "Document Intelligence" in result.output
    data = json.loads(run("services", "form recognizer", "--format", "json").output)
    assert [s["name"] for s in data] == ["Document Intelligence"]
    retired = json.loads(run("services", "LUIS", "--format", "json").output)
    assert retired[0]["status"] == "retired"
    missing = run("services", "no such thing")
    assert missing.exit_code == 1 and "unknown service" in missing.output and "Azure AI Search" in missing.output


def test_practice_from_history_unseen_missed_flagged(cli, tmp_path):
    args = ("practice", "--exam", "ai-102", "--type", "single", "--count", "4", "--seed", "5")
    form = json.loads(cli(*args, "--print-form").output)
    keys = [q["key"] for q in form["sections"][0]["questions"]]
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"answers": {keys[0]: "A", keys[1]: "B"}, "flags": [keys[2]]}))
    assert cli(*args, "--answers", answers).exit_code == 0
    report = json.loads(cli("review", "1", "--format", "json").output)
    missed = {q["key"] for q in report["questions"] if q["points"] < q["max_points"]}
    again = json.loads(cli("practice", "--exam", "ai-102", "--missed", "1", "--count", "50", "--print-form").output)
    assert {q["key"] for s in again["sections"] for q in s["questions"]} == missed
    flagged = json.loads(cli("practice", "--exam", "ai-102", "--flagged", "--print-form").output)
    assert [q["key"] for s in flagged["sections"] for q in s["questions"]] == [keys[2]]
    unseen = json.loads(cli("practice", "--exam", "ai-102", "--unseen", "--count", "700", "--print-form").output)
    assert not {q["key"] for s in unseen["sections"] for q in s["questions"]} & set(keys)


def test_readiness_calibrate_and_item_stats(cli, tmp_path):
    before = json.loads(cli("readiness", "--exam", "ai-102", "--format", "json").output)
    assert before["answered"] == 0 and len(before["domains"]) == 6
    args = ("practice", "--exam", "ai-102", "--type", "single", "--count", "30", "--seed", "8")
    form = json.loads(cli(*args, "--print-form").output)
    keys = [q["key"] for q in form["sections"][0]["questions"]]
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"answers": {k: "A" for k in keys}}))
    assert cli(*args, "--answers", answers).exit_code == 0
    after = json.loads(cli("readiness", "--exam", "ai-102", "--format", "json").output)
    assert after["answered"] == 30
    low, high = after["interval_90"]
    assert low <= after["expected_scaled_score"] <= high and (high - low) < (before["interval_90"][1] - before["interval_90"][0])
    assert "calibrated 0 questions" in cli("calibrate").output  # one attempt: too few responses
    stats = json.loads(cli("item-stats", "--format", "json").output)
    assert {s["item"] for s in stats} == set(keys) and all(s["responses"] == 1 for s in stats)
    assert sum(s["options"]["A"] for s in stats) == 30


def test_practice_reports_points_per_domain_and_no_verdict(cli, tmp_path, exams):
    args = ("practice", "--exam", "ai-102", "--type", "single", "--count", "3", "--seed", "1")
    form = json.loads(cli(*args, "--print-form").output)
    keys = [q["key"] for s in form["sections"] for q in s["questions"]]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": {k: "A" for k in keys}}))
    out = cli(*args, "--answers", path).output
    attempt = json.loads(cli("history", "--format", "json").output)[0]
    report = json.loads(cli("review", str(attempt["attempt"]), "--format", "json").output)["result"]
    assert f"{report['points']}/3 points" in out
    for d in report["domains"]:  # the domains the set touched, with their points
        if d["max_points"]:
            assert d["name"] in out and f"{d['points']}/{d['max_points']}" in out
    assert "PASS" not in out and "FAIL" not in out and "/ 1000" not in out
    assert "no pass/fail verdict" in out
    assert "docs/scoring.md" not in out  # a repository path means nothing to someone with the app


def test_an_exam_report_explains_the_scaled_score_without_a_repository_path(cli, tmp_path):
    form = json.loads(cli("diagnostic", "--exam", "ai-102", "--print-form").output)
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": {}}))
    out = cli("diagnostic", "--exam", "ai-102", "--answers", path).output
    assert "FAIL" in out and "/ 1000 (pass at 700)" in out
    assert "docs/scoring.md" not in out and "/scoring" in out
    assert form["sections"]
