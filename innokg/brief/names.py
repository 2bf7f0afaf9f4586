"""Names in the brief's language: the English name (``name_en``) where the graph has one.

In an English brief every name with an English form is given in English, also inside
sentences that the query modules wrote ("in 三门峡市" becomes "in Sanmenxia"); a name
without one stays as in the data, in Chinese.  A Chinese name that contains a shorter
translatable one (a firm named after its city) is kept whole: names are matched
longest first.  The cities of Henan have English names even where a build lacks them
(:data:`innokg.maps.HENAN_EN`, by NBS code).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from innokg.brief.words import Lang, plain_english
from innokg.graph.ecosystem import EcosystemGraph

__all__ = ["Names"]

#: English names of a province by its 2-digit NBS code, where a build gives none.
_PROVINCES_EN = {"41": "Henan"}


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


class Names:
    """Chinese name or node id -> the name in the brief's language."""

    def __init__(self, G: EcosystemGraph, lang: Lang) -> None:
        self.lang = lang
        self.by_id: dict[str, str] = {}
        self.english: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None
        if lang != "en":
            return
        from innokg.maps import HENAN_EN

        chinese: set[str] = set()
        for label, df in G.nodes.items():
            if df is None or not len(df) or "name" not in df.columns:
                continue
            names = df["name"].astype("string").fillna("")
            en = (
                df["name_en"].astype("string").fillna("")
                if "name_en" in df.columns
                else pd.Series("", index=df.index)
            )
            if label == "Region" and "code" in df.columns:
                codes = df["code"].astype("string").fillna("")
                fallback = codes.map(lambda c: HENAN_EN.get(c) or _PROVINCES_EN.get(c, ""))
                en = en.where(en.str.len() > 0, fallback)
            for i, n, e in zip(df["id"].astype(str), names, en, strict=True):
                if e:
                    self.by_id[i] = e
                    if n:
                        self.english.setdefault(n, e)
                elif n and not n.isascii():
                    chinese.add(n)
        # Untranslated names that contain a translatable one are matched whole, so that
        # the shorter name inside them is left alone.
        keys = [k for k in self.english if not k.isascii()]
        shields = [n for n in chinese if any(k in n for k in keys)] if keys else []
        alternatives = sorted(set(keys) | set(shields), key=len, reverse=True)
        if alternatives:
            self._pattern = re.compile("|".join(map(re.escape, alternatives)))

    def __call__(self, name: Any, node: Any = None) -> str:
        """``name`` (of node id ``node``, where known) in the brief's language."""
        text = _text(name)
        if self.lang != "en" or not text:
            return text
        if node is not None and str(node) in self.by_id:
            return self.by_id[str(node)]
        if text in self.english:
            return self.english[text]
        return self.within(text)

    def within(self, text: Any) -> str:
        """``text`` with every name that has an English form in English (and the Chinese
        policy terms of the query modules in English)."""
        text = _text(text)
        if self.lang != "en" or not text or text.isascii():
            return text
        if self._pattern is not None:
            english = self.english
            text = self._pattern.sub(lambda m: english.get(m.group(0), m.group(0)), text)
        return plain_english(text)
