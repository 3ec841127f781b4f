"""`certprep readiness|plan|calibrate|item-stats`, and the review queue that `certprep review` serves."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from certprep.cli.base import EXAM, FORMAT, Context, _console, main, pass_ctx
from certprep.errors import CertprepError


def _review_queue(c: Context) -> None:
    """Serve the due questions one at a time; each answer reschedules its card (FSRS)."""
    from certprep.bank.items import split_question_key
    from certprep.engine.scoring import normalize, points
    from certprep.learn import review as queue
    from certprep.terminal import explanations, parse_input, render_body

    attempts, bank, console = c.attempts(), c.bank(), _console()
    now = attempts.clock()
    with attempts.store.session.begin() as s:
        keys = queue.due(s, attempts.user, now)
    withheld = attempts.withheld_items()  # questions of an open exam wait until it is finished
    keys = [k for k in keys if split_question_key(k)[0] in bank.items and split_question_key(k)[0] not in withheld]
    if not keys:
        console.print("Nothing is due. Mistakes from your attempts come back here when they are due."
                      + (" Questions of your open exam wait until you finish it." if withheld else ""))
        return
    stdin = sys.stdin
    for n, key in enumerate(keys, 1):
        item_id, part = split_question_key(key)
        body = queue.shown(bank.items[item_id], part, key, now)
        console.rule(f"Review {n} of {len(keys)}")  # not the key: it names the item
        console.print(render_body(body))
        while True:
            console.print("answer (q to stop)> ", end="")
            line = stdin.readline()
            if not line or line.strip() == "q":
                return
            try:
                response = normalize(body, parse_input(body, line.strip(), lambda p: (console.print(p + "> ", end=""), stdin.readline())[1]))
                break
            except CertprepError as exc:
                console.print(f"[red]{exc}[/red]")
        share = points(body, response) / body.max_points()
        console.print("Correct" if share == 1 else f"{share:.0%} of the points", style="bold green" if share == 1 else "bold red")
        console.print(explanations(body))
        from rich.text import Text

        console.print(Text("Learn more:\n" + "\n".join(f"  {r.title}: {r.url}" for r in bank.items[item_id].links())))
        with attempts.store.session.begin() as s:
            queue.record(s, attempts.user, key, queue.rating_for(share), attempts.clock())


@main.command()
@EXAM
@FORMAT
@pass_ctx
def readiness(c: Context, exam_code: str, fmt: str) -> None:
    """Your expected scaled score with a 90 % interval, chance of passing, and mastery per domain."""
    from certprep.learn.readiness import learner_readiness

    bp, attempts = c.exam(exam_code), c.attempts()
    result = learner_readiness(attempts.store, attempts.user, c.bank(), bp).to_dict()
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    console = _console()
    low, high = result["interval_90"]
    console.print(f"{bp.exam}: expected {result['expected_scaled_score']} (90 % interval {low}–{high}), "
                  f"chance of passing {result['probability_of_passing']:.0%}, from {result['answered']} answers")
    for d in result["domains"]:
        mastery = "—" if d["mastery"] is None else f"{d['mastery']:.0%}"
        console.print(f"  {mastery:>5}  {d['name']} ({d['answered']} answered)")
    console.print("How this is estimated: docs/learning.md", style="dim")


@main.command()
@EXAM
@click.option("--date", "exam_date", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Exam date, YYYY-MM-DD.")
@click.option("--hours", type=float, default=8, show_default=True, help="Hours of study per week.")
@click.option("--certified-on", type=click.DateTime(["%Y-%m-%d"]), help="Add the renewal window of a certification.")
@click.option("--ics", type=click.Path(dir_okay=False, path_type=Path), help="Write the plan as a calendar file.")
@FORMAT
@pass_ctx
def plan(c: Context, exam_code: str, exam_date, hours: float, certified_on, ics: Path | None, fmt: str) -> None:
    """A week-by-week study plan to your exam date, weighted by the blueprint and your weak domains."""
    from certprep.learn.plan import learner_plan, to_ics

    bp, attempts = c.exam(exam_code), c.attempts()
    try:
        built = learner_plan(attempts.store, attempts.user, c.bank(), bp, exam_date.date(), hours,
                             attempts.clock().date(), certified_on.date() if certified_on else None)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if ics:
        ics.write_bytes(to_ics(built, bp))
    if fmt == "json":
        click.echo(json.dumps(built.to_dict(), indent=2))
        return
    console = _console()
    names = {d.id: d.name for d in bp.domains}
    console.print(f"{bp.exam} on {built.exam_date}: {len(built.weeks)} weeks at {hours:g} h a week")
    for n, week in enumerate(built.weeks, 1):
        detail = ", ".join(f"{names[d]} {h:.1f} h" for d, h in week.hours.items()) or week.focus
        console.print(f"  week {n} ({week.start}): {detail}")
    for note in built.notes:
        console.print(note, style="yellow")
    if built.renewal:
        console.print(f"Renewal window: {built.renewal[0]} to {built.renewal[1]}")
    if ics:
        console.print(f"Calendar written to {ics}")


@main.command()
@click.option("--min-responses", default=50, show_default=True, type=int, help="Responses an item needs.")
@pass_ctx
def calibrate(c: Context, min_responses: int) -> None:
    """Fit 2PL item parameters from all stored responses (others keep their authored prior)."""
    from certprep.learn.data import calibrate_store

    n = calibrate_store(c.attempts().store, min_responses=min_responses)
    click.echo(f"calibrated {n} questions with at least {min_responses} responses; the rest keep their prior")


@main.command(name="item-stats")
@FORMAT
@click.option("--flagged", is_flag=True, help="Only items with flags.")
@pass_ctx
def item_stats(c: Context, fmt: str, flagged: bool) -> None:
    """Facility, discrimination, option use and flags (a possibly wrong key) for every item."""
    from certprep.learn.data import store_item_statistics

    stats = [s for s in store_item_statistics(c.attempts().store, c.bank()) if s.flags or not flagged]
    if fmt == "json":
        click.echo(json.dumps([s.to_dict() for s in stats], indent=2))
        return
    from rich.table import Table

    table = Table(title="Item statistics")
    for col in ("item", "n", "facility", "discrimination", "flags"):
        table.add_column(col)
    for s in stats:
        disc = "—" if s.discrimination is None else f"{s.discrimination:.2f}"
        table.add_row(s.item_id, str(s.responses), f"{s.facility:.2f}", disc, "; ".join(s.flags))
    _console().print(table)
