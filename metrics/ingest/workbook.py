"""Publisher workbooks (XLSX whose layout changes every edition) -> one tidy table.

The layout is found by content, never by edition year: every sheet's top rows are scanned for a
header row that names a country column with numbers beneath it; each column is then given a role
by its header (rank, total, pillar/dimension, indicator, score; see headers.py). What was found
decides how to read the file:

- one table with rank and total, and another with pillars/dimensions -> "ranking+detail", joined
  on the country name (GAIRI 2020-2023: "Global ranking(s)" + "Detailed scores" / "Pillar &
  dimension scores");
- one table only -> "single" (GAIRI 2019 "Rankings");
- one long table (one row per economy and indicator) -> "gii_long": the overall-index row of
  each economy (WIPO GII: IndCode "Index", or NAME "Global Innovation Index" with empty NUM).

Several equally plausible tables -> MetricsError("layout_ambiguous"); none -> "layout_not_found".
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from os import PathLike
from typing import TYPE_CHECKING, Any

from metrics.errors import MetricsError, Problem, ValidationFailed
from metrics.ingest import headers as H
from metrics.ingest.cells import is_missing, parse_number, parse_rank
from metrics.ingest.readers import clean_text

if TYPE_CHECKING:  # the frames of the pandas readers; a tidy CSV read by DuckDB loads no pandas
    import pandas as pd

SCAN_ROWS = 30
COLUMNS = ["country", "iso_code", "measure_id", "value", "published_rank", "source_row", "source_sheet"]

_COUNTRY = H.lookup(H.COUNTRY)
_ISO = H.lookup(H.ISO_CODE)
_RANK = H.lookup(H.RANK)
_TOTAL = H.lookup(H.TOTAL)
_VALUE = H.lookup(H.VALUE)
_INDICATOR_NAME = H.lookup(H.MEASURE)
_INDICATOR_CODE = H.lookup(H.INDICATOR_CODE)
_AGGREGATES = H.lookup(H.AGGREGATE_LABELS)
_MEASURES = H.measure_lookup()

Source = str | PathLike | bytes


# --- layout ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One table found in a sheet. Columns are Excel letters; `headers` maps letter -> text."""

    sheet: str
    header_row: int
    country: str
    role: str  # "ranking" (rank+total), "detail" (pillars/dimensions), "plain" (total only), "long"
    headers: dict[str, str]
    iso_code: str | None = None
    total: str | None = None
    rank: str | None = None
    measures: dict[str, str] = field(default_factory=dict)
    indicator_code: str | None = None
    indicator_name: str | None = None
    unmapped: tuple[str, ...] = ()
    n_rows: int = 0

    @property
    def ref(self) -> str:
        """Excel reference of the country header cell, e.g. 'Global ranking'!B1."""
        return f"'{self.sheet}'!{self.country}{self.header_row}"


@dataclass(frozen=True)
class Layout:
    """What detect_layout found: the kind, the tables used, and every table it considered."""

    kind: str  # "ranking+detail", "single" or "gii_long"
    tables: tuple[Table, ...]
    candidates: tuple[str, ...]
    index_hint: str | None = None
    iso_kind: str | None = None  # "iso3"/"iso2" judged from the codes (GII 2021 "ISO2" holds ISO3)

    @property
    def sheets(self) -> tuple[str, ...]:
        return tuple(t.sheet for t in self.tables)

    @property
    def header_rows(self) -> dict[str, int]:
        return {t.sheet: t.header_row for t in self.tables}

    @property
    def header_row(self) -> int:
        return self.tables[0].header_row

    def column(self, role: str) -> dict[str, str] | None:
        """{sheet, column, header} of the column playing `role` (country, iso_code, total, rank)."""
        for t in self._by_priority(role):
            letter = getattr(t, role)
            if letter:
                return {"sheet": t.sheet, "column": letter, "header": t.headers.get(letter, "")}
        return None

    @property
    def measures(self) -> dict[str, dict[str, str]]:
        """measure_id -> {sheet, column, header} for each pillar/dimension read."""
        out = {}
        for t in self.tables:
            for mid, letter in t.measures.items():
                out[mid] = {"sheet": t.sheet, "column": letter, "header": t.headers[letter]}
        return out

    def describe(self) -> dict[str, Any]:
        """Plain data for the UI / CLI (no sentences: the caller translates)."""
        roles = ("country", "iso_code", "total", "rank")
        return {
            "kind": self.kind,
            "sheets": list(self.sheets),
            "header_rows": self.header_rows,
            "columns": {r: self.column(r) for r in roles},
            "measures": self.measures,
            "unmapped": {t.sheet: list(t.unmapped) for t in self.tables if t.unmapped},
            "candidates": list(self.candidates),
            "iso_kind": self.iso_kind,
        }

    def _by_priority(self, role: str) -> list[Table]:
        # The detail sheet's total is the full-precision one (GAIRI 2020 ranking sheet is rounded).
        if role == "total":
            return sorted(self.tables, key=lambda t: t.role != "detail")
        return list(self.tables)


