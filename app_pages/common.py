"""Helpers every page shares: the cached store, the language, translated text, status badges,
cached service calls, charts with their source and data download.

Kept here (not in metrics/) because it imports Streamlit; metrics/ never does.

Caching: every query result is cached with `st.cache_data`, keyed by plain arguments plus the
store's data version (`version()`), which every write bumps, so an import invalidates the cache.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import itertools
import os
import sys
from collections.abc import Sequence
from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from metrics import exports, i18n, progress, safe_text, services
from metrics import services_strategy as strategies
from metrics.auth import ANONYMOUS, Actor, Role, has_role
from metrics.errors import MetricsError
from metrics.ingest import upload_guard
from metrics.models import Target
from metrics.present import format as fmt
from metrics.present import phrases, vocabulary
from metrics.store import Store, default_db_path, open_store
from metrics.store.connection import DB_ENV

DEFAULT_INDEX = "GAIRI"
DEFAULT_GROUP = "ASEAN"
COUNTRY = "VNM"

T = TypeVar("T")


# --- store, language, text ---------------------------------------------------------------------


def db_path() -> str:
    """--db after `--` on the streamlit command line, else $AI_DASHBOARD_DB, else var/dashboard.duckdb."""
    return _db_path(tuple(sys.argv[1:]), os.environ.get(DB_ENV, ""))


@functools.lru_cache(maxsize=8)
def _db_path(argv: tuple[str, ...], _env: str) -> str:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    known, _ = parser.parse_known_args(list(argv))
    return known.db or str(default_db_path())


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    # One root connection per process; services take a cursor per unit of work.
    return open_store(path)


def store() -> Store:
    try:
        return _store(db_path())
    except MetricsError as exc:
        st.error(i18n.error_message(exc.code, lang(), **exc.params))
        st.stop()


Version = tuple[str, int]


def version() -> Version:
    """Part of every cache key: the database file and its data version, which imports and other
    writes bump (so they invalidate the cache; the path keeps two databases in one process, as in
    the tests, apart). Read once per run (by `language_switch`, which dashboard.py calls first)."""
    cached = st.session_state.get("_data_version")
    return cached if cached is not None and cached[0] == db_path() else refresh_version()


def refresh_version() -> Version:
    """Re-read the data version (at the start of a run, and after a write in this run)."""
    st.session_state["_data_version"] = (db_path(), store().data_version())
    return st.session_state["_data_version"]


def lang() -> i18n.Lang:
    return st.session_state.get("lang", i18n.DEFAULT_LANG)


def t(key: str, **params) -> str:
    return i18n.t(key, lang(), **params)


def translator():
    """t() bound to this run's language: safe inside widget format_funcs, which Streamlit may call
    outside the script run (AppTest does), where the session's language is not at hand."""
    language = lang()

    def translate(key: str, **params) -> str:
        return i18n.t(key, language, **params)

    translate.lang = language  # read by rank_goal
    return translate


# The formatting of this run's language: metrics.present holds the one rule for pages and reports.


def rank_goal(t, group_id: str, n: int) -> str:
    """'Top 60 in the world' / 'Top 3 in Southeast Asia' in the language of the caller's translator
    (see translator(): format_funcs run outside the script run, where lang() is not at hand)."""
    language = getattr(t, "lang", None) or lang()
    return phrases.goal(group_id, n, language, group_names(language).get(group_id))


def group_names(language: str) -> dict[str, str]:
    """{group_id: its name in the language} (data/peer_groups.csv, as seeded)."""
    return _group_names(version(), language)


@st.cache_data(show_spinner=False)
def _group_names(data_version: Version, language: str) -> dict[str, str]:
    return phrases.names_of(services.q.peer_group_rows(store()), "group_id", "name", language)


def num(value: float | int | None, decimals: int = 2) -> str:
    return fmt.num(value, lang(), decimals)


def signed(value: float | None, decimals: int = 2) -> str:
    return fmt.signed(value, lang(), decimals)


def ordinal(n: int | None) -> str:
    return fmt.ordinal(n, lang())


def date(day) -> str:
    return fmt.date(day, lang())


def rank_of(rank: int | None, of: int | None) -> str:
    return phrases.rank_of(rank, of, lang())


def rank_of_nth(rank: int | None, of: int | None) -> str:
    return phrases.rank_of_nth(rank, of, lang())


def world_rank(row, short: bool = False, nth: bool = False) -> str:
    """A RankRow's world rank of N, labelled as computed (with its coverage) where no rank is printed."""
    return phrases.world_rank(row, lang(), short, nth)


