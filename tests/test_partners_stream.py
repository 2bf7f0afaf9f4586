"""The partner table written chunk by chunk: read back, it is candidate_partners' table,
whatever the chunk size; the CSV is today's CSV, formulas neutralised."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.exports.partners import write_candidate_partners
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError, QueryError
from innokg.output import render
from innokg.pipeline import build_demo
from innokg.queries import metapaths
from innokg.queries.arrays import arrays, forget_results
from innokg.queries.clusters import detection
from innokg.queries.partners import KINDS, candidate_partners, iter_candidate_partners, stream
from innokg.queries.partners.table import _COLUMNS
from tests.factory import make_graph

#: The kinds whose source is an enterprise (the benchmark's per-firm table).
FIRM_KINDS = [k.key for k in KINDS.values() if k.partnership and k.source == "Enterprise"]
#: The per-firm table of the policy's large and medium firms, four partners each.
PER_FIRM = {"per_source": 4, "kinds": FIRM_KINDS, "sizes": ["large", "medium"]}


def supply_web() -> EcosystemGraph:
    """Five firms around two buyers and a university, with names a spreadsheet would run,
    and one alliance; no fund or maker team (fund-team cannot be computed)."""
    return make_graph(
        {
            "Enterprise": [
                {"id": "a", "name": "=HYPERLINK(1)", "size": "large"},
                {"id": "b", "name": '+乙, "引号"', "size": "medium"},
                {"id": "c", "name": "丙\r=1+1", "size": "large"},
                {"id": "d", "name": "-丁\n第二行", "size": "small"},
                {"id": "e", "name": "@戊", "size": "medium"},
            ],
            "ResearchInstitute": [{"id": "r", "name": "郑州大学", "name_en": "=ZZU"}],
            "Alliance": [{"id": "l", "name": "联盟"}],
        },
        {
            "SUPPLIES": [("a", "d"), ("b", "d"), ("c", "d"), ("c", "e"), ("a", "e")],
            "COLLABORATES_WITH": [("d", "r"), ("e", "r")],
            "MEMBER_OF": [("d", "l"), ("b", "l")],
        },
    )


def streamed(G: EcosystemGraph, chunk_firms: int, **options: object) -> pd.DataFrame:
    pieces = list(iter_candidate_partners(G, chunk_firms=chunk_firms, **options))  # type: ignore[arg-type]
    return pd.concat(pieces, ignore_index=True)


@pytest.mark.parametrize("chunk_firms", [1, 2, 3, 1_000])
def test_pieces_of_any_size_make_the_whole_table(chunk_firms: int) -> None:
    G = supply_web()
    options = {
        "per_source": 2,
        "kinds": ["enterprise-enterprise", "fund-team", "enterprise-institute"],
    }
    whole = candidate_partners(G, **options)  # type: ignore[arg-type]
    assert (whole["rank"] > 0).sum() > 5
    # the notes last: a kind with no data, and the firms another kind found nothing for
    assert whole.loc[whole["rank"] == 0, "explanation_en"].str[:30].tolist() == [
        "Not computable: the graph has ",
        "No candidates for 2 of the 5 e",
    ]
    pd.testing.assert_frame_equal(streamed(G, chunk_firms, **options), whole)


def test_one_firm_per_piece_gives_one_piece_per_firm_and_kind() -> None:
    G = supply_web()
    pieces = list(
        iter_candidate_partners(G, kinds=["enterprise-enterprise"], per_source=1, chunk_firms=1)
    )
    assert [p["source"].tolist() for p in pieces] == [["a"], ["b"], ["c"], ["d"], ["e"]]


def test_sizes_overall_best_and_one_node_come_whole() -> None:
    G = supply_web()
    for options in (
        {"per_source": 3, "sizes": ["large", "medium"], "kinds": FIRM_KINDS},
        {"k": 4},
        {"node": "a", "k": 2},
        {"kinds": ["fund-team"], "notes": False},
    ):
        whole = candidate_partners(G, **options)  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(streamed(G, 1, **options), whole)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_any_number_of_threads_gives_the_same_pieces_in_order(
    demo_graph: EcosystemGraph, threads: int
) -> None:
    options = PER_FIRM
    lines: list[str] = []
    pieces = list(
        iter_candidate_partners(
            demo_graph, chunk_firms=7, threads=threads, progress=lines.append, **options
        )  # type: ignore[arg-type]
    )
    whole = candidate_partners(demo_graph, **options)  # type: ignore[arg-type]
    assert len(pieces) > 8
    pd.testing.assert_frame_equal(pd.concat(pieces, ignore_index=True), whole)
    # one line per chunk, kind by kind, in the order the chunks come
    sources = (demo_graph.nodes["Enterprise"]["size"].isin(["large", "medium"])).sum()
    expected = [
        f"{kind}: sources {start + 1}-{min(start + 7, sources)} of {sources}"
        for kind in FIRM_KINDS
        for start in range(0, sources, 7)
    ]
    assert sources > 14 and lines == expected


@pytest.mark.parametrize("free", [0, None, 10**15])
def test_with_little_memory_free_chunks_are_built_one_at_a_time(
    demo_graph: EcosystemGraph, monkeypatch: pytest.MonkeyPatch, free: int | None
) -> None:
    """Two threads, and the machine reports less memory free than a chunk may take: the
    chunk in flight is finished before the next starts, said once; the table is the
    same.  Unknown (None) or plenty: both threads run, and nothing is said."""
    monkeypatch.setattr(stream, "available_memory", lambda: free)
    at_once: list[int] = []
    running = [0]
    rank = stream._rank

    def counted(*args: object) -> pd.DataFrame:
        running[0] += 1
        at_once.append(running[0])
        try:
            return rank(*args)  # type: ignore[arg-type]
        finally:
            running[0] -= 1

    monkeypatch.setattr(stream, "_rank", counted)
    options = PER_FIRM
    lines: list[str] = []
    pieces = iter_candidate_partners(
        demo_graph, chunk_firms=7, threads=2, progress=lines.append, **options
    )  # type: ignore[arg-type]
    table = pd.concat(list(pieces), ignore_index=True)
    pd.testing.assert_frame_equal(table, candidate_partners(demo_graph, **options))  # type: ignore[arg-type]
    short = [line for line in lines if line.startswith("memory is short")]
    if free == 0:
        assert len(short) == len(FIRM_KINDS)  # once a kind, at its second chunk
        assert max(at_once) == 1
    else:
        assert not short


def test_a_reader_that_stops_early_leaves_no_thread_running(demo_graph: EcosystemGraph) -> None:
    pieces = iter_candidate_partners(
        demo_graph, per_source=3, kinds=FIRM_KINDS, chunk_firms=5, threads=2
    )
    first = [next(pieces) for _ in range(3)]
    assert all(len(p) for p in first)
    pieces.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("innokg-partners")]


@pytest.mark.parametrize("free", [None, 0])
def test_threads_build_what_every_chunk_reads_before_the_first_chunk(
    demo_graph: EcosystemGraph, monkeypatch: pytest.MonkeyPatch, free: int | None
) -> None:
    """With room for it, the pool's threads build each kind's meta-path tails, linked
    pairs and names before its first chunk is ranked, and rank the first chunk too;
    with memory short, the first chunk builds them itself, alone, in the calling
    thread.  The table is the same either way."""
    forget_results(demo_graph)
    monkeypatch.setattr(stream, "available_memory", lambda: free)
    monkeypatch.setattr(metapaths, "FEW_ROWS", 0)  # chunks that read whole-graph tails
    A = arrays(demo_graph)
    ready: dict[str, bool] = {}
    pooled: dict[str, bool] = {}
    rank = stream._rank

    def first_sees(ask: object, plan: stream._Plan, *rest: object) -> pd.DataFrame:
        if plan.base.key not in ready:
            pooled[plan.base.key] = threading.current_thread().name.startswith("innokg-partners")
            tails = [("partners-tail-narrow", plan.kind.key, p.key) for p in plan.kind.paths]
            built = {key[:3] for key in A.memo if key[0] == "partners-tail-narrow"}
            names = ("reasons-name-rank",) in A.memo and ("reasons-text", True) in A.memo
            linked = ("partners-linked", plan.kind.key, None) in A.memo
            ready[plan.base.key] = set(tails) <= built and names and linked
        return rank(ask, plan, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(stream, "_rank", first_sees)
    options = PER_FIRM
    pieces = iter_candidate_partners(demo_graph, chunk_firms=7, threads=2, **options)  # type: ignore[arg-type]
    table = pd.concat(list(pieces), ignore_index=True)
    assert sorted(ready) == sorted(FIRM_KINDS)
    assert all(ready.values()) if free is None else not any(ready.values())
    assert all(pooled.values()) if free is None else not any(pooled.values())
    forget_results(demo_graph)
    pd.testing.assert_frame_equal(table, candidate_partners(demo_graph, **options))  # type: ignore[arg-type]


def test_the_clusters_are_detected_once_before_the_threads_rank(
    demo_graph: EcosystemGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enterprise pairs read the supply-chain clusters.  When none are kept, the table
    detects them once, in the calling thread, before any chunk is ranked: left to the
    chunks, two threads detected them at once (Leiden twice; 602 s and 18.0 GB at ten
    million nodes).  The table is the same."""
    monkeypatch.setenv("INNOKG_KEEP", "0")  # the demo package keeps its clusters
    monkeypatch.setattr(stream, "available_memory", lambda: None)
    monkeypatch.setattr(metapaths, "FEW_ROWS", 0)  # chunks ranked by the pool's threads
    forget_results(demo_graph)
    runs: list[str] = []
    leiden = detection._leiden

    def counted(*args: object, **kwargs: object) -> object:
        runs.append(threading.current_thread().name)
        return leiden(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(detection, "_leiden", counted)
    table = streamed(demo_graph, 7, threads=2, **PER_FIRM)
    assert runs == [threading.main_thread().name]
    forget_results(demo_graph)
    pd.testing.assert_frame_equal(table, candidate_partners(demo_graph, **PER_FIRM))  # type: ignore[arg-type]


def test_chunks_of_a_few_firms_build_no_whole_graph_tail_ahead(
    demo_graph: EcosystemGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of a few firms walk from their own rows: nothing of the whole graph is
    built ahead for them, however much memory is free."""
    forget_results(demo_graph)
    monkeypatch.setattr(stream, "available_memory", lambda: 10**15)
    options = PER_FIRM
    pieces = iter_candidate_partners(demo_graph, chunk_firms=7, threads=2, **options)  # type: ignore[arg-type]
    assert len(list(pieces)) > 8
    assert not [key for key in arrays(demo_graph).memo if key[0] == "partners-tail-narrow"]
    forget_results(demo_graph)


@pytest.mark.parametrize("free", [10**15, 0, None])
def test_each_kind_lets_go_of_its_products_only_when_memory_is_short(
    demo_graph: EcosystemGraph, monkeypatch: pytest.MonkeyPatch, free: int | None
) -> None:
    """Plenty of memory free: every kind's tails stay for the kinds after it (they share
    step matrices); short, or unknown: each kind's are let go before the next, the
    names kept.  The table is the same."""
    forget_results(demo_graph)
    monkeypatch.setattr(stream, "available_memory", lambda: free)
    monkeypatch.setattr(metapaths, "FEW_ROWS", 0)  # whole tails, as a large graph's chunks
    options = PER_FIRM
    pieces = iter_candidate_partners(demo_graph, chunk_firms=7, threads=1, **options)  # type: ignore[arg-type]
    table = pd.concat(list(pieces), ignore_index=True)
    memo = arrays(demo_graph).memo
    kept = {key[1] for key in memo if key[0] == "partners-tail-narrow"}
    assert kept == (set(FIRM_KINDS) if free else set())
    assert ("reasons-name-rank",) in memo  # what every kind writes stays either way
    forget_results(demo_graph)
    pd.testing.assert_frame_equal(table, candidate_partners(demo_graph, **options))  # type: ignore[arg-type]


def test_a_chunk_that_fails_stops_the_file_and_leaves_no_thread(
    demo_graph: EcosystemGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from innokg.queries.partners import stream

    calls: list[int] = []
    plain = stream._rank

    def failing(*args: object) -> pd.DataFrame:
        calls.append(1)
        if len(calls) == 4:  # a chunk built by a thread
            raise MemoryError("chunk 4")
        return plain(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(stream, "_rank", failing)
    out = tmp_path / "p.parquet"
    with pytest.raises(MemoryError, match="chunk 4"):
        write_candidate_partners(
            demo_graph, out, per_source=3, kinds=FIRM_KINDS, chunk_firms=5, threads=2
        )
    assert not out.exists() and not list(tmp_path.iterdir())  # nothing half-written
    assert not [t for t in threading.enumerate() if t.name.startswith("innokg-partners")]


def test_bad_options_are_refused_before_the_first_piece() -> None:
    G = supply_web()
    with pytest.raises(QueryError, match="chunk_firms"):
        iter_candidate_partners(G, per_source=2, chunk_firms=0)
    with pytest.raises(QueryError, match="threads"):
        iter_candidate_partners(G, per_source=2, threads=0)
    with pytest.raises(QueryError, match="unknown kind"):
        iter_candidate_partners(G, per_source=2, kinds=["nope"])
    with pytest.raises(QueryError, match="unknown size"):
        iter_candidate_partners(G, per_source=2, sizes=["huge"])


def read_back(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path).astype(_COLUMNS)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("chunk_firms", [1, 2, 1_000])
def test_the_parquet_file_reads_back_as_the_table(tmp_path: Path, chunk_firms: int) -> None:
    G = supply_web()
    options = {"per_source": 2, "kinds": ["enterprise-enterprise", "fund-team"]}
    out = tmp_path / "p.parquet"
    done = write_candidate_partners(G, out, chunk_firms=chunk_firms, **options)
    whole = candidate_partners(G, **options)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(read_back(out), whole)
    ranked = whole[whole["rank"] > 0]
    assert (done.rows, done.sources) == (len(whole), ranked["source"].nunique())
    assert done.pairs == {"enterprise-enterprise": len(ranked)}


@pytest.mark.parametrize("chunk_firms", [1, 1_000])
def test_the_csv_is_the_whole_tables_csv_with_formulas_neutralised(
    tmp_path: Path, chunk_firms: int
) -> None:
    G = supply_web()
    options = {"per_source": 3, "kinds": FIRM_KINDS}
    out = tmp_path / "p.csv"
    write_candidate_partners(G, out, chunk_firms=chunk_firms, **options)
    whole = candidate_partners(G, **options)  # type: ignore[arg-type]
    text = out.read_bytes().decode("utf-8")
    assert text == render(whole, "csv")
    back = read_back(out).query("rank != '0'")  # not the note that fund-team lacks data
    names = dict(zip(back["source"], back["source_name"], strict=False))
    assert names == {
        "a": "'=HYPERLINK(1)",
        "b": '\'+乙, "引号"',
        "c": "丙\r=1+1",
        "d": "'-丁\n第二行",
        "e": "'@戊",
    }
    assert '"丙\r=1+1"' in text and '"\'-丁\n第二行"' in text  # line breaks stay inside quotes
    assert not any(line.startswith(("=", "+", "-", "@")) for line in text.split("\n"))


def test_an_empty_table_still_has_its_columns(tmp_path: Path) -> None:
    G = supply_web()
    for suffix in (".parquet", ".csv"):
        out = tmp_path / f"empty{suffix}"
        done = write_candidate_partners(G, out, kinds=["fund-team"], per_source=2, notes=False)
        assert done.rows == 0 and list(read_back(out).columns) == list(_COLUMNS)


def test_a_file_of_another_kind_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    G = supply_web()
    with pytest.raises(InnokgError, match=r"\.parquet or \.csv"):
        write_candidate_partners(G, tmp_path / "p.xlsx", per_source=2)
    with pytest.raises(QueryError):
        write_candidate_partners(G, tmp_path / "p.csv", per_source=2, kinds=["nope"])
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def demo_10k(tmp_path_factory: pytest.TempPathFactory) -> EcosystemGraph:
    out = tmp_path_factory.mktemp("demo10k") / "innokg-demo"
    build_demo(out, scale=10_000, seed=2016, database=False)
    return EcosystemGraph.open(out)


def test_the_10k_demos_per_firm_table_streams_unchanged(
    demo_10k: EcosystemGraph, tmp_path: Path
) -> None:
    options = {"kinds": FIRM_KINDS, "per_source": 20, "sizes": ["large", "medium"]}
    whole = candidate_partners(demo_10k, **options)  # type: ignore[arg-type]
    assert whole["source"].nunique() > 500 and len(whole) > 10_000
    out = tmp_path / "p.parquet"
    done = write_candidate_partners(demo_10k, out, chunk_firms=97, **options)
    pd.testing.assert_frame_equal(read_back(out), whole)
    assert done.rows == len(whole)
    csv = tmp_path / "p.csv"
    write_candidate_partners(demo_10k, csv, chunk_firms=5_000, **options)
    assert csv.read_text(encoding="utf-8") == render(whole, "csv")


def invoke(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_command_streams_parquet_and_csv(demo_package: Path, tmp_path: Path) -> None:
    G = EcosystemGraph.open(demo_package)
    args = ["--per-source", "5", "--size", "large", "--size", "medium", "--kind"]
    whole = candidate_partners(
        G, kinds=["enterprise-institute"], per_source=5, sizes=["large", "medium"]
    )
    parquet = tmp_path / "p.parquet"
    said = invoke("partners", demo_package, *args, "enterprise-institute", "--out", parquet)
    assert "enterprise-institute: sources 1-" in said  # progress
    assert f"wrote {len(whole)} row(s) to {parquet}" in said
    pd.testing.assert_frame_equal(read_back(parquet), whole)
    csv = tmp_path / "p.csv"
    quiet = invoke("partners", demo_package, *args, "enterprise-institute", "-q", "--out", csv)
    assert "sources 1-" not in quiet
    assert csv.read_text(encoding="utf-8") == render(whole, "csv")
    named = tmp_path / "p.txt"
    fmt = ["--format", "csv"]
    invoke("partners", demo_package, *args, "enterprise-institute", *fmt, "--out", named)
    assert named.read_text(encoding="utf-8") == render(whole, "csv")
    one = tmp_path / "one.parquet"
    invoke("partners", demo_package, *args, "enterprise-institute", "--threads", 1, "--out", one)
    pd.testing.assert_frame_equal(read_back(one), whole)
    refused = CliRunner().invoke(
        main,
        ["partners", str(demo_package), "--per-source", "5", "--threads", "0", "--out", str(one)],
    )
    assert refused.exit_code == 2 and "--threads" in refused.output


def test_a_kinds_products_are_dropped_when_its_pieces_are_done_if_memory_is_short(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the whole-graph products, as for the many sources of a real run (a handful of
    # sources walks from them alone and memoises nothing), with memory short, as at ten
    # million nodes (with plenty, the next kinds reuse them)
    monkeypatch.setattr(metapaths, "FEW_ROWS", 0)
    monkeypatch.setattr(stream, "available_memory", lambda: 0)
    G = supply_web()
    A = arrays(G)

    def tails() -> set[object]:
        return {k for k in A.memo if isinstance(k, tuple) and k[0] == "partners-tail"}

    candidate_partners(G, kinds=["enterprise-institute"], per_source=1)  # cached before
    before = tails()
    everything = set(A.memo)
    assert before and all(k[1] == "enterprise-institute" for k in before)
    kinds = ["enterprise-institute", "enterprise-enterprise"]
    pieces = iter_candidate_partners(G, kinds=kinds, per_source=1)
    assert set(next(pieces)["kind"]) == {"enterprise-institute"}
    assert set(next(pieces)["kind"]) == {"enterprise-enterprise"}
    assert any(k[1] == "enterprise-enterprise" for k in tails())  # made for its pieces
    built = set(A.memo) - everything
    assert any(k[0] in ("matrix", "partners-step") for k in built)  # its walks' steps
    list(pieces)
    assert tails() == before  # and dropped when they were done
    # with the step matrices its walks built
    matrices = ("matrix", "partners-step", "partners-transposed", "partners-tail")
    assert not any(k[0] in matrices for k in set(A.memo) - everything)


def test_threads_asking_together_build_a_whole_graph_array_once(monkeypatch) -> None:
    from innokg.queries import intermediates, once

    A = arrays(make_graph({"Enterprise": [{"id": f"e{i}", "name": f"企业{i}"} for i in range(5)]}))
    started, release = threading.Event(), threading.Event()
    builds: list[int] = []
    rank_by_name = intermediates._rank_by_name

    def slow_rank(names):  # the first build holds on until the second thread has asked
        builds.append(1)
        started.set()
        release.wait(5)
        return rank_by_name(names)

    monkeypatch.setattr(intermediates, "_rank_by_name", slow_rank)
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(intermediates.name_rank(A)))]
    threads[0].start()
    started.wait(5)
    threads.append(threading.Thread(target=lambda: results.append(intermediates.name_rank(A))))
    threads[1].start()
    threads[1].join(0.2)
    assert threads[1].is_alive()  # waiting for the first build, not making its own
    release.set()
    for t in threads:
        t.join(5)
    assert builds == [1] and len(results) == 2 and results[0] is results[1]
    assert results[0].tolist() == [0, 1, 2, 3, 4]
    assert once.built_once(A, ("reasons-name-rank",), list) is results[0]


def test_two_threads_build_two_different_arrays_at_once() -> None:
    """Each array has its own lock: while one thread builds the names' order, another
    builds the ids' text rather than waiting for it (one lock for all made the first
    kind's jobs wait in a line)."""
    from innokg.queries import once

    A = arrays(make_graph({"Enterprise": [{"id": "a", "name": "甲"}]}))
    second_built = threading.Event()

    def first() -> str:  # finishes only once the other array is built
        assert second_built.wait(5), "the second build waited for the first"
        return "first"

    def second() -> str:
        second_built.set()
        return "second"

    t = threading.Thread(target=lambda: once.built_once(A, ("test-first",), first))
    t.start()
    assert once.built_once(A, ("test-second",), second) == "second"
    t.join(5)
    assert not t.is_alive() and A.memo[("test-first",)] == "first"


def test_jobs_run_after_what_they_read_the_earliest_first_and_no_more_at_once() -> None:
    """The jobs built ahead of a kind's chunks: each starts once the jobs it comes after
    are done, of the ready ones the earliest listed first, never more than the threads
    at once; a failure is raised, and a job after one not listed is refused."""
    from concurrent.futures import ThreadPoolExecutor

    lock = threading.Lock()
    events: list[tuple[str, str]] = []
    running = [0]
    most = [0]

    def job(name: str) -> Callable[[], None]:
        def run() -> None:
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
                events.append(("start", name))
            time.sleep(0.02)
            with lock:
                running[0] -= 1
                events.append(("end", name))

        return run

    jobs = [
        ("tail", job("tail"), ("step a", "step b")),
        ("step a", job("step a"), ()),
        ("step b", job("step b"), ()),
        ("names", job("names"), ()),
        ("rank", job("rank"), ("names",)),
    ]
    with ThreadPoolExecutor(2) as pool:
        stream._run_jobs(pool, 2, jobs)
    at = {event: i for i, event in enumerate(events)}
    assert len(at) == 10 and most[0] == 2
    assert at[("start", "tail")] > max(at[("end", "step a")], at[("end", "step b")])
    assert at[("start", "rank")] > at[("end", "names")]
    assert [name for kind, name in events if kind == "start"][:2] == ["step a", "step b"]

    def fails() -> None:
        raise MemoryError("tail")

    with ThreadPoolExecutor(2) as pool, pytest.raises(MemoryError, match="tail"):
        stream._run_jobs(pool, 2, [("tail", fails, ())])
    with ThreadPoolExecutor(2) as pool, pytest.raises(ValueError, match="not in the list"):
        stream._run_jobs(pool, 2, [("tail", job("tail"), ("step",))])
