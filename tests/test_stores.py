"""One store suite over both stores: the embedded database and a Bolt server.

Every library query runs on the demo and on a small hand-made graph, on each store,
and its answer is compared with one computed independently from the tables with
pandas and networkx.  Then what only a server does: push (idempotent, resumable),
database selection, rollback, credentials, pull.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError, StoreError
from innokg.graph.package import DATABASE_FILE
from innokg.graph.stores.base import QueryRunner
from innokg.graph.stores.embedded import EmbeddedStore, create_database
from innokg.graph.validate import Tables, validate_tables
from innokg.queries.library import MissingData, lacking, load_library, run_query
from tests.bolt_server import BoltServer
from tests.factory import make_tables

LIBRARY = load_library()
STORES = ["embedded", pytest.param("bolt", marks=pytest.mark.bolt)]

# Names that would break a query if they were ever pasted into its text.
HOSTILE_NAME = 'O\'Brien "Steel" \\ } RETURN 1 //'
HOSTILE_ID = "e'2}"
KEYWORD_NAME = "MATCH (n) DETACH DELETE n"


def tiny_tables() -> Tables:
    """A hand-made ecosystem of two cities, small enough to check by eye."""
    E = "Enterprise"
    return make_tables(
        {
            "Region": [
                {"id": "region:41", "name": "河南省", "level": "province", "code": "41"},
                {"id": "region:4101", "name": "郑州市", "code": "4101"},
                {"id": "region:4103", "name": "洛阳市", "code": "4103"},
                {"id": "region:410102", "name": "中原区", "level": "county", "code": "410102"},
                {"id": "region:410302", "name": "老城区", "level": "county", "code": "410302"},
            ],
            "Zone": [
                {"id": "z1", "name": "郑州产业集聚区"},
                {"id": "z2", "name": "洛阳高新区", "kind": "high_tech_zone"},
            ],
            "Industry": [
                {"id": "ind:C", "name": "制造业", "code": "C", "level": 1},
                {"id": "ind:C34", "name": "通用设备制造业", "code": "C34", "level": 2},
                {"id": "ind:C341", "name": "锅炉及原动设备制造", "code": "C341", "level": 3},
                {"id": "ind:C39", "name": "电子设备制造业", "code": "C39", "level": 2},
            ],
            E: [
                {"id": "e1", "name": "郑州重工", "size": "large", "industrial": True},
                {"id": HOSTILE_ID, "name": HOSTILE_NAME, "size": "medium", "industrial": True},
                {"id": "e3", "name": KEYWORD_NAME, "size": "small", "industrial": True},
                {"id": "e4", "name": "洛阳轴承", "size": "large", "industrial": True},
                {"id": "e5", "name": "郑州小厂", "size": "micro"},
                {"id": "e6", "name": "郑州中型", "size": "medium", "industrial": True},
            ],
            "ResearchInstitute": [
                {"id": "ri1", "name": "郑州大学"},
                {"id": "ri2", "name": "洛阳研究院", "kind": "research_institute"},
            ],
            "Alliance": [{"id": "al1", "name": "装备产业联盟"}],
            "Fund": [
                {"id": "f1", "name": "郑州创投", "amount": 5000.0},
                {"id": "f2", "name": "创客基金", "kind": "maker_fund"},
            ],
            "MakerTeam": [
                {"id": "mt1", "name": "技术创客", "demonstration": 2017},
                {"id": "mt2", "name": "社会创客", "kind": "social"},
                {"id": "mt3", "name": "职工创客", "kind": "employee", "demonstration": 2018},
            ],
            "Platform": [
                {
                    "id": "pl1",
                    "name": "众创空间",
                    "kind": "maker_space",
                    "since": 2015,
                    "demonstration": 2017,
                },
                {
                    "id": "pl2",
                    "name": "旧服务平台",
                    "kind": "public_tech_service",
                    "since": 2010,
                    "until": 2016,
                },
                {
                    "id": "pl3",
                    "name": "孵化器",
                    "kind": "incubator",
                    "since": 2019,
                    "demonstration": 2020,
                },
                {"id": "pl4", "name": "公共服务平台", "kind": "public_tech_service", "since": 2012},
            ],
            "Person": [
                {"id": "p1", "name": "甲", "recognised": 2017},
                {"id": "p2", "name": "乙"},
                {"id": "p3", "name": "丙", "role": "master_craftsman", "recognised": 2018},
                {"id": "p4", "name": "丁", "recognised": 2019},
            ],
            "PolicyMeasure": [
                {"id": "pm3", "name": "平台", "article": 3},
                {"id": "pm14", "name": "金融", "article": 14},
            ],
            "Product": [
                {"id": "prod:ore", "name": "铁矿石"},
                {"id": "prod:steel", "name": "钢材"},
                {"id": "prod:bearing", "name": "轴承"},
                {"id": "prod:machine", "name": "整机"},
            ],
        },
        {
            "LOCATED_IN": [
                ("region:4101", "region:41"),
                ("region:4103", "region:41"),
                ("region:410102", "region:4101"),
                ("region:410302", "region:4103"),
                ("z1", "region:410102"),
                ("z2", "region:4103"),
                ("e1", "region:410102"),
                ("e1", "z1"),
                (HOSTILE_ID, "region:410102"),
                ("e3", "region:410302"),
                ("e4", "region:410302"),
                ("e4", "z2"),
                ("e5", "region:4101"),
                ("e6", "region:410102"),
                ("e6", "z1"),
                ("ri1", "region:4101"),
                ("ri2", "region:4103"),
                ("f1", "region:4101"),
                ("pl1", "region:410102"),
                ("pl2", "region:4101"),
                ("pl3", "region:410302"),
                ("pl4", "region:410102"),
            ],
            "IN_INDUSTRY": [
                ("e1", "ind:C341"),
                (HOSTILE_ID, "ind:C34"),
                ("e3", "ind:C39"),
                ("e4", "ind:C34"),
                ("e5", "ind:C39"),
                ("e6", "ind:C341"),
            ],
            "SUBCLASS_OF": [
                ("ind:C34", "ind:C"),
                ("ind:C341", "ind:C34"),
                ("ind:C39", "ind:C"),
            ],
            "SUPPLIES": [
                (HOSTILE_ID, "e1", {"product": "钢材", "share": 0.6}),
                ("e3", "e1", {"product": "钢材", "share": 0.4}),
                ("e4", "e1", {"product": "轴承", "share": 0.2}),
                ("e5", HOSTILE_ID, {"product": "焦炭"}),
                ("e3", HOSTILE_ID, {"product": "电力"}),
                ("e1", "e4", {"product": "整机", "share": 1.0}),
                ("e6", "e5", {}),
            ],
            "COLLABORATES_WITH": [
                ("e1", "ri1", {"kind": "joint_rnd", "since": 2015}),
                ("e1", "ri1", {"kind": "patent", "since": 2018}),
                ("e4", "ri2", {"kind": "project", "since": 2016}),
                (HOSTILE_ID, "e3", {"kind": "project"}),
            ],
            "MEMBER_OF": [
                ("e1", "al1", {"role": "chair", "since": 2016}),
                ("e4", "al1", {"role": "member", "since": 2017}),
                ("ri1", "al1", {"role": "member", "since": 2016}),
                ("f1", "al1", {"role": "member", "since": 2018}),
                (HOSTILE_ID, "al1", {"role": "member"}),
            ],
            "INVESTS_IN": [
                ("f1", "e1", {"amount": 300.0, "round": "A"}),
                ("f1", "e4", {}),
                ("f1", "mt1", {"amount": 50.0}),
                ("f2", "pl1", {}),
                ("f2", "mt1", {"amount": 20.0}),
            ],
            "HOSTS": [("e1", "mt1"), ("pl1", "mt2"), ("e1", "mt2"), ("e4", "mt3")],
            "ESTABLISHED": [("e1", "pl1"), ("e4", "mt3")],
            "OPERATES": [("e1", "pl1"), ("z1", "pl4"), ("z1", "pl2"), ("ri2", "pl3")],
            "LEADS": [("p1", "e1", {"role": "chair"}), ("p2", "e4"), ("p3", "mt3")],
            "SUPPORTED_BY": [
                ("mt1", "pm14", {"year": 2017}),
                ("pl1", "pm14", {"year": 2017}),
                ("e1", "pm14", {"year": 2018}),
                ("mt3", "pm14", {"year": 2018}),
                ("pl1", "pm3", {"year": 2016}),
            ],
            "UPSTREAM_OF": [
                ("prod:ore", "prod:steel"),
                ("prod:steel", "prod:bearing"),
                ("prod:steel", "prod:machine"),
                ("prod:bearing", "prod:machine"),
            ],
            "PRODUCES": [
                (HOSTILE_ID, "prod:steel"),
                ("e3", "prod:steel"),
                ("e4", "prod:bearing"),
                ("e1", "prod:machine"),
            ],
        },
    )


#: Parameters for the hand-made graph, chosen so that every query finds something.
TINY_PARAMS: dict[str, dict[str, Any]] = {
    "alliance_members": {"alliance": "al1"},
    "alliances_by_industry": {"industry": ""},
    "city_enterprises": {"city": "郑州市"},
    "city_specialisations": {"city": "郑州市"},
    "cluster_enterprises": {"zone": "z1"},
    "customers_of": {"enterprise": "e1"},
    "ecosystem_breadth": {"sizes": ["large", "medium"], "limit": 3},
    "enterprises_without_research_partner": {"city": "郑州市"},
    "find_nodes": {"text": "郑州", "limit": 50},
    "fund_portfolio": {"fund": ""},
    "industry_enterprises": {"industry": "C34"},
    "maker_teams_without_finance": {"kinds": []},
    "platforms_by_city_year": {"year": 2018},
    "platforms_in_city": {"city": "region:4101", "kinds": []},
    "policy_support": {"article": 14},
    "recognised_people": {"role": "entrepreneur"},
    "shortest_chain": {"source": "e5", "target": "ri2"},
    "single_supplier_inputs": {"city": "region:4101"},
    "suppliers_of": {"enterprise": "e1"},
    "university_partners": {"university": ""},
    "upstream_products": {"product": "prod:machine"},
}


# --- the truth, from the tables ----------------------------------------------------------


class Truth:
    """Answers to the library's questions computed from the tables alone."""

    def __init__(self, G: EcosystemGraph) -> None:
        self.G = G
        frames = [df.assign(label=label) for label, df in G.nodes.items() if len(df)]
        allnodes = pd.concat(frames, ignore_index=True)
        self.node = {r["id"]: r for r in allnodes.to_dict("records")}
        self.ids = {label: set(df["id"]) for label, df in G.nodes.items()}
        self.city_of: dict[str, set[str]] = defaultdict(set)
        loc = G.edges["LOCATED_IN"]
        up = defaultdict(set)
        for f, t in zip(loc["from_id"], loc["to_id"], strict=True):
            up[f].add(t)
        cities = set(G.nodes["Region"].query("level == 'city'")["id"])
        for x, ts in up.items():
            for t in ts | {t2 for t1 in ts for t2 in up.get(t1, ())}:
                if t in cities:
                    self.city_of[x].add(t)

    def e(self, etype: str) -> pd.DataFrame:
        return self.G.edges[etype]

    def name(self, i: str) -> Any:
        return self.node[i]["name"]

    def v(self, i: str, prop: str) -> Any:
        value = self.node[i].get(prop)
        return None if value is None or value is pd.NA or value != value else value

    def in_city(self, x: str, city: str) -> bool:
        return any(c == city or self.name(c) == city for c in self.city_of.get(x, ()))

    def suppliers_of(self, enterprise: str) -> list[tuple]:
        s = self.e("SUPPLIES")
        into = defaultdict(set)
        for f, t in zip(s["from_id"], s["to_id"], strict=True):
            into[t].add(f)
        tier = {x: 1 for x in into[enterprise]}
        for x in into[enterprise]:
            for y in into[x]:
                tier.setdefault(y, 2)
        return [(x, self.name(x), t) for x, t in tier.items() if x != enterprise]

    def customers_of(self, enterprise: str) -> list[tuple]:
        s = self.e("SUPPLIES").query("from_id == @enterprise")
        return [(r.to_id, self.name(r.to_id), _na(r.product), _na(r.share)) for r in s.itertuples()]

    def single_supplier_inputs(self, city: str) -> list[tuple]:
        s = self.e("SUPPLIES").dropna(subset=["product"])
        g = s.groupby(["to_id", "product"])["from_id"].agg(["nunique", "min"]).reset_index()
        g = g[g["nunique"] == 1]
        return [
            (r.to_id, self.name(r.to_id), r["product"], r["min"])
            for _, r in g.iterrows()
            if city == "" or self.in_city(r.to_id, city)
        ]

    def enterprises_without_research_partner(self, city: str, sizes: list[str]) -> list[tuple]:
        c = self.e("COLLABORATES_WITH")
        partnered = set(c[c["to_id"].isin(self.ids["ResearchInstitute"])]["from_id"])
        return [
            (i, self.name(i), self.v(i, "size"))
            for i in self.ids["Enterprise"]
            if self.in_city(i, city) and self.v(i, "size") in sizes and i not in partnered
        ]

    def alliances_by_industry(self, industry: str) -> list[tuple]:
        m = self.e("MEMBER_OF").merge(self.e("IN_INDUSTRY"), on="from_id")
        m = m[m["from_id"].isin(self.ids["Enterprise"])]
        out = []
        for (ind, al), grp in m.groupby(["to_id_y", "to_id_x"]):
            code = self.v(ind, "code")
            if industry in ("", code):
                out.append(
                    (
                        code,
                        self.name(ind),
                        al,
                        self.name(al),
                        self.v(al, "kind"),
                        grp["from_id"].nunique(),
                    )
                )
        return out

    def alliance_members(self, alliance: str) -> list[tuple]:
        m = self.e("MEMBER_OF").query("to_id == @alliance")
        return [
            (
                self.node[r.from_id]["label"],
                r.from_id,
                self.name(r.from_id),
                _na(r.role),
                _na(r.since),
            )
            for r in m.itertuples()
        ]

    def fund_portfolio(self, fund: str) -> list[tuple]:
        inv = self.e("INVESTS_IN")
        inv = inv.assign(tl=[self.node[t]["label"] for t in inv["to_id"]])
        out = []
        for (f, tl), grp in inv.groupby(["from_id", "tl"]):
            if fund in ("", f):
                amount = float(grp["amount"].astype("Float64").sum(skipna=True))
                out.append((f, self.name(f), self.v(f, "kind"), tl, len(grp), amount))
        return out

    def maker_teams_without_finance(self, kinds: list[str]) -> list[tuple]:
        inv = self.e("INVESTS_IN")
        funded = set(inv[inv["from_id"].isin(self.ids["Fund"])]["to_id"])
        hosts = self.e("HOSTS").groupby("to_id")["from_id"].nunique().to_dict()
        return [
            (t, self.name(t), self.v(t, "kind"), hosts.get(t, 0))
            for t in self.ids["MakerTeam"]
            if t not in funded and (not kinds or self.v(t, "kind") in kinds)
        ]

    def platforms_by_city_year(self, year: int) -> list[tuple]:
        count: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        for p in self.ids["Platform"]:
            since, until, demo = (self.v(p, k) for k in ("since", "until", "demonstration"))
            if (since is not None and since > year) or (until is not None and until < year):
                continue
            for c in self.city_of.get(p, ()):
                key = (self.name(c), self.v(p, "kind"))
                count[key][0] += 1
                count[key][1] += int(demo is not None and demo <= year)
        return [(*k, n, d) for k, (n, d) in count.items()]

    def cluster_enterprises(self, zone: str) -> list[tuple]:
        loc = self.e("LOCATED_IN").query("to_id == @zone")
        members = [f for f in loc["from_id"] if f in self.ids["Enterprise"]]
        ind = self.e("IN_INDUSTRY").groupby("from_id")["to_id"].apply(list).to_dict()
        rows = set()
        for x in members:
            for i in ind.get(x) or [None]:
                rows.add((x, self.name(x), self.v(x, "size"), self.name(i) if i else None))
        return list(rows)

    def cluster_profile(self) -> list[tuple]:
        loc, out = self.e("LOCATED_IN"), []

        def around(members: set[str], etype: str, label: str, reverse: bool = False) -> int:
            e = self.e(etype)
            a, b = ("to_id", "from_id") if reverse else ("from_id", "to_id")
            hit = e[e[a].isin(members) & e[b].isin(self.ids[label])]
            return hit[b].nunique()

        for z in self.ids["Zone"]:
            if self.v(z, "kind") != "industrial_cluster":
                continue
            members = set(loc[loc["to_id"] == z]["from_id"]) & self.ids["Enterprise"]
            ops = self.e("OPERATES").query("from_id == @z")["to_id"]
            service = {
                p for p in ops if self.v(p, "kind") in ("public_tech_service", "shuangchuang_base")
            }
            out.append(
                (
                    z,
                    self.name(z),
                    len(members),
                    around(members, "COLLABORATES_WITH", "ResearchInstitute"),
                    around(members, "MEMBER_OF", "Alliance"),
                    around(members, "INVESTS_IN", "Fund", reverse=True),
                    len(service),
                )
            )
        return out

    def university_partners(self, university: str) -> list[tuple]:
        c = self.e("COLLABORATES_WITH")
        return [
            (
                r.to_id,
                self.name(r.to_id),
                r.from_id,
                self.name(r.from_id),
                _na(r.kind),
                _na(r.since),
            )
            for r in c.itertuples()
            if r.to_id in self.ids["ResearchInstitute"]
            and self.v(r.to_id, "kind") == "university"
            and university in ("", r.to_id)
        ]

    def ecosystem_breadth(self, sizes: list[str], limit: int) -> list[tuple]:
        adjacency: dict[tuple[str, bool], dict[str, set[str]]] = {}
        for etype in (
            "SUPPLIES",
            "COLLABORATES_WITH",
            "ESTABLISHED",
            "OPERATES",
            "HOSTS",
            "INVESTS_IN",
            "MEMBER_OF",
        ):
            e = self.e(etype)
            for incoming, (a, b) in ((False, ("from_id", "to_id")), (True, ("to_id", "from_id"))):
                adjacency[etype, incoming] = {k: set(v) for k, v in e.groupby(a)[b]}

        def nb(etype: str, x: str, label: str, *, incoming: bool = False) -> set[str]:
            return adjacency[etype, incoming].get(x, set()) & self.ids[label]

        rows = []
        for x in self.ids["Enterprise"]:
            if self.v(x, "size") not in sizes:
                continue
            counts = [
                len(nb("SUPPLIES", x, "Enterprise", incoming=True)),
                len(nb("SUPPLIES", x, "Enterprise")),
                len(nb("COLLABORATES_WITH", x, "ResearchInstitute")),
                len(nb("ESTABLISHED", x, "Platform") | nb("OPERATES", x, "Platform")),
                len(nb("ESTABLISHED", x, "MakerTeam") | nb("HOSTS", x, "MakerTeam")),
                len(nb("INVESTS_IN", x, "Fund", incoming=True)),
                len(nb("MEMBER_OF", x, "Alliance")),
            ]
            rows.append((x, self.name(x), *counts, sum(counts)))
        rows.sort(key=lambda r: (-r[-1], r[0]))
        return rows[:limit]

    def platform_share_by_city(self) -> list[tuple]:
        with_p = set()
        for etype in ("ESTABLISHED", "OPERATES"):
            e = self.e(etype)
            with_p |= set(e[e["to_id"].isin(self.ids["Platform"])]["from_id"])
        count: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for x in self.ids["Enterprise"]:
            if self.v(x, "industrial") is True and self.v(x, "size") in ("large", "medium"):
                for c in self.city_of.get(x, ()):
                    count[self.name(c)][0] += 1
                    count[self.name(c)][1] += int(x in with_p)
        return [(c, n, w, math.floor(1000.0 * w / n + 0.5) / 10) for c, (n, w) in count.items()]

    def demonstrations_by_year(self) -> list[tuple]:
        out = []
        for label in ("Platform", "MakerTeam"):
            years = self.G.nodes[label]["demonstration"].dropna().astype(int)
            out += [(label, y, int(k)) for y, k in years.value_counts().items()]
        return out

    def recognised_people(self, role: str) -> list[tuple]:
        leads = self.e("LEADS").groupby("from_id")["to_id"].apply(list).to_dict()
        out = []
        for p in self.ids["Person"]:
            if self.v(p, "role") == role and self.v(p, "recognised") is not None:
                for x in leads.get(p) or [None]:
                    out.append(
                        (
                            p,
                            self.name(p),
                            self.v(p, "recognised"),
                            self.node[x]["label"] if x else None,
                            x,
                            self.name(x) if x else None,
                        )
                    )
        return out

    def policy_support(self, article: int) -> list[tuple]:
        pm = {m for m in self.ids["PolicyMeasure"] if self.v(m, "article") == article}
        s = self.e("SUPPORTED_BY")
        s = s[s["to_id"].isin(pm)]
        s = s.assign(label=[self.node[x]["label"] for x in s["from_id"]])
        return [(lab, _na(y), len(g)) for (lab, y), g in s.groupby(["label", "year"], dropna=False)]

    def industry_enterprises(self, industry: str) -> list[tuple]:
        sub = nx.DiGraph(
            list(zip(self.e("SUBCLASS_OF")["to_id"], self.e("SUBCLASS_OF")["from_id"], strict=True))
        )
        roots = {i for i in self.ids["Industry"] if industry in (i, self.v(i, "code"))}
        below = set(roots)
        for r in roots & set(sub):
            below |= {j for j, d in nx.single_source_shortest_path_length(sub, r, 3).items()}
        ii = self.e("IN_INDUSTRY")
        return list(
            {
                (r.from_id, self.name(r.from_id), self.v(r.to_id, "code"))
                for r in ii.itertuples()
                if r.to_id in below and r.from_id in self.ids["Enterprise"]
            }
        )

    def find_nodes(self, text: str, limit: int) -> list[tuple]:
        hits = sorted(i for i, r in self.node.items() if text in r["name"] or i == text)
        return [(self.node[i]["label"], i, self.name(i)) for i in hits[:limit]]

    def _in_city(self, city: str) -> dict[str, set[str]]:
        """Each node's direct places that are the city (by name or id) or lie in it."""
        cities = {
            c
            for c in self.ids["Region"]
            if self.v(c, "level") == "city" and city in (c, self.name(c))
        }
        up: dict[str, set[str]] = defaultdict(set)
        loc = self.e("LOCATED_IN")
        for f, t in zip(loc["from_id"], loc["to_id"], strict=True):
            up[f].add(t)
        return {
            x: {m for m in ms if m in cities or up.get(m, set()) & cities} for x, ms in up.items()
        }

    def city_enterprises(self, city: str) -> list[tuple]:
        places = self._in_city(city)
        return [
            (e, self.name(e), self.name(m), self.v(e, "size"), self.v(e, "stock_code"))
            for e in self.ids["Enterprise"]
            for m in places.get(e, ())
        ]

    def platforms_in_city(self, city: str, kinds: list[str]) -> list[tuple]:
        places = self._in_city(city)
        ops: dict[str, set[str]] = defaultdict(set)
        for etype in ("ESTABLISHED", "OPERATES"):
            e = self.e(etype)
            for f, t in zip(e["from_id"], e["to_id"], strict=True):
                ops[t].add(f)
        return [
            (p, self.name(p), self.v(p, "kind"), o, self.name(o) if o else None)
            for p in self.ids["Platform"]
            if places.get(p) and (not kinds or self.v(p, "kind") in kinds)
            for o in (ops.get(p) or {None})
        ]

    def city_specialisations(self, city: str, min_quotient: float) -> list[tuple]:
        s = self.e("SPECIALISES_IN")
        return [
            (r.to_id, self.v(r.to_id, "code"), self.name(r.to_id), r.quotient, _na(r.year))
            for r in s.itertuples()
            if city in (r.from_id, self.name(r.from_id)) and r.quotient >= min_quotient
        ]

    def upstream_products(self, product: str) -> list[tuple]:
        up = nx.DiGraph(
            list(zip(self.e("UPSTREAM_OF")["to_id"], self.e("UPSTREAM_OF")["from_id"], strict=True))
        )
        if product not in up:
            return []
        depth = nx.single_source_shortest_path_length(up, product, 3)
        prod = self.e("PRODUCES")
        return [
            (x, self.name(x), d, prod[prod["to_id"] == x]["from_id"].nunique())
            for x, d in depth.items()
            if x != product
        ]


