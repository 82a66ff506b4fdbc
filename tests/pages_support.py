"""What the page tests share: the pages and languages, the strategy most of them choose, and how
they read a page run by AppTest (its texts, tables, charts). The pages' numbers are checked against
the services or the published facts: Viet Nam 59th of 193 in GAIRI 2023, 5th in ASEAN; 62nd of 160
in 2021, 6th. The fixture that opens a page, open_page, is in tests/conftest.py."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd

from metrics import i18n
from metrics.auth import Actor
from metrics.present import vocabulary
from tests.conftest import ROOT

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

PAGES = ["overview", "rankings", "asean", "pillars", "whatif", "indices", "targets", "data", "methodology"]
LANGS = ["vi", "en"]
ANALYST = Actor(name="analyst.test", role="analyst")
# Most page tests check the pages' figures against the engine and the published facts on Decision
# 127's targets (top 50 world, top 4 ASEAN, ...). Decision 1671 replaced it as the default strategy,
# so they choose 127 as a user does (the strategy picker's session key); the smoke test of every page
# and the tests of the strategy in force (test_pages_strategy.py) run on the new default.
OLD = "QD127_2021"


def first_run(
    page: str,
    lang: str,
    *,
    actor: Actor | None = None,
    strategy: str | None = None,
    timeout: float = 90,
) -> AppTest:
    """The dashboard (sys.argv names its database) after its first run, opened on `page` (a file
    of app_pages/, or "overview") as a link to that page opens it: the first run draws that page
    only. Drawing the Overview first and switching afterwards cost every page test the Overview's
    run as well, 0.3-1.5 s on 2 cores (the most on a fresh database, whose figures are not cached)."""
    from streamlit.testing.v1 import AppTest  # here, not at the top: most importers open no page

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    at.query_params["lang"] = lang
    if strategy is not None:  # the pages show the strategy in force unless another is chosen
        at.session_state["strategy_choice"] = strategy
    if actor is not None:
        at.session_state["actor"] = actor
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Every piece of text a reader sees in the main area (and chart titles, axes and notes)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "success",
        "error",
    ):
        parts += [str(e.value) for e in getattr(at.main, kind)]
    parts += [f"{m.label}\n{m.value}" for m in at.main.metric]
    parts += [w.label for w in [*at.main.selectbox, *at.main.multiselect, *at.main.radio]]
    parts += [e.label for e in at.main.expander]
    for frame in frames(at):
        parts += [str(c) for c in frame.columns]
        parts += [str(v) for v in frame.astype(str).to_numpy().ravel()]
    for spec in figures(at):
        layout = spec["layout"]
        parts.append(layout.get("title", {}).get("text", ""))
        parts += [layout.get(ax, {}).get("title", {}).get("text", "") for ax in ("xaxis", "yaxis")]
        parts += [a.get("text", "") for a in layout.get("annotations", [])]
        parts += [str(tr.get("name", "")) for tr in spec["data"]]
    return "\n".join(parts)


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.main.dataframe]


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.main.get("plotly_chart")]


def _in_order(node) -> list:
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [leaf for key in sorted(children) for leaf in _in_order(children[key])]


def chart_words(at: AppTest) -> list[tuple[str, str]]:
    """(title, source) of each chart in page order: the page text right above it (charts.for_page
    takes the title out of the figure, where it could not wrap) and the caption right under it."""
    leaves = _in_order(at.main)
    out = []
    for i, leaf in enumerate(leaves):
        if leaf.type == "plotly_chart":
            above = leaves[i - 1] if i else None
            below = leaves[i + 1] if i + 1 < len(leaves) else None
            title = str(above.value).strip("*") if above is not None and above.type == "markdown" else ""
            source = str(below.value) if below is not None and below.type == "caption" else ""
            out.append((title.replace("\\", ""), source))
    return out


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(f for f in frames(at) if column in f.columns)


def tr(key: str, lang: str, **params) -> str:
    return i18n.t(key, lang, **params)


def rank_of(rank, of, lang) -> str:
    return tr("common.rank_of", lang, rank=rank, of=of)


def badge(status: str, lang: str) -> str:
    return f"{vocabulary.look(status).icon} {tr(f'status.{status}', lang)}"
