"""Reading the platform's per-community user-count exports (.xlsx or .csv), however messy:
title rows above the header, merged cells, numbers as text with separators or full-width
digits, stray spaces, blank rows. Matching rows to communities is the caller's job."""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice

from openpyxl import load_workbook

HEADER_SEARCH_ROWS = 10
# What one upload may hold, so that no file (however it was made) costs the server more than
# about a second and 100 MB (bench/bench_import_bombs.py): the district has 263 communities.
MAX_ROWS = 10_000  # rows below the header, blank ones included
MAX_COLUMNS = 30  # cells beyond are never read
MAX_CELL_CHARS = 1_000  # cleaning and matching text costs time in its length
MAX_COUNT = 10_000_000  # a registered or verified count, per community
# openpyxl builds a whole row, a whole <mergeCells> or the whole styles.xml in memory at 25-40
# times its XML size (and ~1 s per 2 MB), so what it parses must be small. The sizes a zip
# declares can be trusted: zipfile stops inflating a member at its declared size.
MAX_SHEET_XML_BYTES = 2 * 2**20  # the worksheets together (10,000 rows of 4 columns ~1.5 MB)
MAX_XML_BYTES = 2**20  # every other member together (shared strings, styles, ...)
MAX_ZIP_MEMBERS = 1_000  # an export has about ten; openpyxl lists them all again
COLUMNS = {
    "street": ["街道", "街道名称", "所属街道", "街道办事处"],
    "community": ["社区", "社区名称", "社区居委会", "居委会", "社区（居委会）"],
    "community_code": ["社区编码", "社区代码", "统计用区划代码", "区划代码", "编码"],
    "registered": ["注册用户数", "注册数", "注册用户", "注册人数"],
    "verified": ["实名认证用户数", "实名用户数", "认证用户数", "实名认证数", "实名认证人数"],
    "date": ["日期", "统计日期"],
}
LABELS = {"street": "街道", "community": "社区", "community_code": "社区编码",
          "registered": "注册用户数", "verified": "实名认证用户数", "date": "日期"}
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
# A line and its ending: \r, \n or \r\n, as csv wants (Excel for Mac ends lines with \r).
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)?")
_DATE_PATTERNS = [
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
]


@dataclass(frozen=True)
class RawRow:
    row: int  # 1-based, as a person sees it in Excel
    street: str | None
    community: str | None
    community_code: str | None
    registered: int | None
    verified: int | None


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    reason: str


@dataclass(frozen=True)
class ParsedFile:
    rows: list[RawRow]
    errors: list[RowError]
    stated_date: date | None


class UnreadableFileError(Exception):
    """Not a spreadsheet we can read; the message is for people (Chinese)."""


class FileLimitError(Exception):
    """A spreadsheet past one of the limits above; the message is for people (Chinese)."""


def clean_text(value) -> str:
    """Full-width to half-width, all kinds of spaces trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\u3000", " ").strip()


def normalize_community_name(name: str) -> str:
    """A community's name without spaces or its 社区居委会 / 居委会 / 社区 suffix."""
    text = re.sub(r"\s+", "", clean_text(name))
    for suffix in ("社区居民委员会", "居民委员会", "社区居委会", "居委会", "社区"):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def normalize_street_name(name: str) -> str:
    """A street's name without spaces or its 街道办事处 / 街道 suffix."""
    text = re.sub(r"\s+", "", clean_text(name))
    for suffix in ("街道办事处", "街道"):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                return None
    return None


def shown(value, limit: int = 20) -> str:
    """A cell's text for a message: cleaned and cut short, so that no error repeats a whole
    long cell."""
    text = clean_text(value)
    return text if len(text) <= limit else text[:limit] + "…"


def parse_count(value) -> tuple[int | None, str | None]:
    """A whole count in 0..MAX_COUNT, or the reason it is not one."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(value)
    else:
        text = clean_text(value)
        if text == "":
            return None, "缺少数值"
        text = text.replace(",", "").replace("，", "").replace(" ", "")
        if not _NUMBER.fullmatch(text):
            return None, f"不是有效的数字：{shown(value)!r}"
        number = Decimal(text)  # exact at any length, where float would overflow or round
    if not number.is_finite():
        return None, f"不是有效的数字：{shown(value)!r}"
    if number != number.to_integral_value():
        return None, f"应为整数：{shown(value)}"
    if number < 0:
        return None, f"不能为负数：{shown(value)}"
    if number > MAX_COUNT:
        return None, f"超出范围（0 至 {MAX_COUNT:,}）：{shown(value)}"
    return int(number), None


def _check_zip(data: bytes) -> None:
    """Refuse a zip whose members would inflate past the limits, before anything inflates."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception as exc:  # a damaged central directory raises more than BadZipFile
        raise UnreadableFileError("无法读取该 Excel 文件，请确认是有效的 .xlsx 文件") from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise FileLimitError(f"文件结构异常（包含超过 {MAX_ZIP_MEMBERS} 个部件），"
                             "请用 Excel 另存为新的 .xlsx 文件后再导入")
    if any(m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for m in members):
        # Excel only deflates; zipfile inflates bzip2 and lzma without an output bound.
        raise UnreadableFileError("无法读取该 Excel 文件，请确认是有效的 .xlsx 文件")
    sheets = sum(m.file_size for m in members if m.filename.startswith("xl/worksheets/"))
    if sheets > MAX_SHEET_XML_BYTES:
        raise FileLimitError(f"工作表过大（解压后超过 {MAX_SHEET_XML_BYTES // 2**20} MB），"
                             f"请删除多余的行、列和工作表；最多 {MAX_ROWS} 行数据")
    if sum(m.file_size for m in members) - sheets > MAX_XML_BYTES:
        raise FileLimitError(f"文件中表格以外的内容过大（解压后超过 {MAX_XML_BYTES // 2**20} MB），"
                             "请删除图片等内容，只保留数据后另存")


