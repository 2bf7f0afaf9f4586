"""City figures: coordinates, population, GDP and patent grants of Chinese cities.

The source is one CSV file in the layout of the intercity-connectivity data set
(``CN_Public.csv``, MIT)::

    cityId, cityName_CN, cityName_EN, Lon, Lat, Regis_pop, Res_pop, GDP, Employ_pct,
    Patent, SM_degree, Mob_degree, Pub_degree

Each row adds figures to the Region of its city (``region:<4-digit code>``, taken
from the 6-digit ``cityId``), merged with the division of the same id from the
other sources: ``name_en``, ``lon``/``lat`` (the city's point), registered and
resident population (persons, 2016), GDP (converted from yuan to 亿元, 2016) and
invention-and-other patent grants (CNIPA, 2017); the year each figure is for is a
property beside it (``population_year``, ``gdp_year``, ``patents_year``), since the
figures of one row are not all of one year.  Population and GDP cover the city's urban
districts (市辖区), not the whole city: ``figures_area`` says so on every Region.  The
network degrees and the employment share have no property in the schema and are not
kept.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "CN_Public.csv").write_text(
...     '"cityId","cityName_CN","cityName_EN","Lon","Lat","Regis_pop","Res_pop","GDP",'
...     '"Employ_pct","Patent","SM_degree","Mob_degree","Pub_degree"\\n'
...     '410100,"郑州","Zhengzhou",113.472,34.626,3540000,7483000,460970770000,5.1,21153,'
...     '1,2,3\\n', encoding="utf-8")
>>> src = read_cities_source(folder / "CN_Public.csv")
>>> src.nodes["Region"][["id", "name_en", "gdp", "patents"]].values.tolist()
[['region:4101', 'Zhengzhou', 4609.7077, 21153]]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from innokg.graph.errors import SourceError
from innokg.loaders.base import SourceTables, start_table_source
from innokg.loaders.regions import HENAN, REGION_PREFIX, SCOPES, normalise_code
from innokg.loaders.tables import read_csv_table

__all__ = ["FIGURES_AREA", "FIGURE_YEARS", "looks_like_cities", "read_cities_source"]

_REQUIRED = ("cityId", "cityName_CN")
#: The year each figure of CN_Public.csv is for, as its documentation gives it.
FIGURE_YEARS = {"population_year": 2016, "gdp_year": 2016, "patents_year": 2017}
_YUAN_PER_YI = 1e8
#: The population and GDP of CN_Public.csv are those of a city's urban districts
#: (市辖区), not of the whole city (全市): 郑州's 2016 GDP there is 4,610 亿元 and its
#: resident population 7.48 million, where the city's 2016 statistical bulletin gives
#: 7,994 亿元 and 9.72 million for the whole city (洛阳: 1,489 against 3,783 亿元).
FIGURES_AREA = "urban_districts"


def looks_like_cities(path: Path) -> bool:
    """True for a CSV file whose header names cityId and cityName_CN.

    Parameters
    ----------
    path : Path
        The file given as a source; only its first line is read.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "figures.csv"
    >>> _ = path.write_text("cityId,cityName_CN,GDP\\n410100,郑州,1\\n", encoding="utf-8")
    >>> looks_like_cities(path)
    True
    >>> _ = path.write_text("id,name\\nr1,郑州\\n", encoding="utf-8")
    >>> looks_like_cities(path)
    False
    >>> tmp.cleanup()
    """
    if not (path.is_file() and path.suffix.lower() == ".csv"):
        return False
    with path.open("rb") as f:
        first = f.read(512).decode("utf-8-sig", errors="ignore").split("\n", 1)[0]
    return all(f'"{c}"' in first or c in first.split(",") for c in _REQUIRED)


def _number(df: pd.DataFrame, column: str) -> pd.Series:
    if column not in df.columns:
        return pd.Series(np.nan, index=df.index)
    return pd.to_numeric(df[column].str.strip().replace({"": None, "NA": None}), errors="coerce")


def read_cities_source(path: str | Path, *, scope: str = "all") -> SourceTables:
    """Read city figures into properties of the cities' Region nodes.

    Parameters
    ----------
    path : path
        The CSV file (``CN_Public.csv`` layout).
    scope : {"all", "henan"}
        ``henan`` keeps the cities whose code starts with 41; the others are
        counted as filtered.

    Returns
    -------
    SourceTables
        ``Region`` rows (id, name, name_en, level city, code and the figures),
        to merge with the divisions of the same id.

    Raises
    ------
    SourceError
        When the file is missing or lacks cityId or cityName_CN.

    Examples
    --------
    Columns the file leaves out stay empty; the Henan scope drops 武汉:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "CN_Public.csv"
    >>> _ = path.write_text(
    ...     "cityId,cityName_CN,cityName_EN,Lon,Lat,Res_pop,GDP,Patent\\n"
    ...     "410100,郑州,Zhengzhou,113.472,34.626,7483000,460970770000,21153\\n"
    ...     "420100,武汉,Wuhan,114.3,30.6,,,\\n", encoding="utf-8")
    >>> src = read_cities_source(path, scope="henan")
    >>> city = src.nodes["Region"].to_dict("records")[0]
    >>> [city[k] for k in ("id", "name", "lon", "lat", "figures_area")]
    ['region:4101', '郑州', 113.472, 34.626, 'urban_districts']
    >>> [city[k] for k in ("population_resident", "gdp", "gdp_year", "patents")]
    [7483000, 4609.7077, 2016, 21153]
    >>> src.ledger.reasons("filtered")
    {'outside the Henan scope': 1}
    >>> tmp.cleanup()
    """
    path = Path(path)
    if scope not in SCOPES:
        raise SourceError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
    if not path.is_file():
        raise SourceError(f"{path}: no such file (a cities source is one CSV file)")
    file = path.name
    df, encoding = read_csv_table(path, file)
    source = start_table_source(
        "cities",
        path,
        df,
        encoding,
        required=_REQUIRED,
        header="cityId,cityName_CN,cityName_EN,Lon,Lat,Regis_pop,Res_pop,GDP,...,Patent",
        notes={"scope": scope, **FIGURE_YEARS},
    )
    ledger = source.ledger

    code = df["cityId"].str.strip().map(lambda c: normalise_code(c) or "")
    ok = pd.Series(True, index=df.index)
    bad = code.str.len() != 4
    ledger.mark(
        file,
        df.loc[bad, "_row"],
        "rejected",
        "cityId is not a city's 6-digit code (XXYY00)",
        column="cityId",
    )
    ok &= ~bad
    later = ok & code.duplicated(keep="first")
    ledger.mark(file, df.loc[later, "_row"], "folded", "the same city listed twice")
    ok &= ~later
    if scope == "henan":
        outside = ok & ~code.str.startswith(HENAN)
        ledger.mark(file, df.loc[outside, "_row"], "filtered", "outside the Henan scope")
        ok &= ~outside

    lon, lat = _number(df, "Lon"), _number(df, "Lat")
    off = ok & ~(lon.between(73, 136) & lat.between(3, 54))
    ledger.warn(
        "coordinates missing or outside China: left empty",
        int(off.sum()),
        where=[f"{file}, row {r}" for r in df.loc[off, "_row"]],
    )
    lon, lat = lon.where(~off), lat.where(~off)
    name = df["cityName_CN"].str.strip()
    english = df["cityName_EN"].str.strip() if "cityName_EN" in df.columns else ""
    patents = _number(df, "Patent").round().astype("Int64")
    nodes = pd.DataFrame(
        {
            "id": REGION_PREFIX + code,
            "name": name,  # a short name (郑州); the divisions' full name wins on merge
            "name_en": english,
            "source": f"cities:{file}",
            "level": "city",
            "code": code,
            "lon": lon,
            "lat": lat,
            "population_registered": _number(df, "Regis_pop").round().astype("Int64"),
            "population_resident": _number(df, "Res_pop").round().astype("Int64"),
            "population_year": FIGURE_YEARS["population_year"],
            "gdp": (_number(df, "GDP") / _YUAN_PER_YI).round(4),
            "gdp_year": FIGURE_YEARS["gdp_year"],
            "figures_area": FIGURES_AREA,
            "patents": patents,
            "patents_year": FIGURE_YEARS["patents_year"],
            "_file": df["_file"],
            "_row": df["_row"],
        }
    )[ok]
    source.nodes["Region"] = nodes.reset_index(drop=True)
    source.notes["cities"] = int(ok.sum())
    return source