def language_switch() -> str:
    """Sidebar radio; the choice lives in session state and the URL (?lang=en), so it survives
    page changes and reloads."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", i18n.DEFAULT_LANG)
        st.session_state["lang"] = wanted if wanted in i18n.LANGS else i18n.DEFAULT_LANG
    st.sidebar.radio(
        i18n.t("app.language", st.session_state["lang"]),
        options=list(i18n.LANGS),
        format_func=lambda code: i18n.t(f"app.lang_name_{code}", code),
        key="lang",
        horizontal=True,
    )
    st.query_params["lang"] = st.session_state["lang"]
    refresh_version()
    return st.session_state["lang"]


def current_actor() -> Actor:
    """The signed-in person; anonymous viewers until sign-in (metrics.auth + the admin page) sets it.
    Showing a form only to analysts is convenience: the service checks the role again."""
    actor = st.session_state.get("actor", ANONYMOUS)
    return actor if isinstance(actor, Actor) else ANONYMOUS


def can(role: Role) -> bool:
    return has_role(current_actor(), role)


SUPERSEDED_ICON = "🗄️"


def status_badge(status: str) -> str:
    # "superseded" is a verdict of services_strategy, not an engine class: it has no look in the vocabulary
    if status == strategies.SUPERSEDED:
        return f"{SUPERSEDED_ICON} {t('status.superseded')}"
    return vocabulary.status_badge(status, lang())


def trend_label(trend: str) -> str:
    return vocabulary.trend_label(trend, lang())


def error_box(exc: MetricsError) -> None:
    st.error(i18n.error_message(exc.code, lang(), **exc.params))


def run_page(body) -> None:
    """The page edge: a project error (MetricsError) is shown translated, never as Streamlit's
    generic error box with a traceback."""
    try:
        body()
    except MetricsError as exc:
        error_box(exc)


# --- cached reads (plain args + data version) --------------------------------------------------


@st.cache_data(show_spinner=False)
def rank_history(data_version: Version, index_id: str, iso3: str, group_id: str) -> list[services.RankRow]:
    return services.rank_history(store(), index_id, iso3, group_id)


@st.cache_data(show_spinner=False)
def index_info(data_version: Version, index_id: str) -> services.IndexInfo:
    return services.index_info(store(), index_id)


@st.cache_data(show_spinner=False)
def index_order(data_version: Version) -> list[str]:
    return services.index_order(store())


def indices() -> list[str]:
    """Every index with data in the store, imported ones included, the default yardstick first."""
    return index_order(version())


@st.cache_data(show_spinner=False)
def editions_table(data_version: Version) -> pd.DataFrame:
    return services.q.editions(store())


@st.cache_data(show_spinner=False)
def country_names(data_version: Version, language: str) -> dict[str, str]:
    return phrases.names_of(services.q.country_rows(store()), "iso3", "name", language)


def country(iso3: str) -> str:
    return safe_text.plain(country_names(version(), lang()).get(iso3, iso3))


def membership_date(index_id: str, edition_year: int) -> dt.date | None:
    """The date whose group membership an edition's regional ranks use."""
    return index_info(version(), index_id).membership_dates.get(edition_year)


def index_name(index_id: str, language: str | None = None) -> str:
    """The index's short name in the run's language (`language` given inside a format_func,
    which Streamlit may call outside the run, see translator())."""
    return index_info(version(), index_id).short(language or lang())


def index_unit(index_id: str | None) -> str:
    """What the index's scores and gaps count, in the run's language ("bài báo" for AI articles);
    blank for an index scored on a published scale (points), or for no index."""
    return index_info(version(), index_id).unit(lang()) if index_id else ""


def strategy_id() -> str | None:
    """The strategy the pages show: the one chosen on the Targets page, else the one in force."""
    chosen = st.session_state.get("strategy_choice")
    return chosen or default_strategy(version())


@st.cache_data(show_spinner=False)
def default_strategy(data_version: Version) -> str | None:
    return strategies.default_strategy_id(store())


def assess_targets(
    data_version: Version, iso3: str = COUNTRY, yardstick: str | None = None, as_of: int | None = None
) -> list[services.Assessment]:
    """Every target's assessment (the strategy shown, see strategy_id()); `yardstick` judges every
    rank target by another index, `as_of` by the editions up to that year only."""
    return _assess_targets(data_version, iso3, yardstick, as_of, strategy_id())


