"""The appendices: a short glossary of the method words, the policy articles the brief
cites, and the method and provenance behind the figures."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import pandas as pd

from innokg.brief.model import BriefTable, Section
from innokg.brief.scope import Scope
from innokg.brief.words import col, pick, txt
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.schema import SCHEMA_VERSION

__all__ = ["articles_section", "glossary_section", "method_section", "package_version"]

#: The method words the body avoids, in plain words: (term zh, meaning zh, term en,
#: meaning en).
GLOSSARY: tuple[tuple[str, str, str, str], ...] = (
    (
        "大中型工业企业",
        "规模为大型或中型、且未标为非工业企业的企业，政策的主要对象。",
        "Large and medium (L&M) industrial firms",
        "Enterprises whose size is large or medium and that are not flagged as "
        "non-industrial: the policy's subject.",
    ),
    (
        "“双创”",
        "大众创业、万众创新。",
        "Mass innovation",
        "The policy's mass entrepreneurship and innovation: platforms, maker teams, funds "
        "and services that let staff and outsiders start and try new things.",
    ),
    (
        "按比例分摊",
        "全省的数量目标按各市（或行业）大中型工业企业占全省的比例分为整数（最大余数法）。",
        "Pro rata",
        "A province-wide count target shared out among cities (or industries) in whole "
        "numbers, in proportion to their large and medium industrial firms (largest "
        "remainder).",
    ),
    (
        "供应链集群",
        "供货网络中彼此联系比与外部更紧密的企业群，用 Leiden 社区发现算法（模块度目标、"
        "固定随机种子）划分；缺少供货记录的企业按产品上下游推断联系。",
        "Supply-chain cluster",
        "A group of firms more closely linked by supply to one another than to the rest, "
        "found by the Leiden community detection method (modularity objective, fixed "
        "seed); firms without supply records are linked through what they make.",
    ),
    (
        "链主",
        "集群中向最多成员采购、处于下游、规模较大的整机或终端产品企业。",
        "Chain leader",
        "The downstream maker of a cluster that buys from the most members, weighted by "
        "its position and size (链主 in Chinese industrial policy).",
    ),
    (
        "单一来源投入",
        "买方某项投入只有一家供应商。",
        "Single-sourced input",
        "An input a buyer gets from one supplier only.",
    ),
    (
        "约束度（Burt）与有效规模",
        "衡量一个组织的联系对象彼此相连的程度：约束度高、有效规模小，说明其联系冗余，"
        "缺少连接不同群体的“结构洞”。",
        "Constraint (Burt) and effective size",
        "How far an organisation's contacts are linked to one another: high constraint and "
        "a small effective size mean redundant contacts, with no structural hole (a gap "
        "between groups) to span.",
    ),
    (
        "链接预测（Adamic–Adar，元路径）",
        "对尚未相连的两个组织，按其间有意义的间接联系（共同客户、供应链伙伴的合作机构等，"
        "即元路径）计分，联系越少见的中间节点权重越大；并对同城、同集群、同链不同环节加权。",
        "Link prediction (Adamic–Adar, meta-paths)",
        "Pairs not yet linked are scored by their meaningful indirect ties (shared buyers, "
        "partners' institutes...: meta-paths), rarer intermediates counting more; pairs in "
        "the same city, cluster or at different stages of one chain are weighted up.",
    ),
    (
        "区位商",
        "某市某行业占全市的比重除以该行业占全国的比重；大于 1 视为该市的专业化行业。",
        "Location quotient",
        "A city's share of an industry divided by the nation's; above 1, the industry is "
        "one of the city's specialisations.",
    ),
)


def glossary_section(s: Scope) -> Section:
    lang = s.lang
    rows = [
        {col("term", lang): tz if s.zh else te, col("meaning", lang): mz if s.zh else me}
        for tz, mz, te, me in GLOSSARY
    ]
    section = Section("glossary", txt("glossary", lang), appendix=True)
    section.tables.append(
        BriefTable("glossary", txt("glossary", lang), pd.DataFrame(rows), nowrap=())
    )
    return section


def articles_section(s: Scope, cited: list[int]) -> Section:
    """The policy's articles the brief cites, with their titles and targets."""
    lang = s.lang
    pm = s.measures()
    rows = []
    ids = set()
    for article in sorted(set(cited)):
        mine = pm[pm["article"] == article]
        if not len(mine):
            continue
        ids.add(article)
        titles = list(dict.fromkeys(pick(r, "title", "title_en", lang) for _, r in mine.iterrows()))
        rows.append(
            {
                col("article", lang): txt("article", lang, n=article),
                col("title", lang): "；".join(titles) if s.zh else "; ".join(titles),
            }
        )
    section = Section("articles", txt("articles", lang), appendix=True)
    section.paragraphs.append(
        "2016 年《关于促进大中型工业企业大众创业万众创新的指导意见》。"
        if s.zh
        else "The 2016 guidance on mass entrepreneurship and innovation in large and medium "
        "industrial enterprises."
    )
    if rows:
        section.tables.append(
            BriefTable(
                "articles",
                txt("articles", lang),
                pd.DataFrame(rows),
                nowrap=(col("article", lang),),
                row_ids=tuple(f"article-{a}" for a in sorted(set(cited)) if a in ids),
            )
        )
    return section


