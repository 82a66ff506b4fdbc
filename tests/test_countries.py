"""The country reference (data/countries.csv) and the name matcher (metrics.ingest.countries)."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest

from metrics.errors import MetricsError, NotFound, ValidationFailed
from metrics.ingest.countries import CountryResolver, load_country_rows, normalize_name, split_aliases

DATA = Path(__file__).resolve().parent.parent / "data"
COUNTRIES = DATA / "countries.csv"
OBSERVATIONS = DATA / "observations.csv"


def _observation_pairs() -> list[tuple[str, str]]:
    with open(OBSERVATIONS, newline="", encoding="utf-8") as f:
        return sorted({(row["name_in_source"], row["iso3"]) for row in csv.DictReader(f)})


OBSERVATION_PAIRS = _observation_pairs()
ROWS = load_country_rows(COUNTRIES)

# ASEAN members and Timor-Leste: (iso3, common Vietnamese name, official transliteration or None).
ASEAN_VI = [
    ("BRN", "Brunei", "Bru-nây"),
    ("KHM", "Campuchia", "Cam-pu-chia"),
    ("IDN", "Indonesia", "In-đô-nê-xi-a"),
    ("LAO", "Lào", None),
    ("MYS", "Malaysia", "Ma-lai-xi-a"),
    ("MMR", "Myanmar", "Mi-an-ma"),
    ("PHL", "Philippines", "Phi-líp-pin"),
    ("SGP", "Singapore", "Xinh-ga-po"),
    ("THA", "Thái Lan", None),
    ("VNM", "Việt Nam", None),
    ("TLS", "Timor-Leste", "Ti-mo Lét-xtê"),
]


@pytest.fixture(scope="module")
def resolver() -> CountryResolver:
    return CountryResolver(ROWS)


# --- the reference file -------------------------------------------------------------------------


def test_header_and_sorted():
    with open(COUNTRIES, newline="", encoding="utf-8") as f:
        assert next(csv.reader(f)) == ["iso3", "iso2", "name_en", "name_vi", "name_vi_official", "aliases"]
    codes = [row["iso3"] for row in ROWS]
    assert codes == sorted(codes)
    assert 195 <= len(ROWS) <= 210


def test_every_observation_code_is_in_the_reference():
    known = {row["iso3"] for row in ROWS}
    assert {iso3 for _, iso3 in OBSERVATION_PAIRS} <= known
    assert {"XKX", "VAT", "PSE", "TWN", "HKG"} <= known


def test_no_duplicate_codes():
    iso3 = [row["iso3"] for row in ROWS]
    iso2 = [row["iso2"] for row in ROWS]
    assert len(iso3) == len(set(iso3))
    assert len(iso2) == len(set(iso2))
    assert all(len(code) == 3 and code.isascii() and code.isupper() for code in iso3)
    assert all(len(code) == 2 and code.isascii() and code.isupper() for code in iso2)
    assert {"iso3": "XKX", "iso2": "XK"}.items() <= next(r for r in ROWS if r["iso3"] == "XKX").items()


def test_every_row_has_names():
    for row in ROWS:
        assert row["name_en"].strip(), row["iso3"]
        assert row["name_vi"].strip(), row["iso3"]


def test_text_is_nfc_and_trimmed():
    for row in ROWS:
        for column in ("name_en", "name_vi", "name_vi_official", "aliases"):
            value = row[column]
            assert unicodedata.is_normalized("NFC", value), (row["iso3"], column, value)
            assert value == value.strip(), (row["iso3"], column, value)


def test_aliases_are_not_codes():
    codes = {row["iso3"] for row in ROWS} | {row["iso2"] for row in ROWS}
    for row in ROWS:
        for alias in split_aliases(row["aliases"]):
            assert alias not in codes, (row["iso3"], alias)


def test_known_vietnamese_names(resolver):
    expected = {
        "KOR": "Hàn Quốc",
        "USA": "Hoa Kỳ",
        "CHN": "Trung Quốc",
        "JPN": "Nhật Bản",
        "DEU": "Đức",
        "FRA": "Pháp",
        "GBR": "Anh",
        "IND": "Ấn Độ",
        "RUS": "Nga",
        "VNM": "Việt Nam",
    }
    for iso3, name in expected.items():
        assert resolver.row(iso3)["name_vi"] == name


# --- resolving ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "iso3"), OBSERVATION_PAIRS, ids=[f"{c}-{n}" for n, c in OBSERVATION_PAIRS])
def test_every_source_spelling_resolves(resolver, name, iso3):
    assert resolver.resolve(name) == iso3


def test_codes_in_any_case(resolver):
    for row in ROWS:
        for code in (row["iso3"], row["iso2"]):
            assert resolver.resolve(code) == row["iso3"]
            assert resolver.resolve(code.lower()) == row["iso3"]
            assert resolver.resolve(f"  {code.lower()} ") == row["iso3"]
            mixed = code[0].lower() + code[1:]
            assert resolver.resolve(mixed) == row["iso3"]


def test_a_stored_name_beats_a_code_of_the_same_letters(resolver):
    assert resolver.resolve("Nga") == "RUS"  # Russia in Vietnamese
    assert resolver.resolve("NGA") == "NGA"
    assert resolver.resolve("nga") == "NGA"
    assert resolver.resolve("Áo") == "AUT"
    assert resolver.resolve("AO") == "AGO"
    assert resolver.resolve("Mỹ") == "USA"
    assert resolver.resolve("MY") == "MYS"


def test_every_stored_name_resolves_to_its_row(resolver):
    codes = {row["iso3"] for row in ROWS} | {row["iso2"] for row in ROWS}
    for row in ROWS:
        names = [row["name_en"], row["name_vi"], row["name_vi_official"], *split_aliases(row["aliases"])]
        for name in filter(None, names):
            assert resolver.resolve(name) == row["iso3"], name
            if name.upper() not in codes:  # "NGA" is Nigeria's code, "Nga" Russia's Vietnamese name
                assert resolver.resolve(name.upper()) == row["iso3"], name


@pytest.mark.parametrize(("iso3", "common", "official"), ASEAN_VI, ids=[a[0] for a in ASEAN_VI])
@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_asean_vietnamese_names(resolver, iso3, common, official, form):
    assert resolver.row(iso3)["name_vi"] == common
    assert resolver.row(iso3)["name_vi_official"] == (official or "")
    for name in filter(None, (common, official)):
        assert resolver.resolve(unicodedata.normalize(form, name)) == iso3


def test_asean_english_names(resolver):
    english = {
        "Brunei Darussalam": "BRN",
        "Cambodia": "KHM",
        "Indonesia": "IDN",
        "Lao PDR": "LAO",
        "Laos": "LAO",
        "Malaysia": "MYS",
        "Myanmar": "MMR",
        "Burma": "MMR",
        "Philippines": "PHL",
        "Singapore": "SGP",
        "Thailand": "THA",
        "Viet Nam": "VNM",
        "Vietnam": "VNM",
        "East Timor": "TLS",
        "Đông Timor": "TLS",
    }
    for name, iso3 in english.items():
        assert resolver.resolve(name) == iso3, name


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("Thụy Điển", "SWE"),
        ("Thuỵ Điển", "SWE"),
        ("Thụy Sĩ", "CHE"),
        ("Thuỵ Sĩ", "CHE"),
        ("Thụy Sỹ", "CHE"),
        ("Cộng hoà Séc", "CZE"),
        ("Cộng hòa Séc", "CZE"),
        ("Xinh ga po", "SGP"),
        ("Xinh–ga–po", "SGP"),
        ("xinh-ga-po", "SGP"),
        ("Viet Nam", "VNM"),
        ("viet   nam", "VNM"),
        ("VIỆT NAM", "VNM"),
        ("Duc", "DEU"),
        ("Hoa Kì", "USA"),
        ("Hoa Ky", "USA"),
        ("Vương quốc Anh", "GBR"),
        ("Triều Tiên", "PRK"),
        ("Korea, Rep.", "KOR"),
        ("Korea (Republic of)", "KOR"),
        ("Cote d’Ivoire", "CIV"),
        ("Côte d‘Ivoire", "CIV"),
        ("Gambia, The", "GMB"),
        ("Egypt, Arab Rep.", "EGY"),
        ("Venezuela, RB", "VEN"),
        ("Hong Kong SAR, China", "HKG"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Trinidad & Tobago", "TTO"),
        ("Ｖｉｅｔ　Ｎａｍ", "VNM"),  # full-width letters and ideographic space
    ],
)
def test_spelling_variants(resolver, text, iso3):
    assert resolver.resolve(text) == iso3
    assert resolver.resolve(unicodedata.normalize("NFD", text)) == iso3


def test_unknown_names(resolver):
    for text in ("Viet Nma", "Singapor", "Atlantis", "", "   ", "-", None):
        assert resolver.resolve(text) is None


# --- suggestions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("Viet Nma", "VNM"),
        ("Singapor", "SGP"),
        ("Phillipines", "PHL"),
        ("Malasia", "MYS"),
        ("Tailand", "THA"),
        ("Campuchea", "KHM"),
        ("Mianma", "MMR"),
        ("Untied States", "USA"),
    ],
)
def test_suggest_puts_the_intended_country_first(resolver, text, iso3):
    suggestions = resolver.suggest(text)
    assert suggestions[0][0] == iso3
    assert 0 < len(suggestions) <= 3
    scores = [score for _, _, score in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert len({code for code, _, _ in suggestions}) == len(suggestions)


def test_suggest_shape(resolver):
    iso3, name, score = resolver.suggest("Viet Nma")[0]
    assert (iso3, name) == ("VNM", "Viet Nam")
    assert isinstance(score, float) and 80 <= score < 100
    assert resolver.suggest("Singapor", limit=1)[0][:2] == ("SGP", "Singapore")
    assert len(resolver.suggest("Guinea", limit=5)) == 5
    assert resolver.suggest("Viet Nam")[0] == ("VNM", "Viet Nam", 100.0)
    assert resolver.suggest("vnm")[0] == ("VNM", "VNM", 100.0)
    assert resolver.suggest("Viet Nma", limit=0) == []
    assert resolver.suggest("qqqqqqqqqqqq") == []


# --- aliases and conflicts ----------------------------------------------------------------------


def test_add_alias():
    resolver = CountryResolver(ROWS)
    assert resolver.resolve("Nước Việt") is None
    resolver.add_alias("vnm", "Nước Việt")
    assert resolver.resolve("nuoc viet") == "VNM"
    resolver.add_alias("VNM", "Nước Việt")  # again: a no-op
    assert CountryResolver(ROWS).resolve("Nước Việt") is None  # other resolvers are untouched


def test_add_alias_conflict_and_unknown_code():
    resolver = CountryResolver(ROWS)
    with pytest.raises(MetricsError) as info:
        resolver.add_alias("LAO", "Viet-nam")
    assert info.value.code == "country_alias_conflict"
    assert info.value.params["iso3"] == "LAO" and info.value.params["other"] == "VNM"
    with pytest.raises(MetricsError) as info:
        resolver.add_alias("VNM", "USA")  # would shadow the code of the United States
    assert info.value.code == "country_alias_conflict"
    assert resolver.resolve("USA") == "USA"
    with pytest.raises(NotFound):
        resolver.add_alias("ZZZ", "Nowhere")


def test_extra_aliases_at_build_time():
    resolver = CountryResolver(ROWS, extra_aliases={"KOR": ["Nam Hàn"], "THA": "Xiêm"})
    assert resolver.resolve("Nam Han") == "KOR"
    assert resolver.resolve("Xiem") == "THA"


def _row(iso3, iso2, name_en, name_vi="", official="", aliases=""):
    return {
        "iso3": iso3,
        "iso2": iso2,
        "name_en": name_en,
        "name_vi": name_vi,
        "name_vi_official": official,
        "aliases": aliases,
    }


def test_alias_conflict_raises_at_build_time():
    rows = [
        _row("AAA", "AA", "Alpha", aliases="Common Land"),
        _row("BBB", "BB", "Beta", aliases="common-land"),
    ]
    with pytest.raises(MetricsError) as info:
        CountryResolver(rows)
    assert info.value.code == "country_alias_conflict"
    assert {info.value.params["iso3"], info.value.params["other"]} == {"AAA", "BBB"}


def test_duplicate_code_raises():
    with pytest.raises(MetricsError) as info:
        CountryResolver([_row("AAA", "AA", "Alpha"), _row("BBB", "AA", "Beta")])
    assert info.value.code == "country_code_conflict"


def test_invalid_code_is_a_validation_problem():
    with pytest.raises(ValidationFailed) as info:
        CountryResolver([_row("AAA", "AA", "Alpha"), _row("B1", "BB", "Beta")])
    (problem,) = info.value.problems
    assert (problem.code, problem.row, problem.column, problem.value) == (
        "country_code_invalid",
        3,
        "iso3",
        "B1",
    )


def test_builds_from_a_dataframe():
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(COUNTRIES, dtype=str, keep_default_na=False)
    resolver = CountryResolver(frame)
    assert resolver.resolve("Ma-lai-xi-a") == "MYS"
    assert len(resolver.codes) == len(ROWS)


def test_load_country_rows_requires_the_columns(tmp_path):
    path = tmp_path / "countries.csv"
    path.write_text("iso3,iso2,name_en\nVNM,VN,Viet Nam\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_country_rows(path)
    assert {p.column for p in info.value.problems} == {"name_vi", "name_vi_official", "aliases"}


# --- the key ------------------------------------------------------------------------------------


def test_normalize_name():
    assert normalize_name("  Việt   Nam ") == "viet nam"
    assert normalize_name(unicodedata.normalize("NFD", "Việt Nam")) == "viet nam"
    assert normalize_name("Thụy Điển") == normalize_name("Thuỵ Điển") == "thuy dien"
    assert normalize_name("hòa") == normalize_name("hoà") == "hoa"
    assert normalize_name("khỏe") == normalize_name("khoẻ")
    assert normalize_name("Xinh-ga-po") == normalize_name("Xinh ga po") == "xinh ga po"
    assert normalize_name("Côte d’Ivoire") == normalize_name("Cote dIvoire") == "cote divoire"
    assert normalize_name("Korea, Rep.") == "korea rep"
    assert normalize_name("The Gambia") == normalize_name("Gambia, The") == "gambia"
    assert normalize_name("TÃ¼rkiye") == normalize_name("Türkiye") == "turkiye"
    assert normalize_name("Đức") == "duc"
    assert normalize_name("") == ""
