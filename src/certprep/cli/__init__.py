"""The `certprep` command: a thin adapter over the core, one module per topic (the bank, taking
attempts, learning, open formats, serving, accounts). `main` is the group; importing a topic module
registers its commands. Heavy imports happen inside commands so that `certprep --help` stays fast."""

from certprep.cli.base import main
from certprep.cli import attempts, bank, interop, learning, serving  # noqa: F401  (importing registers their commands)
from certprep.cli.users import users

main.add_command(users)

__all__ = ["main"]