def _evidence(G: EcosystemGraph) -> dict[str, int]:
    counts: dict[str, int] = {}
    for df in G.edges.values():
        if len(df) and "evidence" in df.columns:
            for k, v in df["evidence"].astype("string").fillna("unknown").value_counts().items():
                counts[str(k)] = counts.get(str(k), 0) + int(v)
    return counts


#: Inference methods as a reader names them: (the start of the method text, zh, en).
#: The rest of a method text is its particulars (the products, places or codes of one
#: edge), which the provenance table leaves to the package.
_METHOD_FAMILIES = (
    (
        "Shenwan 2021 ",
        "申万行业（2021）对照国民经济行业分类",
        "Shenwan 2021 to GB/T 4754-2017 crosswalk",
    ),
    ("product path", "产品上下游推断供货", "product path (A makes an input of a product B makes)"),
    (
        "company full name names the place",
        "公司全称中的地名",
        "place named in the company's full name",
    ),
    ("the name names the field", "名称中的领域词", "field named in the name"),
    (
        "registered place from innokg's table",
        "innokg 河南上市公司注册地表",
        "registered place (innokg's table of Henan listed companies)",
    ),
    ("address resolved", "地址解析", "address resolved"),
    ("province column", "来源的省份栏", "the source's province column"),
)


_EVIDENCE_ZH = {"observed": "来源记载", "inferred": "推断", "synthetic": "合成"}


def method_family(method: str) -> tuple[str, str]:
    """The family of an inference ``method`` text, in Chinese and in English."""
    for start, zh, en in _METHOD_FAMILIES:
        if method.startswith(start):
            return zh, en
    plain = method.split(":")[0].split(" (")[0].strip() or "?"
    return plain, plain


def _methods(G: EcosystemGraph, lang: str) -> dict[str, int]:
    """Inferred edges by the family of their method (see :func:`method_family`)."""
    counts: dict[str, int] = {}
    for df in G.edges.values():
        if len(df) and "method" in df.columns and "evidence" in df.columns:
            inferred = df.loc[df["evidence"] == "inferred", "method"].astype("string")
            for method, n in inferred.fillna("?").value_counts().items():
                zh, en = method_family(str(method))
                key = zh if lang == "zh" else en
                counts[key] = counts.get(key, 0) + int(n)
    return counts


def package_version() -> str:
    try:
        return version("innokg")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "unknown"


