"""The brief as Word and PDF, and in English: what an office opens, edits and forwards.

Word files are read back with python-docx; PDFs are rendered to PNG pages with
pdftoppm and read with pdftotext (Debian's poppler-utils).  The English brief is
measured: CJK characters outside the graph's names are under 2% of its text.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from innokg import chromium
from innokg.brief import Brief, build_brief, render_html, render_markdown, write_brief
from innokg.cli import main
from innokg.graph.ecosystem import EcosystemGraph
from tests.browser import find_chromium
from tests.needs import unavailable

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def visible_text(page: str) -> str:
    """The text a reader sees on an HTML page (no style sheet, no markup)."""
    page = re.sub(r"<style.*?</style>|<title>.*?</title>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def cjk_share(text: str, G: EcosystemGraph) -> tuple[float, str]:
    """The share of CJK characters in ``text`` once every name of the graph is taken
    out (longest first), and those characters."""
    names = {str(n) for df in G.nodes.values() if "name" in df.columns for n in df["name"].dropna()}
    for name in sorted((n for n in names if n), key=len, reverse=True):
        if name in text:
            text = text.replace(name, " ")
    chars = [c for c in text if not c.isspace()]
    cjk = "".join(c for c in chars if CJK.match(c))
    return len(cjk) / max(1, len(chars)), cjk


def needs_chromium() -> None:
    if find_chromium() is None:
        unavailable("chromium is not installed (apt-get install chromium)")


def needs_poppler() -> None:
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        unavailable("pdftoppm / pdftotext are not installed (apt-get install poppler-utils)")


def docx_page_one(path: Path) -> dict[str, Any]:
    """What a Word file holds before its first page break: headings (style, text),
    paragraphs, tables and pictures."""
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(str(path))
    out: dict[str, Any] = {"headings": [], "text": [], "tables": 0, "pictures": 0}
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:tbl"):
            out["tables"] += 1
            out["text"].append(" ".join(t.text or "" for t in el.iter(qn("w:t"))))
            continue
        if el.tag != qn("w:p"):
            continue
        text = "".join(t.text or "" for t in el.iter(qn("w:t")))
        style = el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        name = style.get(qn("w:val")) if style is not None else ""
        if name.startswith(("Heading", "Title")):
            out["headings"].append((name, text))
        out["text"].append(text)
        out["pictures"] += len(list(el.iter(qn("w:drawing"))))
        if any(br.get(qn("w:type")) == "page" for br in el.iter(qn("w:br"))):
            break
    return out


def pdf_pages(pdf: Path, tmp: Path) -> list[Path]:
    """The PDF rendered to PNG pages by pdftoppm."""
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp / "page")], check=True)
    return sorted(tmp.glob("page-*.png"))


def pdf_text(pdf: Path, first: int, last: int) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def check_docx(brief: Brief, path: Path, *, pictures: bool) -> None:
    """The Word file: real headings, page 1 the summary and every recommendation, the
    map a picture."""
    import docx

    first = docx_page_one(path)
    summary = brief.sections[0]
    assert first["headings"][0] == ("Title", brief.title)
    assert ("Heading1", summary.title) in first["headings"]
    assert first["tables"] >= 1  # where the province stands, as a real table
    page1 = " ".join(first["text"])
    for r in brief.recommendations:
        assert r.action in page1
    doc = docx.Document(str(path))
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Heading 1", "Heading 2", "List Number"} <= styles
    assert len(doc.tables) == sum(1 for t in brief.tables if not t.df.empty)
    assert len(doc.inline_shapes) == (sum(len(s.charts) for s in brief.sections) if pictures else 0)


def check_pdf(brief: Brief, path: Path, tmp: Path) -> str:
    """The PDF: PNG pages, A4, page 1 the summary and every recommendation; its text."""
    pages = pdf_pages(path, tmp)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    count = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert len(pages) == count >= 3
    assert all(p.stat().st_size > 1000 for p in pages)
    assert re.search(r"Page size:\s+[\d.]+ x [\d.]+ pts \(A4\)", info.stdout), info.stdout
    one = re.sub(r"\s+", " ", pdf_text(path, 1, 1))
    assert brief.sections[0].title in one
    for r in brief.recommendations:
        assert re.sub(r"\s+", " ", r.action)[:60] in one, r.action
    return re.sub(r"\s+", " ", pdf_text(path, 1, count))


# --- the demo ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def brief_en(demo_graph: EcosystemGraph) -> Brief:
    return build_brief(demo_graph, lang="en")


def test_english_brief_is_english_outside_names(
    demo_graph: EcosystemGraph, brief_en: Brief
) -> None:
    share, cjk = cjk_share(visible_text(render_html(brief_en)), demo_graph)
    assert share < 0.02, cjk
    share, cjk = cjk_share(render_markdown(brief_en), demo_graph)
    assert share < 0.02, cjk
    # names come from name_en: the cities, the firms, the products
    by_city = next(t for t in brief_en.tables if t.key == "by_city")
    assert "Zhengzhou" in set(by_city.df["City"]) and not any(
        CJK.search(c) for c in by_city.df["City"]
    )


def test_word_file(demo_graph: EcosystemGraph, brief_en: Brief, tmp_path: Path) -> None:
    needs_chromium()
    out = write_brief(brief_en, tmp_path / "brief.docx")
    check_docx(brief_en, out, pictures=True)


def test_word_file_without_chromium_keeps_its_tables(
    demo_package: Path, brief_en: Brief, tmp_path: Path
) -> None:
    out = tmp_path / "brief.docx"
    result = CliRunner().invoke(
        main,
        ["brief", str(demo_package), "--lang", "en", "--out", str(out),
         "--browser", str(tmp_path / "no-such-browser")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "no Chromium or Chrome found" in result.output and "no charts" in result.output
    check_docx(brief_en, out, pictures=False)


def test_pdf_without_chromium_is_a_clear_error(demo_package: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["brief", str(demo_package), "--out", str(tmp_path / "b.pdf"),
         "--browser", str(tmp_path / "no-such-browser")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "no Chromium or Chrome found" in result.output and "--browser PATH" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "b.pdf").exists()


def test_pdf_of_a_city(demo_package: Path, tmp_path: Path) -> None:
    needs_chromium()
    needs_poppler()
    out = tmp_path / "luoyang.pdf"
    result = CliRunner().invoke(
        main, ["brief", str(demo_package), "--lang", "en", "--city", "Luoyang", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    G = EcosystemGraph.open(demo_package)
    brief = build_brief(G, lang="en", city="Luoyang")
    text = check_pdf(brief, out, tmp_path)
    assert "Luoyang at a glance" in text and "How the cities compare" in text
    assert "Where Luoyang stands against the policy's targets" in text


def test_hostile_names_in_word(tmp_path: Path) -> None:
    from tests.test_brief import FORMULA, HOSTILE, hostile_graph

    G = hostile_graph()
    weird = G.nodes["Enterprise"].copy()
    weird.loc[0, "name"] = HOSTILE + "\x07\x1b"
    G.nodes["Enterprise"] = weird
    brief = build_brief(G, lang="zh")
    out = write_brief(brief, tmp_path / "h.docx", fmt="docx", browser=str(tmp_path / "none"))
    import docx

    doc = docx.Document(str(out))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert HOSTILE + "\ufffd\ufffd" in cells and FORMULA in cells


@pytest.mark.parametrize("exited_first", [False, True])
def test_a_browser_that_fails_to_start_says_what_it_said(
    demo_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exited_first: bool
) -> None:
    fake = tmp_path / "chromium"
    fake.write_text(
        "#!/bin/sh\necho 'error while loading shared libraries: libnss3.so' >&2\nexit 9\n"
    )
    fake.chmod(0o755)
    if exited_first:  # gone before the first command is written to its pipe (a race
        spawn = chromium._spawn  # a loaded machine loses now and then)

        def spawn_and_wait(argv: list[str], fds: dict[int, int]) -> int:
            pid = spawn(argv, fds)
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # exited, not yet reaped
            return pid

        monkeypatch.setattr(chromium, "_spawn", spawn_and_wait)
    result = CliRunner().invoke(
        main, ["brief", str(demo_package), "--out", str(tmp_path / "b.pdf"), "--browser", str(fake)]
    )
    assert result.exit_code == 1, result.output
    assert "Chromium stopped (exit 9)" in result.output
    assert "it last said: error while loading shared libraries: libnss3.so" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "b.pdf").exists()
