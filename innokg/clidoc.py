"""Render ``docs/cli.md`` from the commands' own ``--help`` text.

Regenerate after changing a command::

    python -m innokg.clidoc > docs/cli.md

A test fails when the committed file differs from what this renders.
"""

from __future__ import annotations

import click

from innokg.cli import main

__all__ = ["render_cli_markdown"]


def _walk(
    command: click.Command, path: list[str], parent: click.Context | None
) -> list[tuple[str, str]]:
    """(name, help text) of a command and its subcommands, each in its parent's context
    so settings such as ``-h`` for help are inherited as at the command line."""
    name = " ".join(path)
    with click.Context(
        command, info_name=path[-1], parent=parent, terminal_width=100, **command.context_settings
    ) as ctx:
        out = [(name, command.get_help(ctx))]
        if isinstance(command, click.Group):
            for sub in sorted(command.commands):
                out += _walk(command.commands[sub], [*path, sub], ctx)
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
    for name, help_text in _walk(main, ["innokg"], None):
        lines += [f"## `{name}`", "", "```text", help_text.rstrip(), "```", ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render_cli_markdown(), end="")
