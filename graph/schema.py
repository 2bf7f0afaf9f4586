"""The ontology of an innovation ecosystem: the single source of truth.

Every node label, edge type and property is declared here once.  Validation, the
canonical CSV headers, the embedded database's DDL, Neo4j constraints, the RDF
ontology and ``docs/schema.md`` are all generated from these declarations, so adding
a property is a one-line change below.

Examples
--------
>>> NODE_LABELS["Enterprise"].zh
'企业'
>>> [p.name for p in NODE_LABELS["Region"].props][:3]
['id', 'name', 'name_en']
>>> ("Enterprise", "Industry") in EDGE_TYPES["IN_INDUSTRY"].endpoints
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "EDGE_COMMON",
    "EDGE_ENDPOINT_COLUMNS",
    "EDGE_TYPES",
    "NODE_ATTRIBUTES",
    "NODE_COMMON",
    "NODE_LABELS",
    "SCHEMA_VERSION",
    "DType",
    "EdgeType",
    "NodeLabel",
    "Prop",
    "edge_columns",
    "node_columns",
]

#: Major: bumped on any change an older reader could not read; minor: additions (1.1: city
#: figures, development zones, technology centres, SPECIALISES_IN; 1.2: registration
#: properties, ``attributes``).  Packages record it.
SCHEMA_VERSION = "1.2"

DType = Literal["string", "int", "float", "bool", "year"]

#: The two columns that name an edge's endpoints, in every edge table.
EDGE_ENDPOINT_COLUMNS = ("from_id", "to_id")

# --- categories and formats every layer shares (declared here only) ------------

#: The labels that act as organisations: they collaborate, join alliances, run
#: platforms and take part in the collaboration questions.
ORGANISATIONS = ("Enterprise", "ResearchInstitute", "Alliance", "Fund", "Platform", "MakerTeam")
#: Labels matched by name when sources are merged: the organisations and the zones.
NAMED_BY_ORGANISATION = (*ORGANISATIONS, "Zone")
#: An enterprise's size classes (国家统计局 大中小微型企业划分), largest first.
SIZES = ("large", "medium", "small", "micro")
#: The policy addresses large and medium industrial enterprises (规模以上 大中型).
LARGE_AND_MEDIUM = SIZES[:2]
#: A unified social credit code (GB 32100-2015): 18 characters, no I, O, S, V or Z.
USCC_PATTERN = "^[0-9A-HJ-NPQRTUWXY]{18}$"
#: A statistical division code (统计用区划代码) at 2, 4, 6, 9 or 12 digits.
NBS_CODE_PATTERN = "^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$"
#: A mainland stock code, bare or with its exchange as prefix or suffix; group 1 is the
#: six digits (``600031``, ``SH600031``, ``600031.SH``, ``600031.SS``).
STOCK_CODE_PATTERN = r"^(?:(?:SH|SZ|BJ)\.?)?(\d{6})(?:\.(?:SH|SZ|BJ|SS))?$"


@dataclass(frozen=True)
class Prop:
    """One property of a node label or edge type.

    ``values`` lists the allowed values of an enumerated string property;
    ``check`` names a format check in :mod:`innokg.graph.validate` (``"uscc"`` for the
    unified social credit code, ``"nbs_code"`` for a statistical division code,
    ``"date"`` for a day, ``"json_object"`` for the ``attributes`` map).
    ``minimum`` and ``maximum`` bound numbers (inclusive).
    """

    name: str
    dtype: DType
    zh: str
    en: str
    required: bool = False
    values: tuple[str, ...] | None = None
    check: str | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class NodeLabel:
    name: str
    zh: str
    en: str
    description: str
    props: tuple[Prop, ...]

    def prop(self, name: str) -> Prop:
        """The property ``name`` of this label.

        Parameters
        ----------
        name : str
            A property of the label (one of :func:`node_columns`).

        Returns
        -------
        Prop
            Its declaration: dtype, titles, whether required, allowed values, range.

        Raises
        ------
        KeyError
            When the label has no such property (the message names those it has).

        Examples
        --------
        >>> size = NODE_LABELS["Enterprise"].prop("size")
        >>> size.dtype, size.zh, size.values
        ('string', '规模', ('large', 'medium', 'small', 'micro'))
        >>> NODE_LABELS["Enterprise"].prop("turnover")
        Traceback (most recent call last):
        ...
        KeyError: "Enterprise has no property 'turnover'; it has ..."
        """
        return _named_prop(self.props, name, self.name)


@dataclass(frozen=True)
class EdgeType:
    name: str
    zh: str
    en: str
    description: str
    endpoints: tuple[tuple[str, str], ...]
    props: tuple[Prop, ...] = field(default=())

    @property
    def from_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for a, _ in self.endpoints))

    @property
    def to_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(b for _, b in self.endpoints))

    def prop(self, name: str) -> Prop:
        """The property ``name`` of this edge type.

        Parameters
        ----------
        name : str
            A property of the type (one of :func:`edge_columns` after the endpoints).

        Returns
        -------
        Prop
            Its declaration: dtype, titles, whether required, allowed values, range.

        Raises
        ------
        KeyError
            When the type has no such property (the message names those it has).

        Examples
        --------
        >>> share = EDGE_TYPES["SUPPLIES"].prop("share")
        >>> share.dtype, share.en, share.minimum, share.maximum
        ('float', "share of the buyer's input", 0, 1)
        """
        return _named_prop(self.props, name, self.name)


def _named_prop(props: tuple[Prop, ...], name: str, owner: str) -> Prop:
    for p in props:
        if p.name == name:
            return p
    known = ", ".join(p.name for p in props)
    raise KeyError(f"{owner} has no property {name!r}; it has {known}")


def _year(name: str, zh: str, en: str) -> Prop:
    return Prop(name, "year", zh, en, minimum=1800, maximum=2100)


# --- properties every node and every edge carries --------------------------------

_NODE_FIRST = (
    Prop("id", "string", "标识", "identifier", required=True),
    Prop("name", "string", "名称", "name (Chinese)", required=True),
    Prop("name_en", "string", "英文名称", "name (English)"),
    Prop("source", "string", "来源", "source of this fact", required=True),
    _year("since", "起始年份", "since (year)"),
    _year("until", "终止年份", "until (year)"),
)

#: Columns of a user's table that match no property, kept as one JSON object (header ->
#: cell text) rather than dropped; the last column of every node table.  Text, not a
#: map type: Neo4j has no map-valued properties, and every store and format keeps text.
NODE_ATTRIBUTES = Prop(
    "attributes",
    "string",
    "其他属性",
    "other columns of the source (JSON object: header -> text)",
    check="json_object",
)

NODE_COMMON = (*_NODE_FIRST, NODE_ATTRIBUTES)

EVIDENCE = ("observed", "inferred", "synthetic")

EDGE_COMMON = (
    Prop("source", "string", "来源", "source of this fact", required=True),
    Prop("evidence", "string", "证据类型", "evidence", required=True, values=EVIDENCE),
    Prop("method", "string", "推断方法", "inference method"),
    Prop("confidence", "float", "置信度", "confidence", minimum=0.0, maximum=1.0),
    _year("since", "起始年份", "since (year)"),
    _year("until", "终止年份", "until (year)"),
    Prop("weight", "float", "权重", "weight", minimum=0.0),
)


def _node(name: str, zh: str, en: str, description: str, *props: Prop) -> NodeLabel:
    return NodeLabel(name, zh, en, description, (*_NODE_FIRST, *props, NODE_ATTRIBUTES))


def _edge(
    name: str,
    zh: str,
    en: str,
    description: str,
    endpoints: list[tuple[str, str]],
    *props: Prop,
) -> EdgeType:
    return EdgeType(name, zh, en, description, tuple(endpoints), EDGE_COMMON + props)


# --- node labels ------------------------------------------------------------------

_LABELS = [
    _node(
        "Enterprise",
        "企业",
        "Enterprise",
        "A company. A supplier or a buyer is an Enterprise with SUPPLIES edges.",
        Prop(
            "credit_code", "string", "统一社会信用代码", "unified social credit code", check="uscc"
        ),
        Prop("stock_code", "string", "股票代码", "stock code"),
        Prop("size", "string", "规模", "size", values=SIZES),
        Prop("industrial", "bool", "工业企业", "industrial enterprise"),
        Prop("listed", "bool", "上市", "listed"),
        Prop("employees", "int", "从业人数", "employees", minimum=0),
        Prop("revenue", "float", "营业收入（万元）", "revenue (10k CNY)"),
        Prop(
            "registered_capital",
            "float",
            "注册资本（万）",
            "registered capital (10k, in capital_currency)",
            minimum=0,
        ),
        Prop("capital_currency", "string", "注册资本币种", "currency of the registered capital"),
        Prop("enterprise_type", "string", "企业类型", "enterprise type (as registered)"),
        Prop("business_scope", "string", "经营范围", "business scope"),
        Prop("status", "string", "登记状态", "registration status (存续, 注销, ...)"),
        Prop("registration_authority", "string", "登记机关", "registration authority"),
        Prop(
            "registration_date",
            "string",
            "成立日期",
            "registration date (YYYY-MM-DD)",
            check="date",
        ),
        Prop("approval_date", "string", "核准日期", "approval date (YYYY-MM-DD)", check="date"),
    ),
    _node(
        "ResearchInstitute",
        "科研机构",
        "Research institute",
        "A university, research institute, key laboratory or R&D centre.",
        Prop(
            "kind",
            "string",
            "类型",
            "kind",
            required=True,
            values=(
                "university",
                "research_institute",
                "key_lab",
                "enterprise_tech_center",
                "global_rnd",
            ),
        ),
        Prop("level", "string", "层次", "level"),
        Prop("moe_code", "string", "学校标识码", "MOE institution code"),
        Prop("ownership", "string", "办学性质", "ownership", values=("public", "private")),
    ),
    _node(
        "Alliance",
        "联盟",
        "Alliance",
        "An industry, technology-innovation or 产学研用 alliance.",
        Prop(
            "kind",
            "string",
            "类型",
            "kind",
            required=True,
            values=(
                "industry",
                "technology_innovation",
                "industry_university_research",
                "cross_industry",
            ),
        ),
    ),
    _node(
        "Fund",
        "基金",
        "Fund",
        "An investment fund, maker fund or maker bank.",
        Prop(
            "kind",
            "string",
            "类型",
            "kind",
            required=True,
            values=(
                "industry_investment",
                "venture",
                "angel",
                "maker_fund",
                "maker_bank",
                "public_welfare",
                "government_special",
            ),
        ),
        Prop("amount", "float", "规模（万元）", "size (10k CNY)", minimum=0),
    ),
    _node(
        "MakerTeam",
        "创客团队",
        "Maker team",
        "A technology, employee or social maker team, or a craftsman's studio.",
        Prop(
            "kind",
            "string",
            "类型",
            "kind",
            required=True,
            values=(
                "technology",
                "employee",
                "social",
                "master_craftsman_studio",
                "model_worker_station",
                "chief_employee_station",
            ),
        ),
        _year("demonstration", "示范认定年份", "demonstration (year recognised)"),
    ),
    _node(
        "Platform",
        "双创平台",
        "Platform",
        "An R&D, maker, incubation, e-commerce or public service platform.",
        Prop(
            "kind",
            "string",
            "类型",
            "kind",
            required=True,
            values=(
                "self_built_rnd",
                "co_built_rnd",
                "third_party",
                "maker_space",
                "incubator",
                "ecommerce",
                "open_innovation",
                "public_tech_service",
                "shuangchuang_base",
                "enterprise_tech_center",
            ),
        ),
        Prop(
            "level",
            "string",
            "认定级别",
            "level of recognition",
            values=("national", "provincial", "municipal"),
        ),
        Prop("branch", "bool", "分中心", "branch centre"),
        _year("list_year", "名单年份", "year of the list it appears in"),
        _year("demonstration", "示范认定年份", "demonstration (year recognised)"),
    ),
    _node(
        "Region",
        "行政区",
        "Region",
        "A province, prefecture-level city or county, by statistical division code.",
        Prop(
            "level",
            "string",
            "层级",
            "level",
            required=True,
            values=("province", "city", "county"),
        ),
        Prop("code", "string", "区划代码", "NBS division code", check="nbs_code"),
        Prop("lon", "float", "经度", "longitude of the city's point", minimum=-180, maximum=180),
        Prop("lat", "float", "纬度", "latitude of the city's point", minimum=-90, maximum=90),
        Prop("population_registered", "int", "户籍人口", "registered population", minimum=0),
        Prop("population_resident", "int", "常住人口", "resident population", minimum=0),
        _year("population_year", "人口年份", "year of the population figures"),
        Prop("gdp", "float", "地区生产总值（亿元）", "GDP (100 million CNY)", minimum=0),
        _year("gdp_year", "生产总值年份", "year of the GDP figure"),
        Prop(
            "figures_area",
            "string",
            "人口与生产总值统计口径",
            "area the population and GDP figures cover",
            values=("urban_districts", "whole_city"),
        ),
        Prop("patents", "int", "专利授权数", "patents granted", minimum=0),
        _year("patents_year", "专利年份", "year of the patent figure"),
    ),
    _node(
        "Zone",
        "园区",
        "Zone",
        "An industrial cluster, new-industrialisation base, 双创 base or high-tech zone.",
        Prop(
            "kind",
            "string",
            "类型",
            "kind",
            required=True,
            values=(
                "industrial_cluster",
                "new_industrialization_base",
                "shuangchuang_base",
                "high_tech_zone",
                "economic_development_zone",
                "comprehensive_pilot_zone",
                "urban_rural_demonstration_zone",
                "industrial_park",
                "free_trade_zone",
            ),
        ),
        Prop(
            "code",
            "string",
            "区划代码",
            "NBS division code of a zone that has one",
            check="nbs_code",
        ),
    ),
    _node(
        "Industry",
        "行业",
        "Industry",
        "A class of an industry classification.",
        Prop("code", "string", "行业代码", "industry code", required=True),
        Prop("scheme", "string", "分类标准", "classification scheme", required=True),
        Prop("level", "int", "层级", "level", minimum=0),
    ),
    _node("Product", "产品", "Product", "A product or material."),
    _node(
        "PolicyMeasure",
        "政策措施",
        "Policy measure",
        "An article of a policy, with its target where the policy sets one.",
        Prop("article", "int", "条款", "article", required=True, minimum=1),
        Prop("indicator", "string", "指标", "indicator measuring it"),
        Prop("target", "float", "目标值", "target value"),
        Prop("target_unit", "string", "目标单位", "target unit"),
        _year("deadline", "目标年份", "deadline (year)"),
    ),
    _node(
        "Person",
        "人物",
        "Person",
        "A person in a public role. No personal identifiers, phone numbers or addresses.",
        Prop(
            "role",
            "string",
            "角色",
            "role",
            required=True,
            values=("entrepreneur", "chief_technology_expert", "master_craftsman", "model_worker"),
        ),
        _year("recognised", "认定年份", "recognised (year)"),
    ),
]

NODE_LABELS: dict[str, NodeLabel] = {label.name: label for label in _LABELS}


# --- edge types -------------------------------------------------------------------

_TYPES = [
    _edge(
        "SUPPLIES",
        "供货",
        "supplies",
        "Supplier -> buyer.",
        [("Enterprise", "Enterprise")],
        Prop("product", "string", "产品", "product supplied"),
        Prop("share", "float", "份额", "share of the buyer's input", minimum=0, maximum=1),
    ),
    _edge(
        "PRODUCES",
        "生产",
        "produces",
        "Enterprise -> a product it makes.",
        [("Enterprise", "Product")],
        Prop("revenue_share", "float", "营收占比", "revenue share"),
    ),
    _edge(
        "UPSTREAM_OF",
        "上游",
        "upstream of",
        "Input product -> the product made from it.",
        [("Product", "Product")],
    ),
    _edge(
        "SUBCLASS_OF",
        "子类",
        "subclass of",
        "Narrower class -> broader class.",
        [("Industry", "Industry"), ("Product", "Product")],
    ),
    _edge(
        "IN_INDUSTRY",
        "所属行业",
        "in industry",
        "An organisation or zone -> its industry.",
        [("Enterprise", "Industry"), ("ResearchInstitute", "Industry"), ("Zone", "Industry")],
    ),
    _edge(
        "SPECIALISES_IN",
        "产业集聚",
        "specialises in",
        "A region -> an industry more concentrated there than nationally (location quotient).",
        [("Region", "Industry")],
        Prop("quotient", "float", "区位商", "location quotient", minimum=0),
        _year("year", "年份", "year of the figure"),
    ),
    _edge(
        "LOCATED_IN",
        "位于",
        "located in",
        "An organisation or zone -> its region or zone; a region -> the region containing it.",
        [
            (org, place)
            for org in NAMED_BY_ORGANISATION
            for place in ("Region", "Zone")
            if org != place
        ]
        + [("Region", "Region")],
    ),
    _edge(
        "COLLABORATES_WITH",
        "合作",
        "collaborates with",
        "Enterprise -> research partner or partner enterprise.",
        [("Enterprise", "ResearchInstitute"), ("Enterprise", "Enterprise")],
        Prop(
            "kind",
            "string",
            "合作方式",
            "kind",
            values=("joint_rnd", "co_built_platform", "patent", "project"),
        ),
    ),
    _edge(
        "MEMBER_OF",
        "成员",
        "member of",
        "An organisation -> an alliance it belongs to.",
        [("Enterprise", "Alliance"), ("ResearchInstitute", "Alliance"), ("Fund", "Alliance")],
        Prop("role", "string", "角色", "role"),
    ),
    _edge(
        "INVESTS_IN",
        "投资",
        "invests in",
        "Fund -> what it finances.",
        [("Fund", "Enterprise"), ("Fund", "MakerTeam"), ("Fund", "Platform")],
        Prop("amount", "float", "金额（万元）", "amount (10k CNY)", minimum=0),
        Prop("round", "string", "轮次", "round"),
    ),
    _edge(
        "ESTABLISHED",
        "设立",
        "established",
        "Enterprise -> a fund, platform or maker team it set up.",
        [("Enterprise", "Fund"), ("Enterprise", "Platform"), ("Enterprise", "MakerTeam")],
    ),
    _edge(
        "OPERATES",
        "运营",
        "operates",
        "An organisation or zone -> a platform it runs.",
        [("Enterprise", "Platform"), ("ResearchInstitute", "Platform"), ("Zone", "Platform")],
    ),
    _edge(
        "HOSTS",
        "孵化",
        "hosts",
        "Enterprise or platform -> a maker team it hosts.",
        [("Enterprise", "MakerTeam"), ("Platform", "MakerTeam")],
    ),
    _edge(
        "SUPPORTED_BY",
        "政策支持",
        "supported by",
        "A platform, maker team or enterprise -> the policy measure that supports it.",
        [
            ("Platform", "PolicyMeasure"),
            ("MakerTeam", "PolicyMeasure"),
            ("Enterprise", "PolicyMeasure"),
        ],
        _year("year", "年份", "year"),
    ),
    _edge(
        "LEADS",
        "领衔",
        "leads",
        "Person -> what they lead.",
        [
            ("Person", "Enterprise"),
            ("Person", "MakerTeam"),
            ("Person", "ResearchInstitute"),
            ("Person", "Platform"),
        ],
        Prop("role", "string", "角色", "role"),
    ),
]

EDGE_TYPES: dict[str, EdgeType] = {edge.name: edge for edge in _TYPES}


def node_columns(label: str) -> list[str]:
    """The canonical column order of a node table.

    Parameters
    ----------
    label : str
        A node label of :data:`NODE_LABELS`.

    Returns
    -------
    list of str
        The label's properties in declaration order: those of every node first
        (:data:`NODE_COMMON`), ``attributes`` last.  The header of a canonical
        ``nodes/<Label>.csv``.

    Raises
    ------
    KeyError
        When the schema has no such label.

    Examples
    --------
    >>> node_columns("Fund")
    ['id', 'name', 'name_en', 'source', 'since', 'until', 'kind', 'amount', 'attributes']
    >>> ",".join(node_columns("Product"))
    'id,name,name_en,source,since,until,attributes'
    """
    return [p.name for p in NODE_LABELS[label].props]


def edge_columns(edge_type: str) -> list[str]:
    """The canonical column order of an edge table: endpoints first.

    Parameters
    ----------
    edge_type : str
        An edge type of :data:`EDGE_TYPES`.

    Returns
    -------
    list of str
        ``from_id`` and ``to_id``, then the type's properties in declaration order
        (those of every edge, :data:`EDGE_COMMON`, first).  The header of a canonical
        ``edges/<TYPE>.csv``.

    Raises
    ------
    KeyError
        When the schema has no such edge type.

    Examples
    --------
    >>> edge_columns("MEMBER_OF")[:4]
    ['from_id', 'to_id', 'source', 'evidence']
    >>> edge_columns("SUPPLIES")[-3:]
    ['weight', 'product', 'share']
    """
    return [*EDGE_ENDPOINT_COLUMNS, *(p.name for p in EDGE_TYPES[edge_type].props)]
