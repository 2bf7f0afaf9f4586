"""How the pictures look: the colour and shape of every label and edge type, the
default limits, and the lines of a page's legend.

Every label of :data:`innokg.graph.schema.NODE_LABELS` has a style and every edge type
of :data:`~innokg.graph.schema.EDGE_TYPES` a colour (tests/test_viz.py checks both), so
a view never meets a label it cannot draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from innokg.graph.schema import EDGE_TYPES, NODE_LABELS

__all__ = [
    "DEFAULT_MAX_GROUPS",
    "DEFAULT_MAX_NODES",
    "DEFAULT_PHYSICS_LIMIT",
    "EDGE_COLOURS",
    "GROUPINGS",
    "LABEL_STYLE",
    "LegendItem",
    "Overflow",
]

#: Views larger than this are aggregated or sampled (pyvis pages become unusable
#: past roughly 1,500 nodes; a 1k-node page with physics took 99 s to settle).
DEFAULT_MAX_NODES = 1000

#: An overview by cluster with more clusters than this groups them by place first: tens
#: of groups are a picture, hundreds (most of a few firms) are not.
DEFAULT_MAX_GROUPS = 60

#: Up to this many nodes the browser's physics refines the layout; above it the
#: positions computed in Python are final.
DEFAULT_PHYSICS_LIMIT = 300

#: Colour and vis-network shape of each node label.
LABEL_STYLE: dict[str, tuple[str, str]] = {
    "Enterprise": ("#3b75af", "dot"),
    "ResearchInstitute": ("#2e9e5b", "diamond"),
    "Alliance": ("#17a2b8", "hexagon"),
    "Fund": ("#d4a017", "square"),
    "MakerTeam": ("#f28e2b", "triangle"),
    "Platform": ("#8e6bbf", "triangleDown"),
    "Region": ("#8c8c8c", "dot"),
    "Zone": ("#8c564b", "square"),
    "Industry": ("#a5a82b", "hexagon"),
    "Product": ("#e377c2", "dot"),
    "PolicyMeasure": ("#d62728", "star"),
    "Person": ("#5a5fcf", "triangle"),
}

#: Colour of each edge type's lines.
EDGE_COLOURS: dict[str, str] = {
    "SUPPLIES": "#3b75af",
    "PRODUCES": "#e377c2",
    "UPSTREAM_OF": "#e377c2",
    "SUBCLASS_OF": "#a5a82b",
    "IN_INDUSTRY": "#c7c98a",
    "SPECIALISES_IN": "#9a8f2e",  # a city and its specialised industry
    "LOCATED_IN": "#bdbdbd",
    "COLLABORATES_WITH": "#2e9e5b",
    "MEMBER_OF": "#17a2b8",
    "INVESTS_IN": "#d4a017",
    "ESTABLISHED": "#8e6bbf",
    "OPERATES": "#8e6bbf",
    "HOSTS": "#f28e2b",
    "SUPPORTED_BY": "#d62728",
    "LEADS": "#5a5fcf",
}

#: Ways to roll the whole graph up into groups.
GROUPINGS = ("cluster", "city", "industry", "label")

Overflow = Literal["aggregate", "sample"]

_FOCUS = "#e8473a"  # border of the node(s) a view is about
_ROLE_BORDER = {"chain_leader": ("#b8860b", 5), "bridge": ("#e8473a", 3)}
_EDGE_DETAIL = {
    "SUPPLIES": "product",
    "COLLABORATES_WITH": "kind",
    "INVESTS_IN": "round",
    "MEMBER_OF": "role",
    "LEADS": "role",
    "SUPPORTED_BY": "year",
}


@dataclass(frozen=True)
class LegendItem:
    """One line of a page's legend: a shape in a colour, and what it means."""

    shape: str
    colour: str
    text: str
    border: str | None = None


def _label_legend(labels: Sequence[str]) -> list[LegendItem]:
    return [
        LegendItem(
            LABEL_STYLE[lb][1], LABEL_STYLE[lb][0], f"{NODE_LABELS[lb].zh} {NODE_LABELS[lb].en}"
        )
        for lb in NODE_LABELS
        if lb in labels
    ]


def _edge_legend(types: Sequence[str]) -> list[LegendItem]:
    return [
        LegendItem("line", EDGE_COLOURS.get(t, "#999999"), f"{EDGE_TYPES[t].zh} {EDGE_TYPES[t].en}")
        for t in EDGE_TYPES
        if t in types
    ]
