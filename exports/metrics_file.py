"""Reading the platforms' statistics exports (.xlsx or .csv) for channel metrics: a channel's
figures per day, or a publication's. Read with the same limits and the same cell rules as the
user-count file (exports/user_count_file.py): title rows above the header, numbers as text
with separators or full-width digits, blank rows. Matching rows to channels and publications
is the caller's job; problems of a row are listed, not raised."""

from dataclasses import dataclass
from datetime import date
from itertools import chain, islice

from exports.user_count_file import (
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    FileLimitError,
    RowError,
    UnreadableFileError,
    clean_text,
    header_text,
    parse_count,
    parse_date,
    read_rows,
    shown,
)


@dataclass(frozen=True)
class MetricFileKind:
    """What one kind of export holds: its columns (key → the names a header may give it),
    which are text and which are figures, and which make a header."""

    columns: dict[str, list[str]]
    labels: dict[str, str]
    texts: tuple[str, ...]
    figures: tuple[str, ...]
    header_needs: tuple[tuple[str, ...], ...]  # each: one of these keys must be there
    header_message: str


CHANNEL_FILE = MetricFileKind(
    columns={
        "day": ["日期", "统计日期", "时间"],
        "channel": ["渠道", "平台", "账号", "渠道编码"],
        "followers": ["粉丝数", "累计关注人数", "累计粉丝数", "总粉丝数", "用户数", "累计用户数"],
        "new_followers": ["新增关注", "新增关注人数", "新关注人数", "新增粉丝", "新增粉丝数"],
        "unfollows": ["取消关注", "取消关注人数", "取关人数", "取消关注数"],
        "reads": ["阅读量", "阅读次数", "阅读数", "阅读人次"],
        "shares": ["分享量", "分享次数", "分享数", "转发数"],
        "interactions": ["互动量", "互动数", "互动次数"],
    },
    labels={"day": "日期", "channel": "渠道", "followers": "粉丝数", "new_followers": "新增关注",
            "unfollows": "取消关注", "reads": "阅读量", "shares": "分享量",
            "interactions": "互动量"},
    texts=("channel",),
    figures=("followers", "new_followers", "unfollows", "reads", "shares", "interactions"),
    header_needs=(("day",), ("followers",), ("reads",)),
    header_message="找不到表头：需要包含“日期”“粉丝数”“新增关注”“取消关注”“阅读量”“分享量”"
                   "“互动量”列（多个渠道时加“渠道”列）",
)
PUBLICATION_FILE = MetricFileKind(
    columns={
        "day": ["日期", "统计日期"],
        "publication_id": ["发布记录编号", "发布编号"],
        "url": ["链接", "网络链接", "文章链接", "url", "URL"],
        "reads": ["阅读量", "阅读次数", "阅读数", "浏览量"],
        "shares": ["分享量", "分享次数", "分享数", "转发数"],
        "likes": ["点赞量", "点赞数", "点赞次数"],
    },
    labels={"day": "日期", "publication_id": "发布记录编号", "url": "链接", "reads": "阅读量",
            "shares": "分享量", "likes": "点赞量"},
    texts=("publication_id", "url"),
    figures=("reads", "shares", "likes"),
    header_needs=(("day",), ("publication_id", "url"), ("reads",)),
    header_message="找不到表头：需要包含“日期”、“链接”（或“发布记录编号”）、“阅读量”"
                   "“分享量”“点赞量”列",
)


@dataclass(frozen=True)
class MetricRow:
    row: int  # 1-based, as a person sees it in Excel
    day: date | None
    texts: dict[str, str | None]
    figures: dict[str, int | None]


@dataclass(frozen=True)
class ParsedMetrics:
    rows: list[MetricRow]
    errors: list[RowError]


def _find_header(rows: list, kind: MetricFileKind) -> tuple[int, dict[str, int]]:
    column_of = {header_text(name).lower(): key for key, names in kind.columns.items()
                 for name in names}
    for index, row in enumerate(rows):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            key = column_of.get(header_text(cell).lower())
            if key and key not in columns:
                columns[key] = position
        if all(any(key in columns for key in keys) for keys in kind.header_needs):
            return index, columns
    raise UnreadableFileError(kind.header_message)


def _day(value, row: int, errors: list[RowError]) -> date | None:
    if clean_text(value) == "":
        errors.append(RowError(row, "日期", "缺少日期"))
        return None
    found = parse_date(value)
    if found is None:
        errors.append(RowError(row, "日期", f"不是有效的日期：{shown(value)!r}"))
    return found


def parse_metric_file(data: bytes, filename: str, kind: MetricFileKind) -> ParsedMetrics:
    """The rows of a statistics export, cleaned. Every figure the kind names must be there
    in every row (a missing column is a missing value): a snapshot is whole or not stored."""
    rows = read_rows(data, filename)
    top = list(islice(rows, HEADER_SEARCH_ROWS))
    header_index, columns = _find_header(top, kind)

    def cell(row, key: str):
        position = columns.get(key)
        return row[position] if position is not None and position < len(row) else None

    parsed, errors = [], []
    for count, row in enumerate(chain(top[header_index + 1:], rows), start=1):
        if count > MAX_ROWS:
            raise FileLimitError(f"文件超过 {MAX_ROWS} 行数据（含空行）的上限，未导入任何数据")
        index = header_index + 1 + count
        if all(clean_text(value) == "" for value in row):
            continue
        day = _day(cell(row, "day"), index, errors)
        figures = {}
        for key in kind.figures:
            figures[key], reason = parse_count(cell(row, key))
            if reason:
                errors.append(RowError(index, kind.labels[key], reason))
        texts = {key: clean_text(cell(row, key)) or None for key in kind.texts}
        parsed.append(MetricRow(index, day, texts, figures))
    if not parsed:
        errors.append(RowError(None, None, "文件中没有数据行"))
    return ParsedMetrics(parsed, errors)
