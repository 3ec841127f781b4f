"""What every `certprep` command shares: the lazily built Context (bank, exams, database), the
`main` group that turns the core's errors into `Error: …`, and the common options."""

from __future__ import annotations

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
        from certprep.learn import review
        from certprep.store.db import Store, sqlite_url

        if self._store is None:
            url = None
            if self.db:
                url = self.db if "://" in self.db else sqlite_url(Path(self.db).expanduser().resolve())
            self._store = Store(url)
        return Attempts(self._store, self.exams(), on_finish=review.queue_mistakes)


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
