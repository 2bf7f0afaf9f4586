"""The notebooks run top to bottom, are committed without outputs, and draw Chinese.

Charts with Chinese names are checked on their PNG: a cell tagged ``cjk-chart`` runs a
second time with matplotlib's own font only, which has no Chinese glyphs.  That run
must warn of missing glyphs (the chart holds Chinese) and give a different picture
from the notebook's own run, which must warn of none (there the glyphs were drawn, not
boxes).
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import REPO
from tests.needs import needs_module, unavailable

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

nbformat = needs_module("nbformat")


def test_there_are_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS] == [
        "01-tour.ipynb",
        "02-supply-chain-clusters.ipynb",
        "03-gaps-and-partnerships.ipynb",
        "04-policy-indicators-by-city.ipynb",
        "05-cypher.ipynb",
        "06-maps-and-changes.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name
    title = nb.cells[0].source.splitlines()[0]
    assert title.startswith("# ") and " · " in title  # a Chinese and an English title


#: Tag of a cell whose chart must show its Chinese names.
CJK_CHART = "cjk-chart"
#: matplotlib's warning for a character its fonts cannot draw.
MISSING_GLYPH = re.compile(r"Glyph \d+ \(\\N\{CJK UNIFIED IDEOGRAPH-[0-9A-F]+\}\) missing")

_BOXES = """import matplotlib.pyplot as plt

# the chart above again, with matplotlib's own font only (no Chinese glyphs)
with plt.rc_context({{"font.family": ["DejaVu Sans"]}}):
    exec({source!r})
"""


def _source(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_every_chart_draws_with_a_cjk_font() -> None:
    for path in NOTEBOOKS:
        code = _source(path)
        if "plt." in code or ".plot(" in code:
            assert "use_cjk_font()" in code, path.name
    tagged = [
        p.name
        for p in NOTEBOOKS
        for c in nbformat.read(p, as_version=4).cells
        if CJK_CHART in c.metadata.get("tags", [])
    ]
    assert tagged == ["06-maps-and-changes.ipynb"]


def _pngs(cell: Any) -> list[bytes]:
    return [
        base64.b64decode(out["data"]["image/png"])
        for out in cell.outputs
        if "image/png" in out.get("data", {})
    ]


def _stderr(cell: Any) -> str:
    return "".join(out.get("text", "") for out in cell.outputs if out.get("name") == "stderr")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_top_to_bottom(
    path: Path, demo_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nbclient = needs_module("nbclient")
    needs_module("ipykernel")
    # The kernel inherits the environment: point it at the session's demo (read only),
    # and draw charts as Jupyter does (inline PNG; Agg would draw nothing to check).
    monkeypatch.setenv("INNOKG_PACKAGE", str(demo_package))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    nb = nbformat.read(path, as_version=4)
    charts = [i for i, c in enumerate(nb.cells) if CJK_CHART in c.metadata.get("tags", [])]
    if charts:
        from innokg.fonts import find_cjk_font

        if find_cjk_font() is None:
            unavailable("no CJK font on this machine (apt install fonts-wqy-microhei)")
    for i in reversed(charts):
        boxes = nbformat.v4.new_code_cell(_BOXES.format(source=nb.cells[i].source))
        nb.cells.insert(i + 1, boxes)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "error"
    ]
    assert errors == []
    for i in charts:
        chart, boxes = nb.cells[i], nb.cells[i + 1]
        assert len(_pngs(chart)) == len(_pngs(boxes)) == 1
        assert MISSING_GLYPH.search(_stderr(boxes)), "the chart holds no Chinese text"
        assert not MISSING_GLYPH.search(_stderr(chart)), _stderr(chart)
        assert _pngs(chart) != _pngs(boxes)  # Chinese glyphs, not boxes


# --- the font helper ------------------------------------------------------------------------


def _glyph(char: str, families: list[str]) -> np.ndarray:
    """``char`` drawn alone by matplotlib with ``families``, as a grey image."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(0.6, 0.6), dpi=100)
    canvas = FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, char, family=families, fontsize=28, ha="center", va="center")
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., 0].copy()


def test_a_cjk_font_draws_glyphs_where_matplotlibs_own_draws_boxes() -> None:
    needs_module("matplotlib")
    from innokg.fonts import covers, find_cjk_font, use_cjk_font

    path = find_cjk_font()
    if path is None:
        unavailable("no CJK font on this machine (apt install fonts-wqy-microhei)")
    assert covers(path) and not covers(REPO / "README.md")
    import matplotlib as mpl

    with mpl.rc_context():
        family = use_cjk_font()
        assert family is not None and mpl.rcParams["font.family"][-1] == family
        with_font = [_glyph(ch, ["DejaVu Sans", family]) for ch in "郑州"]
    assert not np.array_equal(*with_font)  # two characters, two shapes
    with pytest.warns(UserWarning, match="missing from font"):
        boxes = [_glyph(ch, ["DejaVu Sans"]) for ch in "郑州"]
    assert np.array_equal(*boxes) and (boxes[0] < 128).any()  # the same box, drawn
    assert not np.array_equal(with_font[0], boxes[0])
    assert _glyph("A", ["DejaVu Sans", family]).tobytes() == _glyph("A", ["DejaVu Sans"]).tobytes()


def test_without_a_cjk_font_one_warning_and_nothing_changed(tmp_path: Path) -> None:
    needs_module("matplotlib")
    import matplotlib as mpl

    from innokg import fonts

    empty = tmp_path / "fonts"
    empty.mkdir()
    (empty / "broken.ttf").write_bytes(b"not a font")
    assert fonts.find_cjk_font(folders=[empty]) is None
    before = list(mpl.rcParams["font.family"])
    fonts._warned = False  # the warning is once per session: start a session afresh
    with pytest.warns(UserWarning, match="empty boxes") as caught:
        assert fonts.use_cjk_font(folders=[empty]) is None
        assert fonts.use_cjk_font(folders=[empty]) is None
    assert len(caught) == 1 and "INNOKG_CJK_FONT" in str(caught[0].message)
    assert list(mpl.rcParams["font.family"]) == before


def test_a_named_font_that_draws_no_chinese_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_module("matplotlib")
    from innokg.fonts import find_cjk_font
    from innokg.graph.errors import InnokgError

    monkeypatch.setenv("INNOKG_CJK_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(InnokgError, match="no such font file"):
        find_cjk_font()
    latin = Path(__import__("matplotlib").get_data_path()) / "fonts/ttf/DejaVuSans.ttf"
    monkeypatch.setenv("INNOKG_CJK_FONT", str(latin))
    with pytest.raises(InnokgError, match="no Chinese glyphs"):
        find_cjk_font()