def method_section(s: Scope, target_source: str) -> Section:
    lang = s.lang
    zh = s.zh
    m = s.G.manifest
    section = Section("method", txt("method", lang), appendix=True)
    from_graph = target_source == "graph"
    if zh:
        section.paragraphs += [
            "指标：主要对象为大中型工业企业（规模为大型或中型、且未标为非工业企业）。"
            "“数据截至”某年只计入当年存在的节点和关系。"
            f"政策目标取自{'图中的政策措施节点' if from_graph else 'innokg 内置的政策条款表'}；"
            "城市的数量类目标按该市大中型工业企业占全省比例分摊为整数。"
            "“期限时”为期限当年年底的数值，趋势为 2016 年至今逐年的数值。",
            "建议：每条建议只在图中有其所依据的数据时提出，顺序为未达标的目标在前，其后为研发合作、"
            "供应链、技术中心和金融方面的发现；所有数字均由图计算。",
            "供应链集群、链主、结构洞和合作候选的方法见附录 A。",
        ]
    else:
        section.paragraphs += [
            "Indicators: the subject is large and medium industrial firms (size large or medium, "
            "not flagged as non-industrial). 'As of' a year counts only nodes and edges that "
            "existed then. Targets come from "
            + ("the graph's PolicyMeasure nodes" if from_graph else "innokg's built-in table")
            + "; a city's count targets are the province's, shared out in whole numbers by its "
            "share of large and medium industrial firms. 'By the deadline' is the value at the "
            "end of the deadline year; trends run year by year from 2016.",
            "Recommendations: each is made only where the graph holds the data it rests on; "
            "targets not met come first, then the research, supply-chain, technology-centre "
            "and finance findings; every figure is computed from the graph.",
            "Appendix A explains the methods behind clusters, chain leaders, structural holes "
            "and partnership candidates.",
        ]
    ev = _evidence(s.G)
    methods = _methods(s.G, lang)
    total_edges = sum(ev.values())
    rows: list[tuple[str, str]] = [
        ("数据包" if zh else "Package", str(s.G.path or "—")),
        ("标题" if zh else "Title", s.names.within(str(m.get("title") or "—"))),
        ("构建时间" if zh else "Built", str(m.get("built_at") or "—")),
        ("模式版本" if zh else "Schema version", str(m.get("schema_version") or SCHEMA_VERSION)),
        (
            "合成数据" if zh else "Synthetic",
            ("是：演示用虚构数据" if zh else "yes: invented for a demonstration")
            if m.get("synthetic")
            else ("否" if zh else "no"),
        ),
    ]
    for i, src in enumerate(m.get("sources", []), 1):
        desc = ": ".join(str(x) for x in (src.get("kind"), src.get("path")) if x)
        if src.get("sha256"):
            desc += f" (sha256 {str(src['sha256'])[:12]}…)"
        if src.get("rows_read") is not None:
            desc += f", {int(src['rows_read']):,} rows"
        if src.get("note"):
            desc += f"; {src['note']}"
        rows.append((f"来源 {i}" if zh else f"Source {i}", s.names.within(desc)))
    counts = m.get("counts", {})
    n_nodes = (
        sum(counts.get("nodes", {}).values()) if counts else sum(len(d) for d in s.G.nodes.values())
    )
    size = (
        f"{n_nodes:,} 个节点，{total_edges:,} 条关系"
        if zh
        else f"{n_nodes:,} nodes, {total_edges:,} edges"
    )
    rows.append(("规模" if zh else "Size", size))
    evidence = [(_EVIDENCE_ZH.get(k, k) if zh else k, v) for k, v in sorted(ev.items())]
    sep = "；" if zh else "; "
    rows.append(
        ("关系证据" if zh else "Edge evidence", sep.join(f"{k} {v:,}" for k, v in evidence) or "—")
    )
    if methods:
        ranked = sorted(methods.items(), key=lambda kv: (-kv[1], kv[0]))
        rows.append(
            (
                "推断方法（推断的关系数）" if zh else "Inference methods (inferred edges)",
                s.names.within(sep.join(f"{k} {v:,}" for k, v in ranked)),
            )
        )
    rows.append(("政策目标来源" if zh else "Targets from", target_source))
    rows.append(("生成工具" if zh else "Generated by", f"innokg {package_version()}"))
    section.tables.append(
        BriefTable(
            "provenance",
            "数据来源" if zh else "Provenance",
            pd.DataFrame(rows, columns=[col("field", lang), col("entry", lang)]),
        )
    )
    return section
