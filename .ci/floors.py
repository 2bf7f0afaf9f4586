"""Install the lowest versions setup.cfg declares, and check innokg works on them.

    python .ci/floors.py                 # a fresh venv in a temporary folder
    python .ci/floors.py --venv /tmp/f   # keep the venv there (reused if present)

Every ``name>=X`` of ``install_requires`` is installed as ``name==X`` into
a fresh virtual environment, with innokg itself from a clean copy of this checkout.
Then, in that environment, every module of innokg is imported, the demo is built (with
its embedded database) and questioned from the command line: info, Cypher, clusters,
partners, gaps, indicators, SPARQL, exports to Excel and Turtle, a brief and a picture.
The question's answers are compared with those of the Python running this script (the
current versions): the floors must give the same tables.

It needs PyPI and takes a few minutes, most of them downloading; it exits non-zero
naming the step that failed.  ``tests/test_floors.py`` runs it when asked to
(``INNOKG_FLOORS=1``).
"""

from __future__ import annotations

import argparse
import configparser
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: A requirement as setup.cfg writes a floor: ``name>=version``, nothing else.
_FLOOR = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)>=([0-9][0-9A-Za-z.]*)$")
#: Questions whose answers must not depend on the versions installed.
QUESTIONS = {
    "clusters": ["clusters", "{pkg}", "--format", "csv", "--out", "{out}"],
    "partners": ["partners", "{pkg}", "--format", "csv", "--out", "{out}"],
    "gaps": ["gaps", "{pkg}", "--format", "csv", "--out", "{out}"],
    "indicators": ["indicators", "{pkg}", "--format", "csv", "--out", "{out}"],
    "sparql": [
        "sparql",
        "{pkg}",
        "SELECT ?size (COUNT(?e) AS ?n) WHERE { ?e a ik:Enterprise ; ik:size ?size } "
        "GROUP BY ?size ORDER BY ?size",
        "--format",
        "csv",
        "--out",
        "{out}",
    ],
}


class FloorsFailed(Exception):
    """A step failed: its name and what it printed."""


def floors(setup_cfg: Path = REPO / "setup.cfg") -> list[tuple[str, str]]:
    """``(name, version)`` of every ``install_requires`` line of ``setup_cfg``."""
    config = configparser.ConfigParser()
    config.read(setup_cfg, encoding="utf-8")
    out = []
    for line in config["options"]["install_requires"].splitlines():
        requirement = line.split("#", 1)[0].strip()
        if not requirement:
            continue
        m = _FLOOR.match(requirement.replace(" ", ""))
        if m is None:
            raise FloorsFailed(
                f"setup.cfg: install_requires line {requirement!r} is not 'name>=version'; "
                "give each dependency a floor that this check can install"
            )
        out.append((m.group(1), m.group(2)))
    return out


def _run(step: str, args: list[str], *, cwd: Path | None = None) -> str:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    print(f"{time.perf_counter() - started:7.1f} s  {step}", flush=True)
    if done.returncode != 0:
        raise FloorsFailed(f"{step} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _clean_copy(dest: Path) -> Path:
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "test-artifacts"
    )
    shutil.copytree(REPO, dest, ignore=ignore)
    return dest


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _release(version: str) -> tuple[int, ...]:
    """``1.26`` and ``1.26.0`` alike; a local or pre-release suffix is not compared."""
    parts = [int(p) for p in re.findall(r"\d+", version.split("+")[0].split("rc")[0])]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def install(venv: Path, work: Path) -> Path:
    """A venv at ``venv`` with the floors and innokg; its Python."""
    python = venv / "bin" / "python"
    if not python.exists():
        _run("create the venv", [sys.executable, "-m", "venv", str(venv)])
    pins = [f"{name}=={version}" for name, version in floors()]
    print("floors: " + " ".join(pins), flush=True)
    pip = [str(python), "-m", "pip", "install", "-q"]
    _run("install the floors", [*pip, *pins])
    source = _clean_copy(work / "src")
    _run("install innokg (no dependencies)", [*pip[:-1], "--no-deps", str(source)])
    _run("pip check", [str(python), "-m", "pip", "check"])
    versions = _run("versions", [str(python), "-m", "pip", "freeze"])
    wanted = {_key(name): version for name, version in floors()}
    for line in versions.splitlines():
        name, _, version = line.partition("==")
        if _key(name) in wanted and _release(version) != _release(wanted[_key(name)]):
            floor = wanted[_key(name)]
            raise FloorsFailed(f"{name} {version} was installed instead of the floor {floor}")
    return python


