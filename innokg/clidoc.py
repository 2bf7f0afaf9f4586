"""Render ``docs/cli.md`` from the commands' own ``--help`` text.

Regenerate after changing a command::

    python -m innokg.clidoc > docs/cli.md

A test fails when the committed file differs from what this renders.
"""

from __future__ import annotations

import click

from innokg.cli import main

__all__ = ["render_cli_markdown"]


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    out = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            out += _walk(command.commands[name], [*path, name])
    return out


def render_cli_markdown() -> str:
    """The Markdown text of ``docs/cli.md``."""
    lines = [
        "# Command line reference",
        "",
        "Generated from each command's `--help` by `python -m innokg.clidoc`; do not edit by "
        "hand. Every command exits 0 on success, 1 on a user error (with a one-paragraph "
        "message, never a traceback) and 2 on a usage error.",
        "",
    ]
    for path, command in _walk(main, ["innokg"]):
        name = " ".join(path)
        with click.Context(command, info_name=name, terminal_width=100) as ctx:
            help_text = command.get_help(ctx)
        lines += [f"## `{name}`", "", "```text", help_text.rstrip(), "```", ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render_cli_markdown(), end="")
