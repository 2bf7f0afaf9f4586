"""What each indicator counts, as of a year: firms with a platform, teams, funds,
alliances, and the measures public lists give for every city."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from innokg.queries.arrays import GraphArrays
from innokg.queries.indicators.cases import _case_history
from innokg.queries.indicators.context import Context, Units, _candidates, _units

# An enterprise technology centre is the firm's own (self-built) R&D platform (article 6).
_RND = ("self_built_rnd", "co_built_rnd", "third_party", "enterprise_tech_center")
_OPEN = ("ecommerce", "open_innovation")
_EMPLOYEE = ("employee", "model_worker_station", "chief_employee_station")
_SERVICE = ("shuangchuang_base", "public_tech_service")
# GB/T 4754 sections of 工业 (industry in Chinese statistics): mining, manufacturing, utilities.
_INDUSTRIAL = ("B", "C", "D")


_RUNS = ("ESTABLISHED", "OPERATES")  # a firm's platform: set up or operated by it
_HAS_TEAM = ("HOSTS", "ESTABLISHED")  # a firm's maker team: hosted or set up by it


def _lm_share(
    etypes: str | tuple[str, ...], target: Callable[[Context], np.ndarray]
) -> Callable[[Context], Units]:
    """The share of L&M firms with an edge of ``etypes`` to a node of ``target``."""
    return lambda c: _units(c.lm, c.has(etypes, target(c), among=_candidates(c.A)).astype(float))


def _platforms(c: Context, kinds: Sequence[str] | None = None) -> np.ndarray:
    plat = c.A.mask("Platform") & c.alive
    if kinds is not None:
        plat &= c.kind_in("Platform", kinds)
    return plat


def _teams(c: Context, kinds: Sequence[str]) -> np.ndarray:
    return c.kind_in("MakerTeam", kinds) & c.alive


def _platform_of(c: Context, kinds: Sequence[str] | None = None) -> np.ndarray:
    return c.has(_RUNS, _platforms(c, kinds))


def _breadth(c: Context) -> np.ndarray:
    """Kinds of partner around each L&M firm (0 for other nodes)."""
    A = c.A
    ent, ri = A.mask("Enterprise"), A.mask("ResearchInstitute")
    fund = A.mask("Fund") & c.alive
    among = _candidates(A)

    def has(etypes: str | tuple[str, ...], target: np.ndarray, reverse: bool = False) -> np.ndarray:
        return c.has(etypes, target, reverse=reverse, among=among)

    kinds = [
        has("SUPPLIES", ent, reverse=True),
        has("SUPPLIES", ent),
        has("COLLABORATES_WITH", ent) | has("COLLABORATES_WITH", ent, reverse=True),
        has(_RUNS, _platforms(c)),
        has("COLLABORATES_WITH", ri) | has("MEMBER_OF", A.mask("Alliance")),
        has("INVESTS_IN", fund, reverse=True) | has("ESTABLISHED", fund),
    ]
    return np.sum(kinds, axis=0).astype(float)


def _maker_chain(c: Context) -> Units:
    A = c.A
    market = _platform_of(c, ("maker_space", "incubator"))
    teams = A.mask("MakerTeam") & c.alive
    own_plat = A.mask("Platform") & c.alive
    hosted_by_platform = c.has("HOSTS", teams)
    factory = c.has("HOSTS", teams) | c.has("ESTABLISHED", own_plat & hosted_by_platform)
    bank = c.has("ESTABLISHED", c.kind_in("Fund", ("maker_fund", "maker_bank")) & c.alive)
    return _units(A.mask("Enterprise") & c.alive & market & factory & bank)


def _cluster_services(c: Context) -> Units:
    zones = c.kind_in("Zone", ("industrial_cluster",)) & c.alive
    service = c.kind_in("Platform", _SERVICE) & c.alive
    flag = c.has("OPERATES", service) | c.has("LOCATED_IN", service, reverse=True)
    return _units(zones, flag.astype(float))


def _iur_alliances(c: Context) -> Units:
    al = c.kind_in("Alliance", ("industry_university_research",)) & c.alive
    src, dst = c.edges("MEMBER_OF")
    ok = al[dst]
    alone = np.setdiff1d(np.flatnonzero(al), dst[ok])
    unit = np.concatenate([dst[ok], alone])
    return Units(unit, np.concatenate([src[ok], alone]), np.ones(len(unit)))


def _teams_financed(c: Context) -> Units:
    teams = c.A.mask("MakerTeam") & c.alive
    funded = c.has("INVESTS_IN", c.A.mask("Fund") & c.alive, reverse=True)
    return _units(teams, funded.astype(float))


def _typical(c: Context) -> Units:
    mask = np.zeros(c.A.n, dtype=bool)
    if c.year is not None:
        mask[_case_history(c.A, c.year, 10, 2017, None)[c.year]] = True
    return _units(mask)


# --- the measures public lists give for every city -----------------------------------


def _national_centres(c: Context) -> np.ndarray:
    """Platforms that are national enterprise technology centres (any year)."""
    key = ("indicators", "national-centres")
    A = c.A
    if key not in A.memo:
        start, stop = A.spans["Platform"]
        out = c.kind_in("Platform", ("enterprise_tech_center",)).copy()
        out[start:stop] &= A.values("level", dtype="object", fill="")[start:stop] == "national"
        out.flags.writeable = False
        A.memo[key] = out
    return A.memo[key]


def _tech_centres(c: Context) -> np.ndarray:
    out = _national_centres(c) & c.alive
    if c.year is not None:  # a centre first on a later list (the 2019 additions) was not yet
        out &= ~(c.A.values("list_year") > c.year)
    return out


def _tech_firms(c: Context) -> Units:
    return _units(
        c.A.mask("Enterprise") & c.alive & c.has(("OPERATES", "ESTABLISHED"), _tech_centres(c))
    )


def _universities(c: Context) -> np.ndarray:
    return c.kind_in("ResearchInstitute", ("university",)) & c.alive & c.located()


def _listed(c: Context) -> np.ndarray:
    listed = c.A.values("listed", dtype="float64", fill=np.nan) == 1
    return c.A.mask("Enterprise") & c.alive & listed & c.located()


def _specialisation_edges(c: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """City -> industry edges with a quotient above 1 (or none given), each city's latest
    year not after the as-of year: (city, industry, quotient, year)."""
    A = c.A
    key = ("indicators", "specialisations", c.year)
    if key not in A.memo:
        A.memo[key] = _find_specialisations(A, c.year)
    return A.memo[key]


def _find_specialisations(
    A: GraphArrays, year: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    src, dst = A.edges("SPECIALISES_IN", year=year)
    q = A.edge_values("SPECIALISES_IN", "quotient", year=year)
    y = A.edge_values("SPECIALISES_IN", "year", year=year)
    code = A.values("code", dtype="object", fill="")
    industrial = np.array([str(x)[:1] in _INDUSTRIAL for x in code[dst]], dtype=bool)
    keep = (np.isnan(q) | (q > 1)) & A.mask("Region")[src] & (A.city()[src] >= 0) & industrial
    if year is not None:
        keep &= ~(y > year)
    src, dst, q, y = src[keep], dst[keep], q[keep], y[keep]
    if len(src):
        city = A.city()[src]
        latest = pd.Series(y).groupby(city).transform("max").to_numpy()
        ok = np.isnan(latest) | (y == latest)
        src, dst, q, y = src[ok], dst[ok], q[ok], y[ok]
    return A.city()[src], dst, q, y


def _specialisations(c: Context) -> Units:
    city, ind, _, _ = _specialisation_edges(c)
    return Units(city * c.A.n + ind, city, np.ones(len(city)), ind)


def _quotient_cities(c: Context) -> np.ndarray:
    """Mask of the cities with any location quotient in the data."""
    out = np.zeros(c.A.n, dtype=bool)
    src = c.A.edges("SPECIALISES_IN")[0]
    city = c.A.city()[src]
    out[city[city >= 0]] = True
    return out
