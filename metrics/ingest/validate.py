"""Step 5, validate: which content checks run on the staged rows, and what they found.

In: the cursor (with the relations the stage and plan steps left), the SourceFile (the headers
problems are reported under), the ImportOptions, the ImportContext, the Staged rows and the
EditionsPlan. Out: `Findings`: problems (the import is refused) and warnings (shown as
suspicious), in the order they are shown. Each check of metrics.ingest.checks scans the rows only
when what is already known (the matched names, the per-edition figures) says it can find
something: a clean file of a million rows pays none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.errors import Problem
from metrics.ingest import checks
from metrics.ingest.countries import CountryResolver
from metrics.ingest.figures import HEADLINE
from metrics.ingest.plan import EditionsPlan
from metrics.ingest.reference import ImportContext
from metrics.ingest.source import Cursor, ImportOptions, SourceFile
from metrics.ingest.stage import Staged

# Closest known names shown for an unknown one: at most 3, scoring at least this (0-100).
SUGGEST_CUTOFF = 70.0


@dataclass(frozen=True)
class Findings:
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def validate(
    cur: Cursor,
    source: SourceFile,
    options: ImportOptions,
    context: ImportContext,
    staged: Staged,
    planned: EditionsPlan,
) -> Findings:
    problems = _row_problems(cur, source, context, staged, planned)
    warnings = _rank_and_count_warnings(cur, source, staged, planned)
    headline_problems, headline_warnings = _headline(source, options, context, staged, planned)
    return Findings(tuple(problems + headline_problems), tuple(warnings + headline_warnings))


def suggester(resolver: CountryResolver) -> checks.Suggest:
    """The closest known names of an unknown one (metrics.ingest.checks.unknown_countries)."""

    def suggest(text: str) -> list[tuple[str, str, float]]:
        return resolver.suggest(text, limit=3, score_cutoff=SUGGEST_CUTOFF) if text else []

    return suggest


def _row_problems(
    cur: Cursor, source: SourceFile, context: ImportContext, staged: Staged, planned: EditionsPlan
) -> list[Problem]:
    """Unknown countries, codes that mean another country, repeats, measures outside the
    framework, values outside the scale."""
    columns = source.columns
    # measure text as written -> the header its values came from (a long file: its value column)
    value_columns: dict[str | None, str | None] = {t: columns.get("value") for t in staged.measures.texts}
    value_columns.update(source.measure_columns)
    problems: list[Problem] = []
    if staged.unmatched_names:
        problems += checks.unknown_countries(cur, columns.get("country"), suggester(context.resolver))
    if any(n.codes_disagree for n in staged.names):
        problems += checks.code_mismatches(cur, columns.get("iso_code"))
    if staged.figures.has_repeats:  # found while counting (metrics.ingest.figures); the GROUP BY lists them
        problems += checks.duplicates(cur, columns.get("country"), staged.measures.collided)
    outside_framework = outside_scale = False
    for check in planned.checks:
        stats = staged.figures.of(check.edition_year)
        outside_scale |= check.check_scale and (
            stats.value_min < check.scale_min or stats.value_max > check.scale_max
        )
        outside_framework |= check.check_measures and any(
            (check.edition_year, m) not in planned.allowed_measures for m in stats.measure_ids
        )
    if outside_framework:
        problems += checks.measures_outside_framework(cur, value_columns)
    if outside_scale:
        problems += checks.outside_scale(cur, value_columns)
    return problems


def _rank_and_count_warnings(
    cur: Cursor, source: SourceFile, staged: Staged, planned: EditionsPlan
) -> list[Problem]:
    """Published ranks the scores contradict; country counts far from the previous edition's or
    from the version replaced."""
    warnings: list[Problem] = []
    if staged.figures.ranked_rows:
        warnings += checks.rank_disagreements(cur, source.columns.get("rank"))
    editions = planned.editions
    counts = {p.edition_year: p.country_count for p in editions}
    previous = {
        p.edition_year: checks.CountryCount(p.previous_edition, p.previous_country_count)
        for p in editions
        if p.edition_is_new and p.previous_edition is not None and p.previous_country_count
    }
    warnings += checks.country_count_changes(counts, previous)
    replaced = {
        p.edition_year: checks.Replacement(
            p.country_count, p.current_version_id, _replaced_countries(planned, p.edition_year)
        )
        for p in editions
        if p.action == "replace" and p.current_version_id is not None
    }
    warnings += checks.replacement_country_changes(replaced)
    return warnings


def _replaced_countries(planned: EditionsPlan, year: int) -> int:
    """The country count of the version an edition's import replaces (its current one)."""
    plan = next(p for p in planned.editions if p.edition_year == year)
    versions = planned.versions.get(year, ())
    return next((v.country_count for v in versions if v.version_id == plan.current_version_id), 0)


def _headline(
    source: SourceFile, options: ImportOptions, context: ImportContext, staged: Staged, planned: EditionsPlan
) -> tuple[list[Problem], list[Problem]]:
    """An edition of an index that has a total, with no total for most of its countries."""
    known = context.known_measure_ids
    if context.index_is_new or HEADLINE not in known:
        return [], []
    unknown = {p.edition_year: [m for m in p.measures if m not in known] for p in planned.editions}
    headers = {
        mid: source.measure_columns.get(text, text) for mid, text in staged.measures.first_text().items()
    }
    stats = [s for s in staged.figures.editions if s.year in unknown]
    return checks.headline_gaps(stats, unknown, headers, options.allow_no_headline)
