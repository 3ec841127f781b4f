"""`certprep serve`: the web app."""

from __future__ import annotations

from pathlib import Path

import click

from certprep.cli.base import Context, main


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