# --- reading sheets ----------------------------------------------------------------------------


class _Book:
    """Rows of an opened workbook, each sheet read at most once."""

    def __init__(self, source: Source) -> None:
        try:
            # here, not at import: openpyxl costs every process 0.15 s, and a CSV import never opens it
            from openpyxl import load_workbook

            handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
            self._wb = load_workbook(handle, read_only=True, data_only=True)
        except FileNotFoundError as exc:
            raise MetricsError("file_not_found", path=str(source)) from exc
        except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException alike
            raise MetricsError("not_a_workbook", reason=type(exc).__name__) from exc
        self.names = list(self._wb.sheetnames)
        # Hidden sheets hold publishers' helper tables; they are read only when named (--sheet).
        self.visible = [ws.title for ws in self._wb.worksheets if ws.sheet_state == "visible"]
        self._rows: dict[str, list[tuple]] = {}

    def head(self, name: str) -> list[tuple]:
        if name in self._rows:
            return self._rows[name][:SCAN_ROWS]
        ws = self._wb[name]
        ws.reset_dimensions()  # some exporters write a wrong <dimension>; read what is there
        return [tuple(r) for r in ws.iter_rows(max_row=SCAN_ROWS, values_only=True)]

    def rows(self, name: str) -> list[tuple]:
        if name not in self._rows:
            ws = self._wb[name]
            ws.reset_dimensions()
            self._rows[name] = [tuple(r) for r in ws.iter_rows(values_only=True)]
        return self._rows[name]

    def close(self) -> None:
        self._wb.close()


def _cell(row: tuple, i: int) -> Any:
    return row[i] if i < len(row) else None


def _idx(letter: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letter) - 1


# --- finding tables ----------------------------------------------------------------------------


def _blocks(header: tuple) -> list[list[int]]:
    """Column indexes of each side-by-side table on a header row.

    Blank header cells split the row into runs; a run that names no country column belongs to the
    table on its left (GAIRI detail sheets leave a blank column between total, pillars and
    dimensions), whereas each run with its own country column is a separate table (GAIRI 2019
    "Rankings" prints global and regional rankings next to each other).
    """
    runs: list[list[int]] = []
    for i, v in enumerate(header):
        if clean_text(v):
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    blocks: list[list[int]] = []
    pending: list[int] = []
    for run in runs:
        if any(H.normalise_header(header[i]) in _COUNTRY for i in run):
            blocks.append(pending + run)
            pending = []
        elif blocks:
            blocks[-1].extend(run)
        else:
            pending.extend(run)
    return blocks


def _roles(header: tuple, block: list[int]) -> dict[str, Any]:
    """Role -> column index for one block (first header matching a role wins)."""
    roles: dict[str, Any] = {"measures": {}, "values": [], "unmapped": []}
    for i in block:
        key = H.normalise_header(header[i])
        for role, words in (
            ("country", _COUNTRY),
            ("iso_code", _ISO),
            ("rank", _RANK),
            ("indicator_code", _INDICATOR_CODE),
            ("indicator_name", _INDICATOR_NAME),
            ("total", _TOTAL),
        ):
            if key in words and role not in roles:
                roles[role] = i
                break
        else:
            if key in _VALUE:
                roles["values"].append(i)
            elif key in _MEASURES and _MEASURES[key] not in roles["measures"]:
                roles["measures"][_MEASURES[key]] = i
            elif key and key not in _COUNTRY:
                roles["unmapped"].append(i)
    return roles