def _na(value: Any) -> Any:
    return None if value is None or value is pd.NA or value != value else value


def _norm(value: Any) -> Any:
    if isinstance(value, float) and value == value and value.is_integer():
        return int(value)
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list | tuple):
        return tuple(_norm(v) for v in value)
    return _na(value)


def rows(df: pd.DataFrame) -> list[tuple]:
    """A result as sorted tuples of normalised values."""
    return sorted((tuple(_norm(v) for v in r) for r in df.itertuples(index=False)), key=repr)


def expected(truth: Truth, name: str, params: dict[str, Any]) -> list[tuple]:
    q = LIBRARY[name]
    values = q.bind(params)
    return sorted((tuple(_norm(v) for v in r) for r in getattr(truth, name)(**values)), key=repr)


# --- fixtures: each store holding each graph ------------------------------------------------


@pytest.fixture(scope="module")
def tiny() -> Tables:
    return tiny_tables()


@pytest.fixture(scope="module", params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def opened(
    store_kind: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_package: Path,
    demo_graph: EcosystemGraph,
    tiny: Tables,
) -> Iterator[dict[str, tuple[QueryRunner, Truth]]]:
    """Both graphs opened read-only on one store, with their truths."""
    graphs = {"demo": demo_graph, "tiny": EcosystemGraph.from_tables(tiny)}
    out: dict[str, tuple[QueryRunner, Truth]] = {}
    if store_kind == "embedded":
        folder = tmp_path_factory.mktemp("tiny") / "o'b\\r}ien"  # quotes in a COPY path
        folder.mkdir()
        tiny_db = folder / DATABASE_FILE
        create_database(tiny_db, tiny)
        out["demo"] = (EmbeddedStore(demo_package / DATABASE_FILE), Truth(demo_graph))
        out["tiny"] = (EmbeddedStore(tiny_db), Truth(graphs["tiny"]))
    else:
        server: BoltServer = request.getfixturevalue("bolt_server")
        for name, G in graphs.items():
            with bolt_store(server, server.create_database(f"lib_{name}"), write=True) as s:
                s.push(G.nodes, G.edges)
            out[name] = (bolt_store(server, f"lib_{name}"), Truth(G))
    yield out
    for store, _ in out.values():
        store.close()


def bolt_store(server: BoltServer, database: str, *, write: bool = False) -> Any:
    from innokg.graph.stores.neo4j import Neo4jStore

    return Neo4jStore(
        server.uri,
        user=server.user,
        password=server.password,
        database=database,
        read_only=not write,
    )


# --- every library query, on every store and graph ------------------------------------------

CHAIN_TYPES = {
    "SUPPLIES",
    "COLLABORATES_WITH",
    "MEMBER_OF",
    "INVESTS_IN",
    "ESTABLISHED",
    "OPERATES",
    "HOSTS",
    "LEADS",
}


@pytest.mark.parametrize("graph", ["tiny", "demo"])
@pytest.mark.parametrize("name", [n for n in LIBRARY if n != "shortest_chain"])
def test_library_query_matches_truth(
    opened: dict[str, tuple[QueryRunner, Truth]], graph: str, name: str
) -> None:
    store, truth = opened[graph]
    params = TINY_PARAMS.get(name, {}) if graph == "tiny" else LIBRARY[name].examples()
    if lacking(store, LIBRARY[name]):  # the graph lacks what the query needs: it says so
        with pytest.raises(MissingData, match="has no answer on this graph"):
            run_query(store, name, params)
        assert expected(truth, name, params) == []
        return
    df = run_query(store, name, params)
    assert list(df.columns) == [c.name for c in LIBRARY[name].columns]
    want = expected(truth, name, params)
    assert rows(df) == want
    if graph == "tiny":
        assert want, f"the hand-made graph should give {name} something to find"


@pytest.mark.parametrize("graph", ["tiny", "demo"])
def test_shortest_chain_is_a_shortest_path(
    opened: dict[str, tuple[QueryRunner, Truth]], graph: str
) -> None:
    store, truth = opened[graph]
    params = (
        TINY_PARAMS["shortest_chain"] if graph == "tiny" else LIBRARY["shortest_chain"].examples()
    )
    G = nx.MultiGraph()
    for etype in CHAIN_TYPES:
        e = truth.e(etype)
        G.add_edges_from(zip(e["from_id"], e["to_id"], [etype] * len(e), strict=True))
    length = nx.shortest_path_length(G, params["source"], params["target"])
    df = run_query(store, "shortest_chain", params)
    assert len(df) == 1
    hops, ids, names, relations = df.iloc[0]
    assert hops == length == len(relations) == len(ids) - 1
    assert (ids[0], ids[-1]) == (params["source"], params["target"])
    assert names == [truth.name(i) for i in ids]
    for u, v, t in zip(ids, ids[1:], relations, strict=False):  # a real chain, step by step
        assert t in CHAIN_TYPES and G.has_edge(u, v, key=t)


def test_stores_agree_on_the_demo(opened: dict[str, tuple[QueryRunner, Truth]]) -> None:
    store, truth = opened["demo"]
    df = store.run("MATCH (e:Enterprise) RETURN e.size AS size, count(e) AS n")
    sizes = truth.G.nodes["Enterprise"]["size"].value_counts(dropna=False)
    assert dict(rows(df)) == {_na(k): int(v) for k, v in sizes.items()}


# --- names travel as parameters; writes are refused -----------------------------------------


@pytest.mark.parametrize("value", [HOSTILE_NAME, KEYWORD_NAME, "'", "\\", "}", "$id"])
def test_hostile_text_travels_as_a_parameter(
    opened: dict[str, tuple[QueryRunner, Truth]], value: str
) -> None:
    store, truth = opened["tiny"]
    df = run_query(store, "find_nodes", {"text": value, "limit": 50})
    assert rows(df) == expected(truth, "find_nodes", {"text": value, "limit": 50})
    by_id = store.run("MATCH (n:Enterprise {id: $id}) RETURN n.name AS name", {"id": HOSTILE_ID})
    assert by_id["name"].tolist() == [HOSTILE_NAME]
    assert store.run("MATCH (n) RETURN count(n) AS n")["n"].tolist() == [len(truth.node)]


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n:Enterprise {id: 'x', name: 'x', source: 'x'})",
        "MATCH (n:Enterprise {id: 'e1'}) SET n.name = 'changed'",
        "MATCH (n:Enterprise {id: 'e1'}) DETACH DELETE n",
        "MERGE (n:Enterprise {id: 'x'}) RETURN n",
    ],
)
def test_writes_are_refused_by_the_text_check_and_by_the_engine(
    opened: dict[str, tuple[QueryRunner, Truth]], query: str
) -> None:
    store, _truth = opened["tiny"]
    before = store.run("MATCH (n) RETURN n.id AS id, n.name AS name, n.size AS size")
    with pytest.raises(QueryError, match="refused: this query writes"):
        store.run(query)
    with pytest.raises(QueryError, match="refused by the"):  # past the check: the engine
        store._execute(query, {}, None)
    after = store.run("MATCH (n) RETURN n.id AS id, n.name AS name, n.size AS size")
    assert rows(after) == rows(before)


