"""The explorer's search index, adjacency and id look-up are kept beside the package once built,
and read back by the next start: what is read back is what was built, field for field
and answer for answer, and a kept file that does not fit is built again rather than
trusted."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.package import write_package
from innokg.graph.testing import make_graph, make_tables
from innokg.serve import ids as ids_module
from innokg.serve import startup as startup_module
from innokg.serve.explorer import Explorer
from innokg.serve.ids import MAX_BYTES, SortedIds
from innokg.serve.search import SearchIndex
from tests.test_serve_search_slices import QUERIES, _index

FIRMS = [
    {"id": "E1", "name": "郑州宇通客车股份有限公司", "name_en": "Zhengzhou Yutong Bus"},
    {"id": "E2", "name": "宇通配件厂", "stock_code": "600066"},
    {"id": "E3", "name": "漯河市双汇实业", "credit_code": "91411100174358712X"},
    {"id": "E4", "name": "洛阳轴承"},
]
LINKS = [("E2", "E1"), ("E4", "E1"), ("E4", "E2")]
SEARCHES = ["郑州", "宇通", "zzyt", "yutong", "600066", "9141", "e3", "双汇", "无此"]


def _fields(index: SearchIndex) -> list[tuple[str, list[int], bytes, int, bool]]:
    return [
        (f.text, f.starts.tolist(), f.bits.tobytes(), f.gram, f.empty)
        for f in [*index._cjk, *index._latin]
    ]


def test_an_index_read_back_from_its_arrays_is_the_index() -> None:
    built = _index()
    again = SearchIndex.from_arrays(built.arrays())
    assert _fields(again) == _fields(built)
    assert again.order.tolist() == built.order.tolist()
    for q in QUERIES:
        assert again.search(q, limit=50) == built.search(q, limit=50), q


def test_arrays_whose_text_does_not_fit_are_refused() -> None:
    arrays = dict(_index().arrays())
    arrays["text1"] = arrays["text1"][:-10]  # the initials: ASCII, cut between characters
    with pytest.raises(ValueError, match="does not fit"):
        SearchIndex.from_arrays(arrays)
    arrays = dict(_index().arrays())
    arrays["text0"] = arrays["text0"][:-1]  # the names, cut inside a character
    with pytest.raises(ValueError):
        SearchIndex.from_arrays(arrays)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    out = tmp_path / "pkg"
    write_package(make_tables({"Enterprise": FIRMS}, {"SUPPLIES": LINKS}), out, sources=[])
    return out


def _answers(ex: Explorer) -> list[list[tuple[int, int]]]:
    return [[(h.pos, h.rank) for h in ex.index.search(q)] for q in SEARCHES]


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    builds: list[int] = []
    real = SearchIndex.__init__

    def counted(self: SearchIndex, *args: object, **kwargs: object) -> None:
        builds.append(1)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "__init__", counted)
    return builds


def test_the_second_start_reads_the_index_the_first_built(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = _counting(monkeypatch)
    first = Explorer(EcosystemGraph.open(package))
    assert len(builds) == 1
    assert len(list((package / "kept").glob("search-index-*.npz"))) == 1
    second = Explorer(EcosystemGraph.open(package))
    assert len(builds) == 1  # read back, not built
    assert _answers(second) == _answers(first)
    assert _answers(first)[0] == [(0, 1)]  # 郑州 begins the first firm's name
    assert _fields(second.index) == _fields(first.index)


def test_a_kept_index_for_another_graph_is_built_again(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the same file name holding another graph's index (one node too few)
    other = _index().arrays()
    other["order"] = np.arange(len(FIRMS) - 1)
    _kept_index_replaced(package, lambda _: other)
    _built_again_once(package, monkeypatch)


def _kept_index_replaced(package: Path, change: Callable[[dict], dict]) -> Path:
    """The kept index after a first start, its arrays replaced by ``change``'s."""
    Explorer(EcosystemGraph.open(package))
    (kept,) = (package / "kept").glob("search-index-*.npz")
    arrays = change(dict(np.load(kept)))
    with open(kept, "wb") as f:
        np.savez(f, **arrays)
    return kept