def _score_column(header: tuple, values: list[int]) -> int | None:
    # GII 2021 has "Score" and "Value": Value is the raw indicator datum, empty on index rows.
    for i in values:
        if H.normalise_header(header[i]) == "score":
            return i
    return values[0] if values else None


def _is_number(cell: Any) -> bool:
    if is_missing(cell) or isinstance(cell, bool):
        return False
    try:
        return parse_number(cell) is not None
    except ValueError:
        return False


def _data_rows(rows: list[tuple], header_row: int, country: int) -> Iterator[tuple[int, str, tuple]]:
    """(Excel row, country as printed, cells) for each country row under a header.

    Stops at a repeated header (a second table stacked below); skips blank and summary rows
    ("AVERAGE" in GAIRI 2019).
    """
    for n, row in enumerate(rows[header_row:], start=header_row + 1):
        name = clean_text(_cell(row, country))
        if not name:
            continue
        key = H.normalise_header(name)
        if key in _COUNTRY:
            return
        if key in _AGGREGATES:
            continue
        yield n, name, row


def _table(sheet: str, rows: list[tuple], r: int, block: list[int]) -> tuple[Table, frozenset] | None:
    """The table whose header is row index r and columns `block`, or None if nothing numeric."""
    header = rows[r]
    roles = _roles(header, block)
    score = _score_column(header, roles["values"])
    is_long = score is not None and ("indicator_name" in roles or "indicator_code" in roles)
    total = score if is_long else roles.get("total", score)
    numeric = [total, *roles["measures"].values()]
    numeric = [i for i in numeric if i is not None]
    if not numeric:
        return None
    names, count = set(), 0
    for _, name, row in _data_rows(rows, r + 1, roles["country"]):
        if any(_is_number(_cell(row, i)) for i in numeric):
            count += 1
            names.add(_country_key(name))
    if not count:
        return None
    if not is_long:
        # Non-numeric leftovers (e.g. a region column) are not worth reporting as unread measures.
        roles["unmapped"] = [i for i in roles["unmapped"] if _column_has_numbers(rows, r, i)]
    letter = _column_letter
    table = Table(
        sheet=sheet,
        header_row=r + 1,
        country=letter(roles["country"] + 1),
        role=_role(is_long, roles),
        headers={letter(i + 1): clean_text(header[i]) for i in block},
        iso_code=_letter(roles.get("iso_code")),
        total=_letter(total),
        rank=_letter(roles.get("rank")),
        measures={m: letter(i + 1) for m, i in roles["measures"].items()},
        indicator_code=_letter(roles.get("indicator_code")) if is_long else None,
        indicator_name=_letter(roles.get("indicator_name")) if is_long else None,
        unmapped=tuple(clean_text(header[i]) for i in roles["unmapped"]) if not is_long else (),
        n_rows=count,
    )
    return table, frozenset(names)


def _column_has_numbers(rows: list[tuple], r: int, i: int) -> bool:
    return any(_is_number(_cell(row, i)) for row in rows[r + 1 : r + 1 + SCAN_ROWS])


def _letter(i: int | None) -> str | None:
    return None if i is None else _column_letter(i + 1)