def test_missing_parameter_is_an_error(opened: dict[str, tuple[QueryRunner, Truth]]) -> None:
    store, _ = opened["tiny"]
    with pytest.raises(QueryError, match=r"needs parameter\(s\) \$city"):
        store.run("MATCH (c:Region {name: $city}) RETURN c.id AS id")


def test_engine_error_names_the_position(opened: dict[str, tuple[QueryRunner, Truth]]) -> None:
    store, _ = opened["tiny"]
    with pytest.raises(QueryError) as info:
        store.run("MATCH (n:Enterprise\nRETURN n")
    message = str(info.value)
    assert "at line 2, column 1" in message and "\n  RETURN n\n  ^" in message
    assert "Traceback" not in message


# --- writing: rollback ------------------------------------------------------------------------


@pytest.fixture
def writable(
    store_kind: str, request: pytest.FixtureRequest, tmp_path: Path, tiny: Tables
) -> Iterator[QueryRunner]:
    """The hand-made graph in a fresh database, open for writing."""
    if store_kind == "embedded":
        create_database(tmp_path / DATABASE_FILE, tiny)
        store: QueryRunner = EmbeddedStore(tmp_path / DATABASE_FILE, read_only=False)
    else:
        server = request.getfixturevalue("bolt_server")
        database = server.create_database("rollback")
        store = bolt_store(server, database, write=True)
        store.push(tiny.nodes, tiny.edges)  # type: ignore[attr-defined]
    yield store
    store.close()


