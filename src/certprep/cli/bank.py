"""`certprep exams|lint|coverage|services`: the exams, the item bank and the service catalog."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from certprep.cli.base import EXAM, FORMAT, Context, _console, main, pass_ctx


@main.command()
@click.option("--skills", "skills_of", metavar="EXAM", help="List every skill id of this exam.")
@FORMAT
@pass_ctx
def exams(c: Context, skills_of: str | None, fmt: str) -> None:
    """List the exams, or one exam's skill ids."""
    console = _console()
    if skills_of:
        bp = c.exam(skills_of)
        rows = [{"id": s.id, "domain": d.id, "group": g.name, "name": s.name}
                for d in bp.domains for g in d.skill_groups for s in g.skills]
        if fmt == "json":
            click.echo(json.dumps(rows, indent=2))
            return
        from rich.table import Table

        table = Table(title=f"{bp.exam} skills ({bp.outline.version})")
        for col in ("id", "skill"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["id"], r["name"])
        console.print(table)
        return
    data = [{"code": bp.code, "exam": bp.exam, "title": bp.title, "status": bp.status.state,
             "retired_on": str(bp.status.retired_on or ""), "successor": bp.status.successor,
             "minutes": bp.duration_minutes, "seat_minutes": bp.duration.seat_minutes,
             "questions": f"{bp.questions.min}-{bp.questions.max}",
             "passing": bp.passing.scaled, "outline": str(bp.outline.date), "as_of": str(bp.duration.as_of),
             "domains": [{"id": d.id, "name": d.name, "weight": f"{d.weight_min}-{d.weight_max}%"} for d in bp.domains]}
            for bp in c.exams().values()]
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    from rich.table import Table

    for e in data:
        table = Table(title=f"{e['exam']}: {e['title']}", title_justify="left")
        table.add_column("domain")
        table.add_column("weight", justify="right")
        for d in e["domains"]:
            table.add_row(d["name"], d["weight"])
        console.print(table)
        status = e["status"] + (f" on {e['retired_on']}; successor {e['successor'].upper()}" if e["retired_on"] else "")
        seat = f" ({e['seat_minutes']} seat time)" if e["seat_minutes"] else ""
        console.print(f"  {e['minutes']} minutes of exam time{seat} · {e['questions']} questions · "
                      f"pass at {e['passing']} · outline {e['outline']} · {status} · as of {e['as_of']}\n")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date the career and exam facts are aged against (default: today).")
@pass_ctx
def lint(c: Context, paths: tuple[Path, ...], today) -> None:
    """Check items and a content folder's career and exam facts; exit 1 on any error.

    PATHS are item files or folders (default: the bundled bank). A career or exam fact older than
    180 days is a warning: its next check is due."""
    from certprep.bank.lint import lint_bank, lint_facts, load_retired_names, load_unreviewed
    from certprep.bank.loader import Bank, item_files, load_file

    bank, n_files = Bank(), 0
    for root in paths or (c.content,):
        items_root = root / "items" if (root / "items").is_dir() else root
        for path in item_files(items_root):
            load_file(path, bank)
            n_files += 1
    problems = lint_bank(bank, c.exams(), load_retired_names(c.content / "services.yaml"),
                           load_unreviewed(c.content / "unreviewed.txt"))
    for root in paths or (c.content,):
        if (root / "exams").is_dir():  # a content folder: its career and exam facts age too
            problems += lint_facts(root, today.date() if today else dt.date.today())
    for p in problems:
        click.echo(str(p))
    errors = sum(p.severity == "error" for p in problems)
    click.echo(f"{n_files} files checked: {errors} errors, {len(problems) - errors} warnings", err=True)
    sys.exit(1 if errors else 0)


@main.command()
@EXAM
@click.option("--min", "minimum", type=int, default=3, show_default=True, help="Flag skills with fewer live items.")
@click.option("--domain", "domains", multiple=True, help="Count only these domains, e.g. ai102.1 (repeatable).")
@click.option("--reviewed-since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Count only items blind-reviewed on or after this day (a writing round's items).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def coverage(c: Context, exam_code: str, minimum: int, domains: tuple[str, ...], reviewed_since, fmt: str) -> None:
    """Live items per skill, domain, type and difficulty, and the skills below --min."""
    from certprep.bank.coverage import coverage as compute

    report = compute(c.bank(), c.exam(exam_code), minimum, list(domains),
                     reviewed_since.date() if reviewed_since else None)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2))
        return
    from rich.table import Table

    console = _console()
    table = Table(title=f"{report['exam']}: {report['items']} live items")
    for col in ("domain", "weight", "items"):
        table.add_column(col)
    for d in report["domains"]:
        table.add_row(f"{d['id']} {d['name']}", f"{d['weight_min']}-{d['weight_max']}%", str(d["items"]))
    console.print(table)
    console.print("types: " + ", ".join(f"{t} {n}" for t, n in report["types"].items())
                  + f" (single {report['single_share']:.0%})")
    console.print("difficulty: " + ", ".join(f"{d}: {n}" for d, n in report["difficulty"].items()))
    low = [s for s in report["skills"] if s["items"] < minimum]
    console.print(f"{len(low)} of {len(report['skills'])} skills have fewer than {minimum} live items:")
    for s in low:
        console.print(f"  {s['id']:<14} {s['items']}  {s['name']}")


@main.command()
@click.argument("name", required=False)
@FORMAT
@pass_ctx
def services(c: Context, name: str | None, fmt: str) -> None:
    """The service catalog: look a service up by its current or a former name."""
    from certprep.bank.services import load_catalog
    from certprep.errors import UnknownChoice

    catalog = load_catalog(c.content / "services.yaml")
    found = catalog.find(name) if name else catalog.services
    if name and not found:
        raise UnknownChoice("service", name, [s.name for s in catalog.services])
    if fmt == "json":
        click.echo(json.dumps([s.model_dump(mode="json", exclude_none=True) for s in found], indent=2))
        return
    console = _console()
    if not name:
        from rich.table import Table

        table = Table(title="Services (certprep services NAME for details)")
        for col in ("service", "status", "formerly"):
            table.add_column(col)
        for s in found:
            table.add_row(s.name, _status(s), ", ".join(f.name for f in s.former_names))
        console.print(table)
        return
    for s in found:
        console.rule(s.name)
        if s.full_name:
            console.print(f"Full name: {s.full_name}")
        for f in s.former_names:
            when = f" in {f.until}" + (", reported" if f.reported else "") if f.until else ""
            console.print(f"Formerly: {f.name}" + (f" (renamed{' ' + f.became if f.became else ''}{when})"
                                                   if f.until or f.became else ""))
        console.print(f"Status: {_status(s)}")
        console.print(s.summary)
        if s.choose_when:
            console.print(f"Choose it when: {s.choose_when}")
        console.print(f"Docs: {s.docs}")


def _status(s) -> str:
    when = s.retires_on or s.retired_on
    tail = f" on {when}" if when else ""
    return s.status + tail + (f"; successor: {s.successor}" if s.successor else "")
