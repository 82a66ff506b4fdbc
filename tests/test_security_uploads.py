"""Uploads are checked for size, type (by content) and zip bombs before any parser sees them."""

from __future__ import annotations

import io
import tomllib
import zipfile

import pytest

from metrics.errors import MetricsError
from metrics.ingest import upload_guard as guard
from tests.conftest import FIXTURES, ROOT

REAL_FILES = sorted(
    [*(FIXTURES / "raw").glob("*.xlsx"), *(FIXTURES / "good").iterdir(), *(ROOT / "data").glob("*.csv")]
)


def _code(data: bytes, name: str) -> str:
    with pytest.raises(MetricsError) as err:
        guard.check_upload(data, name)
    return err.value.code


def _xlsx(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


MINIMAL = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_real_publisher_and_analyst_file_passes(path):
    guard.check_upload(path.read_bytes(), path.name)


def test_the_limit_is_the_servers_upload_limit():
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        assert tomllib.load(f)["server"]["maxUploadSize"] == guard.MAX_UPLOAD_MB


def test_too_large_and_empty_files_are_refused():
    assert _code(b"a,b\n" * (guard.MAX_UPLOAD_BYTES // 4 + 1), "big.csv") == "upload_too_large"
    assert _code(b"", "empty.csv") == "upload_empty"
    # An operator's import from the server's disk may lift the size limit, never the other checks.
    guard.check_upload(b"a,b\n" * (guard.MAX_UPLOAD_BYTES // 4 + 1), "big.csv", max_bytes=None)
    assert _code(b"\x89PNG" + bytes(100), "big.csv") == "upload_not_text"


@pytest.mark.parametrize("name", ["report.pdf", "old.xls", "sheet.ods", "run.exe", "noext", "data.csv.exe"])
def test_only_known_extensions(name):
    assert _code(b"a,b\n1,2\n", name) == "upload_type_not_allowed"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"country,score\nVNM,54.5\n", "fake.xlsx", "upload_not_xlsx"),
        (_xlsx({"hello.txt": b"hi"}), "plain_zip.xlsx", "upload_not_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "protected.xlsx", "upload_legacy_or_encrypted"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "picture.csv", "upload_not_text"),
        (b"%PDF-1.7\n" + bytes(100), "scan.csv", "upload_not_text"),
        (_xlsx(MINIMAL), "workbook_renamed.csv", "upload_not_text"),
        (b"country,score\x00\x01\x02\x03" + bytes(range(256)) * 4, "binary.csv", "upload_not_text"),
    ],
)
def test_content_must_match_the_type(data, name, code):
    assert _code(data, name) == code


def test_a_truncated_workbook_is_not_parsed():
    real = (FIXTURES / "raw" / "oxford_insights_gairi_2022_public-data.xlsx").read_bytes()
    assert _code(real[: len(real) // 2], "cut.xlsx") == "upload_not_xlsx"


def test_zip_bomb_by_expansion_ratio():
    bomb = _xlsx({**MINIMAL, "xl/worksheets/sheet1.xml": b"0" * (64 * 1024 * 1024)})
    assert len(bomb) < guard.MAX_UPLOAD_BYTES // 100  # small on the wire
    assert _code(bomb, "bomb.xlsx") == "upload_zip_bomb"


def test_zip_bomb_by_member_count():
    many = {**MINIMAL, **{f"xl/media/{i}.bin": b"" for i in range(guard.MAX_ZIP_MEMBERS)}}
    assert _code(_xlsx(many, zipfile.ZIP_STORED), "many.xlsx") == "upload_zip_bomb"


def test_total_expanded_size_is_bounded(monkeypatch):
    # Counted while decompressing (what is really produced), across all members.
    monkeypatch.setattr(guard, "MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024)
    data = bytearray(_xlsx({**MINIMAL, "xl/sharedStrings.xml": b"<sst>" + b"x" * (3 * 1024 * 1024)}))
    assert _code(bytes(data), "big_inside.xlsx") == "upload_zip_bomb"


def test_xml_entity_declarations_are_refused():
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><sst>&lol2;</sst>'
    assert _code(_xlsx({**MINIMAL, "xl/sharedStrings.xml": laughs}), "laughs.xlsx") == "upload_unsafe_content"


def test_utf16_and_legacy_vietnamese_text_are_text():
    text = "quốc gia,điểm\nViệt Nam,54,5\n"
    guard.check_upload(text.encode("utf-16"), "a.csv")
    guard.check_upload(text.encode("utf-16-le"), "b.txt")  # no BOM
    guard.check_upload(text.encode("utf-8-sig"), "c.csv")
    guard.check_upload((FIXTURES / "good" / "vi_long_cp1258.csv").read_bytes(), "d.csv")


def test_file_names_in_messages_carry_no_markup():
    assert guard.display_name("../../etc/<b>x</b>[a](javascript:1).csv") == "b__a_(javascript_1).csv"
    with pytest.raises(MetricsError) as err:
        guard.check_upload(b"", "C:\\Users\\an\\[x](http:__e).csv")
    assert "[" not in err.value.params["name"] and "(" in err.value.params["name"]
