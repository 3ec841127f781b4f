"""Writes docs/cli.md from the commands' own help: `make docs`. tests/test_docs.py checks it."""

from __future__ import annotations

import click

from certprep.cli import main


def render() -> str:
    out = ["# CLI reference", "", "Generated from `certprep --help` by `make docs`; do not edit by hand.", ""]
    root = click.Context(main, info_name="certprep", terminal_width=100, max_content_width=100)
    out += ["```", main.get_help(root), "```", ""]
    for name in sorted(main.commands):
        cmd = main.commands[name]
        ctx = click.Context(cmd, info_name=f"certprep {name}", parent=root, terminal_width=100, max_content_width=100)
        out += [f"## certprep {name}", "", "```", cmd.get_help(ctx), "```", ""]
        for sub in sorted(getattr(cmd, "commands", {})):  # a group's own commands
            sub_ctx = click.Context(cmd.commands[sub], info_name=sub, parent=ctx,
                                    terminal_width=100, max_content_width=100)
            out += [f"### certprep {name} {sub}", "", "```", cmd.commands[sub].get_help(sub_ctx), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(render(), end="")
