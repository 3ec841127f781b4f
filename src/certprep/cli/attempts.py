"""`certprep diagnostic|check|exam|practice|resume|history|review`: taking forms and looking back at them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from certprep.cli.base import ANSWERS, CONFIDENCE, EXAM, FORMAT, PRINT_FORM, Context, _console, main, pass_ctx
from certprep.cli.learning import _review_queue


def _take(c: Context, form, fmt: str, answers: Path | None, print_form: bool, feedback: str = "end",
          confidence: bool = False) -> None:
    from certprep import answers as answers_file

    bank = c.bank()
    if print_form:
        click.echo(json.dumps(answers_file.describe_form(form, bank), indent=2))
        return
    attempts = c.attempts()
    if answers is not None:
        responses = answers_file.read(answers, form, bank)
        attempt_id = attempts.start(form, bank, feedback=feedback)
        result = answers_file.apply(attempts, attempt_id, form, responses)
        _print_result(c, attempt_id, result, fmt)
        return
    attempt_id = attempts.start(form, bank, feedback=feedback)
    _interactive(c, attempt_id, fmt, confidence)


def _interactive(c: Context, attempt_id: int, fmt: str, confidence: bool = False) -> None:
    from certprep.terminal import Session

    attempts = c.attempts()
    console = _console()
    stdin = sys.stdin
    view = Session(attempts, attempt_id, console, lambda: stdin.readline() or None, confidence).run()
    if not view.open:
        _print_result(c, attempt_id, view.result, fmt)


def _print_result(c: Context, attempt_id: int, result: dict, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps({"attempt": attempt_id, **result}, indent=2))
        return
    from certprep.terminal import render_check, render_report

    console = _console()
    mode = c.attempts().get(attempt_id).mode  # practice gets points, not a verdict
    console.print(render_check(result, f"Attempt {attempt_id}") if "check" in result
                  else render_report(result, f"Attempt {attempt_id}", mode))
    console.print(f"Review it with: certprep review {attempt_id}")


@main.command()
@EXAM
@ANSWERS
@PRINT_FORM
@CONFIDENCE
@FORMAT
@pass_ctx
def diagnostic(c: Context, exam_code: str, answers: Path | None, print_form: bool, confidence: bool, fmt: str) -> None:
    """The free 35-question diagnostic: the same form for everyone new to a bank version.
    A retake asks questions you have not seen first, within the blueprint's weights."""
    from certprep.engine.forms import diagnostic_form

    seen = c.attempts().seen_items()  # questions the learner has not seen come first
    _take(c, diagnostic_form(c.bank(), c.exam(exam_code), seen=seen), fmt, answers, print_form, confidence=confidence)


@main.command()
@EXAM
@click.option("--seed", type=int, help="Seed for a reproducible check.")
@click.option("--answers", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Answer each question the check asks from a JSON file of answers by question key "
                   "(docs/answers-file.md); it must answer every question the check may ask.")
@FORMAT
@pass_ctx
def check(c: Context, exam_code: str, seed: int | None, answers: Path | None, fmt: str) -> None:
    """A quick adaptive readiness check: 10 to 25 questions, each chosen from your answers so far,
    ending in a pass/fail call with its probability (docs/learning.md)."""
    from certprep.learn.checks import Checks

    bp, attempts = c.exam(exam_code), c.attempts()
    checks = Checks(attempts, c.bank())
    if answers is not None:
        from certprep import answers as answers_file
        from certprep.engine.forms import Form, Section
        from certprep.errors import AnswersFileError

        pool = checks.pool(bp)
        every = Form(bp.code, "check", [Section("questions", "Quick check", pool.keys)], 0, c.bank().version)
        given = answers_file.read(answers, every, c.bank())["answers"]
        attempt_id = checks.start(bp, seed)
        view = attempts.get(attempt_id)
        while view.open:
            key = view.current().key
            if key not in given:
                raise AnswersFileError(f"{answers}: answers: the check asked {key}, which the file does not answer; "
                                       f"the check is saved (certprep resume {attempt_id})")
            _, view = checks.answer(attempt_id, key, given[key])
        _print_result(c, attempt_id, view.result, fmt)
        return
    from certprep.terminal import run_check

    attempt_id = checks.start(bp, seed)
    view = run_check(checks, attempt_id, _console(), lambda: sys.stdin.readline() or None)
    if not view.open:
        _print_result(c, attempt_id, view.result, fmt)


