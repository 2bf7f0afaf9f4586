"""A seeded, Henan-shaped demo ecosystem.

The geography (Henan's 17 prefecture-level cities, Jiyuan and their counties, by NBS
code), the industry taxonomy (GB/T 4754-2017 manufacturing divisions) and the policy
measures are real; everything else is invented.  Every invented name carries
"（示例）" / "Demo", and every record carries ``source="synthetic"`` (and edges
``evidence="synthetic"``), so nothing can be mistaken for a fact about a real company.

The shape follows what the policy describes: firms make products whose inputs come
from other firms (SUPPLIES follows the product catalogue's input/output structure),
firms cluster around large chain leaders in the cities that specialise in their
industry, universities and institutes sit where Henan's really are (Zhengzhou,
Luoyang, Xinxiang, Kaifeng), and platforms, maker teams, funds and demonstration
flags come at city-specific rates, so some cities meet the policy's targets and
others fall short.

Time and memory are linear in ``scale``: every step is vectorised over arrays.

:func:`generate` is the recipe; each kind of entity is made by its own step
(``fixed``: regions, industries, products, policy and the cities; ``firms``: enterprises,
what they make, supply chains and zones; ``research``: institutes and collaborations;
``platforms``: platforms and maker teams; ``networks``: funds, alliances and people).
The steps share one random stream (:mod:`~innokg.loaders.synthetic.state`), so they run
in a fixed order.

Examples
--------
>>> nodes, edges = generate(800, seed=1)
>>> sorted(k for k, v in nodes.items() if len(v)) == sorted(nodes)
True
>>> bool(nodes["Enterprise"]["name"].str.contains("示例").all())
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.loaders.synthetic.firms import add_enterprises, add_supplies, add_zones
from innokg.loaders.synthetic.fixed import add_reference, draw_cities
from innokg.loaders.synthetic.names import CITY_PROFILES
from innokg.loaders.synthetic.networks import add_alliances, add_funds, add_people
from innokg.loaders.synthetic.platforms import add_platforms, add_teams
from innokg.loaders.synthetic.research import add_collaborations, add_institutes
from innokg.loaders.synthetic.state import SOURCE, Demo

__all__ = ["CITY_PROFILES", "MIN_SCALE", "SOURCE", "generate"]

MIN_SCALE = 500


def generate(
    scale: int = 2000, *, seed: int = 2016
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Generate a demo ecosystem of about ``scale`` nodes.

    Parameters
    ----------
    scale : int
        Approximate number of nodes (at least 500).  Edges come to about five
        per node at large scales.
    seed : int
        The same seed and scale give the same graph, to the byte.

    Returns
    -------
    nodes, edges : dict of str to DataFrame
        Raw tables for :func:`innokg.graph.validate.validate_tables`.

    Raises
    ------
    ValueError
        When ``scale`` is below :data:`MIN_SCALE`.

    Examples
    --------
    >>> nodes, edges = generate(500, seed=7)
    >>> {label: len(frame) for label, frame in nodes.items()}  # doctest: +NORMALIZE_WHITESPACE
    {'Region': 199, 'Industry': 32, 'Product': 53, 'PolicyMeasure': 19, 'Enterprise': 174,
     'Zone': 18, 'ResearchInstitute': 20, 'Platform': 29, 'MakerTeam': 31, 'Fund': 10,
     'Alliance': 8, 'Person': 21}
    >>> sum(map(len, edges.values()))
    1643
    >>> again, _ = generate(500, seed=7)
    >>> all(again[label].equals(frame) for label, frame in nodes.items())
    True
    >>> from innokg.graph.validate import validate_tables
    >>> len(validate_tables(nodes, edges).nodes["Enterprise"])
    174
    >>> generate(100)
    Traceback (most recent call last):
    ...
    ValueError: scale must be at least 500 (got 100)
    """
    if scale < MIN_SCALE:
        raise ValueError(f"scale must be at least {MIN_SCALE} (got {scale})")
    # Every step draws from this one stream: the order of the calls below is part of
    # what a seed means.
    demo = Demo(np.random.default_rng([seed, scale]))
    ref = add_reference(demo)
    rest = max(scale - ref.count, 300)  # invented nodes to make
    cities = draw_cities(demo, ref)
    firms = add_enterprises(demo, ref, cities, rest)
    add_supplies(demo, ref, firms)
    zones = add_zones(demo, cities, firms, rest)
    institutes = add_institutes(demo, ref, cities, rest)
    add_collaborations(demo, ref, cities, firms, institutes)
    platforms = add_platforms(demo, ref, cities, firms, zones, institutes)
    teams = add_teams(demo, ref, cities, firms, platforms)
    funds = add_funds(demo, ref, cities, firms, platforms, teams, rest)
    add_alliances(demo, ref, firms, institutes, funds, rest)
    add_people(demo, cities, firms, teams)
    return demo.tables()