@st.cache_data(show_spinner=False)
def _assess_targets(
    data_version: Version, iso3: str, yardstick: str | None, as_of: int | None, strategy: str | None
) -> list[services.Assessment]:
    yardsticks = {"*": yardstick} if yardstick else None
    return services.assess_targets(store(), iso3, strategy, as_of=as_of, yardsticks=yardsticks)


def target_reports(data_version: Version) -> list[strategies.TargetReport]:
    """The strategy shown, target by target: status (superseded included), value, agency, evidence."""
    return _target_reports(data_version, strategy_id())


@st.cache_data(show_spinner=False)
def _target_reports(data_version: Version, strategy: str | None) -> list[strategies.TargetReport]:
    return strategies.target_reports(store(), strategy)


@st.cache_data(show_spinner=False)
def strategy_rows(data_version: Version) -> list[strategies.StrategyRow]:
    return strategies.list_strategies(store())


def assessment(data_version: Version, target_id: str, index_id: str | None = None, as_of: int | None = None):
    """One target's assessment by `index_id` (default: its own yardstick), judged as of an edition."""
    found = [a for a in assess_targets(data_version, COUNTRY, index_id, as_of) if a.target_id == target_id]
    return found[0]


def series_ends(index_id: str) -> list[int]:
    """The last edition of each methodology series but the newest, newest first (the editions a
    trend can fall back to when the newest series is still too short)."""
    info = index_info(version(), index_id)
    eds = info.editions
    ends = [a for a, b in itertools.pairwise(eds) if info.series[a] != info.series[b]]
    return ends[::-1]


@st.cache_data(show_spinner=False)
def status_histories(data_version: Version, iso3: str = COUNTRY) -> dict[str, list]:
    """Every target's status history, computed together: each yardstick's editions are read once."""
    return services.status_histories(store(), None, iso3)


def status_history(data_version: Version, target_id: str, iso3: str = COUNTRY) -> list:
    return status_histories(data_version, iso3)[target_id]


@st.cache_data(show_spinner=False)
def yardstick_comparison(data_version: Version, target_id: str, iso3: str = COUNTRY) -> list:
    return services.yardstick_comparison(store(), target_id, iso3)


@st.cache_data(show_spinner=False)
def measure_gaps(data_version: Version, index_id: str, edition_year: int, group_id: str, n: int) -> list:
    return services.measure_gaps(store(), index_id, edition_year, group_id, n, COUNTRY)


@st.cache_data(show_spinner=False)
def group_table(
    data_version: Version, index_id: str, edition_year: int, group_id: str = DEFAULT_GROUP
) -> pd.DataFrame:
    return services.group_table(store(), index_id, edition_year, group_id)


@st.cache_data(show_spinner=False)
def group_ranks_over_editions(
    data_version: Version, index_id: str, group_id: str = DEFAULT_GROUP
) -> pd.DataFrame:
    """edition_year, iso3, score, group_rank for every member of the group in every edition (the
    membership valid on each edition's date)."""
    frames = []
    for edition_year in index_info(data_version, index_id).editions:
        table = group_table(data_version, index_id, edition_year, group_id)
        frames.append(table[["iso3", "score", "group_rank"]].assign(edition_year=edition_year))
    if not frames:
        return pd.DataFrame(columns=["edition_year", "iso3", "score", "group_rank"])
    out = pd.concat(frames, ignore_index=True).dropna(subset=["group_rank"])
    return out[["edition_year", "iso3", "score", "group_rank"]]


@st.cache_data(show_spinner=False)
def what_if(
    data_version: Version, index_id: str, edition_year: int, changes: tuple[tuple[str, float], ...]
) -> services.ScenarioResult:
    return services.what_if(store(), index_id, edition_year, COUNTRY, dict(changes), DEFAULT_GROUP)


@st.cache_data(show_spinner=False)
def smallest_changes(
    data_version: Version, index_id: str, edition_year: int, target_rank: int, group_id: str
) -> list:
    return services.smallest_changes(store(), index_id, edition_year, COUNTRY, target_rank, group_id)


@st.cache_data(show_spinner=False)
def data_quality_findings(data_version: Version) -> list:
    return services.data_quality_findings(store())


@st.cache_data(show_spinner=False)
def observations(data_version: Version, index_id: str, edition_year: int) -> pd.DataFrame:
    return services.q.observations(store(), index_id, edition_year)


@st.cache_data(show_spinner=False)
def measures(data_version: Version, index_id: str, framework: str) -> pd.DataFrame:
    return services.q.measures(store(), index_id, framework)


