"""The Examples sections of every module's docstrings run and give what they show.

The library's folders (graph/, loaders/, queries/) are installed as ``innokg.graph``,
``innokg.loaders`` and ``innokg.queries``.  pytest's ``--doctest-modules`` would import
them under their folder names (``graph.schema``), a second copy of every module, so the
doctests are collected here by their installed names instead: one test per module.
"""

from __future__ import annotations

import doctest
import importlib
import io
import pkgutil

import pytest

import innokg

PACKAGES = ("innokg.graph", "innokg.loaders", "innokg.queries", "innokg")
#: entry points that run the command line when imported
NOT_IMPORTED = {"innokg.__main__"}


def _modules() -> list[str]:
    names: set[str] = set()
    for name in PACKAGES:
        package = importlib.import_module(name)
        names.add(name)
        for info in pkgutil.walk_packages(package.__path__, name + "."):
            if info.name not in NOT_IMPORTED:
                names.add(info.name)
    return sorted(names)


MODULES = _modules()


def test_every_layer_is_collected() -> None:
    for layer in ("innokg.graph.schema", "innokg.loaders.base", "innokg.queries.clusters"):
        assert layer in MODULES
    assert innokg.__name__ == "innokg"


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder().find(module) if t.examples]
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    out = io.StringIO()
    for test in tests:
        runner.run(test, out=out.write)
    assert runner.failures == 0, out.getvalue()


@pytest.mark.parametrize("name", MODULES)
def test_examples_use_only_the_installed_package(name: str) -> None:
    # A user runs these examples from an installed innokg, where tests/ does not exist.
    module = importlib.import_module(name)
    for test in doctest.DocTestFinder().find(module):
        for example in test.examples:
            assert not example.source.lstrip().startswith(("from tests", "import tests")), (
                f"{test.name} imports the test suite; use innokg.graph.testing"
            )