def _column_letter(n: int) -> str:
    """1 -> A, 27 -> AA: openpyxl's get_column_letter, local so that importing this module does not
    import openpyxl."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _role(is_long: bool, roles: dict[str, Any]) -> str:
    if is_long:
        return "long"
    if roles["measures"]:
        return "detail"
    return "ranking" if "rank" in roles else "plain"


def _country_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _sheet_tables(book: _Book, sheet: str) -> tuple[list[Table], list[Table]]:
    """(tables kept, tables considered) of one sheet.

    Side-by-side tables that only repeat the main table's countries (regional breakdowns of a
    global ranking, GAIRI 2019) are considered but not kept.
    """
    head = book.head(sheet)
    header_rows = [
        r
        for r, row in enumerate(head)
        if any(H.normalise_header(v) in _COUNTRY for v in row if v is not None)
    ]
    if not header_rows:
        return [], []
    rows = book.rows(sheet)
    found = []
    for r in header_rows:
        for block in _blocks(rows[r]):
            hit = _table(sheet, rows, r, block)
            if hit:
                found.append(hit)
    if not found:
        return [], []
    found.sort(key=lambda tk: (tk[0].n_rows, len(tk[0].measures), tk[0].rank is not None), reverse=True)
    main_names = found[0][1]
    kept = [found[0][0]] + [t for t, names in found[1:] if not names <= main_names]
    return kept, [t for t, _ in found]


# --- choosing ------------------------------------------------------------------------------------


def _choose(tables: list[Table], sheets: list[str], sheet_given: bool) -> tuple[str, tuple[Table, ...]]:
    """(kind, tables to read) or MetricsError when nothing or too much was found."""
    if not tables:
        raise MetricsError("layout_not_found", sheets=sheets)
    longs = [t for t in tables if t.role == "long"]
    details = [t for t in tables if t.role == "detail"]
    rankings = [t for t in tables if t.role in ("ranking", "plain")]
    if len(tables) == 1:
        return ("gii_long" if longs else "single"), (tables[0],)
    hint = None if sheet_given else "--sheet"
    # Two tables are fine only as one ranking + one detail table; anything else needs --sheet.
    clash = tables if longs else details if len(details) > 1 else rankings if len(rankings) > 1 else []
    if clash:
        raise MetricsError("layout_ambiguous", candidates=[t.ref for t in clash], hint=hint)
    return "ranking+detail", (rankings[0], details[0])


def _iso_kind(book: _Book, tables: tuple[Table, ...]) -> str | None:
    for t in tables:
        if t.iso_code:
            i = _idx(t.iso_code)
            codes = {
                len(clean_text(_cell(row, i)))
                for _, _, row in _data_rows(book.rows(t.sheet), t.header_row, _idx(t.country))
                if clean_text(_cell(row, i))
            }
            return {frozenset({3}): "iso3", frozenset({2}): "iso2"}.get(frozenset(codes), "mixed")
    return None


def _detect(book: _Book, sheet: str | None, index_hint: str | None) -> Layout:
    if sheet is not None and sheet not in book.names:
        raise MetricsError("sheet_not_found", sheet=sheet, sheets=book.names)
    names = [sheet] if sheet is not None else book.visible
    tables: list[Table] = []
    considered: list[Table] = []
    for name in names:
        kept, seen = _sheet_tables(book, name)
        tables += kept
        considered += seen
    kind, used = _choose(tables, book.names, sheet is not None)
    return Layout(
        kind=kind,
        tables=used,
        candidates=tuple(t.ref for t in considered),
        index_hint=index_hint,
        iso_kind=_iso_kind(book, used),
    )


def detect_layout(path: Source, sheet: str | None = None, index_hint: str | None = None) -> Layout:
    """Find the table(s) holding the index in a publisher workbook (see module docstring)."""
    book = _Book(path)
    try:
        return _detect(book, sheet, index_hint)
    finally:
        book.close()


# --- extracting ----------------------------------------------------------------------------------


@dataclass
class _Entry:
    """Values of one country from one table."""

    country: str
    row: int
    iso: str | None = None
    rank: int | None = None
    total: tuple[float, int] | None = None  # (value, Excel row)
    measures: dict[str, tuple[float, int]] = field(default_factory=dict)


class _Reader:
    """Reads tables of one workbook, collecting every problem."""

    def __init__(self, book: _Book, index_hint: str | None) -> None:
        self.book = book
        self.problems: list[Problem] = []
        self.total_names = H.total_row_names(index_hint)

    def problem(self, code: str, t: Table, row: int, letter: str | None, value: Any = None, **params):
        params = {"sheet": t.sheet, **({"cell": f"{letter}{row}"} if letter else {}), **params}
        column = t.headers.get(letter) if letter else None
        text = None if value is None else clean_text(value)
        self.problems.append(Problem(code=code, row=row, column=column, value=text, params=params))

    def number(self, t: Table, row: int, letter: str, cell: Any) -> float | None:
        if is_missing(cell):
            return None
        try:
            if isinstance(cell, bool):
                raise ValueError(cell)
            return parse_number(cell)
        except ValueError:
            self.problem("not_a_number", t, row, letter, cell)
            return None

    def rank(self, t: Table, row: int, cell: Any) -> int | None:
        try:
            return parse_rank(cell)
        except ValueError:
            self.problem("not_a_number", t, row, t.rank, cell)
            return None

    def wide(self, t: Table) -> dict[str, _Entry]:
        """country key -> entry, for a ranking / detail / plain table."""
        out: dict[str, _Entry] = {}
        for n, name, row in _data_rows(self.book.rows(t.sheet), t.header_row, _idx(t.country)):
            e = _Entry(country=name, row=n, iso=self._iso(t, row))
            if t.rank:
                e.rank = self.rank(t, n, _cell(row, _idx(t.rank)))
            if t.total:
                v = self.number(t, n, t.total, _cell(row, _idx(t.total)))
                e.total = None if v is None else (v, n)
            for mid, letter in t.measures.items():
                v = self.number(t, n, letter, _cell(row, _idx(letter)))
                if v is not None:
                    e.measures[mid] = (v, n)
            self._keep(out, t, e)
        return out

    def long(self, t: Table) -> dict[str, _Entry]:
        """country key -> entry with the overall-index row of each economy."""
        out: dict[str, _Entry] = {}
        total = t.total
        if total is None:  # never: a table is long only when it has a score column (_table)
            return out
        code_i = _idx(t.indicator_code) if t.indicator_code else None
        name_i = _idx(t.indicator_name) if t.indicator_name else None
        for n, name, row in _data_rows(self.book.rows(t.sheet), t.header_row, _idx(t.country)):
            if not self._is_total_row(row, code_i, name_i):
                continue
            e = _Entry(country=name, row=n, iso=self._iso(t, row))
            v = self.number(t, n, total, _cell(row, _idx(total)))
            e.total = None if v is None else (v, n)
            if t.rank:
                e.rank = self.rank(t, n, _cell(row, _idx(t.rank)))
            self._keep(out, t, e)
        return out

    def _is_total_row(self, row: tuple, code_i: int | None, name_i: int | None) -> bool:
        # 2021: IndCode "Index" / IndName "Global Innovation Index"; 2022+: NAME "Global Innovation
        # Index" with an empty NUM. A name match needs an empty or index-like code, because a
        # sub-indicator could reuse a generic word ("Index") as its name.
        code = H.normalise_header(_cell(row, code_i)) if code_i is not None and _cell(row, code_i) else ""
        name = H.normalise_header(_cell(row, name_i)) if name_i is not None and _cell(row, name_i) else ""
        if name in self.total_names and (not code or code in self.total_names or code == "0"):
            return True
        return bool(code) and code in self.total_names and not name

    def _iso(self, t: Table, row: tuple) -> str | None:
        return clean_text(_cell(row, _idx(t.iso_code))) or None if t.iso_code else None

    def _keep(self, out: dict[str, _Entry], t: Table, e: _Entry) -> None:
        key = _country_key(e.country)
        if key in out:
            self.problem("duplicate_row", t, e.row, t.country, e.country, first_row=out[key].row)
        else:
            out[key] = e


def _join(r: _Reader, ranking: Table, detail: Table) -> list[tuple[Table, _Entry, Table, _Entry | None]]:
    """Pair each ranking row with the detail row of the same country; unmatched rows are problems."""
    ranks, details = r.wide(ranking), r.wide(detail)
    pairs = []
    for key, e in ranks.items():
        d = details.get(key)
        if d is None:
            r.problem("country_not_in_detail", ranking, e.row, ranking.country, e.country, other=detail.sheet)
        pairs.append((ranking, e, detail, d))
    for key, d in details.items():
        if key not in ranks:
            r.problem("country_not_in_ranking", detail, d.row, detail.country, d.country, other=ranking.sheet)
    return pairs


def _check_totals(r: _Reader, ranking: Table, e: _Entry, detail: Table, d: _Entry) -> None:
    """The two sheets must agree up to the rounding the ranking sheet shows (GAIRI 2020: 3 d.p.)."""
    if e.total is None or d.total is None:
        return
    shown, full = e.total[0], d.total[0]
    decimals = len(repr(shown).split(".")[1]) if "." in repr(shown) and "e" not in repr(shown) else 0
    if abs(shown - full) > 0.5 * 10**-decimals + 1e-9:
        r.problem(
            "total_mismatch", ranking, e.row, ranking.total, shown, other=detail.sheet, other_value=full
        )


def _records(ranking: Table, e: _Entry, detail: Table | None, d: _Entry | None) -> list[dict[str, Any]]:
    total_t, total = ranking, e.total
    if d is not None and d.total is not None and detail is not None:  # the detail table's total wins
        total_t, total = detail, d.total
    out = []
    if total is not None:
        out.append(_record(e, "total", total, total_t.sheet, e.rank, d))
    if d is not None and detail is not None and detail is not ranking:
        out += [_record(e, mid, v, detail.sheet, None, d) for mid, v in d.measures.items()]
    out += [_record(e, mid, v, ranking.sheet, None, d) for mid, v in e.measures.items()]
    return out


def _record(e: _Entry, measure: str, v: tuple[float, int], sheet: str, rank, d: _Entry | None) -> dict:
    return {
        "country": e.country,
        "iso_code": e.iso or (d.iso if d else None),
        "measure_id": measure,
        "value": v[0],
        "published_rank": rank,
        "source_row": v[1],
        "source_sheet": sheet,
    }


def _extract(book: _Book, layout: Layout) -> tuple[list[dict[str, Any]], list[Problem]]:
    r = _Reader(book, layout.index_hint)
    records: list[dict[str, Any]] = []
    if layout.kind == "ranking+detail":
        ranking, detail = layout.tables
        for rt, e, dt, d in _join(r, ranking, detail):
            if d is not None:
                _check_totals(r, rt, e, dt, d)
            records += _records(rt, e, dt, d)
    else:
        (t,) = layout.tables
        entries = r.long(t) if layout.kind == "gii_long" else r.wide(t)
        if layout.kind == "gii_long" and not entries and not r.problems:
            raise MetricsError(
                "total_row_not_found", sheet=t.sheet, column=t.headers.get(t.indicator_name or "")
            )
        for e in entries.values():
            records += _records(t, e, None, None)
    return records, r.problems


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    df = pd.DataFrame(records, columns=COLUMNS)
    df["value"] = df["value"].astype("float64")
    df["published_rank"] = df["published_rank"].astype("Int64")
    df["source_row"] = df["source_row"].astype("int64")
    df["iso_code"] = df["iso_code"].astype(object).where(df["iso_code"].notna(), None)
    return df


def read_workbook(
    path: Source, sheet: str | None = None, index_hint: str | None = None
) -> tuple[pd.DataFrame, Layout]:
    """A publisher workbook -> (tidy frame, layout).

    Columns: country (name as printed, trimmed), iso_code (None when the file has none),
    measure_id ("total", pillar_* / dim_*), value (float), published_rank (Int64, total rows only),
    source_row (1-based Excel row of the value), source_sheet (sheet of that row).
    Missing values ("", "n/a", "..", "-", "–") are dropped; anything else that is not a number is a
    Problem, and all problems are raised together as ValidationFailed.
    """
    book = _Book(path)
    try:
        layout = _detect(book, sheet, index_hint)
        records, problems = _extract(book, layout)
    finally:
        book.close()
    if problems:
        order = {name: i for i, name in enumerate(layout.sheets)}
        problems.sort(key=lambda p: (order.get(p.params.get("sheet") or "", 0), p.row or 0))
        raise ValidationFailed(problems)
    return _frame(records), layout