@st.cache_data(show_spinner=False)
def editions_with_pillars(version: Version, index_id: str, iso3: str = COUNTRY) -> list[int]:
    """Editions of an index with pillar scores for the country (what-if and gap pages need them).
    A framework that defines pillars is not enough: a totals-only import of a new edition has
    none, and the pages would have nothing to draw."""
    info = index_info(version, index_id)
    out = []
    for e in info.editions:
        defined = measures(version, index_id, info.frameworks[e])
        pillar_ids = set(defined.loc[defined["level"] == "pillar", "measure_id"])
        if not pillar_ids:
            continue
        obs = services.q.observations(store(), index_id, e)
        mine = obs[(obs["iso3"] == iso3) & obs["measure_id"].isin(pillar_ids)]
        if not mine.empty:
            out.append(e)
    return out


def pillar_editions_or_stop(index_id: str) -> list[int]:
    """The index's editions with pillar scores, oldest first, for the pages that show pillars (the
    Pillars and What-if pages). A note names the newer editions left out because they carry totals
    only; with no such edition at all the page says so and stops there."""
    info = index_info(version(), index_id)
    with_pillars = editions_with_pillars(version(), index_id)
    for e in info.editions:
        if e not in with_pillars and e > (max(with_pillars) if with_pillars else 0):
            st.info(tm("error.no_pillars", index=info.short(lang()), edition=e), icon=":material/info:")
    if not with_pillars:
        st.info(tm("pillars.none", index=info.short(lang())))
        st.stop()
    return with_pillars


def targets_table(data_version: Version) -> pd.DataFrame:
    """The targets of the strategy shown (strategy_id())."""
    return _targets_table(data_version, strategy_id())


@st.cache_data(show_spinner=False)
def _targets_table(data_version: Version, strategy: str | None) -> pd.DataFrame:
    return services.q.targets(store(), strategy)


def targets(data_version: Version) -> list[Target]:
    """The targets of the strategy shown (strategy_id()), in the store's order (horizon, then id)."""
    return _targets(data_version, strategy_id())


def rank_targets(data_version: Version) -> list[Target]:
    return [x for x in targets(data_version) if x.kind == "rank"]


@st.cache_data(show_spinner=False)
def _targets(data_version: Version, strategy: str | None) -> list[Target]:
    return strategies.targets(store(), strategy)


def goal_text(x: Target, language: str) -> str:
    return strategies.goal_text(x, language, group_names(language))


@st.cache_data(show_spinner=False)
def strategies_table(data_version: Version) -> pd.DataFrame:
    return services.q.strategies(store())


@st.cache_data(show_spinner=False)
def progress_records(data_version: Version) -> pd.DataFrame:
    return services.q.progress_records(store())


@st.cache_data(show_spinner=False)
def group_members(data_version: Version, group_id: str, on) -> list[str]:
    return services.q.group_members(store(), group_id, on)


@st.cache_data(show_spinner=False)
def methodology(language: str) -> list[tuple[str, str]]:
    """(title, body) of each methodology section, with the status thresholds filled in."""
    return progress.methodology(language)


# --- display helpers ---------------------------------------------------------------------------


def source_line(index_id: str, editions: Sequence[int] | None = None, url: bool = True) -> str:
    """'Nguồn: Oxford Insights, GAIRI 2023, 2025 — https://…' for a table or under a chart; without
    the address (url=False) for the line drawn inside a figure."""
    info = index_info(version(), index_id)
    eds = list(editions) if editions else info.editions
    urls = [info.source_urls.get(e, "") for e in eds]
    words = {
        "publisher": info.publisher,
        "index": info.short(lang()),
        "editions": ", ".join(str(e) for e in eds),
    }
    if not url:  # drawn inside a figure: plain text, no Markdown there
        return t("ui.source_short", **{k: safe_text.plain(v) for k, v in words.items()})
    # Shown in a caption (Markdown): the words literal, the address a link the app builds.
    return t("ui.source_line", url=link(urls[-1] if urls else ""), **{k: md(v) for k, v in words.items()})


def breaks(index_id: str, editions: Sequence[int] | None = None) -> list[tuple[float, str]]:
    """Methodology breaks (a change of `series`) between the given editions, as chart markers."""
    from metrics import charts

    info = index_info(version(), index_id)
    eds = sorted(editions or info.editions)
    return [(x, t("ui.break_marker")) for x in charts.series_breaks(eds, [info.series[e] for e in eds])]


