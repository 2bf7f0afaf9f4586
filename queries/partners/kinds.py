"""The kinds of partnership innokg proposes (and two it measures itself by): who
proposes to whom, what already links them, and the meta-paths that argue for a pair,
each with the phrase that explains it in Chinese and in English."""

from __future__ import annotations

from collections.abc import Sequence

from innokg.graph.errors import QueryError
from innokg.queries.metapaths import Capacity, Kind, MetaPath

__all__ = ["KINDS"]


_SUPPLY = ("SUPPLIES", "SUPPLIES^-1")
#: How the loaders mark a field read from an institution's name (loaders/fields.py).
_NAMED_FIELD = "the name names the field"


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "enterprise-institute",
            "Enterprise",
            "ResearchInstitute",
            ("COLLABORATES_WITH",),
            (
                MetaPath(
                    "partner_collaborates",
                    (_SUPPLY, ("COLLABORATES_WITH",)),
                    "其供应链伙伴{mids}已与{t}合作",
                    "its supply partner{s} {mids} already work{s1} with {t}",
                ),
                MetaPath(
                    "industry_peers",
                    (("IN_INDUSTRY",), ("IN_INDUSTRY^-1",), ("COLLABORATES_WITH",)),
                    "{t}已与同属{mids}的{n2}家企业合作（{mids2}）",
                    "{t} already works with {n2} firm{s2} in {mids} ({mids2})",
                ),
                MetaPath(
                    "same_field",
                    (("IN_INDUSTRY",), ("IN_INDUSTRY^-1",)),
                    "{t}的研究领域为{mids}，正是其所在行业",
                    "{t} works in its industry, {mids}",
                    guessed_steps=(1,),
                    guessed_method=_NAMED_FIELD,
                    zh_guessed="据校名推断，{t}的研究领域为{mids}，正是其所在行业",
                    en_guessed="{t}'s field, guessed from its name, is {mids}, its industry",
                ),
                MetaPath(
                    "alliance",
                    (("MEMBER_OF",), ("MEMBER_OF^-1",)),
                    "同为{mids}成员",
                    "both belong to {mids}",
                ),
            ),
            "企业—科研机构（联合研发）",
            "enterprise - research institute (joint R&D)",
            capacity=Capacity(
                "该企业已与{k}家高校或科研机构合作",
                "the firm already works with {k} research institute{s}",
                "{t}现有{k}家合作企业",
                "{t} has {k} partner firm{s}",
            ),
            proxies=(
                MetaPath(
                    "rnd_centre_city",
                    (("OPERATES_RND",), ("IN_CITY",), ("IN_CITY^-1",)),
                    "该企业的{mids}与{t}同在{mids2}，可作联合研发的承接平台",
                    "its {mids} {are} in {mids2}, as is {t}: a base for joint R&D",
                    place=True,
                ),
                MetaPath(
                    "specialised_city",
                    (("IN_INDUSTRY",), ("SPECIALISES_IN^-1",), ("IN_CITY^-1",)),
                    "{t}位于{mids2}，该市的专业化产业（区位商大于1）包括其所在的{mids}",
                    "{t} is in {mids2}, a city specialised (location quotient above 1) "
                    "in its industry {mids}",
                    place=True,
                ),
                MetaPath(
                    "same_city",
                    (("IN_CITY",), ("IN_CITY^-1",)),
                    "{t}与其同在{mids}",
                    "{t} is in {mids} too",
                    place=True,
                    implied_by=("rnd_centre_city",),
                ),
            ),
        ),
        Kind(
            "enterprise-enterprise",
            "Enterprise",
            "Enterprise",
            ("SUPPLIES", "SUPPLIES^-1", "COLLABORATES_WITH", "COLLABORATES_WITH^-1"),
            (
                MetaPath(
                    "supplies_input",
                    (("PRODUCES",), ("UPSTREAM_OF",), ("PRODUCES^-1",)),
                    "前者生产的{mids}是后者所产{mids2}的上游原料",
                    "the first makes {mids}, an input of the {mids2} the second makes",
                ),
                MetaPath(
                    "buys_input",
                    (("PRODUCES",), ("UPSTREAM_OF^-1",), ("PRODUCES^-1",)),
                    "后者生产的{mids2}是前者所产{mids}的上游原料",
                    "the second makes {mids2}, an input of the {mids} the first makes",
                ),
                MetaPath(
                    "common_buyers",
                    (("SUPPLIES",), ("SUPPLIES^-1",)),
                    "两家都为{mids}供货",
                    "both supply {mids}",
                    guessed_steps=(0, 1),
                    zh_guessed="据产品推断，两家都为{mids}供货",
                    en_guessed="both supply {mids} (inferred from their products)",
                ),
                MetaPath(
                    "common_suppliers",
                    (("SUPPLIES^-1",), ("SUPPLIES",)),
                    "两家都从{mids}采购",
                    "both buy from {mids}",
                    guessed_steps=(0, 1),
                    zh_guessed="据产品推断，两家都从{mids}采购",
                    en_guessed="both buy from {mids} (inferred from their products)",
                ),
                MetaPath(
                    "shared_partner",
                    (("COLLABORATES_WITH",), ("COLLABORATES_WITH^-1",)),
                    "两家都与{mids}合作",
                    "both work with {mids}",
                ),
                MetaPath(
                    "alliance",
                    (("MEMBER_OF",), ("MEMBER_OF^-1",)),
                    "同为{mids}成员",
                    "both belong to {mids}",
                ),
            ),
            "企业—企业（供货或协同创新）",
            "enterprise - enterprise (supply or co-innovation)",
            symmetric=True,
            cluster=True,
            chain=("supplies_input", "buys_input"),
            chain_first=True,
            peers=("common_buyers", "common_suppliers"),
        ),
        Kind(
            "fund-team",
            "MakerTeam",
            "Fund",
            ("INVESTS_IN^-1",),
            (
                MetaPath(
                    "co_hosted",
                    (("HOSTS^-1",), ("HOSTS",), ("INVESTS_IN^-1",)),
                    "{t}已投资同在{mids}孵化的{mids2}",
                    "{t} already backs {mids2}, also hosted by {mids}",
                ),
                MetaPath(
                    "backs_host",
                    (("HOSTS^-1",), ("INVESTS_IN^-1",)),
                    "{t}已投资孵化该团队的{mids}",
                    "{t} already invests in its host {mids}",
                ),
                MetaPath(
                    "host_founded",
                    (("HOSTS^-1",), ("ESTABLISHED",)),
                    "{t}由孵化该团队的{mids}设立",
                    "{t} was set up by its host {mids}",
                ),
            ),
            "基金—创客团队",
            "fund - maker team",
            fund_kinds=("maker_fund", "maker_bank", "angel", "public_welfare", "venture"),
        ),
        Kind(
            "fund-enterprise",
            "Enterprise",
            "Fund",
            ("INVESTS_IN^-1",),
            (
                MetaPath(
                    "backs_partner",
                    (_SUPPLY, ("INVESTS_IN^-1",)),
                    "{t}已投资其供应链伙伴{mids}",
                    "{t} already backs its supply partner{s} {mids}",
                ),
                MetaPath(
                    "industry_portfolio",
                    (("IN_INDUSTRY",), ("IN_INDUSTRY^-1",), ("INVESTS_IN^-1",)),
                    "{t}已投资同属{mids}的{n2}家企业（{mids2}）",
                    "{t} already backs {n2} firm{s2} in {mids} ({mids2})",
                ),
                MetaPath(
                    "partner_founded",
                    (_SUPPLY, ("ESTABLISHED",)),
                    "{t}由其供应链伙伴{mids}设立",
                    "{t} was set up by its supply partner {mids}",
                ),
                MetaPath(
                    "alliance",
                    (("MEMBER_OF",), ("MEMBER_OF^-1",)),
                    "同为{mids}成员",
                    "both belong to {mids}",
                ),
            ),
            "基金—企业",
            "fund - enterprise",
            fund_kinds=("industry_investment", "venture", "angel", "government_special"),
        ),
        Kind(
            "enterprise-alliance",
            "Enterprise",
            "Alliance",
            ("MEMBER_OF",),
            (
                MetaPath(
                    "partner_member",
                    (_SUPPLY, ("MEMBER_OF",)),
                    "其供应链伙伴{mids}已是{t}成员",
                    "its supply partner{s} {mids} already belong{s1} to {t}",
                ),
                MetaPath(
                    "industry_peers",
                    (("IN_INDUSTRY",), ("IN_INDUSTRY^-1",), ("MEMBER_OF",)),
                    "同属{mids}的{n2}{who2}已加入{t}（{mids2}）",
                    "{n2} {who2} in {mids} already belong{s3} to {t} ({mids2})",
                ),
                MetaPath(
                    "institute_member",
                    (("COLLABORATES_WITH",), ("MEMBER_OF",)),
                    "其合作机构{mids}已是{t}成员",
                    "its research partner{s} {mids} already belong{s1} to {t}",
                ),
            ),
            "企业—联盟",
            "enterprise - alliance",
        ),
        Kind(
            "enterprise-product",
            "Enterprise",
            "Product",
            ("PRODUCES",),
            (
                MetaPath(
                    "co_made",
                    (("PRODUCES",), ("PRODUCES^-1",), ("PRODUCES",)),
                    "生产{mids}的企业（如{mids2}）也生产{t}",
                    "makers of {mids} (such as {mids2}) also make {t}",
                ),
                MetaPath(
                    "industry_made",
                    (("IN_INDUSTRY",), ("IN_INDUSTRY^-1",), ("PRODUCES",)),
                    "同属{mids}的{n2}家企业生产{t}",
                    "{n2} firm{s2} in {mids} make{s3} {t}",
                ),
                MetaPath(
                    "chain_neighbour",
                    (("PRODUCES",), ("UPSTREAM_OF", "UPSTREAM_OF^-1")),
                    "{t}与其产品{mids}处在同一产业链上下游",
                    "{t} is an input or output of its {mids}",
                ),
                MetaPath(
                    "sibling",
                    (("PRODUCES",), ("SUBCLASS_OF", "SUBCLASS_OF^-1")),
                    "{t}与其产品{mids}同类",
                    "{t} is in the same class as its {mids}",
                ),
            ),
            "企业—产品（用于检验方法）",
            "enterprise - product (to measure the method)",
            partnership=False,
        ),
        Kind(
            "enterprise-industry",
            "Enterprise",
            "Industry",
            ("IN_INDUSTRY",),
            (
                MetaPath(
                    "product_peers",
                    (("PRODUCES",), ("PRODUCES^-1",), ("IN_INDUSTRY",)),
                    "生产{mids}的{n2}家企业属于{t}",
                    "{n2} maker{s2} of {mids} {are2} in {t}",
                ),
                MetaPath(
                    "supply_peers",
                    (_SUPPLY, ("IN_INDUSTRY",)),
                    "其供应链伙伴{mids}属于{t}",
                    "its supply partner{s} {mids} {are} in {t}",
                ),
                MetaPath(
                    "industry_peers",
                    (("IN_INDUSTRY",), ("IN_INDUSTRY^-1",), ("IN_INDUSTRY",)),
                    "同属{mids}的{n2}家企业（{mids2}）也属于{t}",
                    "{n2} firm{s2} in {mids} ({mids2}) {are2} in {t} too",
                ),
            ),
            "企业—行业（用于检验方法）",
            "enterprise - industry (to measure the method)",
            partnership=False,
        ),
    )
}


def _kinds(kinds: Sequence[str] | None, *, partnership_only: bool = True) -> list[Kind]:
    if not kinds:
        return [k for k in KINDS.values() if k.partnership or not partnership_only]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise QueryError(f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}")
    return [KINDS[k] for k in kinds]
