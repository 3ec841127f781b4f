"""The `certprep` command: a thin adapter over the core. Heavy imports happen inside commands
so that `certprep --help` stays fast."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from certprep.errors import CertprepError


class Context:
    """What every command may need, built lazily from the global options."""

    def __init__(self, db: str | None, content: Path | None) -> None:
        self.db, self.content_dir = db, content
        self._bank = self._exams = self._store = None

    @property
    def content(self) -> Path:
        from certprep.bank.loader import content_root

        return self.content_dir or content_root()

    def exams(self):
        if self._exams is None:
            from certprep.bank.loader import load_exams

            self._exams = load_exams(self.content)
        return self._exams

    def exam(self, code: str):
        from certprep.errors import UnknownChoice

        exams = self.exams()
        if code.lower() not in exams:
            raise UnknownChoice("exam", code, sorted(exams))
        return exams[code.lower()]

    def bank(self):
        """The bank, refusing to serve it while it has lint errors."""
        if self._bank is None:
            from certprep.bank.loader import load_bank
            from certprep.errors import BankError

            self._bank = load_bank(self.content / "items")
            if self._bank.problems:
                listing = "\n".join(str(p) for p in self._bank.problems[:20])
                raise BankError(f"the bank has errors; run `certprep lint`:\n{listing}")
        return self._bank

    def attempts(self):
        from certprep.engine.attempts import Attempts
        from certprep.store.db import Store, sqlite_url

        if self._store is None:
            url = None
            if self.db:
                url = self.db if "://" in self.db else sqlite_url(Path(self.db).expanduser().resolve())
            self._store = Store(url)
        return Attempts(self._store, self.exams())


def _console():
    from rich.console import Console

    return Console(highlight=False)


class CertprepGroup(click.Group):
    """Turns the core's typed errors into `Error: …` and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CertprepError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=CertprepGroup)
@click.option("--db", envvar="CERTPREP_DB", metavar="PATH|URL",
              help="Database file or SQLAlchemy URL (default: CERTPREP_DATABASE_URL, else certprep.db in your data folder).")
@click.option("--content", type=click.Path(file_okay=False, path_type=Path), envvar="CERTPREP_CONTENT",
              help="Content folder with exams/ and items/ (default: the bundled bank).")
@click.version_option(package_name="certprep")
@click.pass_context
def main(ctx: click.Context, db: str | None, content: Path | None) -> None:
    """certprep: exam preparation for Azure AI engineers (AI-102, AI-103)."""
    ctx.obj = Context(db, content)


pass_ctx = click.make_pass_decorator(Context)
FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                      help="text for people, json for scripts.")
EXAM = click.option("--exam", "exam_code", required=True, metavar="EXAM", help="Exam code, e.g. ai-102 or ai-103.")
ANSWERS = click.option("--answers", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                       help="Answer the form from a JSON file instead of the terminal (docs/answers-file.md).")
CONFIDENCE = click.option("--confidence", is_flag=True,
                          help="After each answer, say how sure you were (confident-and-wrong answers are singled out).")
PRINT_FORM = click.option("--print-form", is_flag=True,
                          help="Print the form's questions (no keys) as JSON and stop, to prepare an answers file.")


# ---- bank commands


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
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def coverage(c: Context, exam_code: str, minimum: int, domains: tuple[str, ...], fmt: str) -> None:
    """Live items per skill, domain, type and difficulty, and the skills below --min."""
    from certprep.bank.coverage import coverage as compute

    report = compute(c.bank(), c.exam(exam_code), minimum, list(domains))
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--accounts/--no-accounts", default=None,
              help="Require sign-in (default: only when listening beyond this machine).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes serving the same database; they exit if the supervisor dies.")
@click.option("--proxy-headers", is_flag=True,
              help="Behind a reverse proxy: trust its X-Forwarded-For and X-Forwarded-Proto (from "
                   "--forwarded-allow-ips only). Off by default: a client could forge them to evade sign-in limits.")
@click.option("--forwarded-allow-ips", default="127.0.0.1", show_default=True, metavar="IPS",
              help="Comma-separated proxy addresses whose forwarded headers --proxy-headers trusts.")