def test_a_failing_write_is_rolled_back(writable: QueryRunner) -> None:
    with pytest.raises(QueryError):
        writable.run(
            "CREATE (n:Enterprise {id: 'tmp', name: 'tmp', source: 't'}) WITH n "
            "MATCH (m:Enterprise {id: 'e1'}) SET m.name = 'changed' RETURN 1 / 0 AS boom"
        )
    left = writable.run(
        "MATCH (n:Enterprise) WHERE n.id = 'tmp' OR n.name = 'changed' RETURN count(n) AS n"
    )
    assert left["n"].tolist() == [0]
    writable.run("MATCH (m:Enterprise {id: 'e1'}) SET m.name = 'renamed'")
    assert writable.run("MATCH (m:Enterprise {id: 'e1'}) RETURN m.name AS n")["n"].tolist() == [
        "renamed"
    ]


# --- what only a server does: push, pull, databases, credentials ------------------------------


def snapshot(store: QueryRunner) -> tuple[list[tuple], list[tuple]]:
    """Every node and edge on a server, with all properties, in a stable order."""
    nodes = store.run("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    edges = store.run(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p"
    )
    return (
        sorted((str(sorted(r.l)), repr(sorted(r.p.items()))) for r in nodes.itertuples()),
        sorted((r.a, r.t, r.b, repr(sorted(r.p.items()))) for r in edges.itertuples()),
    )


