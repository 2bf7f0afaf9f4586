"""The declared dependencies are exactly what the library imports.

A package imported by graph/, loaders/, queries/ or innokg/ must be declared (in
``install_requires``, or in an extra when the import is optional), and every package in
``install_requires`` must be imported somewhere: an undeclared import breaks a fresh
install, an unused declaration installs for nothing.
"""

from __future__ import annotations

import ast
import configparser
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LIBRARY = ("graph", "loaders", "queries", "innokg")


def _names(block: str) -> set[str]:
    out = set()
    for line in block.splitlines():
        line = line.split("#")[0].strip()
        if line:
            name = re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0]
            out.add(name.lower().replace("_", "-"))
    return out


def _config() -> configparser.ConfigParser:
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "setup.cfg", encoding="utf-8")
    return cfg


def _imported() -> dict[str, set[str]]:
    """Distribution name -> the library files that import it."""
    dists = packages_distributions()
    found: dict[str, set[str]] = {}
    for folder in LIBRARY:
        for path in (REPO / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    tops = [a.name.split(".")[0] for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    tops = [node.module.split(".")[0]]
                else:
                    continue
                for top in tops:
                    if top in sys.stdlib_module_names or top in ("innokg", "__future__"):
                        continue
                    for dist in dists.get(top, [top]):
                        key = dist.lower().replace("_", "-")
                        found.setdefault(key, set()).add(str(path.relative_to(REPO)))
    return found


def test_every_import_is_declared() -> None:
    cfg = _config()
    required = _names(cfg["options"]["install_requires"])
    extras = set().union(*(_names(v) for v in cfg["options.extras_require"].values()))
    undeclared = {d: sorted(f) for d, f in _imported().items() if d not in required | extras}
    assert undeclared == {}


def test_every_requirement_is_imported() -> None:
    required = _names(_config()["options"]["install_requires"])
    assert sorted(required - set(_imported())) == []