@click.option("--secure-cookies/--no-secure-cookies", default=None,
              help="Mark the session cookie Secure (HTTPS only). Default: when the request came over HTTPS, "
                   "directly or as a trusted proxy says.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, accounts: bool | None, workers: int, proxy_headers: bool,
          forwarded_allow_ips: str, secure_cookies: bool | None) -> None:
    """Serve the web app (http://127.0.0.1:8000 by default)."""
    import os

    import uvicorn

    c: Context = ctx.obj
    local = host in ("127.0.0.1", "localhost", "::1")
    if accounts is None:
        accounts = not local
    if not accounts and not local:
        raise click.UsageError("a server reachable from other machines needs --accounts")
    if c.db:
        os.environ["CERTPREP_DATABASE_URL"] = c.db if "://" in c.db else f"sqlite:///{Path(c.db).expanduser().resolve()}"
    if c.content_dir:
        os.environ["CERTPREP_CONTENT"] = str(c.content_dir)
    os.environ["CERTPREP_ACCOUNTS"] = "1" if accounts else "0"
    os.environ["CERTPREP_SECURE_COOKIES"] = {True: "1", False: "0", None: ""}[secure_cookies]
    os.environ["CERTPREP_SUPERVISED"] = "1" if workers > 1 else "0"
    from certprep.store.db import Store

    Store().close()  # migrate once, before workers start
    click.echo(f"certprep on http://{host}:{port}/ ({'accounts required' if accounts else 'no sign-in: for you alone'})")
    uvicorn.run("certprep.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning", proxy_headers=proxy_headers, forwarded_allow_ips=forwarded_allow_ips)


# ---- open formats


@main.command(name="export")
@click.option("--format", "fmt", type=click.Choice(["qti21", "moodle-xml", "gift", "json", "csv", "anki",
                                                       "history-json", "history-csv"]), required=True,
              help="Items as a QTI 2.1 package, Moodle XML or GIFT, JSON, CSV or an Anki deck; or your history.")
@click.option("--exam", "exam_code", help="Only items (or attempts) of this exam.")
@click.option("--domain", "domains", multiple=True, help="Only items of this domain (repeatable).")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def export(c: Context, fmt: str, exam_code: str | None, domains: tuple[str, ...], out: Path) -> None:
    """Export live items, or your history, to OUT."""
    from certprep.interop import tabular

    if fmt.startswith("history"):
        views = c.attempts().list(c.exam(exam_code).code if exam_code else None)
        text = json.dumps(tabular.history_rows(views), indent=2) if fmt == "history-json" else tabular.history_to_csv(views)
        out.write_text(text, encoding="utf-8")
        click.echo(f"{len(views)} attempts written to {out}")
        return
    bank = c.bank()
    items = bank.live()
    if exam_code:
        items = [i for i in items if i in bank.for_exam(c.exam(exam_code))]
    if domains:
        bps = c.exams().values()
        for d in domains:
            if not any(d == dom.id for bp in bps for dom in bp.domains):
                from certprep.errors import UnknownChoice

                raise UnknownChoice("domain", d, [dom.id for bp in bps for dom in bp.domains])
        items = [i for i in items if any(bp.domain_of_skill[s].id in domains for bp in bps for s in i.all_skills()
                                         if s in bp.skills)]
    left_out: list[str] = []
    if fmt == "anki":
        from certprep.interop.anki import export_apkg

        export_apkg(items, c.exams(), out)
    elif fmt in ("qti21", "gift", "moodle-xml"):
        if fmt == "qti21":
            from certprep.interop.qti import export_package

            report = export_package(items, out)
        elif fmt == "moodle-xml":
            from certprep.interop.moodle_xml import export_moodle_xml

            data, report = export_moodle_xml(items, c.exams())
            out.write_bytes(data)
        else:
            from certprep.interop.gift import export_gift

            text, report = export_gift(items, c.exams())
            out.write_text(text, encoding="utf-8")
        for item_id, notes in sorted(report.notes.items()):
            for note in notes:
                click.echo(f"{item_id}: {note}")
        left_out = report.left_out
    else:
        out.write_text(tabular.items_to_json(items) if fmt == "json" else tabular.items_to_csv(items), encoding="utf-8")
    skipped = f"; {len(left_out)} skipped (listed above)" if left_out else ""
    click.echo(f"{len(items) - len(left_out)} items written to {out}{skipped}")


