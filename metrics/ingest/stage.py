"""Step 3, stage: a SourceFile's tidy rows onto the import's cursor, with countries and measures matched.

In: the cursor, the SourceFile, the ImportOptions and the ImportContext (reference data, matcher,
index). Out: a `Staged` (read-only): each distinct (name, code) with the country it matched, each
measure text with its measure id, the relation holding the rows, the per-edition figures
(metrics.ingest.figures) and the problems found on the way (an edition that differs from
--edition, two texts for one measure, no rows). On the cursor it leaves the temporary relations
metrics.ingest.checks and metrics.store.imports read: `import_names`, `import_measures` and the
view `import_rows` over `import_facts` (or, for the fast path's scratch table, over the typed view
`import_stage` itself).

Country names are matched once per DISTINCT (name, code) in Python and joined back in SQL on
small integer keys, so a million rows of two hundred countries cost two hundred matches.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from metrics.errors import MetricsError, Problem
from metrics.ingest import cells, checks, mapping
from metrics.ingest.figures import EditionFigures, edition_figures
from metrics.ingest.limits import check_new_measures
from metrics.ingest.reference import ImportContext
from metrics.ingest.source import Cursor, DistinctKeys, ImportOptions, SourceFile


@dataclass(frozen=True)
class NameMatch:
    """One distinct (country, code) of the file and the country it is imported as."""

    country: str
    iso_code: str
    iso3: str | None  # None: matched no country
    by_name: str | None  # the country the name means
    by_code: str | None  # the country the code means

    @property
    def codes_disagree(self) -> bool:
        return bool(self.by_name and self.by_code and self.by_name != self.by_code)


@dataclass(frozen=True)
class MeasureMatch:
    """The measure texts of the file and the measure id each feeds."""

    texts: tuple[str | None, ...]  # every distinct text, sorted (an ignored one too)
    measure_of: dict[str, str]  # text -> measure id (an ignored text is left out)
    matched_by: dict[str, str]  # text -> chosen, alias, known, synonym, new or ignored
    measure_ids: tuple[str, ...]  # sorted; the position is the measure_no of the SQL
    collided: tuple[str, ...]  # measure ids that two texts map to (a problem each)

    def first_text(self) -> dict[str, str]:
        """measure id -> the first text that feeds it."""
        text_of: dict[str, str] = {}
        for text, mid in self.measure_of.items():
            text_of.setdefault(mid, text)
        return text_of


@dataclass(frozen=True)
class Staged:
    """The file's rows on the cursor, as the plan and validate steps need them."""

    names: tuple[NameMatch, ...]
    iso_codes: tuple[str, ...]  # the countries matched, sorted; the position is the SQL iso_no
    measures: MeasureMatch
    figures: EditionFigures
    facts: str  # the relation the rows' numbers are stored in (import_facts or import_rows)
    problems: tuple[Problem, ...]

    @property
    def unmatched_names(self) -> bool:
        return any(n.iso3 is None for n in self.names)


def stage(cur: Cursor, source: SourceFile, options: ImportOptions, context: ImportContext) -> Staged:
    """Stage the rows, match names and measures, join them back, count each edition."""
    _stage_view(cur, source)
    keys = source.distinct or _distinct_keys(cur)
    year = default_year(keys, options, source)
    problems: list[Problem] = []
    if options.edition_year is not None:
        problems += checks.edition_mismatches(cur, int(options.edition_year), source.columns.get("year"))
    names = match_names(keys, context)
    iso_codes = tuple(sorted({n.iso3 for n in names if n.iso3}))
    _names_table(cur, names, iso_codes)
    measures = match_measures(keys, source, options, context)
    problems += _collisions(measures, source)
    _measures_table(cur, measures)
    facts = _join_rows(cur, year, on_scratch_table=source.relation is not None)
    if source.relation is None:
        _unstage(cur)
    every_row_keyed = not measures.collided and all(n.iso3 is not None for n in names)
    figures = edition_figures(cur, facts, iso_codes, measures.measure_ids, measures.collided, every_row_keyed)
    if not figures.editions:
        problems.append(Problem("no_data_rows", params={"file": source.file_name}))
    return Staged(
        names=names,
        iso_codes=iso_codes,
        measures=measures,
        figures=figures,
        facts=facts,
        problems=tuple(problems),
    )


