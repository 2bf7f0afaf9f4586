"""The registry of source kinds: built-ins, a user's own kind, and plug-ins by entry point."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from innokg.graph.errors import SourceError
from innokg.loaders import registry
from innokg.loaders.base import SourceTables

BUILT_IN = [
    "tables",
    "chainkg",
    "regions",
    "universities",
    "rdf",
    "techcentres",
    "listed",
    "cities",
    "lq",
]


@pytest.fixture
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_KINDS", dict(registry._KINDS))
    monkeypatch.setattr(registry, "_plugins_loaded", False)


def _reader(path: Path) -> SourceTables:
    return SourceTables("mine", str(path))


def test_built_in_kinds_in_order() -> None:
    assert registry.known_kinds()[: len(BUILT_IN)] == BUILT_IN


def test_registering_a_kind_keeps_the_built_ins(fresh_registry: None) -> None:
    registry.register("mine", _reader, lambda p: p.suffix == ".mine")
    assert registry.known_kinds() == [*BUILT_IN, "mine"]
    assert registry.read_source("mine:x.mine").kind == "mine"
    assert registry.detect_kind(Path("x.mine")) == "mine"


def test_a_kind_name_must_be_a_name(fresh_registry: None) -> None:
    with pytest.raises(ValueError, match="must be a name"):
        registry.register("my kind", _reader, lambda p: False)


def _plugin(tmp_path: Path, body: str) -> None:
    dist = tmp_path / "innokg_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: innokg-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[innokg.sources]\nsurvey = innokg_plugin_mod\n")
    (tmp_path / "innokg_plugin_mod.py").write_text(body)


def test_a_plug_in_kind_from_an_entry_point(
    fresh_registry: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plugin(
        tmp_path,
        "from innokg.loaders.base import SourceTables\n"
        "def reader(path):\n    return SourceTables('survey', str(path))\n"
        "def detector(path):\n    return path.suffix == '.survey'\n",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert registry.known_kinds() == [*BUILT_IN, "survey"]
    assert registry.read_source("survey:a.survey").kind == "survey"
    sys.modules.pop("innokg_plugin_mod", None)


def test_a_broken_plug_in_is_named(
    fresh_registry: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plugin(tmp_path, "reader = 1\n")  # no detector
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(SourceError, match="source kind 'survey' from innokg_plugin_mod"):
        registry.known_kinds()
    sys.modules.pop("innokg_plugin_mod", None)
