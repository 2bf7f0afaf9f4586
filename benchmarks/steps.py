"""The benchmark steps: each times one job on a demo package of a given scale.

A step is a function ``(package, scale) -> dict``; it times only the work itself (not
start-up or reading inputs it is handed) and returns ``seconds`` plus anything worth
reporting.  :mod:`benchmarks.run_step` runs one step in a fresh process, so the peak
memory it reports is that step's own.
"""

from __future__ import annotations

import gc
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "NETWORKX_MAX_SCALE",
    "STEPS",
    "TARGETS_1M",
    "TARGETS_10M",
    "TARGETS_FIXED",
    "TARGETS_MEMORY_MB",
    "TARGETS_MEMORY_MB_10M",
    "Step",
    "targets",
]

Step = Callable[[Path, int], dict[str, Any]]


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def generate_and_build(package: Path, scale: int) -> dict[str, Any]:
    """Generate the demo and write its package (tables only; the database is its own step),
    prepared for the first questions unless keeping is off (the cold runs)."""
    from innokg.pipeline import build_demo

    out = Path(tempfile.mkdtemp(dir=package.parent)) / "pkg"
    try:
        seconds, result = _timed(lambda: build_demo(out, scale=scale, database=False))
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    counts = result.manifest["counts"]
    prepared = result.timings.get("prepare the first questions")
    lookups = result.timings.get("keep the lookups")  # above the size a build prepares
    return {
        "seconds": seconds,
        "nodes": sum(counts["nodes"].values()),
        "edges": sum(counts["edges"].values()),
        **({"prepared s": round(prepared, 1)} if prepared is not None else {}),
        **({"lookups s": round(lookups, 1)} if lookups is not None else {}),
    }


def reopen(package: Path, scale: int) -> dict[str, Any]:
    """Read a package's tables, checksums verified: ready to query."""
    from innokg.graph.ecosystem import EcosystemGraph

    seconds, _ = _timed(lambda: EcosystemGraph.open(package))
    return {"seconds": seconds}


