"""The policy brief: what the graph says about the policy, for people who read, print,
edit and forward it.

:func:`build_brief` gathers, from the query modules and nothing else, what a policy
office needs.  Page 1 is an executive summary: where the province (or, with
``city=``, one city) stands against each target of the policy (met or not by the
deadline, by how much, the trend since 2016, or why the graph cannot tell) and three
to five recommendations drawn from the analysis, each with its evidence and its
policy article.  Then the key findings; the headline indicators; the cities (a map,
progress by city, each city year by year, how the cities compare, and one city's
profile); the supply-chain clusters and their fragile points; the largest
collaboration gaps; the partnerships worth brokering; and appendices: a glossary of
the method words, the policy articles cited, the method and provenance.

The parts of the package:

- :mod:`~innokg.brief.build` puts a brief together; :mod:`~innokg.brief.scope` holds
  what it is about and the analyses it shares, each asked once;
  :mod:`~innokg.brief.pairs` the partnerships it lists, scored only for the sources
  that can make the list; :mod:`~innokg.brief.targets`,
  :mod:`~innokg.brief.recommend` and :mod:`~innokg.brief.summary` make page 1;
  ``section_*`` the body; :mod:`~innokg.brief.appendix` the appendices;
  :mod:`~innokg.brief.charts` the SVG charts; :mod:`~innokg.brief.names` and
  :mod:`~innokg.brief.words` the language.
- The formats: :func:`render_html` (one self-contained file, no script, no font, no
  request; charts inline SVG; A4 print), :func:`render_markdown`,
  :func:`write_brief_xlsx`, :func:`write_brief_docx` (Word: real headings and tables,
  charts as pictures) and :func:`write_brief_pdf` (printed by headless Chromium);
  :func:`write_brief` picks one by the file's suffix.

Every name from the data is escaped for its format.  Chinese (``lang="zh"``) and
English (``lang="en"``) share the figures; in English, names come from ``name_en``
where the graph has one.

Examples
--------
>>> from innokg.graph.ecosystem import EcosystemGraph
>>> G = EcosystemGraph.open("innokg-demo")  # doctest: +SKIP
>>> brief = build_brief(G, lang="en", city="Zhengzhou")  # doctest: +SKIP
>>> write_brief(brief, "brief.docx")  # doctest: +SKIP
"""

from __future__ import annotations

from innokg.brief.build import build_brief
from innokg.brief.model import Brief, BriefTable, Chart, Recommendation, Section
from innokg.brief.render_docx import write_brief_docx
from innokg.brief.render_html import render_html
from innokg.brief.render_markdown import render_markdown
from innokg.brief.render_pdf import write_brief_pdf
from innokg.brief.render_xlsx import write_brief_xlsx
from innokg.brief.write import BRIEF_FORMATS, write_brief

__all__ = [
    "BRIEF_FORMATS",
    "Brief",
    "BriefTable",
    "Chart",
    "Recommendation",
    "Section",
    "build_brief",
    "render_html",
    "render_markdown",
    "write_brief",
    "write_brief_docx",
    "write_brief_pdf",
    "write_brief_xlsx",
]