class Interrupt(Exception):
    pass


@pytest.mark.bolt
def test_push_is_idempotent_and_resumable(bolt_server: BoltServer, tiny: Tables) -> None:
    n_nodes = sum(len(df) for df in tiny.nodes.values())
    n_edges = sum(len(df) for df in tiny.edges.values())
    with bolt_store(bolt_server, bolt_server.create_database("push_full"), write=True) as s:
        first = s.push(tiny.nodes, tiny.edges, batch_size=7)
        full = snapshot(s)
        again = s.push(tiny.nodes, tiny.edges, batch_size=7)
        assert snapshot(s) == full
    assert (first.nodes_created, first.edges_created) == (n_nodes, n_edges)
    assert (again.nodes_created, again.edges_created) == (0, 0)
    assert (len(full[0]), len(full[1])) == (n_nodes, n_edges)
    assert any("unique constraint on id" in line for line in first.schema)

    done = []

    def stop_after_three(n: int) -> None:
        done.append(n)
        if len(done) == 3:
            raise Interrupt

    with bolt_store(bolt_server, bolt_server.create_database("push_cut"), write=True) as s:
        with pytest.raises(Interrupt):
            s.push(tiny.nodes, tiny.edges, batch_size=7, progress=stop_after_three)
        assert 0 < len(snapshot(s)[0]) < n_nodes
        s.push(tiny.nodes, tiny.edges, batch_size=7)
        assert snapshot(s) == full