def _stage_view(cur: Cursor, source: SourceFile) -> None:
    """The file's tidy rows as the temporary view `import_stage` of this cursor (typed, not copied:
    it reads the registered frame or Arrow table `import_source` until `_unstage`)."""
    obj: Any = None
    if source.relation is not None:
        present = set(source.relation_columns)
    elif source.arrow is not None:
        obj, present = source.arrow, set(source.arrow.column_names)
    elif source.frame is not None:
        obj, present = source.frame, set(source.frame.columns)
    else:
        raise ValueError(f"{source.file_name}: a SourceFile without rows")

    def col(name: str, cast: str, default: str = "NULL") -> str:
        expr = name if name in present else default
        if default != "NULL" and name in present:
            expr = f"coalesce({name}, {default})"
        return f"CAST({expr} AS {cast}) AS {name}"

    if obj is not None:
        cur.register("import_source", obj)
    cur.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW import_stage AS
        SELECT {col("country", "VARCHAR", "''")}, {col("iso_code", "VARCHAR", "''")},
               {col("edition_year", "INTEGER")}, {col("measure_text", "VARCHAR")},
               {col("value", "DOUBLE")}, {col("published_rank", "INTEGER")},
               {col("source_row", "BIGINT")}, {col("source_sheet", "VARCHAR", "''")}
        FROM {"import_source" if obj is not None else f"({source.relation})"}
        """  # noqa: S608 - fixed column names; the relation is fixed SQL of read_tidy_csv
    )


def _unstage(cur: Cursor) -> None:
    cur.execute("DROP VIEW IF EXISTS import_stage")
    with contextlib.suppress(Exception):  # nothing registered for a scratch-table relation
        cur.unregister("import_source")


def _distinct_keys(cur: Cursor) -> DistinctKeys:
    """The distinct years, (name, code) pairs and measure texts of the staged rows: ONE scan
    (three grouping sets) rather than a scan each (the fast path's read may have made it already)."""
    rows = cur.execute(
        """
        SELECT grouping(country, iso_code), grouping(measure_text), country, iso_code, measure_text,
               edition_year
        FROM import_stage GROUP BY GROUPING SETS ((country, iso_code), (measure_text), (edition_year))
        """
    ).fetchall()
    return DistinctKeys.from_grouping_sets(rows)


def default_year(keys: DistinctKeys, options: ImportOptions, source: SourceFile) -> int | None:
    """The edition of rows without a year: --edition, else a year named in the file's headers/name."""
    needs_default = not keys.years or None in keys.years
    year = options.edition_year
    if year is None and needs_default:
        year = source.edition_hint
    if needs_default and year is None:
        raise MetricsError("edition_required", file=source.file_name)
    if year is not None and not cells.YEAR_MIN <= int(year) <= cells.YEAR_MAX:
        raise MetricsError("edition_invalid", edition=year, min=cells.YEAR_MIN, max=cells.YEAR_MAX)
    return None if year is None else int(year)


def match_names(keys: DistinctKeys, context: ImportContext) -> tuple[NameMatch, ...]:
    """Each distinct (name, code) with the country it is imported as."""
    resolver = context.resolver
    names = []
    for country, code in keys.pairs:
        by_name = resolver.resolve(country) if country else None
        by_code = resolver.resolve(code) if code else None
        # The code decides, unless the name means another country: then the name is kept (and the
        # mismatch reported), so one shifted code does not also show up as a duplicate.
        iso3 = by_name if by_name and by_code != by_name else by_code
        names.append(NameMatch(country, code, iso3, by_name, by_code))
    return tuple(names)


def match_measures(
    keys: DistinctKeys, source: SourceFile, options: ImportOptions, context: ImportContext
) -> MeasureMatch:
    """Each measure text with its measure id; MetricsError when too many would be new."""
    texts = keys.measure_texts
    measure_of, matched_by = mapping.measure_map(
        list(texts),  # type: ignore[arg-type]  # a None text (no measure column) maps like any other
        context.index_id,
        context.ref,
        options.column_map,
        source.measure_columns,
    )
    check_new_measures(measure_of.values(), context.known_measure_ids, context.index_id)
    by_id: dict[str, list[str]] = {}
    for text, mid in measure_of.items():
        by_id.setdefault(mid, []).append(text)
    return MeasureMatch(
        texts=texts,
        measure_of=measure_of,
        matched_by=matched_by,
        measure_ids=tuple(sorted(set(measure_of.values()))),
        collided=tuple(mid for mid, group in sorted(by_id.items()) if len(group) > 1),
    )


def _collisions(measures: MeasureMatch, source: SourceFile) -> list[Problem]:
    """Two texts of the file that map to one measure id: a problem each."""
    problems = []
    for mid in measures.collided:
        group = [text for text, m in measures.measure_of.items() if m == mid]
        problems.append(
            Problem(
                "measure_id_collision",
                column=source.measure_columns.get(group[1]),
                value=" / ".join(group),
                params={"measure": mid, "texts": " / ".join(group)},
            )
        )
    return problems


def _temp_table(cur: Cursor, name: str, columns: dict[str, tuple[str, list[Any]]]) -> None:
    """A small temporary table from its columns (column -> (SQL type, values), all of one length;
    names and types from this module only): each list bound once and unnested side by side."""
    select = ", ".join(
        f"unnest(${i + 1}::{sql_type}[]) AS {column}"
        for i, (column, (sql_type, _)) in enumerate(columns.items())
    )
    values = [list(v) for _, v in columns.values()]
    cur.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select}", values)


