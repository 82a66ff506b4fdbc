"""Stored text shown as text: never Markdown, never HTML, never a link or image the data chose.

Everything the app stores that came from a file, a form or a publisher (target wordings, source
URLs, file names, country names, notes) passes through here before a page or a report shows it.

- `plain(text)`: bidi override/isolate controls and other invisible control characters removed
  (they can make "ABC" read as "CBA" and hide what a string really says); newlines and tabs kept.
- `md(text)`: `plain` plus every character Markdown (and Streamlit's extensions: `:red[...]`
  colour, `:material/...:` icons, bare `www.` / `https://` autolinks) would act on, escaped, so
  the text shows literally inside st.markdown / st.caption / st.info.
- `safe_url(url)`: the URL when it is an absolute http(s) address with a host and no spaces or
  control characters, else "" (javascript:, data:, relative and malformed addresses are dropped).
- `source_link(url)`: a Markdown link the app builds itself: the URL's host as the visible text,
  the validated address as the target; plain text "–" when there is no valid URL. Never an image.
- `clip(text, limit)`: at most `limit` characters, with an ellipsis.
- `FORMULA_PREFIXES`, `SAFE_WORKBOOK_OPTIONS`: a spreadsheet cell whose text starts with one of
  these would run as a formula ("CSV injection"; metrics.exports and the report's workbook mark it
  as text), and the xlsxwriter options that make no formula, URL or number of a string.

Pure: no Streamlit, no store.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

# Bidi embeddings/overrides/isolates and marks, plus the Arabic letter mark.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
# Characters Markdown acts on anywhere in a line (emphasis, code, links, images, HTML, tables,
# strikethrough, Streamlit's LaTeX, entities, headings); escaping them is harmless elsewhere.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$&])")
# Characters that act only at the start of a line: list markers, ordered lists, block quotes,
# setext underlines.
_LINE_START = re.compile(r"(?m)^(\s*)([-+=>])")
_ORDERED = re.compile(r"(?m)^(\s*\d{1,9})([.)])(?=\s|$)")
_ZWSP = "\u200b"
# Streamlit directives start with ':' followed by a letter (":red[", ":material/"); autolinks start
# at "www." or "scheme://". A zero-width space breaks each without changing what the reader sees.
_DIRECTIVE = re.compile(r":(?=[A-Za-z])")
_AUTOLINK = re.compile(r"(?i)(www)(?=\\?\.)|(?<=:)(//)")
MAX_URL_LENGTH = 2000
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# xlsxwriter options for every workbook the app writes: text stays text (no formula, URL or number
# is made of a string a file or a user supplied), in memory.
SAFE_WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
}


def plain(text: object) -> str:
    """The text without bidi controls and without invisible control/format characters
    (C0/C1 controls except newline and tab, zero-width and word-joiner characters, the BOM,
    interlinear annotation and tag characters); zero-width (non-)joiners inside words stay."""
    s = "" if text is None else str(text)
    return _INVISIBLE.sub("", s) if _INVISIBLE.search(s) else s


def md(text: object) -> str:
    """Text that Markdown shows literally (see the module docstring)."""
    s = _MD_SPECIAL.sub(r"\\\1", plain(text))
    s = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), s)
    s = _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), s)
    s = _DIRECTIVE.sub(":" + _ZWSP, s)
    s = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + _ZWSP, s)
    return s.replace("\n", "  \n")  # a line break stays a line break, never a heading or a list


def safe_url(url: object) -> str:
    s = "" if url is None else str(url).strip()
    if (
        not s
        or len(s) > MAX_URL_LENGTH
        or any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in s)
    ):
        return ""
    try:
        parts = urlsplit(s)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    if not _HOST.fullmatch(parts.hostname):
        return ""
    return s


def host(url: object) -> str:
    safe = safe_url(url)
    return (urlsplit(safe).hostname or "") if safe else ""


def source_link(url: object) -> str:
    """`[host](address)` for a valid http(s) URL (parentheses and brackets in the address are
    percent-encoded so it cannot close the link early); "–" otherwise."""
    safe = safe_url(url)
    if not safe:
        return "–"
    target = quote(safe, safe=":/?#@!$&'*+,;=%-._~")
    return f"[{host(safe)}]({target})"  # a host is letters, digits, dots and hyphens only


def clip(text: object, limit: int) -> str:
    s = plain(text)
    return s if len(s) <= limit else s[: max(0, limit - 1)].rstrip() + "…"
