"""The indicators of the seed policy, one :class:`Indicator` each: what it counts,
how, what it needs from the graph and what its rows say."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from innokg.queries.indicators.context import Context, Units, _entrepreneurs, _units
from innokg.queries.indicators.counts import (
    _EMPLOYEE,
    _HAS_TEAM,
    _OPEN,
    _RND,
    _RUNS,
    _SERVICE,
    _breadth,
    _cluster_services,
    _iur_alliances,
    _listed,
    _lm_share,
    _maker_chain,
    _platforms,
    _specialisations,
    _teams,
    _teams_financed,
    _tech_centres,
    _tech_firms,
    _typical,
    _universities,
)
from innokg.queries.indicators.notes import (
    _LM,
    Detail,
    Need,
    Words,
    _any,
    _any_recognised,
    _detail_specialisations,
    _detail_tech,
    _detail_universities,
    _detail_unplaced,
    _info_host_firms,
    _info_listed,
    _info_specialisations,
    _info_tech,
    _info_universities,
    _linked,
    _need_candidates,
    _need_listed,
    _need_partner_links,
    _need_scored_links,
    _need_specialisations,
    _need_tech_centres,
    _need_year,
    _sizes,
)

#: The six kinds of partner counted by ``ecosystem_breadth`` (article 4): key ->
#: (Chinese, English, how it is observed).  Brand owners have no edge of their own in
#: the schema; partner enterprises (COLLABORATES_WITH) stand in for them.
BREADTH_KINDS = {
    "suppliers": ("供应商", "suppliers", "SUPPLIES into the firm"),
    "purchasers": ("采购商", "purchasers", "SUPPLIES from the firm"),
    "partners": ("品牌与合作企业", "partner enterprises", "COLLABORATES_WITH an enterprise"),
    "operators": ("平台运营", "platforms operated", "ESTABLISHED or OPERATES a platform"),
    "services": ("服务机构", "service providers", "COLLABORATES_WITH an institute, MEMBER_OF"),
    "finance": ("金融", "finance", "INVESTS_IN the firm, or a fund it ESTABLISHED"),
}


@dataclass(frozen=True)
class Indicator:
    """One indicator: its key, the measure it belongs to, what it counts, how, and what
    it needs from the graph.

    ``measure`` is the key of the measure's headline indicator (None: context the policy
    sets no measure for); ``article`` is the article it serves when the graph has no
    measure to say so.  ``needs`` return why the graph cannot measure it (None: it can);
    ``base`` names what a share or mean is taken over; ``info`` says what to bear in
    mind when it is measured; ``detail`` describes each group's row; ``by_industry`` is
    false for what has no industry (universities).

    Parameters
    ----------
    key : str
        The indicator's key (``platform_coverage``, ...).
    measure : str or None
        The key of its measure's headline indicator; None for context.
    unit : {"share", "count", "mean"}
        What ``value`` is.
    zh, en : str
        What it counts, in Chinese and in English.
    compute : callable
        ``Context -> Units``: what it counts as of a year.
    needs : tuple of callables
        Each ``Context -> (English, Chinese) or None``: why it cannot be measured.
    article : int, optional
        The article it serves when the graph has no measure to say so.
    base : str
        What a share or mean is taken over.
    info : callable, optional
        ``Context -> (English, Chinese)``: what to bear in mind.
    detail : callable, optional
        Each group's row details.
    by_industry : bool
        Whether it has an industry breakdown.

    Examples
    --------
    >>> ind = _BY_KEY["platform_coverage"]
    >>> ind.unit, ind.measure, ind.article
    ('share', 'platform_coverage', 3)
    """

    key: str
    measure: str | None
    unit: str  # share | count | mean
    zh: str
    en: str
    compute: Callable[[Context], Units]
    needs: tuple[Need, ...] = ()
    article: int | None = None
    base: str = _LM
    info: Callable[[Context], Words] | None = None
    detail: Detail | None = field(default=None, compare=False)
    by_industry: bool = True


_PLATFORMS = _any("Platform", ("platforms", "平台"))
_TEAMS = _any("MakerTeam", ("maker teams", "创客团队"))
_FUNDS = _any("Fund", ("funds", "基金"))
_ALLIANCES = _any("Alliance", ("alliances", "联盟"))
_FIRM_PLATFORMS = _linked(
    _RUNS, "Enterprise", "Platform", ("firm–platform links", "企业与平台的关联")
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "platform_coverage",
        "platform_coverage",
        "share",
        "拥有“双创”平台的大中型工业企业占比",
        "share of L&M firms that set up or operate a 双创 platform",
        _lm_share(_RUNS, _platforms),
        (_sizes, _PLATFORMS, _FIRM_PLATFORMS),
        3,
    ),
    Indicator(
        "demonstration_platforms",
        "demonstration_platforms",
        "count",
        "“双创”示范平台数",
        "platforms recognised as demonstration platforms",
        lambda c: _units(c.A.mask("Platform") & c.recognised("demonstration")),
        (_any_recognised("Platform", "demonstration", ("demonstration platform", "示范平台")),),
        3,
    ),
    Indicator(
        "demonstration_teams",
        "demonstration_teams",
        "count",
        "创客示范团队数",
        "maker teams recognised as demonstration teams",
        lambda c: _units(c.A.mask("MakerTeam") & c.recognised("demonstration")),
        (
            _any_recognised(
                "MakerTeam", "demonstration", ("demonstration maker team", "创客示范团队")
            ),
        ),
        3,
    ),
    Indicator(
        "entrepreneurs",
        "entrepreneurs",
        "count",
        "遴选认定的创新型企业家人数",
        "innovative entrepreneurs recognised",
        lambda c: _units(_entrepreneurs(c.A) & c.recognised("recognised")),
        (_any_recognised("Person", "recognised", ("recognised entrepreneur", "创新型企业家")),),
        12,
    ),
    Indicator(
        "ecosystem_breadth",
        "ecosystem_breadth",
        "mean",
        "大中型工业企业“双创”生态圈广度（六类伙伴中具备的类数）",
        "kinds of partner around each L&M firm (of six: suppliers, purchasers, partner "
        "firms, platforms, service providers, finance)",
        lambda c: _units(c.lm, _breadth(c)),
        (_sizes, _need_partner_links),
        4,
    ),
    Indicator(
        "rnd_platforms",
        "rnd_platforms",
        "share",
        "拥有自建、合建或第三方研发平台的大中型工业企业占比",
        "share of L&M firms with a self-built (incl. an enterprise technology centre), "
        "co-built or third-party R&D platform",
        _lm_share(_RUNS, lambda c: _platforms(c, _RND)),
        (
            _sizes,
            _any("Platform", ("R&D platforms", "研发平台"), _RND),
            _linked(
                _RUNS,
                "Enterprise",
                "Platform",
                ("firm–R&D platform links", "企业与研发平台的关联"),
                _RND,
            ),
        ),
        6,
    ),
    Indicator(
        "co_built_rnd",
        "rnd_platforms",
        "share",
        "与高校、科研院所合建创新平台的大中型工业企业占比",
        "share of L&M firms with an R&D platform built with universities or institutes",
        _lm_share(_RUNS, lambda c: _platforms(c, ("co_built_rnd",))),
        (
            _sizes,
            _any("Platform", ("co-built R&D platforms", "合建研发平台"), ("co_built_rnd",)),
            _linked(
                _RUNS,
                "Enterprise",
                "Platform",
                ("firm–co-built platform links", "企业与合建平台的关联"),
                ("co_built_rnd",),
            ),
        ),
        6,
    ),
    Indicator(
        "alliance_membership",
        "rnd_platforms",
        "share",
        "加入产业联盟、技术创新联盟的大中型工业企业占比",
        "share of L&M firms that belong to an alliance",
        _lm_share("MEMBER_OF", lambda c: c.A.mask("Alliance") & c.alive),
        (
            _sizes,
            _ALLIANCES,
            _linked(
                ("MEMBER_OF",),
                "Enterprise",
                "Alliance",
                ("alliance memberships of firms", "企业加入联盟的记录"),
            ),
        ),
        6,
    ),
    Indicator(
        "national_tech_centres",
        "rnd_platforms",
        "count",
        "国家企业技术中心数（国家认定）",
        "national enterprise technology centres (recognised by the NDRC)",
        lambda c: _units(_tech_centres(c) & c.located()),
        (_need_tech_centres,),
        6,
        base="",
        info=_info_tech,
        detail=_detail_tech,
    ),
    Indicator(
        "tech_centre_firms",
        "rnd_platforms",
        "count",
        "拥有国家企业技术中心的企业数",
        "enterprises that run a national enterprise technology centre",
        _tech_firms,
        (_need_tech_centres,),
        6,
        base="",
        info=_info_host_firms,
        detail=_detail_unplaced,
    ),
    Indicator(
        "universities",
        "rnd_platforms",
        "count",
        "高等学校数（可合作的高校）",
        "universities and colleges (research partners at hand, articles 6 and 13)",
        lambda c: _units(_universities(c)),
        (_any("ResearchInstitute", ("universities", "高等学校"), ("university",)),),
        6,
        base="",
        info=_info_universities,
        detail=_detail_universities,
        by_industry=False,
    ),
    Indicator(
        "technology_teams",
        "technology_teams",
        "share",
        "组建技术创客团队的大中型工业企业占比",
        "share of L&M firms with a technology maker team",
        _lm_share(_HAS_TEAM, lambda c: _teams(c, ("technology",))),
        (
            _sizes,
            _TEAMS,
            _linked(
                _HAS_TEAM,
                "Enterprise",
                "MakerTeam",
                ("firm–technology team links", "企业与技术创客团队的关联"),
                ("technology",),
            ),
        ),
        7,
    ),
    Indicator(
        "employee_platforms",
        "employee_platforms",
        "share",
        "建有职工创客工作室、首席员工创新工作站或劳模工作站的大中型工业企业占比",
        "share of L&M firms with an employee maker studio or model-worker station",
        _lm_share(_HAS_TEAM, lambda c: _teams(c, _EMPLOYEE)),
        (
            _sizes,
            _any(
                "MakerTeam",
                ("employee maker studios or stations", "职工创客工作室或工作站"),
                _EMPLOYEE,
            ),
            _linked(
                _HAS_TEAM,
                "Enterprise",
                "MakerTeam",
                ("firm–employee studio links", "企业与职工创客工作室的关联"),
                _EMPLOYEE,
            ),
        ),
        8,
    ),
    Indicator(
        "craftsman_studios",
        "craftsman_studios",
        "share",
        "建有“大工匠”工作室的大中型工业企业占比",
        "share of L&M firms with a master craftsman's studio",
        _lm_share(_HAS_TEAM, lambda c: _teams(c, ("master_craftsman_studio",))),
        (
            _sizes,
            _any("MakerTeam", ("大工匠 studios", "“大工匠”工作室"), ("master_craftsman_studio",)),
            _linked(
                _HAS_TEAM,
                "Enterprise",
                "MakerTeam",
                ("firm–大工匠 studio links", "企业与“大工匠”工作室的关联"),
                ("master_craftsman_studio",),
            ),
        ),
        9,
    ),
    Indicator(
        "open_platforms",
        "open_platforms",
        "share",
        "搭建开放式“双创”平台（设计＋用户、营销＋社交、制造＋电商）的大中型工业企业占比",
        "share of L&M firms with an open innovation or e-commerce platform",
        _lm_share(_RUNS, lambda c: _platforms(c, _OPEN)),
        (
            _sizes,
            _any(
                "Platform",
                ("open-innovation or e-commerce platforms", "开放式创新或电商平台"),
                _OPEN,
            ),
            _linked(
                _RUNS,
                "Enterprise",
                "Platform",
                ("firm–open platform links", "企业与开放式平台的关联"),
                _OPEN,
            ),
        ),
        10,
    ),
    Indicator(
        "social_teams",
        "social_teams",
        "count",
        "社会创客团队数",
        "social maker teams",
        lambda c: _units(c.kind_in("MakerTeam", ("social",)) & c.alive),
        (_TEAMS,),
        11,
    ),
    Indicator(
        "maker_chain",
        "social_teams",
        "count",
        "构建“创客市场-创客实验室-创客微工厂-创客银行”生态链的企业数",
        "firms with the whole maker chain: a maker space or incubator, hosted maker "
        "teams and a maker fund or bank they set up",
        _maker_chain,
        (_PLATFORMS, _TEAMS, _FUNDS),
        11,
    ),
    Indicator(
        "cluster_services",
        "cluster_services",
        "share",
        "建有“双创”基地或公共技术服务平台的产业集聚区占比",
        "share of industrial clusters (zones) with a 双创 base or public technology "
        "service platform",
        _cluster_services,
        (
            _any(
                "Zone", ("industrial clusters (产业集聚区)", "产业集聚区"), ("industrial_cluster",)
            ),
            _any(
                "Platform",
                (
                    "双创 bases or public technology service platforms",
                    "“双创”基地或公共技术服务平台",
                ),
                _SERVICE,
            ),
        ),
        13,
        base="industrial clusters",
    ),
    Indicator(
        "iur_alliances",
        "cluster_services",
        "count",
        "产学研用联盟数",
        "industry-university-research (产学研用) alliances",
        _iur_alliances,
        (_ALLIANCES,),
        13,
    ),
    Indicator(
        "investment_platforms",
        "maker_finance",
        "count",
        "企业设立的“双创”投资平台（基金）数",
        "funds set up by enterprises",
        lambda c: _units(
            c.A.mask("Fund") & c.alive & c.has("ESTABLISHED", c.A.mask("Enterprise"), reverse=True)
        ),
        (_FUNDS,),
        14,
    ),
    Indicator(
        "maker_funds",
        "maker_finance",
        "count",
        "创客资金、创客银行数",
        "maker funds and maker banks",
        lambda c: _units(c.kind_in("Fund", ("maker_fund", "maker_bank")) & c.alive),
        (_FUNDS,),
        14,
    ),
    Indicator(
        "teams_financed",
        "maker_finance",
        "share",
        "获得投资的创客团队占比",
        "share of maker teams with an investor",
        _teams_financed,
        (
            _TEAMS,
            _FUNDS,
            _linked(
                ("INVESTS_IN",),
                "Fund",
                "MakerTeam",
                ("investments in maker teams", "对创客团队的投资记录"),
            ),
        ),
        14,
        base="maker teams",
    ),
    Indicator(
        "typical_cases",
        "typical_cases",
        "count",
        "当年可推出的典型案例数（按生态得分遴选）",
        "typical cases the year can put forward (by ecosystem score; needs a year)",
        _typical,
        (_sizes, _need_year, _need_candidates, _need_scored_links),
        17,
    ),
    Indicator(
        "listed_firms",
        None,
        "count",
        "上市公司数（省内）",
        "listed companies placed in the province",
        lambda c: _units(_listed(c)),
        (_need_listed,),
        None,
        base="",
        info=_info_listed,
        detail=_detail_unplaced,
    ),
    Indicator(
        "specialisations",
        None,
        "count",
        "工业专业化行业数（区位商＞1的采矿业、制造业、电力燃气水行业大类）",
        "industrial specialisations: GB/T 4754 divisions of mining, manufacturing and "
        "utilities (sections B-D) with a location quotient above 1",
        _specialisations,
        (_need_specialisations,),
        None,
        base="",
        info=_info_specialisations,
        detail=_detail_specialisations,
    ),
)

_BY_KEY = {ind.key: ind for ind in INDICATORS}