def _names_table(cur: Cursor, names: tuple[NameMatch, ...], iso_codes: tuple[str, ...]) -> None:
    """`import_names`: one row per distinct (country, iso_code); iso_no a small integer per country,
    so the checks group on integers, not on text."""
    numbers = {iso3: i for i, iso3 in enumerate(iso_codes)}
    _temp_table(
        cur,
        "import_names",
        {
            "country": ("VARCHAR", [n.country for n in names]),
            "iso_code": ("VARCHAR", [n.iso_code for n in names]),
            "iso3": ("VARCHAR", [n.iso3 for n in names]),
            "name_iso3": ("VARCHAR", [n.by_name for n in names]),
            "code_iso3": ("VARCHAR", [n.by_code for n in names]),
            "iso_no": ("INTEGER", [numbers.get(n.iso3) if n.iso3 else None for n in names]),
            "name_no": ("INTEGER", list(range(len(names)))),
        },
    )


def _measures_table(cur: Cursor, measures: MeasureMatch) -> None:
    """`import_measures`: one row per measure text kept, with its measure id and measure_no."""
    numbers = {mid: i for i, mid in enumerate(measures.measure_ids)}
    pairs = list(measures.measure_of.items())
    _temp_table(
        cur,
        "import_measures",
        {
            "measure_text": ("VARCHAR", [text for text, _ in pairs]),
            "measure_id": ("VARCHAR", [mid for _, mid in pairs]),
            "measure_no": ("INTEGER", [numbers[mid] for _, mid in pairs]),
            "text_no": ("INTEGER", list(range(len(pairs)))),
        },
    )


def _join_rows(cur: Cursor, default_year: int | None, *, on_scratch_table: bool) -> str:
    """The view `import_rows`; returns the relation that stores the rows' numbers."""
    year = "s.edition_year" if default_year is None else f"coalesce(s.edition_year, {int(default_year)})"
    if on_scratch_table:
        # The rows already sit in a table (the fast path's scratch table): the checks and the
        # writer read them through the two small joins; copying a million rows once more into
        # import_facts would cost more than the few scans below.
        cur.execute(
            f"""
            CREATE OR REPLACE TEMP VIEW import_rows AS
            SELECT n.country, n.iso_code, n.iso3, {year} AS edition_year, m.measure_text, m.measure_id,
                   s.value, s.published_rank, s.source_row, s.source_sheet, n.iso_no, m.measure_no
            FROM import_stage s
            JOIN import_names n ON n.country = s.country AND n.iso_code = s.iso_code
            JOIN import_measures m USING (measure_text)
            """  # noqa: S608 - fixed text; the year is an int
        )
        return "import_rows"
    cur.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE import_facts AS
        SELECT n.name_no, n.iso_no, {year} AS edition_year, m.text_no, m.measure_no,
               s.value, s.published_rank, s.source_row, s.source_sheet
        FROM import_stage s
        JOIN import_names n ON n.country = s.country AND n.iso_code = s.iso_code
        JOIN import_measures m USING (measure_text)
        """  # noqa: S608 - fixed text; the year is an int
    )
    # The rows as the checks and the writer read them: numbers stored once per row, texts once per
    # distinct name and measure (a million copies of the same strings cost more to store than two
    # joins on small integer keys cost to read).
    cur.execute(
        """
        CREATE OR REPLACE TEMP VIEW import_rows AS
        SELECT n.country, n.iso_code, n.iso3, f.edition_year, m.measure_text, m.measure_id,
               f.value, f.published_rank, f.source_row, f.source_sheet, f.iso_no, f.measure_no
        FROM import_facts f
        JOIN import_names n ON n.name_no = f.name_no
        JOIN import_measures m ON m.text_no = f.text_no
        """
    )
    return "import_facts"