def _built_again_once(package: Path, monkeypatch: pytest.MonkeyPatch) -> Explorer:
    builds = _counting(monkeypatch)
    ex = Explorer(EcosystemGraph.open(package))
    assert len(builds) == 1
    assert _answers(ex)[0] == [(0, 1)]
    return ex


def test_a_broken_kept_index_is_built_again(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Explorer(EcosystemGraph.open(package))
    (kept,) = (package / "kept").glob("search-index-*.npz")
    arrays = dict(np.load(kept))
    arrays["bits1"] = arrays["bits1"][:, :3]  # the right length of order, a wrong field
    with open(kept, "wb") as f:
        np.savez(f, **arrays)
    builds = _counting(monkeypatch)
    assert _answers(Explorer(EcosystemGraph.open(package)))[0] == [(0, 1)]
    assert len(builds) == 1
    # and replaced: the next start reads it
    assert _answers(Explorer(EcosystemGraph.open(package)))[0] == [(0, 1)]
    assert len(builds) == 1
    assert np.load(kept)["bits1"].shape[1] > 3


def test_a_graph_not_opened_from_a_package_builds_both(package: Path) -> None:
    made = Explorer(make_graph({"Enterprise": FIRMS}, {"SUPPLIES": LINKS}))
    read = Explorer(EcosystemGraph.open(package))
    assert _answers(made) == _answers(read) and _answers(made)[0] == [(0, 1)]
    assert made.degree.tolist() == read.degree.tolist() == [2, 2, 0, 2]


def test_keeping_can_be_turned_off(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INNOKG_KEEP", "0")
    Explorer(EcosystemGraph.open(package))
    assert not list(package.glob("kept/search-index-*"))
    assert not list(package.glob("kept/explorer-*"))


def test_a_kept_folder_that_cannot_be_written_still_starts(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older version's file that cannot be removed is left where it is."""
    Explorer(EcosystemGraph.open(package))
    (current,) = (package / "kept").glob("search-index-*.npz")
    older = current.with_name("search-index-00000000000000000000.npz")
    older.write_bytes(current.read_bytes())

    def refused(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError(1, "Operation not permitted", str(self))

    monkeypatch.setattr(Path, "unlink", refused)
    assert _answers(Explorer(EcosystemGraph.open(package)))[0] == [(0, 1)]
    assert older.is_file()


def test_one_index_is_kept_not_one_per_version_of_the_code(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Explorer(EcosystemGraph.open(package))
    (first,) = (package / "kept").glob("search-index-*.npz")
    # another version of the code keeps its index under another key
    other = dataclasses.replace(startup_module.SEARCH_INDEX, code=("innokg.serve.search",))
    monkeypatch.setattr(startup_module, "SEARCH_INDEX", other)
    Explorer(EcosystemGraph.open(package))
    (second,) = (package / "kept").glob("search-index-*.npz")
    assert second != first
    assert len(list((package / "kept").glob("*.npz"))) > 1  # other results stay


def _kept_names(package: Path) -> dict[str, str]:
    return {p.name.rsplit("-", 1)[0]: p.name for p in (package / "kept").glob("*.npz")}


def test_a_change_to_one_kept_part_builds_that_part_alone(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The explorer's own module is in none of the keys: a change to its pages or
    questions builds nothing again; a change to the adjacency's code builds the
    adjacency, not the 2 GB search index."""
    assert all("innokg.serve.explorer" not in part.code for part in startup_module.KEPT)
    first = Explorer(EcosystemGraph.open(package))
    before = _kept_names(package)
    other = dataclasses.replace(startup_module.ADJACENCY, code=("innokg.serve.adjacency",))
    monkeypatch.setattr(startup_module, "ADJACENCY", other)
    builds = _counting(monkeypatch)
    second = Explorer(EcosystemGraph.open(package))
    after = _kept_names(package)
    assert builds == []  # the search index read back
    assert after["explorer-adjacency"] != before["explorer-adjacency"]  # built again
    assert after["search-index"] == before["search-index"]
    assert after["explorer-ids"] == before["explorer-ids"]
    assert _answers(second) == _answers(first)
    assert second.nbr.tolist() == first.nbr.tolist()


def test_a_kept_index_ranked_by_other_degrees_is_built_again(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every node once, in another order
    kept = _kept_index_replaced(package, lambda a: {**a, "order": a["order"][::-1].copy()})
    ex = _built_again_once(package, monkeypatch)
    assert startup_module._ranked(np.load(kept)["order"], ex.degree)


ADJACENCY = ("indptr", "nbr", "out", "eid")


def test_the_adjacency_read_back_is_the_adjacency_built(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Explorer(EcosystemGraph.open(package))
    assert len(list((package / "kept").glob("explorer-adjacency-*.npz"))) == 1
    sorts: list[int] = []
    real = np.argsort
    monkeypatch.setattr(np, "argsort", lambda *a, **k: sorts.append(1) or real(*a, **k))
    second = Explorer(EcosystemGraph.open(package))
    assert sorts == []  # read back, not sorted again
    monkeypatch.setenv("INNOKG_KEEP", "0")
    plain = Explorer(EcosystemGraph.open(package))
    assert sorts  # with keeping off it is built
    for name in ADJACENCY:
        assert getattr(second, name).tolist() == getattr(plain, name).tolist(), name
        assert getattr(first, name).tolist() == getattr(plain, name).tolist(), name
    # E4 supplies E1 and E2; E1 is supplied by E2 and E4
    e1, e4 = 0, 3
    assert sorted(second.nbr[second.indptr[e4] : second.indptr[e4 + 1]].tolist()) == [0, 1]
    assert second.out[second.indptr[e4] : second.indptr[e4 + 1]].all()
    assert not second.out[second.indptr[e1] : second.indptr[e1 + 1]].any()
    assert second.degree.tolist() == [2, 2, 0, 2]


def test_sorted_ids_find_what_a_hash_table_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(2016)
    ids = pd.Index([f"E{i:07d}" for i in range(3000)] + ["郑州宇通", "a", "ZZ", "Ω-1", "e0000001"])
    sorted_ids = SortedIds.build(ids)
    assert sorted_ids is not None and sorted_ids.keys.dtype == np.dtype("S12")
    monkeypatch.setattr(ids_module, "_STEP", 7)  # copied a few ids at a time
    assert SortedIds.build(ids).keys.tolist() == sorted_ids.keys.tolist()
    asked = [str(ids[i]) for i in rng.integers(0, len(ids), 500)]
    asked += ["郑州", "郑州宇通", "E", "E00000010", "", "x" * 200, None, 7, float("nan")]
    asked += ["a\x00", "ZZ\x00\x00"]  # equal to an id but for NULs: numpy drops them
    asked += ["\ud800", "郑州宇通\udfff"]  # lone surrogates
    expected = pd.Index(ids, dtype=object).get_indexer(pd.Index(asked, dtype=object))
    assert sorted_ids.positions(asked).tolist() == expected.tolist()
    assert sorted_ids.positions(list(ids)).tolist() == list(range(len(ids)))
    assert sorted_ids.positions([]).tolist() == []


@pytest.mark.parametrize(
    "ids",
    [
        ["a", "b" * (MAX_BYTES + 1)],  # too wide for one array
        ["a", "b\x00"],  # fixed-width bytes end at a NUL
        ["a", ""],
        [1, 2],
        ["a", "\ud800"],  # a lone surrogate has no UTF-8
    ],
)
def test_ids_that_do_not_suit_sorting_are_not_sorted(ids: list[object]) -> None:
    assert SortedIds.build(pd.Index(ids, dtype=object)) is None


def test_long_ids_are_looked_up_in_a_hash_table(tmp_path: Path) -> None:
    long = "L" * (MAX_BYTES + 10)
    firms = [{**FIRMS[0], "id": long}, *FIRMS[1:]]
    out = tmp_path / "long"
    write_package(make_tables({"Enterprise": firms}, {"SUPPLIES": [("E2", long)]}), out, sources=[])
    for _ in range(2):  # built, then read back
        ex = Explorer(EcosystemGraph.open(out))
        assert ex._sorted_ids is None
        assert ex.lookup([long, "E3", "nope"]).tolist() == [3, 1, -1]  # nodes sorted by id


def test_the_id_look_up_is_read_back(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = Explorer(EcosystemGraph.open(package))
    (kept,) = (package / "kept").glob("explorer-ids-*.npz")
    builds: list[int] = []
    real = SortedIds.build
    monkeypatch.setattr(
        SortedIds, "build", classmethod(lambda cls, ids: builds.append(1) or real(ids))
    )
    second = Explorer(EcosystemGraph.open(package))
    assert builds == []  # read back, not built
    assert second._positions is None and second._sorted_ids is not None
    assert second._sorted_ids.keys.tolist() == first._sorted_ids.keys.tolist()
    asked = ["E4", "E1", "E9", "e1"]
    assert second.lookup(asked).tolist() == [3, 0, -1, -1]
    assert second.lookup(pd.Series(asked)).tolist() == [3, 0, -1, -1]
    # a lone surrogate, which a JSON body may hold, is no node's id
    assert second.lookup(["E1", "\ud800", "E\udcff"]).tolist() == [0, -1, -1]
    assert second.position("E3") == 2
    assert kept.is_file()


def test_info_names_what_the_explorer_kept(package: Path) -> None:
    from click.testing import CliRunner

    from innokg.cli import main

    Explorer(EcosystemGraph.open(package))
    result = CliRunner().invoke(main, ["info", str(package)])
    assert result.exit_code == 0, result.output
    for what in ("the explorer's adjacency", "the explorer's sorted ids", "search index"):
        assert f"{what} (1 set)" in result.output, result.output


def test_prepare_with_explorer_keeps_what_the_first_start_would_build(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from innokg.cli import main

    result = CliRunner().invoke(main, ["prepare", str(package), "--explorer"])
    assert result.exit_code == 0, result.output
    assert "the explorer's search index, id look-up and adjacency kept in kept/" in result.output
    for name in ("search-index", "explorer-adjacency", "explorer-ids"):
        assert len(list((package / "kept").glob(f"{name}-*.npz"))) == 1, name
    builds = _counting(monkeypatch)
    for name in ("placed_by_node", "sorted_by_node"):
        monkeypatch.setattr(startup_module, name, lambda *a: builds.append(1))
    monkeypatch.setattr(SortedIds, "build", lambda *a: builds.append(1))
    ex = Explorer(EcosystemGraph.open(package))
    assert builds == []  # the first start reads all three as prepare kept them
    assert [n["id"] for n in ex.search("宇通")["results"]] == ["E2", "E1"]
    assert ex.degree.tolist() == [2, 2, 0, 2]


def test_prepare_with_explorer_says_when_nothing_can_be_kept(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from innokg.cli import main
    from innokg.queries import kept as kept_module

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    for make in ("mkstemp", "mkdtemp"):  # a folder not to be written to
        monkeypatch.setattr(kept_module.tempfile, make, refused)
    monkeypatch.setattr(SearchIndex, "__init__", refused)  # nor built for nothing
    result = CliRunner().invoke(main, ["prepare", str(package), "--explorer"])
    assert result.exit_code == 0, result.output
    assert "nothing could be written to the package's kept/ folder" in result.output
    assert "adjacency could not be kept (nothing can be written" in result.output
    assert not list(package.glob("kept/*.npz"))


def test_prepare_with_explorer_and_keeping_off_keeps_nothing(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from innokg.cli import main

    monkeypatch.setenv("INNOKG_KEEP", "0")
    result = CliRunner().invoke(main, ["prepare", str(package), "--explorer"])
    assert result.exit_code == 0, result.output
    assert "not prepared for the first questions: INNOKG_KEEP=0" in result.output
    assert "explorer" not in result.output
    assert not list(package.glob("kept/*.npz"))