@main.command()
@EXAM
@click.option("--questions", type=int, help="Number of questions (default: the blueprint's, 50).")
@click.option("--seed", type=int, help="Seed for a reproducible form.")
@ANSWERS
@PRINT_FORM
@CONFIDENCE
@FORMAT
@pass_ctx
def exam(c: Context, exam_code: str, questions: int | None, seed: int | None, answers: Path | None,
         print_form: bool, confidence: bool, fmt: str) -> None:
    """A timed exam simulation: sections that lock, flags, a review screen, scaled score.
    Questions you have not seen come first, within the blueprint's weights."""
    from certprep.engine.forms import exam_form

    form = exam_form(c.bank(), c.exam(exam_code), questions, seed, seen=c.attempts().seen_items())
    _take(c, form, fmt, answers, print_form, confidence=confidence)


@main.command()
@EXAM
@click.option("--domain", "domains", multiple=True, help="Domain id (repeatable), e.g. ai102.6.")
@click.option("--skill", "skills", multiple=True, help="Skill id (repeatable).")
@click.option("--type", "types", multiple=True, help="Item type (repeatable), e.g. dropdown.")
@click.option("--count", type=int, default=10, show_default=True, help="Number of items.")
@click.option("--unseen", is_flag=True, help="Only items you have never been shown.")
@click.option("--missed", type=int, metavar="N", help="Only items you missed in your last N finished attempts.")
@click.option("--flagged", is_flag=True, help="Only items you flagged.")
@click.option("--feedback", type=click.Choice(["now", "end"]), default="now", show_default=True,
              help="Show the key and explanations after each answer, or at the end.")
@click.option("--minutes", type=int, help="Optional time limit.")
@click.option("--seed", type=int, help="Seed for a reproducible selection.")
@ANSWERS
@PRINT_FORM
@CONFIDENCE
@FORMAT
@pass_ctx
def practice(c: Context, exam_code: str, domains, skills, types, count: int, unseen: bool, missed: int | None,
             flagged: bool, feedback: str, minutes: int | None, seed: int | None, answers: Path | None,
             print_form: bool, confidence: bool, fmt: str) -> None:
    """Practice by domain, skill, item type and history."""
    from certprep.engine.forms import practice_form

    bp = c.exam(exam_code)
    only = None
    if unseen or missed is not None or flagged:
        only = c.attempts().history_pool(c.bank(), bp.code, unseen=unseen, missed=missed, flagged=flagged)
    if withheld := c.attempts().withheld_items():  # an open exam's questions are not practised meanwhile
        only = (set(c.bank().items) if only is None else only) - set(withheld)
    form = practice_form(c.bank(), bp, domains=list(domains), skills=list(skills), types=list(types),
                         count=count, only=only, seed=seed, minutes=minutes)
    _take(c, form, fmt, answers, print_form, feedback, confidence)


