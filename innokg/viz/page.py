"""The page: one self-contained HTML file drawing a network, offline and escaped."""

from __future__ import annotations

import base64
import hashlib
import html
import json
from importlib import resources
from pathlib import Path
from typing import Any

from pyvis.network import Network

from innokg.graph.errors import InnokgError
from innokg.progress import StepProgress
from innokg.templates import render
from innokg.viz import size
from innokg.viz.size import estimated_bytes
from innokg.viz.styles import LegendItem

__all__ = ["page_html", "write_page"]


def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style, vendored with their licence (static/LICENSES.md)."""
    base = resources.files("innokg.viz") / "static"
    return (
        (base / "vis-network.min.js").read_text(encoding="utf-8"),
        (base / "vis-network.min.css").read_text(encoding="utf-8"),
    )


def _json_for_html(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _sha256(script: str) -> str:
    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        + "'"
    )


def _legend_icon(item: LegendItem) -> str:
    c = html.escape(item.colour, quote=True)
    stroke = html.escape(item.border or item.colour, quote=True)
    sw = 3 if item.border else 1
    shapes = {
        "dot": f'<circle cx="8" cy="8" r="6" fill="{c}" stroke="{stroke}" stroke-width="{sw}"/>',
        "square": f'<rect x="2" y="2" width="12" height="12" fill="{c}" stroke="{stroke}"/>',
        "diamond": f'<polygon points="8,1 15,8 8,15 1,8" fill="{c}" stroke="{stroke}"/>',
        "triangle": f'<polygon points="8,1 15,14 1,14" fill="{c}" stroke="{stroke}"/>',
        "triangleDown": f'<polygon points="1,2 15,2 8,15" fill="{c}" stroke="{stroke}"/>',
        "hexagon": f'<polygon points="4,1 12,1 16,8 12,15 4,15 0,8" fill="{c}" stroke="{stroke}"/>',
        "star": f'<polygon points="8,0 10,6 16,6 11,10 13,16 8,12 3,16 5,10 0,6 6,6" fill="{c}"/>',
        "line": f'<line x1="0" y1="8" x2="16" y2="8" stroke="{c}" stroke-width="3"/>',
    }
    shape = shapes.get(item.shape, shapes["dot"])
    return f'<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">{shape}</svg>'


_PAGE_CSS = """
html, body { margin: 0; padding: 0; background: #fff; color: #222;
  font-family: system-ui, -apple-system, "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC",
  sans-serif; }
header { padding: 10px 16px 4px; }
h1 { font-size: 18px; margin: 0 0 4px; font-weight: 600; }
.note { font-size: 13px; color: #555; margin: 2px 0; }
main { display: flex; gap: 0; }
#innokg-network { flex: 1; height: %(height)s; border-top: 1px solid #e3e3e3; position: relative; }
aside { width: 230px; font-size: 12px; padding: 8px 12px; border-top: 1px solid #e3e3e3;
  border-left: 1px solid #e3e3e3; overflow-y: auto; max-height: %(height)s; }
aside h2 { font-size: 13px; margin: 4px 0 6px; }
aside ul { list-style: none; padding: 0; margin: 0; }
aside li { display: flex; align-items: center; gap: 6px; margin: 3px 0; }
#innokg-search { width: 100%%; box-sizing: border-box; margin: 4px 0 10px; padding: 4px; }
#innokg-status { color: #777; margin-top: 8px; }
div.vis-tooltip { white-space: pre-line; max-width: 380px; font-size: 12px; line-height: 1.45;
  font-family: inherit; }
@media print { aside input { display: none; } }
"""

_BOOT = """(function () {
  "use strict";
  var started = performance.now();
  var payload = JSON.parse(document.getElementById("innokg-data").textContent);
  var nodes = new vis.DataSet(payload.nodes);
  var edges = new vis.DataSet(payload.edges);
  var container = document.getElementById("innokg-network");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, payload.options);
  var status = document.getElementById("innokg-status");
  window.network = network;
  function ready() {
    if (window.innokgReady) { return; }
    window.innokgReady = {
      ms: performance.now() - started, nodes: nodes.length, edges: edges.length
    };
    status.textContent = nodes.length + " nodes, " + edges.length + " edges";
    document.body.setAttribute("data-ready", "1");
  }
  if (payload.options.physics && payload.options.physics.enabled) {
    status.textContent = "\\u5e03\\u5c40\\u4e2d laying out\\u2026";
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: false});
      network.fit();
      ready();
    });
  } else {
    network.once("afterDrawing", ready);
  }
  var search = document.getElementById("innokg-search");
  search.addEventListener("change", function () {
    var q = search.value.trim().toLowerCase();
    if (!q) { network.unselectAll(); return; }
    var hits = nodes.get({filter: function (n) {
      return String(n.title || n.label || "").toLowerCase().indexOf(q) >= 0;
    }});
    if (!hits.length) { status.textContent = "0 found"; return; }
    var ids = hits.map(function (n) { return n.id; });
    network.selectNodes(ids);
    network.focus(ids[0], {scale: 1.2, animation: false});
    status.textContent = hits.length + " found";
  });
})();
"""


def page_html(net: Network) -> str:
    """One self-contained HTML page drawing ``net`` (any pyvis Network).

    Parameters
    ----------
    net : pyvis.network.Network
        Usually an :class:`InnoNetwork`; a plain pyvis network is drawn too, with
        its heading and without notes or legend.

    Returns
    -------
    str
        The page: vis-network inlined, data as an escaped JSON block, a
        Content-Security-Policy that forbids every request and every script but
        the page's own.
    """
    vis_js, vis_css = _vis_assets()
    options = net.options if isinstance(net.options, dict) else json.loads(net.options.to_json())
    payload = {"nodes": net.nodes, "edges": net.edges, "options": options}
    heading = str(getattr(net, "heading", "") or "innokg")
    notes = list(getattr(net, "notes", []))
    legend = list(getattr(net, "legend", []))
    height = str(net.height or "78vh")
    if not all(ch.isalnum() or ch in ".%" for ch in height):
        height = "78vh"
    csp = (
        "default-src 'none'; "
        f"script-src {_sha256(vis_js)} {_sha256(_BOOT)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src 'none'; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    return render(
        "innokg.viz",
        "page.html",
        csp=csp,
        heading=heading,
        vis_css=vis_css,
        page_css=_PAGE_CSS % {"height": height},
        notes=notes,
        legend=[{"icon": _legend_icon(item), "text": item.text} for item in legend],
        data=_json_for_html(payload),
        vis_js=vis_js,
        boot=_BOOT,
    )


def write_page(net: Network, out: str | Path) -> Path:
    """Write :func:`page_html` of ``net`` to ``out`` (an ``.html`` file).

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    InnokgError
        When the file cannot be written.
    """
    out = Path(out)
    large = estimated_bytes(len(net.nodes), len(net.edges)) > size.PAGE_SIZE_LIMIT
    with StepProgress(quiet=not large) as progress:
        progress(f"build the page of {len(net.nodes):,} nodes")
        text = page_html(net)
        progress(f"write {out} ({len(text.encode('utf-8')) / 1e6:,.0f} MB)")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name(f".{out.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(out)
        except OSError as exc:
            raise InnokgError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return out
