"""The brief's provenance table names inference methods as a reader would."""

from __future__ import annotations

import pytest

from innokg.brief.appendix import _methods, method_family
from innokg.graph.testing import make_graph


@pytest.mark.parametrize(
    ("method", "zh", "en"),
    [
        (
            "Shenwan 2021 240301 铝 -> GB/T 4754-2017 C32 (one_to_many: C32, B09)",
            "申万行业（2021）对照国民经济行业分类",
            "Shenwan 2021 to GB/T 4754-2017 crosswalk",
        ),
        (
            "product path (A makes an input of a product B makes): 氧化铝 -> 电解铝",
            "产品上下游推断供货",
            "product path (A makes an input of a product B makes)",
        ),
        ("the name names the field: 汽车", "名称中的领域词", "field named in the name"),
        ("a reader's own rule: x", "a reader's own rule", "a reader's own rule"),
    ],
)
def test_a_method_is_named_by_its_family(method: str, zh: str, en: str) -> None:
    assert method_family(method) == (zh, en)


def test_inferred_edges_are_counted_by_family_and_observed_ones_not() -> None:
    crosswalk = "Shenwan 2021 {} -> GB/T 4754-2017 {} (narrower)"
    G = make_graph(
        nodes={
            "Enterprise": [{"id": e, "name": e} for e in ("e1", "e2", "e3")],
            "Industry": [{"id": i, "name": i} for i in ("i1", "i2")],
        },
        edges={
            "IN_INDUSTRY": [
                (
                    "e1",
                    "i1",
                    {"evidence": "inferred", "method": crosswalk.format("240301 铝", "C32")},
                ),
                (
                    "e2",
                    "i1",
                    {"evidence": "inferred", "method": crosswalk.format("280203 底盘", "C36")},
                ),
                ("e3", "i2", {"method": "listed"}),
            ],
        },
    )
    assert _methods(G, "zh") == {"申万行业（2021）对照国民经济行业分类": 2}
    assert _methods(G, "en") == {"Shenwan 2021 to GB/T 4754-2017 crosswalk": 2}
