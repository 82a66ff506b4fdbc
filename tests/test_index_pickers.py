"""Every index in the store is offered on Indices, Rankings, Data and ASEAN comparison, a dataset an
analyst imported included: the pages read the list from the store, no index is named in code."""

from __future__ import annotations

import json
import sys

import pytest
from streamlit.testing.v1 import AppTest

from metrics import services
from metrics.store import open_store
from metrics.store import queries as q
from tests.pages_support import first_run
from tests.test_import_helpers import run_import, write_csv

NEW = "SEA_AI_WATCH"
# A regional dataset with a total per country in two editions (ranks computed from the scores).
ROWS = [
    [country, year, "total", value]
    for year, values in ((2023, (41.5, 52.25, 77.0, 60.0)), (2024, (45.0, 55.5, 80.0, 58.0)))
    for country, value in zip(("Viet Nam", "Thailand", "Singapore", "Malaysia"), values, strict=True)
]


@pytest.fixture(scope="module")
def imported_db(seeded_db_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("pickers") / "pickers.duckdb"
    path.write_bytes(seeded_db_file.read_bytes())
    store = open_store(path)
    try:
        csv = write_csv(path.parent / "sea_ai_watch.csv", ["country", "year", "measure", "value"], ROWS)
        result = run_import(
            store,
            csv,
            index_id=NEW,
            name="South-East Asia AI Watch",
            name_vi="Theo dõi AI Đông Nam Á",
            source_url="https://example.org/sea-ai-watch",
            publisher="Example Observatory",
            unit="score",
        )
        assert result.status == "imported", result
        order = services.index_order(store)
        # the registered indices with at least one edition (WDCR is registered without data)
        known = list(q.editions(store)["index_id"].unique())
    finally:
        store.close()
    return path, order, known


def _open(db, page: str, monkeypatch) -> AppTest:
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(db)])
    return first_run(page, "en")


def test_index_order_lists_every_index_with_data_the_default_yardstick_first(imported_db):
    _, order, known = imported_db
    assert NEW in order and set(order) == set(known)
    assert order[0] == "GAIRI"  # the yardstick of the most rank targets in data/targets.csv
    # the yardsticks of Resolution 57 / Decision 1671 targets before the indices no target names
    assert max(order.index("ETO_CAT_AI"), order.index("UN_EGDI")) < order.index("WIPO_GII")
    assert order.index("WIPO_GII") < order.index("IMF_AIPI")  # five editions before one


def _short_names(db) -> dict[str, str]:
    store = open_store(db)
    try:
        return dict(q.indices(store)[["index_id", "short_name"]].itertuples(index=False))
    finally:
        store.close()


@pytest.mark.parametrize(("page", "kind", "key"), [
    ("rankings", "radio", "rankings_index"),
    ("asean", "radio", "asean_index"),
    ("data", "selectbox", "data_index"),
])  # fmt: skip
def test_the_imported_dataset_is_in_every_index_picker(imported_db, monkeypatch, page, kind, key):
    db, order, _ = imported_db
    short = _short_names(db)
    at = _open(db, page, monkeypatch)
    widget = getattr(at, kind)(key=key)
    # the options as shown: short names (radio) or "full name (short name)" (Data), in index_order
    shown = [
        next(short[i] for i in order if o == short[i] or o.endswith(f"({short[i]})")) for o in widget.options
    ]
    assert shown == [short[i] for i in order]
    assert widget.value == order[0]
    widget.set_value(NEW).run()
    assert not at.exception, [e.message for e in at.exception]
    assert getattr(at, kind)(key=key).value == NEW


def test_the_indices_page_judges_the_targets_by_the_imported_dataset_too(imported_db, monkeypatch):
    db, _, _ = imported_db
    short = _short_names(db)
    at = _open(db, "indices", monkeypatch)
    store = open_store(db)
    try:
        target = services.get_target(store, at.selectbox(key="indices_target").value)
        judges = services.second_opinion_indices(store, target.yardstick_index)
    finally:
        store.close()
    table = next(d.value for d in at.dataframe if "Index" in d.value.columns)
    # the table judges the target by the indices measuring what its yardstick measures; an
    # imported index belongs to no family of data/second_opinions.toml, so it is no second opinion
    assert list(table["Index"]) == [short[i] for i in judges] and short[NEW] not in list(table["Index"])
    lines = {tr["name"] for fig in at.get("plotly_chart") for tr in json.loads(fig.proto.spec)["data"]}
    assert short[NEW] in lines, lines