def download(
    frame: pd.DataFrame, name: str, key: str, *, xlsx: bool = False, notes: dict | None = None
) -> None:
    """Download buttons for a table: CSV always, XLSX on request; cells neutralised (metrics.exports)."""
    with st.container(horizontal=True):
        st.download_button(
            t("ui.download_csv"),
            data=lambda: exports.to_csv(frame),  # built on click, not on every rerun
            file_name=f"{name}.csv",
            mime=exports.CSV_MIME,
            key=f"{key}_csv",
            on_click="ignore",
            icon=":material/download:",
        )
        if xlsx:
            st.download_button(
                t("ui.download_xlsx"),
                data=lambda: exports.to_xlsx({name: frame}, notes=notes),
                file_name=f"{name}.xlsx",
                mime=exports.XLSX_MIME,
                key=f"{key}_xlsx",
                on_click="ignore",
                icon=":material/table_view:",
            )


def chart(fig: go.Figure, data: pd.DataFrame, key: str, source: str) -> None:
    """A chart under its title (page text, which wraps at any width: charts.for_page), with its
    source (with the address) under it and the download of the data it draws. No plotly toolbar:
    on a phone it sat over the title, and its English tooltips are not translated."""
    from metrics import charts

    title, fig = charts.for_page(fig)
    if title:
        st.markdown(f"**{md(title)}**")
    st.plotly_chart(
        fig,
        theme=None,
        key=key,
        config={"displaylogo": False, "displayModeBar": False, "locale": "vi" if lang() == "vi" else "en"},
    )
    st.caption(source)
    download(data, key, key)


def index_picker(key: str, label_key: str = "common.index") -> str:
    """A horizontal choice among every index that has data (services.index_order: the default
    yardstick first, then any other, an analyst's imported dataset included)."""
    available = indices()
    language = lang()
    return st.radio(
        t(label_key),
        available,
        index=0,
        format_func=lambda i: index_name(i, language),
        key=key,
        horizontal=True,
    )


def choose(many: bool = False) -> str:
    """The placeholder of a select box or multiselect: Streamlit's own is English."""
    return t("ui.choose_many" if many else "ui.choose")


def chosen(value: T | None) -> T:
    """A select box's choice. Streamlit gives None only when there is nothing to choose from (a
    box with a default index otherwise always holds one); then the page has nothing more to show."""
    if value is None:
        st.stop()
    return value


def file_uploader(label: str, types: Sequence[str], key: str, **kwargs):
    """st.file_uploader with its texts in the page's language. Streamlit offers no parameter for
    the button ("Upload") and the limit line ("50MB per file • CSV"), which are English: a fixed
    style hides both (an icon stays on the button) and the translated hint and limit are written
    under the widget. The style is a literal: no text, not even a catalog string, is formatted into
    raw HTML (tests/test_security_config.py)."""
    limit = t("ui.upload_limit", mb=upload_guard.MAX_UPLOAD_MB, types=", ".join(x.upper() for x in types))
    st.html(
        "<style>"
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,'
        '[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0;}'
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after'
        '{content: "\\1F4C2"; font-size: 1.2rem;}'
        "</style>"
    )
    upload = st.file_uploader(label, type=list(types), key=key, **kwargs)
    st.caption(f"{t('ui.upload_button')}: {limit}")
    return upload


def first_pinned(frame: pd.DataFrame, config: dict | None = None, n: int = 1) -> dict:
    """st.dataframe's column_config with the first `n` columns pinned: on a phone a wide table
    scrolls sideways and the row's name (edition, country, index) stays in view."""
    out = dict(config or {})
    for column in list(frame.columns)[:n]:
        out.setdefault(column, st.column_config.Column(pinned=True))
    return out


def md(text: str) -> str:
    """Text shown inside markdown literally (T_N, 2 * 3 and [1] stay as written; no link, image,
    colour or HTML the text carries is ever acted on; bidi controls removed): metrics.safe_text."""
    return safe_text.md(text)


def tm(key: str, **params) -> str:
    """t() for Markdown elements: every text parameter (names, file names, wordings from the
    data) shown literally; numbers and the catalog's own wording untouched."""
    return t(key, **{k: md(v) if isinstance(v, str) else v for k, v in params.items()})


def link(url: str) -> str:
    """A source link the app builds: the host of a validated http(s) URL, or "–"."""
    return safe_text.source_link(url)


def rows_height(n: int, limit: int = 20) -> int:
    """Pixel height that shows every row of a table (up to `limit` rows, then it scrolls)."""
    return 44 + 38 * min(max(n, 1), limit)  # rows are ~36 px at the theme's 17 px font


def page_header(title_key: str, intro_key: str | None = None) -> None:
    st.title(t(title_key))
    if intro_key:
        st.markdown(t(intro_key))