def _plain_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    import re

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", value):
        raise click.BadParameter(f"{value!r} is not a plain name: use letters, digits, '-' and '_' "
                                 "(the pack is the folder content/packs/NAME)")
    return value


@main.command(name="import")
@click.option("--format", "fmt", type=click.Choice(["qti21", "moodle-xml", "gift", "json", "csv"]), required=True)
@click.option("--pack", required=True, callback=_plain_name,
              help="Name of the pack the items go to (content/packs/NAME): letters, digits, '-' and '_'.")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def import_(c: Context, fmt: str, pack: str, source: Path) -> None:
    """Import items into a pack of their own, then lint them like the bank.

    Every question that cannot be imported is reported (file and line, its number and title, its
    type, why) and the others are imported. GIFT, JSON and CSV must be UTF-8; no file may be over 8 MB.
    """
    from certprep.bank.lint import lint_bank, load_retired_names, load_unreviewed
    from certprep.bank.loader import load_bank
    from certprep.interop import importing, tabular

    if fmt == "qti21":
        from certprep.interop.qti_import import read_package

        items, report = read_package(source)
    elif fmt == "moodle-xml":
        from certprep.interop.moodle_xml import import_moodle_xml

        items, report = import_moodle_xml(importing.read_bytes(source), str(source))
    elif fmt == "gift":
        from certprep.interop.gift import import_gift

        items, report = import_gift(importing.read_text(source), str(source))
    else:
        text, report = importing.read_text(source), importing.ImportReport()
        read = tabular.items_from_json if fmt == "json" else tabular.items_from_csv
        items = importing.unique_ids(read(text, str(source)), report)
    for item_id, notes in sorted(report.notes.items()):
        for note in notes:
            click.echo(f"{item_id}: {note}")
    for skipped in report.skipped:
        click.echo(f"Warning: {skipped}", err=True)
    if not items:
        why = (f"none of its {len(report.skipped)} questions can be imported (listed above)" if report.skipped
               else "it holds no questions")
        raise tabular.FormatError(f"{source}: nothing imported: {why}")
    folder = c.content / "packs" / pack
    tabular.write_pack(items, folder)
    problems = lint_bank(load_bank(folder), c.exams(), load_retired_names(c.content / "services.yaml"),
                           load_unreviewed(c.content / "unreviewed.txt"))
    for p in problems:
        click.echo(str(p))
    not_imported = f"{len(report.skipped)} questions not imported (listed above); " if report.skipped else ""
    click.echo(f"{len(items)} items imported to {folder}; {not_imported}{len(problems)} lint findings")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def backup(c: Context, file: Path) -> None:
    """Save your whole progress (attempts, reviews) to FILE."""
    from certprep.interop.backup import write_backup

    data = write_backup(c.attempts().store, c.attempts().user, file)
    click.echo(f"{len(data['attempts'])} attempts and {len(data['review_cards'])} review cards saved to {file}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def restore(c: Context, file: Path) -> None:
    """Restore progress saved by `certprep backup` into this database (SQLite or PostgreSQL)."""
    from certprep.interop.backup import read_backup
    from certprep.interop.backup import restore as do_restore

    n = do_restore(c.attempts().store, c.attempts().user, read_backup(file))
    click.echo(f"{n} attempts restored")


# ---- learning


def _review_queue(c: Context) -> None:
    """Serve the due questions one at a time; each answer reschedules its card (FSRS)."""
    from rich.markdown import Markdown

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
        console.rule(f"Review {n} of {len(keys)} · {key}")
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


# ---- taking forms


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
    from certprep.engine.checks import Checks

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
        from certprep.engine.checks import Checks
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
    from rich.markdown import Markdown
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


from certprep.cli_users import users  # noqa: E402  (its own module: this one is long enough)

main.add_command(users)
