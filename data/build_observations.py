"""Rebuild data/observations.csv (tidy) from the publisher-derived CSVs in data/sources/.

Run by hand when a source CSV changes: `python data/build_observations.py`.
The app never runs this; it seeds from observations.csv, so what is loaded is reviewable in git.
One row per (index, edition, country, measure); the published rank sits on the total row only.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).parent
SRC = HERE / "sources"
OUT = HERE / "observations.csv"
COLUMNS = [
    "index_id",
    "edition_year",
    "iso3",
    "measure_id",
    "value",
    "published_rank",
    "name_in_source",
    "source_file",
]

OLD_PILLARS = {
    "pillar_government": "pillar_government",
    "pillar_technology_sector": "pillar_technology_sector",
    "pillar_data_infrastructure": "pillar_data_infrastructure",
}
OLD_DIMENSIONS = [
    "vision",
    "governance_and_ethics",
    "digital_capacity",
    "adaptability",
    "size",
    "maturity",
    "innovation_capacity",
    "human_capital",
    "data_availability",
    "data_representativeness",
    "infrastructure",
]
NEW_PILLARS = [
    "policy_capacity",
    "ai_infrastructure",
    "governance",
    "public_sector_adoption",
    "development_diffusion",
    "resilience",
]


def _read(name: str) -> list[dict[str, str]]:
    with open(SRC / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _row(index_id, year, iso3, measure, value, rank, name, source_file):
    return [index_id, year, iso3, measure, value, rank, name, source_file]


def gairi_rows() -> list[list[str]]:
    rows = []
    full = _read("gairi_full.csv")
    source_of = {(r["edition_year"], r["country_iso3"]): r for r in full}
    for r in full:
        key = (r["index"], r["edition_year"], r["country_iso3"])
        rows.append(
            _row(*key, "total", r["score"], r["global_rank"], r["country_name_source"], r["source_file"])
        )
        for col, measure in OLD_PILLARS.items():
            if r[col]:
                rows.append(_row(*key, measure, r[col], "", r["country_name_source"], r["source_file"]))
    for r in _read("gairi_dimensions_2020_2024.csv"):
        parent = source_of[(r["edition_year"], r["country_iso3"])]
        for dim in OLD_DIMENSIONS:
            if r[dim]:
                rows.append(
                    _row(
                        "GAIRI",
                        r["edition_year"],
                        r["country_iso3"],
                        f"dim_{dim}",
                        r[dim],
                        "",
                        r["country_name_source"],
                        parent["source_file"],
                    )
                )
    for r in _read("gairi_2025_pillars_dimensions.csv"):
        parent = source_of[(r["edition_year"], r["country_iso3"])]
        for col, value in r.items():
            if col in NEW_PILLARS:
                measure = f"pillar_{col}"
            elif col.startswith("dim_"):
                measure = col
            else:
                continue
            if value:
                rows.append(
                    _row(
                        "GAIRI",
                        r["edition_year"],
                        r["country_iso3"],
                        measure,
                        value,
                        "",
                        r["country_name_source"],
                        parent["source_file"],
                    )
                )
    return rows


def gii_rows() -> list[list[str]]:
    return [
        _row(
            r["index"],
            r["edition_year"],
            r["country_iso3"],
            "total",
            r["score"],
            r["global_rank"],
            r["country_name_source"],
            r["source_file"],
        )
        for r in _read("wipo_gii_overall_2021_2025.csv")
    ]


def aipi_rows() -> list[list[str]]:
    # IMF aggregates (regions, income groups) are not countries: they would distort any ranking.
    return [
        _row(r["index"], r["edition_year"], r["code"], "total", r["score"], "", r["code"], r["source_file"])
        for r in _read("imf_aipi_2023.csv")
        if r["is_aggregate"] == "0"
    ]


# Long-format yardstick files (index_id,edition_year,country_name,iso3,measure,value,published_rank):
# which source measure becomes which measure_id of data/measures.csv; other measures are not shipped.
LONG_FILES = {
    "un_egdi_2014_2024_long.csv": ("UN_EGDI", {"EGDI": "total", "OSI": "OSI", "HCI": "HCI", "TII": "TII"}),
    "eto_cat_ai_v1.12.0_sea11_long.csv": ("ETO_CAT_AI", {"num_articles": "total"}),
}


def long_rows() -> list[list[str]]:
    """Rows of the long yardstick files. A value the source flags incomplete (`<measure>_complete`
    = 0, the publication lag of recent years) is left out: a rank on half a year would mislead."""
    rows = []
    for name, (index_id, wanted) in LONG_FILES.items():
        source = _read(name)
        incomplete = {
            (r["edition_year"], r["iso3"], r["measure"].removesuffix("_complete"))
            for r in source
            if r["measure"].endswith("_complete") and r["value"] == "0"
        }
        for r in source:
            measure = wanted.get(r["measure"])
            if measure is None or not r["iso3"]:
                continue
            if (r["edition_year"], r["iso3"], r["measure"]) in incomplete:
                continue
            rank = r["published_rank"] if measure == "total" else ""
            rows.append(
                _row(
                    index_id, r["edition_year"], r["iso3"], measure, r["value"], rank, r["country_name"], name
                )
            )
    return rows


def main() -> None:
    rows = gairi_rows() + gii_rows() + aipi_rows() + long_rows()
    rows.sort(key=lambda r: (r[0], int(r[1]), r[2], r[3]))
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
