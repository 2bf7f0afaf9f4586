"""Structural holes (``structural_hole``): organisations whose contacts all know each
other, by Burt's constraint and effective size on the organisation network."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import ORGANISATIONS, arrays
from innokg.queries.gaps.constraint import burt_all, burt_of
from innokg.queries.gaps.table import (
    _city_names,
    _decimals,
    _filtered,
    _first,
    _in_scope,
    _integers,
    _joined,
    _note,
    _repeated,
    _severity_order,
    _table,
    _text,
)
from innokg.queries.node_text import node_text

__all__ = ["MIN_CONTACTS", "structural_holes"]

#: The fewest contacts an organisation needs in the organisation network to be ranked
#: by Burt's constraint.  With two contacts the measure has one tie among contacts to go
#: on, and it lies between 0.5 and 1.125 whatever the organisation does: a ranking of such
#: firms sorts them by how few links the data records, not by redundancy.  With three
#: there are three possible ties among contacts, effective size can take several values,
#: and the constraint starts at 1/3.  (One contact gives constraint 1 by definition.)
MIN_CONTACTS = 3


def structural_holes(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
    labels: Sequence[str] = ORGANISATIONS,
    min_degree: int = MIN_CONTACTS,
    limit: int | None = None,
) -> pd.DataFrame:
    """Burt's constraint and effective size of organisations.

    High constraint means an organisation's contacts are tied to each other: it spans
    no structural hole and hears little that its contacts do not.  Organisations with
    fewer than ``min_degree`` contacts (default :data:`MIN_CONTACTS`, 3) are left out:
    with one or two contacts the constraint measures how few links the data has, not
    redundancy.

    Parameters
    ----------
    G : EcosystemGraph
        The graph: its organisation network (see the module).
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only organisations in this city / industry.
    labels : sequence of str
        Labels to report (all organisations are in the network regardless).
    min_degree : int
        Fewest contacts to be reported (1 reports every linked organisation).
    limit : int, optional
        Word and return only the most severe ``limit`` rows; ``attrs["rows"]`` says
        how many there are in all (millions at national scale, where a page shows ten).

    Returns
    -------
    pandas.DataFrame
        The core columns (see the module) with ``severity`` = Burt's constraint (0 to
        1, above 1 is possible with very few contacts), then ``degree`` (int:
        contacts), ``constraint`` (float), ``effective_size`` (float: contacts minus
        redundancy, n - 2t/n with t ties among the n contacts) and ``efficiency``
        (float: effective size / contacts).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "b"), ("b", "c"), ("a", "c")]})
    >>> structural_holes(G, min_degree=2)[["entity", "constraint", "effective_size"]].to_dict(
    ...     "records")[0]
    {'entity': 'a', 'constraint': 1.125, 'effective_size': 1.0}
    >>> structural_holes(G)["entity"].tolist()  # two contacts each: not ranked by default
    ['not_measurable:few_contacts']
    """
    A = arrays(G)
    unknown = [x for x in labels if x not in ORGANISATIONS]
    if unknown:
        raise QueryError(f"labels must be organisations ({', '.join(ORGANISATIONS)})")
    nodes = np.flatnonzero(A.mask(*ORGANISATIONS))  # the organisation graph's vertices
    degree_all = burt_all(A, year)[0].astype(np.int64)
    ok = (degree_all >= min_degree) & A.mask(*labels)[nodes] & A.alive(year)[nodes]
    ok &= _filtered(G, A, city, industry)[nodes]
    pos = _in_scope(G, nodes[ok])
    degree, constraint, esize = burt_of(A, year, pos)
    notes = []
    if not degree_all.any():  # no edge among organisations
        notes.append(
            _note(
                "organisation_links",
                "links among organisations",
                "组织之间的联系",
                "no links among organisations in the data (supply, collaboration, membership, "
                "investment, platforms, teams): nobody's contacts can be assessed",
                "数据中组织之间没有任何联系（供货、合作、联盟、投资、平台、团队），无法评估联系结构",
            )
        )
    elif not (degree_all >= min_degree).any():  # links, but too few per organisation
        notes.append(
            _note(
                "few_contacts",
                f"organisations with {min_degree} or more contacts",
                f"有 {min_degree} 个以上联系方的组织",
                f"no organisation has {min_degree} or more contacts in the data: Burt's "
                "constraint would rank them by how few links are recorded",
                f"数据中没有联系方达 {min_degree} 个的组织，约束度只反映记录的联系少",
            )
        )
    # ordered on arrays, then worded by Arrow: a Python sentence per row took 38 s of
    # 69 for the 4.4 million rows at ten million nodes
    severity = constraint.round(6)
    ids = node_text(A, "id", pos)
    rows = len(pos)
    order = _severity_order(severity, ids)[_first(limit, len(pos))]
    pos, degree, constraint, esize = pos[order], degree[order], constraint[order], esize[order]
    severity, ids = severity[order], ids.take(order)
    said = pa.array(_redundancy(esize, degree))
    en, zh = (pa.array([r[i] for r in _REDUNDANCY], pa.large_string()).take(said) for i in (0, 1))
    c, e, d = _decimals(constraint), _decimals(esize, 1), _integers(degree)
    return _table(
        "structural_hole",
        {
            "entity": _text(ids),
            "name": _text(node_text(A, "name", pos)),
            "label": _text(pa.array(A.label_names, pa.large_string()).take(A.label_code[pos])),
            "missing": _repeated("non-redundant contacts (structural holes to span)", len(pos)),
            "missing_zh": _repeated("非冗余联系（可跨越的结构洞）", len(pos)),
            "severity": severity,
            "city": _city_names(A, pos),
            "detail": _text(
                _joined("constraint ", c, "; effective size ", e, " of ", d, " contacts; ", en)
            ),
            "detail_zh": _text(_joined("约束度 ", c, "；", d, " 个联系方中有效规模 ", e, "，", zh)),
        },
        {
            "degree": degree.astype(np.int64),
            "constraint": constraint,
            "effective_size": esize,
            "efficiency": esize / np.where(degree > 0, degree, np.nan),
        },
        notes,
        ordered=True,
        rows=None if limit is None else rows,
    )


#: What the effective size says of the contacts, in English and Chinese (see
#: :func:`_redundancy`).
_REDUNDANCY = (
    (
        "no two contacts are linked: the constraint comes from having few contacts",
        "联系方之间互不相连，约束来自联系方少",
    ),
    ("most contacts are linked to each other", "联系方之间多已相连"),
    ("some contacts are linked to each other", "部分联系方之间已相连"),
)


def _redundancy(esize: np.ndarray, degree: np.ndarray) -> np.ndarray:
    """Which of :data:`_REDUNDANCY` each effective size says: none of the contacts
    linked (the constraint comes from having few), most of them, or some."""
    few = esize >= degree - 1e-9
    return np.where(few, 0, np.where(esize <= degree / 2, 1, 2))
