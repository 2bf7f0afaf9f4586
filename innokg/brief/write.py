"""One entry point: write a brief in the format its file name (or ``fmt``) asks for."""

from __future__ import annotations

from pathlib import Path

from innokg.brief.model import Brief
from innokg.graph.errors import InnokgError

__all__ = ["BRIEF_FORMATS", "format_of", "write_brief", "write_text"]

#: Formats :func:`write_brief` writes.
BRIEF_FORMATS = ("html", "md", "xlsx", "docx", "pdf")

_SUFFIXES = {".md": "md", ".markdown": "md", ".xlsx": "xlsx", ".docx": "docx", ".pdf": "pdf"}


def write_text(text: str | bytes, out: Path) -> Path:
    """Write ``text`` to ``out`` through a temporary file renamed into place."""
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            tmp.write_bytes(text)
        else:
            tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
    except OSError as exc:
        raise InnokgError(f"cannot write {out}: {exc.strerror or exc}") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


def format_of(out: str | Path, fmt: str | None = None) -> str:
    """``fmt``, or the format the file's suffix names (HTML for any other)."""
    return fmt or _SUFFIXES.get(Path(out).suffix.lower(), "html")


def write_brief(
    brief: Brief, out: str | Path, *, fmt: str | None = None, browser: str | None = None
) -> Path:
    """Write ``brief`` to ``out`` as HTML, Markdown, Excel, Word or PDF.

    Parameters
    ----------
    brief : Brief
    out : path
    fmt : {"html", "md", "xlsx", "docx", "pdf"}, optional
        Default: from the file's suffix (``.md``, ``.xlsx``, ``.docx``, ``.pdf``;
        anything else HTML).
    browser : str, optional
        The Chromium (or Chrome) executable that prints the PDF and draws the Word
        file's charts; default the first of ``chromium``, ``chromium-browser``,
        ``google-chrome`` on the PATH.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    InnokgError
        For an unknown format, a file that cannot be written, or a PDF without a
        Chromium to print it.
    """
    out = Path(out)
    fmt = format_of(out, fmt)
    if fmt not in BRIEF_FORMATS:
        raise InnokgError(f"unknown brief format {fmt!r}; use one of {', '.join(BRIEF_FORMATS)}")
    if fmt == "xlsx":
        from innokg.brief.render_xlsx import write_brief_xlsx

        return write_brief_xlsx(brief, out)
    if fmt == "docx":
        from innokg.brief.render_docx import write_brief_docx

        return write_brief_docx(brief, out, browser=browser)
    if fmt == "pdf":
        from innokg.brief.render_pdf import write_brief_pdf

        return write_brief_pdf(brief, out, browser=browser)
    if fmt == "md":
        from innokg.brief.render_markdown import render_markdown

        return write_text(render_markdown(brief), out)
    from innokg.brief.render_html import render_html

    return write_text(render_html(brief), out)
