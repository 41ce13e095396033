"""Reading the platform's per-community user-count exports (.xlsx or .csv), however messy:
title rows above the header, merged cells, numbers as text with separators or full-width
digits, stray spaces, blank rows. Matching rows to communities is the caller's job."""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

HEADER_SEARCH_ROWS = 10
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


def _parse_date(value) -> date | None:
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


def _parse_count(value) -> tuple[int | None, str | None]:
    """A whole, non-negative count, or the reason it is not one."""
    if value is None or clean_text(value) == "":
        return None, "缺少数值"
    if isinstance(value, bool):
        return None, f"不是有效的数字：{value!r}"
    if isinstance(value, int | float):
        number = value
    else:
        text = clean_text(value).replace(",", "").replace("，", "").replace(" ", "")
        try:
            number = float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else None
        except ValueError:
            number = None
        if number is None:
            return None, f"不是有效的数字：{clean_text(value)!r}"
    if number != int(number):
        return None, f"应为整数：{value}"
    if number < 0:
        return None, f"不能为负数：{int(number)}"
    return int(number), None


def _read_xlsx(data: bytes) -> list[list]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign zip
        raise UnreadableFileError("无法读取该 Excel 文件，请确认是有效的 .xlsx 文件") from exc


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV")


def _read_csv(data: bytes) -> list[list]:
    text = _decode(data)
    if "\x00" in text:
        raise UnreadableFileError("文件不是表格（CSV 或 .xlsx）")
    first_lines = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    delimiter = max([",", "\t", ";"], key=first_lines.count)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_rows(data: bytes, filename: str) -> list[list]:
    if not data:
        raise UnreadableFileError("文件为空")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFileError("不支持旧版 .xls 文件，请另存为 .xlsx 或 .csv")
    if data.startswith(b"PK"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise UnreadableFileError("无法读取该 Excel 文件，请确认是有效的 .xlsx 文件")
        return _read_xlsx(data)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFileError("文件扩展名为 .xlsx，但内容不是 Excel 文件")
    return _read_csv(data)


def _column_of(header: str) -> str | None:
    text = re.sub(r"\s+", "", clean_text(header))
    for key, names in COLUMNS.items():
        if text in names:
            return key
    return None


def _find_header(rows: list[list]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
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


def _stated_date(title_rows: list[list]) -> date | None:
    for row in title_rows:
        for cell in row:
            found = _parse_date(cell)
            if found:
                return found
    return None


def _cell(row: list, columns: dict[str, int], key: str):
    position = columns.get(key)
    return row[position] if position is not None and position < len(row) else None


def parse_user_count_file(data: bytes, filename: str) -> ParsedFile:
    """Rows of a platform export, cleaned; cell problems are listed, not raised."""
    rows = _read_rows(data, filename)
    header_index, columns = _find_header(rows)
    stated = _stated_date(rows[:header_index])
    parsed, errors = [], []
    for index, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        if all(clean_text(cell) == "" for cell in row):
            continue
        stated = stated or _parse_date(_cell(row, columns, "date"))
        community = clean_text(_cell(row, columns, "community")) or None
        code = clean_text(_cell(row, columns, "community_code")) or None
        registered, registered_error = _parse_count(_cell(row, columns, "registered"))
        verified, verified_error = _parse_count(_cell(row, columns, "verified"))
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
