"""`certprep users`: the accounts of a shared server (`certprep serve --accounts`) and their roles."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click


@contextmanager
def _accounts(ctx_obj) -> Iterator:
    from certprep.accounts import Accounts

    store = ctx_obj.attempts().store
    try:
        yield Accounts(store)
    finally:
        store.close()  # a command is one short use of the database


@click.group()
def users() -> None:
    """Accounts of a shared server and their roles (the first account is the author)."""


@users.command(name="list")
@click.pass_obj
def list_(obj) -> None:
    """Every account, oldest first, with its role."""
    with _accounts(obj) as accounts:
        for email, role in accounts.users():
            click.echo(f"{email}\t{role}")


@users.command(name="grant-author")
@click.argument("email")
@click.pass_obj
def grant_author(obj, email: str) -> None:
    """Let EMAIL read item statistics (every learner's choices) and calibrate items."""
    with _accounts(obj) as accounts:
        accounts.grant_author(email)
    click.echo(f"{email.strip().lower()} is now an author")