@main.command()
@click.argument("attempt_id", required=False, type=int)
@FORMAT
@pass_ctx
def resume(c: Context, attempt_id: int | None, fmt: str) -> None:
    """Go on with an unfinished attempt (the latest one if no id is given)."""
    from certprep.errors import UnknownChoice
    from certprep.terminal import Session

    attempts = c.attempts()
    if attempt_id is None:
        attempt_id = attempts.latest_open()
        if attempt_id is None:
            raise UnknownChoice("open attempt", "(latest)", [])
    view = attempts.get(attempt_id)
    if not view.open:
        click.echo(f"Attempt {attempt_id} is {view.status}; see `certprep review {attempt_id}`.")
        _print_result(c, attempt_id, view.result, fmt)
        return
    console = _console()
    console.print(f"Resuming attempt {attempt_id} ({view.exam}, {view.mode}).")
    if view.mode == "check":
        from certprep.learn.checks import Checks
        from certprep.terminal import run_check

        view = run_check(Checks(attempts, c.bank()), attempt_id, console, lambda: sys.stdin.readline() or None)
        if not view.open:
            _print_result(c, attempt_id, view.result, fmt)
        return
    Session(attempts, attempt_id, console, lambda: None).review_screen(view)
    _interactive(c, attempt_id, fmt)


@main.command()
@click.option("--exam", "exam_code", help="Only this exam.")
@FORMAT
@pass_ctx
def history(c: Context, exam_code: str | None, fmt: str) -> None:
    """Your attempts, newest last, with their scores."""
    attempts = c.attempts().list(c.exam(exam_code).code if exam_code else None)
    rows = [{"attempt": a.id, "exam": a.exam, "mode": a.mode, "status": a.status,
             "started_at": a.started_at.isoformat(), "questions": len(a.questions),
             "answered": sum(q.answered for q in a.questions),
             **({"scaled_score": a.result["scaled_score"], "passed": a.result["passed"],
                 "domains": a.result["domains"]} if a.result else {})} for a in attempts]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    table = Table(title="Attempts")
    for col in ("#", "exam", "mode", "started", "status", "answered", "score"):
        table.add_column(col)
    for r in rows:
        score = f"{r['scaled_score']} {'pass' if r['passed'] else 'fail'}" if "scaled_score" in r else ""
        table.add_row(str(r["attempt"]), r["exam"], r["mode"], r["started_at"][:16].replace("T", " "), r["status"],
                      f"{r['answered']}/{r['questions']}", score)
    _console().print(table)


@main.command()
@click.argument("attempt_id", required=False, type=int)
@FORMAT
@pass_ctx
def review(c: Context, attempt_id: int | None, fmt: str) -> None:
    """Review your due mistakes (spaced repetition), or with ATTEMPT every item of that attempt
    with your answer, the key, every explanation and the refs."""
    if attempt_id is None:
        _review_queue(c)
        return
    from rich.text import Text

    from certprep.terminal import explanations, render_body, render_report, show_response

    view = c.attempts().get(attempt_id)
    if view.open:
        from certprep.errors import AttemptError

        raise AttemptError(f"attempt {attempt_id} is still open; finish it first (certprep resume {attempt_id}) "
                           "so that keys are never shown mid-attempt")
    if fmt == "json":
        click.echo(json.dumps({"attempt": view.id, "result": view.result, "questions": [
            {"key": q.key, "response": q.response, "points": q.points, "max_points": q.max_points,
             "flagged": q.flagged, "refs": q.item.model_dump(mode="json")["refs"]} for q in view.questions]}, indent=2))
        return
    console = _console()
    console.print(render_report(view.result, f"Attempt {attempt_id}", view.mode))
    withheld = c.attempts().withheld_items(exclude=attempt_id)
    for i, q in enumerate(view.questions, 1):
        console.rule(f"{i}. {q.key} · {q.points}/{q.max_points} points" + (" · ⚑" if q.flagged else ""))
        console.print(render_body(q.body))
        console.print(Text(f"Your answer: {show_response(q.body, q.response)}", style="bold"))
        if q.item.id in withheld:
            console.print(f"The key is withheld while attempt {withheld[q.item.id]} is open.", style="yellow")
            continue
        console.print(explanations(q.body))
        console.print(Text("Learn more:\n" + "\n".join(f"  {r.title}: {r.url}" for r in q.item.links())))