def _read_xlsx(data: bytes) -> Iterator[tuple]:
    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # In read-only mode openpyxl takes the sheet's size from its <dimension> element
            # and pads every row to it; the file says what it likes there.
            sheet.reset_dimensions()
            yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        finally:
            workbook.close()
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign zip
        raise UnreadableFileError("无法读取该 Excel 文件，请确认是有效的 .xlsx 文件") from exc


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV")


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` one at a time (an io.StringIO would hold the whole text again, at
    4 bytes a character)."""
    return (match.group() for match in _LINE.finditer(text) if match.group())


def _read_csv(data: bytes) -> Iterator[list]:
    text = _decode(data)
    if "\x00" in text:
        raise UnreadableFileError("文件不是表格（CSV 或 .xlsx）")
    # From the first 64 KB only: the lines are joined, and the first could be the whole file.
    first_lines = "".join(islice(_lines(text[:65536]), HEADER_SEARCH_ROWS))
    delimiter = max([",", "\t", ";"], key=first_lines.count)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    records = 0
    try:
        for row in reader:
            records += 1
            yield row[:MAX_COLUMNS]
    except csv.Error as error:  # the record after the last good one cannot be read
        if "field limit" in str(error):
            raise _too_long(records + 1) from None
        raise UnreadableFileError(f"第 {records + 1} 行不是有效的 CSV 格式") from None


def _too_long(row: int) -> FileLimitError:
    return FileLimitError(f"第 {row} 行有单元格超过 {MAX_CELL_CHARS} 个字符，请检查该行")


def read_rows(data: bytes, filename: str) -> Iterator[tuple | list]:
    """The file's rows, one at a time, each at most MAX_COLUMNS cells of at most
    MAX_CELL_CHARS characters."""
    if not data:
        raise UnreadableFileError("文件为空")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFileError("不支持旧版 .xls 文件，请另存为 .xlsx 或 .csv")
    if data.startswith(b"PK"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise UnreadableFileError("无法读取该 Excel 文件，请确认是有效的 .xlsx 文件")
        rows = _read_xlsx(data)
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFileError("文件扩展名为 .xlsx，但内容不是 Excel 文件")
    else:
        rows = _read_csv(data)
    for number, row in enumerate(rows, start=1):
        if any(isinstance(cell, str) and len(cell) > MAX_CELL_CHARS for cell in row):
            raise _too_long(number)
        yield row


def header_text(text) -> str:
    return re.sub(r"\s+", "", clean_text(text))


# The names as a header cell reads once cleaned: "社区（居委会）" is "社区(居委会)" after NFKC.
_COLUMN_OF = {header_text(name): key for key, names in COLUMNS.items() for name in names}


def _column_of(header: str) -> str | None:
    return _COLUMN_OF.get(header_text(header))


def _find_header(rows: list) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows):
        columns = {}
        for position, cell in enumerate(row):
            key = _column_of(cell)
            if key and key not in columns:
                columns[key] = position
        has_place = "community" in columns or "community_code" in columns
        if has_place and "registered" in columns and "verified" in columns:
            return index, columns
    raise UnreadableFileError(
        "找不到表头：需要包含“社区”（或“社区编码”）、“注册用户数”、“实名认证用户数”列")


def _stated_date(title_rows: Iterable) -> date | None:
    for row in title_rows:
        for cell in row:
            found = parse_date(cell)
            if found:
                return found
    return None


def _cell(row, columns: dict[str, int], key: str):
    position = columns.get(key)
    return row[position] if position is not None and position < len(row) else None


def parse_user_count_file(data: bytes, filename: str) -> ParsedFile:
    """Rows of a platform export, cleaned; cell problems are listed, not raised. A file past
    MAX_ROWS is refused as soon as its next row is read, without reading the rest."""
    rows = read_rows(data, filename)
    top = list(islice(rows, HEADER_SEARCH_ROWS))
    header_index, columns = _find_header(top)
    stated = _stated_date(top[:header_index])
    parsed, errors = [], []
    body = chain(top[header_index + 1:], rows)
    for count, row in enumerate(body, start=1):
        if count > MAX_ROWS:
            raise FileLimitError(f"文件超过 {MAX_ROWS} 行数据（含空行）的上限，未导入任何数据")
        index = header_index + 1 + count
        if all(clean_text(cell) == "" for cell in row):
            continue
        stated = stated or parse_date(_cell(row, columns, "date"))
        community = clean_text(_cell(row, columns, "community")) or None
        code = clean_text(_cell(row, columns, "community_code")) or None
        registered, registered_error = parse_count(_cell(row, columns, "registered"))
        verified, verified_error = parse_count(_cell(row, columns, "verified"))
        if registered_error:
            errors.append(RowError(index, LABELS["registered"], registered_error))
        if verified_error:
            errors.append(RowError(index, LABELS["verified"], verified_error))
        if community is None and code is None:
            errors.append(RowError(index, LABELS["community"], "缺少社区名称或社区编码"))
        if registered is not None and verified is not None and verified > registered:
            errors.append(RowError(index, LABELS["verified"],
                                   f"实名认证用户数（{verified}）大于注册用户数（{registered}）"))
        parsed.append(RawRow(index, clean_text(_cell(row, columns, "street")) or None,
                             community, code, registered, verified))
    if not parsed:
        errors.append(RowError(None, None, "文件中没有数据行"))
    return ParsedFile(parsed, errors, stated)
