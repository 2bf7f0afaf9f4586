"""The same node twice: an id used twice, or an identifier the schema declares unique
(a credit code) repeated within one source."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.graph.errors import Problem

__all__ = ["UNIQUE_IDENTIFIERS"]

#: Identifiers that name one thing: two rows of a label with the same value are the
#: same thing, which entity resolution merges across sources and validation reports
#: within one.
UNIQUE_IDENTIFIERS: dict[str, tuple[str, ...]] = {"Enterprise": ("credit_code",)}


def _check_unique_identifiers(
    nodes: dict[str, pd.DataFrame], problems: list[Problem], *, lenient: bool
) -> None:
    """Two rows with one credit code are one firm: report each repeat (dropped if lenient).

    Rows of different sources that share one were merged before validation (see
    :mod:`innokg.loaders.resolve`); what is left are repeats within one source.
    """
    for label, columns in UNIQUE_IDENTIFIERS.items():
        df = nodes.get(label)
        if df is None or "_file" not in df.columns or df.empty:
            continue
        for col in columns:
            values = df[col].astype("string")
            present = values.notna()
            dup = present & values.duplicated(keep="first")
            if not dup.any():
                continue
            repeated = values[dup].unique()
            # only the columns the messages name: taking every column of 100,000 rows
            # for a few repeats was most of the cost
            first = (present & ~values.duplicated(keep="first") & values.isin(repeated)).to_numpy(
                dtype=bool
            )
            text = values.to_numpy(dtype=object)
            files, rows, ids = (df[c].to_numpy(dtype=object) for c in ("_file", "_row", "id"))
            where = {
                v: (f, r, i)
                for v, f, r, i in zip(
                    text[first], files[first], rows[first], ids[first], strict=True
                )
            }
            for k in np.flatnonzero(dup.to_numpy(dtype=bool)):
                f0, r0, id0 = where[text[k]]
                problems.append(
                    Problem(
                        str(files[k]),
                        int(rows[k]),
                        col,
                        f"duplicate {col} {text[k]!r} (first at {f0}, row {r0}, id {id0}); "
                        "one code is one organisation: keep one row, or list the other in a "
                        "mapping file as the same",
                    )
                )
            if lenient:
                nodes[label] = df[~dup.to_numpy(dtype=bool)]


def _check_duplicate_ids(
    nodes: dict[str, pd.DataFrame], problems: list[Problem], *, lenient: bool
) -> None:
    """Report every id used twice, within or across labels; drop repeats when lenient."""
    frames = [
        df[["id", "_file", "_row"]].assign(label=label)
        for label, df in nodes.items()
        if "_file" in df.columns  # labels absent from the input have no rows
    ]
    if not frames:
        return
    ids = pd.concat(frames, ignore_index=True)
    ids = ids[ids["id"].notna()]
    repeats = ids[ids.duplicated("id", keep="first")]
    if repeats.empty:
        return
    first = ids.drop_duplicates("id").set_index("id")
    for node_id, file, row, label in zip(
        repeats["id"], repeats["_file"], repeats["_row"], repeats["label"], strict=True
    ):
        where = first.loc[node_id]
        problems.append(
            Problem(
                str(file),
                int(row),
                "id",
                f"duplicate id {node_id!r} (first at {where['_file']}, row {where['_row']}); "
                "give each node its own id",
            )
        )
        if lenient:
            df = nodes[label]
            nodes[label] = df[~((df["_file"] == file) & (df["_row"] == row))]
