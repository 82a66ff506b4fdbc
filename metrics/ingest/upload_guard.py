"""Checks on an uploaded file BEFORE any parser sees it: size, type by content, zip bombs.

`check_upload(data, filename)` returns None for a file that may be parsed and raises a
MetricsError (code `upload_*`, translated in metrics/i18n/*/security.toml) otherwise.

- size: at most MAX_UPLOAD_MB (the same limit as server.maxUploadSize in .streamlit/config.toml);
- type: the extension must be one we read, and the content must match it: an .xlsx is a zip
  archive with [Content_Types].xml and a workbook part; a .csv/.tsv/.txt is text (no binary
  magic numbers, no NUL bytes unless UTF-16/32, almost no control characters);
- zip bombs: every member of an .xlsx is decompressed here, as a stream with a running count,
  and the upload is refused when the total, or one member's expansion ratio, passes a limit
  (declared sizes in a zip header can lie, so they are not trusted); encrypted members,
  absurd member counts and XML with DOCTYPE/ENTITY declarations (entity expansion) are refused.

Pure Python (zipfile, zlib); no parser, database or UI.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import PurePath

from metrics.errors import MetricsError

MAX_UPLOAD_MB = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt"})
# .xlsm: the importer reads the cells only (openpyxl never runs macros), so it is allowed too.
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})
ALLOWED_EXTENSIONS = TEXT_EXTENSIONS | XLSX_EXTENSIONS

# Zip limits. Real publisher workbooks expand 4-12x (the largest in tests/fixtures/raw: 6 MB).
MAX_ZIP_MEMBERS = 2_000
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
MAX_MEMBER_RATIO = 200  # uncompressed / compressed, for members above RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1024 * 1024
_CHUNK = 256 * 1024

# Text: share of control characters (other than tab, CR, LF, FF) allowed in the first part read.
MAX_CONTROL_SHARE = 0.01
TEXT_SAMPLE_BYTES = 1024 * 1024

_BINARY_MAGIC = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"%PDF", "pdf"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf", "7z"),
    (b"Rar!", "rar"),
    (b"SQLite format 3", "sqlite"),
)
_TEXT_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")
# The control characters a text file should not hold (all below 32 but _ALLOWED_CONTROLS, and DEL).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def check_upload(data: bytes, filename: str, *, max_bytes: int | None = MAX_UPLOAD_BYTES) -> None:
    """None when `data` may go to a reader; MetricsError(`upload_*`) when it must not.

    `max_bytes=None` lifts the size limit (a file an operator imports from the server's disk);
    the type and zip-bomb checks always apply."""
    ext = _checked_extension(filename, len(data), max_bytes)
    name = display_name(filename)
    _refuse_ole(data, name)
    if ext in XLSX_EXTENSIONS:
        _check_xlsx(data, name)
    else:
        _check_text(data, name)


def check_text_head(head: bytes, size: int, filename: str, *, max_bytes: int | None = None) -> None:
    """check_upload for a text file on disk from its size and first TEXT_SAMPLE_BYTES (all a text
    check reads), so a large CSV need not be loaded into memory to be checked. Not for workbooks."""
    ext = _checked_extension(filename, size, max_bytes)
    if ext in XLSX_EXTENSIONS:
        raise ValueError("a workbook is checked with all its bytes: check_upload")
    name = display_name(filename)
    _refuse_ole(head, name)
    _check_text(head[:TEXT_SAMPLE_BYTES], name, truncated=size > min(len(head), TEXT_SAMPLE_BYTES))


def _refuse_ole(data: bytes, name: str) -> None:
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE compound file: an old .xls, or an .xlsx protected with a password (both unreadable).
        raise MetricsError("upload_legacy_or_encrypted", name=name)


def _checked_extension(filename: str, size: int, max_bytes: int | None) -> str:
    """The file's extension, once its type is allowed and its size is neither 0 nor over the limit."""
    ext = PurePath(str(filename or "").lower()).suffix
    name = display_name(filename)
    if ext not in ALLOWED_EXTENSIONS:
        raise MetricsError(
            "upload_type_not_allowed", name=name, allowed=", ".join(sorted(ALLOWED_EXTENSIONS))
        )
    if size == 0:
        raise MetricsError("upload_empty", name=name)
    if max_bytes is not None and size > max_bytes:
        raise MetricsError(
            "upload_too_large", name=name, size_mb=round(size / 2**20, 1), limit_mb=round(max_bytes / 2**20)
        )
    return ext


def display_name(filename: str) -> str:
    """The file name safe to put in a message: no path, no control or markup characters, short."""
    base = PurePath(str(filename or "")).name
    clean = "".join(ch if ch.isalnum() or ch in " .,-_()" else "_" for ch in base)
    return clean[:120] or "_"


def _check_xlsx(data: bytes, name: str) -> None:
    if not data.startswith(b"PK\x03\x04"):
        raise MetricsError("upload_not_xlsx", name=name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise MetricsError("upload_not_xlsx", name=name) from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise MetricsError("upload_not_xlsx", name=name)
    if len(members) > MAX_ZIP_MEMBERS:
        raise MetricsError("upload_zip_bomb", name=name)
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise MetricsError("upload_legacy_or_encrypted", name=name)
        total += _expand(archive, member, name, MAX_UNCOMPRESSED_BYTES - total)


def _expand(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, budget: int) -> int:
    """Decompress one member as a stream; its real size. Refuses bombs and entity declarations."""
    size = 0
    is_xml = member.filename.endswith((".xml", ".rels", ".vml"))
    head = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > budget or (
                    size > RATIO_FLOOR_BYTES and size > MAX_MEMBER_RATIO * max(member.compress_size, 1)
                ):
                    raise MetricsError("upload_zip_bomb", name=name)
                if is_xml:
                    # Look across chunk borders: keep the tail of the previous chunk.
                    window = head + chunk
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise MetricsError("upload_unsafe_content", name=name)
                    head = chunk[-16:]
    except MetricsError:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        # Corrupt data, CRC mismatch, unsupported compression: not a workbook we can read.
        raise MetricsError("upload_not_xlsx", name=name) from None
    return size


def _check_text(data: bytes, name: str, truncated: bool | None = None) -> None:
    for magic, _kind in _BINARY_MAGIC:
        if data.startswith(magic):
            raise MetricsError("upload_not_text", name=name)
    sample = data[:TEXT_SAMPLE_BYTES]
    text = _decode_sample(sample, truncated=len(data) > len(sample) if truncated is None else truncated)
    if text is None:
        raise MetricsError("upload_not_text", name=name)
    controls = len(_CONTROLS.findall(text))  # one C-level scan (a Python loop took 0.1 s per MB)
    if "\x00" in text or controls > MAX_CONTROL_SHARE * max(len(text), 1):
        raise MetricsError("upload_not_text", name=name)


def _decode_sample(sample: bytes, truncated: bool) -> str | None:
    """The sample as text, or None when no text encoding fits (a cut last character is allowed)."""
    for bom, codec in _TEXT_BOMS:
        if sample.startswith(bom):
            return _decode(sample[len(bom) :], codec.replace("-sig", ""), truncated)
    nuls = sample[:4000].count(0)
    if nuls:
        if nuls < len(sample[:4000]) // 4:
            return None  # NUL bytes in a file that is not UTF-16/32: binary
        odd, even = sample[1:4000:2].count(0), sample[0:4000:2].count(0)
        return _decode(sample, "utf-16-le" if odd > even else "utf-16-be", truncated)
    text = _decode(sample, "utf-8", truncated)
    # Legacy single-byte encodings (Windows-1258 and friends) decode any byte: the control
    # character share decides then.
    return text if text is not None else sample.decode("latin-1")


def _decode(data: bytes, codec: str, truncated: bool) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if truncated and exc.start >= len(data) - 4:
            return data[: exc.start].decode(codec, errors="strict")
        return None