@pytest.mark.bolt
def test_databases_are_kept_apart(bolt_server: BoltServer, tiny: Tables) -> None:
    a, b = bolt_server.create_database("sel_a"), bolt_server.create_database("sel_b")
    with bolt_store(bolt_server, a, write=True) as s:
        s.push(tiny.nodes, {})
    with bolt_store(bolt_server, a) as s:
        assert s.run("MATCH (n) RETURN count(n) AS n")["n"].tolist() == [
            sum(len(df) for df in tiny.nodes.values())
        ]
    with bolt_store(bolt_server, b) as s:
        assert s.run("MATCH (n) RETURN count(n) AS n")["n"].tolist() == [0]
    with pytest.raises(StoreError, match="no database 'nowhere'"):
        bolt_store(bolt_server, "nowhere")


@pytest.mark.bolt
def test_wrong_password_is_a_clear_message(bolt_server: BoltServer) -> None:
    from innokg.graph.stores.neo4j import Neo4jStore

    with pytest.raises(StoreError) as info:
        Neo4jStore(bolt_server.uri, user="root", password="not-the-password-42")
    message = str(info.value)
    assert "authentication failed" in message and "NEO4J_PASSWORD" in message
    assert "not-the-password-42" not in message
    with pytest.raises(StoreError, match="not in the URI"):
        Neo4jStore("bolt://root:secret@127.0.0.1:1", user="root", password="secret")
    with pytest.raises(StoreError, match="is not a Bolt URI"):
        Neo4jStore("http://127.0.0.1:1", user="root", password="x")