def load_database(package: Path, scale: int) -> dict[str, Any]:
    """Create the embedded database from the package's tables (bulk COPY)."""
    from innokg.graph.package import read_tables
    from innokg.graph.stores.embedded import create_database
    from innokg.graph.validate import Tables

    nodes, edges, _ = read_tables(package)
    scratch = Path(tempfile.mkdtemp(dir=package.parent))
    try:
        seconds, _ = _timed(lambda: create_database(scratch / "graph.lbdb", Tables(nodes, edges)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"seconds": seconds}


def demo_end_to_end(package: Path, scale: int) -> dict[str, Any]:
    """`innokg demo --scale N`, the whole command as a user runs it."""
    out = Path(tempfile.mkdtemp(dir=package.parent)) / "pkg"
    try:
        cmd = [
            sys.executable,
            "-m",
            "innokg",
            "demo",
            "--scale",
            str(scale),
            "--out",
            str(out),
            "-q",
        ]
        seconds, proc = _timed(
            lambda: subprocess.run(cmd, capture_output=True, text=True, check=False)
        )
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return {"seconds": seconds}


def cypher_queries(package: Path, scale: int) -> dict[str, Any]:
    """A point lookup and a 2-hop query on the embedded database, 50 runs each."""
    from innokg.graph.ecosystem import EcosystemGraph
    from innokg.graph.stores.embedded import EmbeddedStore

    G = EcosystemGraph.open(package, verify=False)
    firms = G.nodes["Enterprise"]["id"].sample(50, random_state=1, replace=True).tolist()
    queries = {
        "point": "MATCH (e:Enterprise {id: $id}) RETURN e.name, e.size",
        "2-hop": "MATCH (s:Enterprise)-[:SUPPLIES]->(:Enterprise)-[:SUPPLIES]->"
        "(e:Enterprise {id: $id}) RETURN count(DISTINCT s) AS n",
    }
    out: dict[str, Any] = {}
    with EmbeddedStore(package / "graph.lbdb") as store:
        for name, q in queries.items():
            store.run(q, {"id": firms[0]})  # warm the cache once
            times = []
            for fid in firms:
                t, _ = _timed(lambda q=q, fid=fid: store.run(q, {"id": fid}))
                times.append(t * 1000)
            times.sort()
            out[f"{name} p50 ms"] = round(statistics.median(times), 2)
            out[f"{name} p95 ms"] = round(times[int(0.95 * (len(times) - 1))], 2)
    out["seconds"] = out["2-hop p95 ms"] / 1000
    return out


def _graph(package: Path):  # type: ignore[no-untyped-def]
    from innokg.graph.ecosystem import EcosystemGraph

    return EcosystemGraph.open(package, verify=False)


def partners_one_firm(package: Path, scale: int) -> dict[str, Any]:
    """One large firm's partners of every kind (``innokg partners --for``), the package
    already open: the largest firm by employees."""
    from innokg.queries.partners import candidate_partners

    G = _graph(package)
    firms = G.nodes["Enterprise"]
    node = str(firms.loc[firms["employees"].astype("Float64").fillna(-1).idxmax(), "id"])
    seconds, df = _timed(lambda: candidate_partners(G, node=node))
    return {"seconds": seconds, "rows": len(df), "firm": node}


def clusters(package: Path, scale: int) -> dict[str, Any]:
    """Supply-chain clusters with their profiles (igraph Leiden)."""
    from innokg.queries.clusters import supply_clusters

    G = _graph(package)
    seconds, df = _timed(lambda: supply_clusters(G))
    return {"seconds": seconds, "clusters": len(df)}


def gaps(package: Path, scale: int) -> dict[str, Any]:
    """Every collaboration-gap table, Burt's constraint included."""
    from innokg.queries.gaps import collaboration_gaps

    G = _graph(package)
    seconds, df = _timed(lambda: collaboration_gaps(G))
    return {"seconds": seconds, "rows": len(df)}


def partners(package: Path, scale: int) -> dict[str, Any]:
    """Top-20 partners of every kind for every large and medium enterprise, written to
    a Parquet file chunk by chunk (the way `innokg partners --out` writes it)."""
    from innokg.exports.partners import write_candidate_partners
    from innokg.queries.partners import KINDS

    G = _graph(package)
    kinds = [k.key for k in KINDS.values() if k.partnership and k.source == "Enterprise"]
    sizes = ["large", "medium"]
    scratch = Path(tempfile.mkdtemp(dir=package.parent))
    out = scratch / "partners.parquet"
    try:
        seconds, done = _timed(
            lambda: write_candidate_partners(G, out, kinds=kinds, per_source=20, sizes=sizes)
        )
        size_mb = out.stat().st_size / 1e6
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {
        "seconds": seconds,
        "pairs": sum(done.pairs.values()),
        "rows": done.rows,
        "firms": done.sources,
        "file MB": round(size_mb, 1),
    }


def indicators(package: Path, scale: int) -> dict[str, Any]:
    """Every policy indicator by city and by year."""
    from innokg.queries.indicators import policy_indicators

    G = _graph(package)
    seconds, _ = _timed(lambda: (policy_indicators(G, by="city"), policy_indicators(G, by="year")))
    return {"seconds": seconds}


def brief(package: Path, scale: int) -> dict[str, Any]:
    """The policy brief, as HTML."""
    from innokg.brief import build_brief, render_html

    G = _graph(package)
    seconds, html = _timed(lambda: render_html(build_brief(G)))
    return {"seconds": seconds, "kB": len(html.encode()) // 1024}


def viz_page(package: Path, scale: int) -> dict[str, Any]:
    """The whole-graph picture (aggregated above 1,000 nodes), as a page."""
    from innokg.viz import page_html, whole_graph

    G = _graph(package)
    seconds, html = _timed(lambda: page_html(whole_graph(G)))
    return {"seconds": seconds, "kB": len(html.encode()) // 1024}


def rdf_export(package: Path, scale: int) -> dict[str, Any]:
    """The whole package as Turtle, streamed."""
    from innokg.graph.rdf import export_package

    out = Path(tempfile.mkdtemp(dir=package.parent)) / "g.ttl"
    try:
        seconds, _ = _timed(lambda: export_package(package, out, format="ttl"))
        size = out.stat().st_size
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    return {"seconds": seconds, "MB": round(size / 1e6, 1)}


def _supply_nx(G):  # type: ignore[no-untyped-def]
    import networkx as nx

    sup = G.edges["SUPPLIES"]
    H = nx.Graph()
    H.add_nodes_from(G.nodes["Enterprise"]["id"])
    w = sup["weight"].fillna(1.0).astype(float).to_numpy()
    H.add_weighted_edges_from(zip(sup["from_id"], sup["to_id"], w, strict=True))
    return H


def clusters_vs_networkx(package: Path, scale: int) -> dict[str, Any]:
    """Our Leiden on SUPPLIES against networkx Louvain: time and modularity.  Both
    libraries are imported before either clock starts (importing igraph took 0.6 s of
    a 0.9 s run at 100k, and networkx is imported up here)."""
    import igraph  # noqa: F401  (the first use would import it inside our clock)
    import networkx as nx

    from innokg.queries.clusters import cluster_labels

    G = _graph(package)
    H = _supply_nx(G)
    fast, labels = _timed(lambda: cluster_labels(G, inferred="none", min_size=1))
    slow, parts = _timed(lambda: nx.community.louvain_communities(H, seed=2016))
    ids = G.node_ids
    ours: dict[int, set[str]] = {}
    for node in H:
        ours.setdefault(int(labels[ids.get_loc(node)]), set()).add(node)
    q_ours = nx.community.modularity(H, list(ours.values()))
    q_nx = nx.community.modularity(H, parts)
    return {
        "seconds": fast,
        "networkx s": round(slow, 2),
        "ratio": round(slow / fast, 1),
        "modularity": round(q_ours, 4),
        "networkx modularity": round(q_nx, 4),
    }


def partners_vs_networkx(package: Path, scale: int) -> dict[str, Any]:
    """Adamic-Adar of every candidate partner of the large and medium firms: each firm
    two steps away in the organisation network and not yet linked.  Ours is one sparse
    product; networkx lists each firm's candidates and runs adamic_adar_index on them.
    The times exclude building each side's graph (reported as build s)."""
    import networkx as nx
    import numpy as np

    from innokg.queries.arrays import arrays
    from innokg.queries.partners import adamic_adar_candidates

    G = _graph(package)
    types = ["SUPPLIES", "COLLABORATES_WITH", "MEMBER_OF"]
    firms = G.nodes["Enterprise"]
    sources = firms.loc[firms["size"].isin(["large", "medium"]), "id"].tolist()
    # each side's graph structure is built before its clock starts
    ours_build, _ = _timed(lambda: arrays(G).adjacency(tuple(types)))
    fast, ours = _timed(
        lambda: adamic_adar_candidates(G, sources, target_label="Enterprise", edge_types=types)
    )

    def simple_graph() -> nx.Graph:
        H = nx.Graph(G.to_networkx(edge_types=types).to_undirected())
        H.remove_edges_from(nx.selfloop_edges(H))
        return H

    nx_build, H = _timed(simple_graph)
    firm_ids = set(firms["id"])

    def plain() -> dict[tuple[str, str], float]:
        out: dict[tuple[str, str], float] = {}
        for u in sources:
            if u in H:
                near = set(H[u])
                two = {w for z in near for w in H[z] if w in firm_ids} - near - {u}
                out.update(
                    {(a, b): s for a, b, s in nx.adamic_adar_index(H, [(u, w) for w in two])}
                )
        return out

    slow, theirs = _timed(plain)
    got = dict(zip(zip(ours["source"], ours["target"], strict=True), ours["score"], strict=True))
    same = got.keys() == theirs.keys() and bool(
        np.allclose([got[p] for p in theirs], list(theirs.values()), rtol=1e-12)
    )
    return {
        "seconds": fast,
        "networkx s": round(slow, 2),
        "ratio": round(slow / fast, 1),
        "pairs": len(theirs),
        "identical scores": same,
        "build s": round(ours_build, 2),
        "networkx build s": round(nx_build, 2),
    }


#: Seconds networkx's own constraint may run before it is stopped: at 100k it runs for
#: hours (at 10k it took 91 s against our 0.1 s), and a ratio taken at the budget is a
#: lower bound on the true one.
NETWORKX_BUDGET_S = 600
#: Organisations (drawn at random) whose constraint networkx computes in full when the
#: whole run is stopped, to check ours value by value.
CHECKED_NODES = 200


def _within(budget: float, fn: Callable[[], Any]) -> tuple[float, Any] | None:
    """``fn()``'s seconds and result, run in a forked process stopped after ``budget``
    seconds (None then)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        start = time.perf_counter()
        result = fn()
        send.send((time.perf_counter() - start, result))

    process = ctx.Process(target=child, daemon=True)
    process.start()
    send.close()
    try:
        if receive.poll(budget):
            found: tuple[float, Any] = receive.recv()
            return found
        return None
    finally:
        process.kill()
        process.join()


def constraint_vs_networkx(package: Path, scale: int) -> dict[str, Any]:
    """Burt's constraint (from the triangles) against networkx's, organisations on the
    same graph.  networkx runs in a child process for at most
    :data:`NETWORKX_BUDGET_S`; stopped there, the ratio is a lower bound and ours is
    checked against networkx's on :data:`CHECKED_NODES` organisations drawn at random."""
    import random

    import networkx as nx
    import numpy as np

    from innokg.queries.arrays import ORGANISATIONS
    from innokg.queries.gaps import ORG_EDGES, structural_holes

    G = _graph(package)
    fast, df = _timed(lambda: structural_holes(G))
    H = nx.Graph(
        G.to_networkx(labels=list(ORGANISATIONS), edge_types=list(ORG_EDGES)).to_undirected()
    )
    H.remove_edges_from(nx.selfloop_edges(H))
    nodes = df["entity"].tolist()
    ours = dict(zip(nodes, df["constraint"].to_numpy(float), strict=True))
    whole = _within(NETWORKX_BUDGET_S, lambda: nx.constraint(H, nodes=nodes))
    if whole is None:
        checked = random.Random(2016).sample(nodes, min(CHECKED_NODES, len(nodes)))
        slow, theirs = float(NETWORKX_BUDGET_S), nx.constraint(H, nodes=checked)
    else:
        slow, theirs = whole
    diff = (
        float(np.max(np.abs(np.array([ours[n] for n in theirs]) - np.array(list(theirs.values())))))
        if theirs
        else 0.0
    )
    result: dict[str, Any] = {
        "seconds": fast,
        "networkx s": round(slow, 2),
        "ratio": round(slow / fast, 1),
        "max difference": f"{diff:.1e}",
    }
    if whole is None:
        result["networkx stopped"] = True
        result["checked"] = len(theirs)
    return result


def address_resolution(package: Path, scale: int) -> dict[str, Any]:
    """Resolve 50,000 registered addresses (a fifth unresolvable) to Henan places.

    Independent of the package: the addresses are built by :mod:`benchmarks.address`.
    """
    from benchmarks.address import build
    from innokg.loaders.address import AddressResolver

    resolver = AddressResolver.henan()
    texts = build(50_000, 2016)
    seconds, found = _timed(lambda: resolver.resolve_many(texts))
    resolved = float(found["id"].notna().mean())
    return {"seconds": seconds, "addresses": len(texts), "resolved": resolved}


REGISTRATION_ROWS = 100_000


def registration_build(package: Path, scale: int) -> dict[str, Any]:
    """`innokg validate` then `innokg build --lenient` (embedded database included) on a
    registration extract of 100,000 firms and their cities, 1% of rows bad.

    Independent of the package: the extract is written by :mod:`tests.registration`
    (every per-row defect of issue 15, seeded) before the clock starts.
    """
    from innokg.graph.validate import validate_tables
    from innokg.pipeline import build_from_sources, load_sources
    from tests.registration import write_registration

    work = Path(tempfile.mkdtemp(dir=package.parent))
    try:
        reg = write_registration(work / "extract", REGISTRATION_ROWS, bad=0.01, seed=2016)
        spec = [f"tables:{reg.folder}"]
        # the generator's own objects (100,000 rows' worth) are no part of a user's run:
        # keep the garbage collector from walking them again and again
        gc.collect()
        gc.freeze()
        cpu = time.process_time()  # every thread's: less shaken than wall time by other jobs
        validate_s, checked = _timed(  # what `innokg validate` does
            lambda: validate_tables(*_merged(load_sources(spec)), lenient=True)
        )
        build_s, built = _timed(lambda: build_from_sources(spec, work / "pkg", lenient=True))
        cpu = time.process_time() - cpu
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "seconds": validate_s + build_s,
        "validate s": round(validate_s, 2),
        "build s": round(build_s, 2),
        "cpu s": round(cpu, 2),
        "rows": 2 * reg.rows,
        "problems": len(checked.problems),
        "rows rejected": sum(len(rows) for rows in reg.rejected.values()),
        "firms": built.manifest["counts"]["nodes"]["Enterprise"],
    }


def _merged(sources: list[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    from innokg.pipeline import merge_sources

    merged = merge_sources(sources)
    return merged.nodes, merged.edges


def henan_build(package: Path, scale: int) -> dict[str, Any]:
    """``innokg henan`` on the public data beside the checkout (skipped when absent)."""
    from innokg.henan import build_henan

    data = Path(__file__).resolve().parents[2] / "shared" / "data"
    if not data.is_dir():
        return {"seconds": float("nan"), "skipped": f"no data folder at {data}"}
    out = Path(tempfile.mkdtemp(dir=package.parent)) / "henan"
    try:
        seconds, built = _timed(lambda: build_henan(out, data=data))
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    counts = built.result.manifest["counts"]
    return {
        "seconds": seconds,
        "nodes": sum(counts["nodes"].values()),
        "edges": sum(counts["edges"].values()),
    }


def explorer_latency(package: Path, scale: int) -> dict[str, Any]:
    """``innokg serve``: start to ready, p50 / p95 of searches and neighbour pages over HTTP."""
    from benchmarks.explorer import explorer_latency as timed

    return timed(package, scale)


#: name -> the function that times it
STEPS: dict[str, Step] = {
    "generate + build the package": generate_and_build,
    "reopen a package": reopen,
    "load the embedded database": load_database,
    "Cypher point / 2-hop (p95)": cypher_queries,
    "supply-chain clusters": clusters,
    "collaboration gaps": gaps,
    "partners: top-20 for large + medium firms": partners,
    "partners for one firm (--for)": partners_one_firm,
    "indicators by city and year": indicators,
    "policy brief (HTML)": brief,
    "largest viz page": viz_page,
    "RDF export (Turtle)": rdf_export,
    "clusters vs networkx Louvain": clusters_vs_networkx,
    "Adamic-Adar vs networkx": partners_vs_networkx,
    "constraint vs networkx": constraint_vs_networkx,
    "innokg demo (end to end)": demo_end_to_end,
    "address resolution (50k)": address_resolution,
    "innokg henan (real data)": henan_build,
    "validate + build 100k registration rows (1% bad)": registration_build,
    "explorer: search / neighbours over HTTP (p95)": explorer_latency,
}

#: steps that run plain networkx, only up to this scale (beyond it they take too long)
NETWORKX_MAX_SCALE = 100_000

#: targets in seconds at 1,000,000 nodes (issue: performance at scale)

TARGETS_1M: dict[str, float] = {
    "generate + build the package": 60,
    "reopen a package": 3,
    "load the embedded database": 20,
    "Cypher point / 2-hop (p95)": 0.1,
    "supply-chain clusters": 15,
    "collaboration gaps": 30,
    "partners: top-20 for large + medium firms": 30,
    "partners for one firm (--for)": 2,
    "indicators by city and year": 5,
    "policy brief (HTML)": 30,
    "largest viz page": 10,
    "RDF export (Turtle)": 40,
    "innokg demo (end to end)": 180,
    "explorer: search / neighbours over HTTP (p95)": 0.1,
}

#: targets in seconds at 10,000,000 nodes (the same issue's second column)
TARGETS_10M: dict[str, float] = {
    "generate + build the package": 600,
    "reopen a package": 15,
    "load the embedded database": 300,
    "Cypher point / 2-hop (p95)": 0.1,
    "supply-chain clusters": 180,
    "collaboration gaps": 300,
    "partners: top-20 for large + medium firms": 360,
    "partners for one firm (--for)": 5,
    "indicators by city and year": 60,
    "policy brief (HTML)": 300,
    "largest viz page": 60,
    "RDF export (Turtle)": 420,
}

#: targets in seconds whatever the scale (they do not depend on the demo package)
TARGETS_FIXED: dict[str, float] = {
    "address resolution (50k)": 2,
    "innokg henan (real data)": 60,
    "validate + build 100k registration rows (1% bad)": 10,
}

#: targets of peak resident memory in MB (issue 15: messy real tables)
TARGETS_MEMORY_MB: dict[str, float] = {
    "partners: top-20 for large + medium firms": 4096,
    "validate + build 100k registration rows (1% bad)": 2048,
}

#: the same at 10,000,000 nodes
TARGETS_MEMORY_MB_10M: dict[str, float] = {
    "generate + build the package": 16384,
    "partners: top-20 for large + medium firms": 16384,
    "validate + build 100k registration rows (1% bad)": 2048,
}


def targets(scale: int) -> tuple[dict[str, float], dict[str, float]]:
    """The time (s) and memory (MB) targets that apply at ``scale``: the 10M column
    from ten million nodes, the 1M column from one million, none below."""
    if scale >= 10_000_000:
        return TARGETS_10M, TARGETS_MEMORY_MB_10M
    if scale >= 1_000_000:
        return TARGETS_1M, TARGETS_MEMORY_MB
    return {}, TARGETS_MEMORY_MB