_IMPORT_ALL = """
import importlib, pkgutil, innokg
names = ["innokg"] + [m.name for m in pkgutil.walk_packages(innokg.__path__, "innokg.")
                      if m.name != "innokg.__main__"]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def _innokg(python: Path, step: str, args: list[str], cwd: Path) -> str:
    return _run(step, [str(python), "-m", "innokg", *args], cwd=cwd)


def smoke(python: Path, work: Path, *, import_all: bool = True) -> dict[str, Path]:
    """Build and question the demo with ``python``; the answers' files by question."""
    if import_all:
        n = _run("import every module", [str(python), "-c", _IMPORT_ALL], cwd=work).strip()
        print(f"           ({n} modules)")
    pkg = work / "demo"
    _innokg(python, "innokg demo", ["demo", "--out", str(pkg)], work)
    info = _innokg(python, "innokg info", ["info", str(pkg)], work)
    if "Enterprise" not in info:
        raise FloorsFailed(f"innokg info does not list Enterprise nodes:\n{info}")
    count = "MATCH (e:Enterprise) RETURN count(e) AS n"
    _innokg(python, "innokg cypher", ["cypher", str(pkg), count], work)
    answers = {}
    for name, template in QUESTIONS.items():
        out = work / f"{name}.csv"
        args = [a.replace("{pkg}", str(pkg)).replace("{out}", str(out)) for a in template]
        _innokg(python, f"innokg {name}", args, work)
        answers[name] = out
    for fmt, suffix in (("xlsx", ".xlsx"), ("ttl", ".ttl")):
        _innokg(
            python,
            f"innokg export {fmt}",
            ["export", str(pkg), "--format", fmt, "--out", str(work / f"export{suffix}")],
            work,
        )
    _innokg(python, "innokg brief", ["brief", str(pkg), "--out", str(work / "brief.html")], work)
    _innokg(python, "innokg viz", ["viz", str(pkg), "--out", str(work / "viz.html")], work)
    return answers


def compare(floor: dict[str, Path], current: dict[str, Path]) -> None:
    """The same answer to every question, or an error naming the first difference."""
    for name in floor:
        a = floor[name].read_text(encoding="utf-8").splitlines()
        b = current[name].read_text(encoding="utf-8").splitlines()
        if a != b:
            diff = next(
                (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)),
            )
            shown_a = a[diff] if diff < len(a) else "(no line)"
            shown_b = b[diff] if diff < len(b) else "(no line)"
            raise FloorsFailed(
                f"innokg {name}: the floors answer differently from the current versions at "
                f"line {diff + 1} ({len(a)} vs {len(b)} lines):\n  floors:  {shown_a}\n"
                f"  current: {shown_b}"
            )
        print(f"           {name}: {len(a) - 1} rows, the same with both", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, help="venv folder (kept; reused if present)")
    options = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="innokg-floors-") as tmp:
        work = Path(tmp)
        try:
            python = install(options.venv or work / "venv", work)
            (work / "floors").mkdir()
            (work / "current").mkdir()
            floor = smoke(python, work / "floors")
            print("the current versions:", flush=True)
            current = smoke(Path(sys.executable), work / "current", import_all=False)
            compare(floor, current)
        except FloorsFailed as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    print(f"{time.perf_counter() - started:7.1f} s  in all: the floors work", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