@pytest.mark.bolt
def test_pull_gives_back_the_tables(bolt_server: BoltServer, tiny: Tables) -> None:
    with bolt_store(bolt_server, bolt_server.create_database("pull"), write=True) as s:
        s.push(tiny.nodes, tiny.edges)
        s.run("MATCH (e:Enterprise {id: 'e1'}) CREATE (:Stranger {id: 'x'})-[:KNOWS]->(e)")
    with bolt_store(bolt_server, "pull") as s:
        raw_nodes, raw_edges, warnings = s.pull()
    assert warnings == [
        "label 'Stranger' is not in the schema; not pulled",
        "edge type 'KNOWS' is not in the schema; not pulled",
    ]
    back = validate_tables(raw_nodes, raw_edges)
    for kind, ours, theirs in (
        ("nodes", tiny.nodes, back.nodes),
        ("edges", tiny.edges, back.edges),
    ):
        for name, df in ours.items():
            pd.testing.assert_frame_equal(theirs[name], df, check_dtype=True, obj=f"{kind}/{name}")


READER = """
import sys
from innokg.graph.stores.embedded import EmbeddedStore
with EmbeddedStore(sys.argv[1]) as db:
    print(db.run("MATCH (n) RETURN count(n) AS n")["n"][0])
"""


def test_several_processes_read_one_database(demo_package: Path) -> None:
    db = demo_package / DATABASE_FILE
    with EmbeddedStore(db) as mine:
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", READER, str(db)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        here = mine.run("MATCH (n) RETURN count(n) AS n")["n"][0]
        results = [p.communicate(timeout=120) for p in procs]
    assert [(p.returncode, out.strip()) for p, (out, _) in zip(procs, results, strict=True)] == [
        (0, str(here))
    ] * 2, results


