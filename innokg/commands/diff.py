"""``innokg diff OLD NEW``: what changed between two builds of a graph.

The comparison is :func:`innokg.queries.diff.graph_diff`; this module only reads the two
packages and writes its tables (``--format table|csv|json|xlsx``).  The query module is
imported when the command runs, so ``innokg --help`` stays quick.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError
from innokg.output import FORMATS, render, rounded, write_table

__all__ = ["COMMANDS", "SECTION_NAMES"]

# Repeated from innokg.queries.diff.SECTIONS so that `--help` need not import it;
# tests/test_diff.py checks that they agree.
SECTION_NAMES = (
    "summary",
    "indicators",
    "platforms",
    "demonstrations",
    "alliances",
    "lost_suppliers",
    "single_sourced",
    "clusters",
    "nodes",
    "edges",
)

#: Rows of each table shown on screen at most.
SCREEN_ROWS = 50

#: The columns a reader needs on screen; the files carry every column.
SCREEN: dict[str, list[str]] = {
    "summary": ["kind", "name", "old", "new", "added", "removed", "changed"],
    "indicators": [
        "group_name", "indicator", "old_value", "new_value", "change", "target", "status",
    ],
    "platforms": ["id", "name", "city", "kind", "demonstration", "run_by"],
    "demonstrations": ["label", "id", "name", "city", "demonstration", "new_node"],
    "alliances": ["id", "name", "kind", "members"],
    "lost_suppliers": ["buyer_name", "input", "supplier_name", "supplier_gone", "suppliers_left"],
    "single_sourced": [
        "change", "buyer_name", "input", "supplier_name", "old_suppliers", "new_suppliers",
    ],
    "clusters": [
        "event", "old_clusters", "old_labels", "old_size", "new_clusters", "new_labels",
        "new_size", "shared", "jaccard",
    ],
    "nodes": ["change", "label", "id", "name", "fields"],
    "edges": ["change", "type", "from_name", "to_name", "key", "fields"],
}  # fmt: skip


def _screen_text(tables: dict[str, pd.DataFrame], titles: dict[str, tuple[str, str]]) -> str:
    parts = []
    for name, df in tables.items():
        zh, en = titles[name]
        head = f"{name}: {en} · {zh} ({len(df):,} row{'s' if len(df) != 1 else ''})"
        if df.empty:
            parts.append(head + "\n  (none)\n")
            continue
        shown = df[[c for c in SCREEN[name] if c in df.columns]].head(SCREEN_ROWS)
        more = (
            f"  showing {SCREEN_ROWS} of {len(df):,}; --format csv|xlsx --out writes all\n"
            if len(df) > SCREEN_ROWS
            else ""
        )
        parts.append(head + "\n" + render(rounded(shown), "table") + more)
    return "\n".join(parts)


def _json_text(d: Any, tables: dict[str, pd.DataFrame]) -> str:
    body = {
        "old": d.old,
        "new": d.new,
        "tables": {name: json.loads(render(df, "json")) for name, df in tables.items()},
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def _readme(
    d: Any, tables: dict[str, pd.DataFrame], titles: dict[str, tuple[str, str]]
) -> pd.DataFrame:
    rows: list[tuple[str, str, str, Any]] = [
        ("README", "说明", "What each sheet of this workbook holds.", pd.NA),
        ("about", "来源", "The two graphs compared and the year each was asked as of.", pd.NA),
    ]
    rows += [(name, titles[name][0], titles[name][1], len(df)) for name, df in tables.items()]
    out = pd.DataFrame(rows, columns=["sheet", "中文", "holds", "rows"])
    return out.astype({"rows": "Int64"})


def _about(d: Any) -> pd.DataFrame:
    rows = []
    for side in ("old", "new"):
        info = getattr(d, side)
        for key in ("package", "title", "built_at", "schema_version", "year", "synthetic"):
            value = info.get(key)
            rows.append((side, key, "" if value is None else str(value)))
    return pd.DataFrame(rows, columns=["graph", "field", "value"])


def _write_text(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InnokgError(f"cannot write {out}: {exc.strerror or exc}") from exc


def _write_csv_folder(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    if out.exists() and not out.is_dir():
        raise InnokgError(
            f"{out} is a file; --format csv writes one file per table into a folder "
            "(or give one --section to write a single file)"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InnokgError(f"cannot write {out}: {exc.strerror or exc}") from exc
    written = []
    for name, df in tables.items():
        path = out / f"{name}.csv"
        write_table(df, "csv", path)
        written.append(path)
    return written


@click.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(FORMATS),
    help="table on screen; csv (a folder, or one file with one --section), json, "
    "or xlsx (one workbook, needs --out) with every column.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Write to this file (a folder for csv with several tables).",
)
@click.option(
    "--section",
    "sections",
    multiple=True,
    type=click.Choice(SECTION_NAMES),
    help="Only this table (repeat for several); default all.",
)
@click.option(
    "--old-year",
    type=click.IntRange(1800, 2100),
    help="Ask the old graph as of this year (default: its latest year).",
)
@click.option(
    "--new-year",
    type=click.IntRange(1800, 2100),
    help="Ask the new graph as of this year (default: its latest year).",
)
@click.option(
    "--no-clusters",
    is_flag=True,
    help="Do not compare supply-chain clusters (saves two community detections).",
)
@click.option("--seed", default=2016, show_default=True, type=int, help="Seed of the cluster runs.")
def diff(
    old: Path,
    new: Path,
    fmt: str,
    out: Path | None,
    sections: tuple[str, ...],
    old_year: int | None,
    new_year: int | None,
    no_clusters: bool,
    seed: int,
) -> None:
    """What changed between two graph packages, e.g. last year's build and this year's.

    \b
    summary         nodes and edges added, removed, changed, by label and type
    indicators      each policy indicator by city (and the province), then and now
    platforms       new platforms: where, what kind, who runs them
    demonstrations  platforms and maker teams newly recognised as demonstration ones
    alliances       new alliances and their members
    lost_suppliers  supply links that ended, and the suppliers the buyer has left
    single_sourced  inputs that became single-sourced, or no longer are
    clusters        supply-chain clusters that continued, split, merged, appeared
    nodes, edges    every node and edge added, removed or changed, with the change

    Nodes are matched by id, edges by type, endpoints and product (SUPPLIES).
    Clusters are matched by the overlap of their members (Jaccard at least 0.3).
    Each graph is asked as of its latest year unless --old-year / --new-year say.

    \b
    Examples:
      innokg diff henan-2018 henan-2019
      innokg diff henan-2018 henan-2019 --section indicators --format csv --out ind.csv
      innokg diff henan-2018 henan-2019 --format xlsx --out changes.xlsx
    """
    from innokg.queries.diff import SECTIONS, graph_diff

    if fmt == "xlsx" and out is None:
        raise InnokgError("--format xlsx needs --out FILE.xlsx")
    chosen = list(dict.fromkeys(sections)) or list(SECTION_NAMES)
    if fmt == "csv" and len(chosen) > 1 and out is None:
        raise InnokgError(
            "--format csv writes one file per table: give --out FOLDER, "
            "or one --section to print that table"
        )
    G_old = EcosystemGraph.open(old)
    G_new = EcosystemGraph.open(new)
    for name, G in (("old", G_old), ("new", G_new)):
        if G.manifest.get("synthetic"):
            click.echo(f"note: the {name} graph holds synthetic demo data", err=True)
    d = graph_diff(
        G_old,
        G_new,
        old_year=old_year,
        new_year=new_year,
        indicators="indicators" in chosen,
        clusters=not no_clusters and "clusters" in chosen,
        seed=seed,
    )
    click.echo(
        f"compared {old} (as of {d.old['year'] or 'all years'}) with "
        f"{new} (as of {d.new['year'] or 'all years'})",
        err=True,
    )
    everything = d.tables()
    tables = {name: everything[name] for name in chosen}
    if fmt == "table":
        _write_text(_screen_text(tables, SECTIONS), out)
    elif fmt == "json":
        _write_text(_json_text(d, tables), out)
    elif fmt == "csv":
        if len(tables) == 1 and (out is None or out.suffix.lower() == ".csv"):
            write_table(next(iter(tables.values())), "csv", out)
        else:
            assert out is not None
            _write_csv_folder(tables, out)
    else:
        from innokg.exports import write_sheets

        assert out is not None
        sheets = {"README": _readme(d, tables, SECTIONS), "about": _about(d), **tables}
        write_sheets(sheets, out)
    if out is not None:
        rows = sum(len(df) for df in tables.values())
        click.echo(f"wrote {len(tables)} table(s), {rows:,} row(s), to {out}", err=True)


COMMANDS = [diff]
