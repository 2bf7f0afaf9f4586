"""The docs stay true: README commands, CI, the generated references."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from innokg.clidoc import render_cli_markdown
from tests.conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_readme_has_the_two_commands() -> None:
    install, tests = readme_commands()
    assert install.endswith("innokg demo")
    assert "pip install" in install and "[test]" in tests and "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert readme_commands()[1] in ci


def test_cli_reference_is_current() -> None:
    committed = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render_cli_markdown(), (
        "docs/cli.md is stale: run `python -m innokg.clidoc > docs/cli.md`"
    )


def test_every_doc_link_in_the_readme_exists() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\((docs/[^)]+)\)", text):
        assert (REPO / target).is_file(), target


def test_the_readme_python_example_runs(
    demo_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.+?)\n```", text, flags=re.S)
    assert "from innokg.graph." in code and "from innokg.queries." in code
    (tmp_path / "innokg-demo").symlink_to(demo_package)  # read only: nothing writes to it
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), scope)  # the example as a user pastes it
    assert len(scope["H"]) > 0  # type: ignore[arg-type]