def test_tables_copied_from_memory_or_from_parquet_make_the_same_database(
    demo_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each table reaches the engine as Arrow in memory, or as a Parquet file when it
    has more rows than ``ROWS_IN_MEMORY``: both give every node and edge table the
    same rows, properties and types."""
    from innokg.graph.package import read_tables
    from innokg.graph.stores import embedded

    nodes, edges, _ = read_tables(demo_package)
    dumps = []
    for limit in (embedded.ROWS_IN_MEMORY, 0):
        monkeypatch.setattr(embedded, "ROWS_IN_MEMORY", limit)
        path = tmp_path / f"{limit}.lbdb"
        create_database(path, Tables(nodes, edges))
        with EmbeddedStore(path) as db:
            dumps.append(
                [db.run(f"MATCH (n:{label}) RETURN n.* ORDER BY n.id") for label in nodes]
                + [
                    db.run(f"MATCH (a)-[r:{t}]->(b) RETURN a.id AS s, b.id AS d, r.* ORDER BY s, d")
                    for t in edges
                ]
            )
    assert not list(tmp_path.glob("innokg-copy-*"))  # the Parquet files are gone
    assert sum(map(len, dumps[0])) == sum(len(t) for t in [*nodes.values(), *edges.values()])
    for memory, parquet in zip(*dumps, strict=True):
        pd.testing.assert_frame_equal(memory, parquet)
