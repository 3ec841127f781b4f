"""`certprep export|import|backup|restore`: open formats in and out, and the learner's progress."""

from __future__ import annotations

import json
from pathlib import Path

import click

from certprep.cli.base import Context, main, pass_ctx


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
