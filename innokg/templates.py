"""Pages from templates: every value autoescaped unless the template marks it safe.

A template marks ``|safe`` only what innokg itself made and escaped for its place (the
vendored scripts and styles, the data block escaped for a ``<script>``, SVG drawn with
every name escaped); names and texts from the data are always escaped by the engine.
"""

from __future__ import annotations

from functools import cache

import jinja2

__all__ = ["render"]


@cache
def _environment(package: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render(package: str, name: str, **values: object) -> str:
    """The template ``name`` of ``package``'s ``templates/`` folder, filled with ``values``."""
    return _environment(package).get_template(name).render(**values)
