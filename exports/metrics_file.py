"""Reading the platforms' statistics exports (.xlsx or .csv) for channel metrics: a channel's
figures per day, or a publication's. Read with the same limits and the same cell rules as the
user-count file (exports/user_count_file.py): title rows above the header, numbers as text
with separators or full-width digits, blank rows. Matching rows to channels and publications
is the caller's job; problems of a row are listed, not raised."""

from dataclasses import dataclass
from datetime import date

from exports.table_file import read_table
from exports.user_count_file import (
    MAX_ROWS,
    RowError,
    clean_text,
    parse_count,
    parse_date,
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
    # Optional figures kept together under one name, e.g. the new followers' sources: those a
    # row gives (None when it gives none).
    parts: tuple[str, dict[str, str]] | None = None


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
        # WeChat's 用户增长 export splits the new followers by where they came from.
        "search": ["搜一搜", "搜索", "公众号搜索", "搜一搜关注"],
        "qr_code": ["扫描二维码", "扫码", "扫码关注"],
        "article": ["图文页", "图文页内公众号名称", "图文页右上角菜单", "文章页"],
        "card": ["名片分享", "公众号名片"],
        "video": ["视频号"],
        "other": ["其他", "其他合计", "其他来源"],
    },
    labels={"day": "日期", "channel": "渠道", "followers": "粉丝数", "new_followers": "新增关注",
            "unfollows": "取消关注", "reads": "阅读量", "shares": "分享量",
            "interactions": "互动量", "search": "搜一搜", "qr_code": "扫描二维码",
            "article": "图文页", "card": "名片分享", "video": "视频号", "other": "其他"},
    texts=("channel",),
    figures=("followers", "new_followers", "unfollows", "reads", "shares", "interactions"),
    header_needs=(("day",), ("followers",), ("reads",)),
    header_message="找不到表头：需要包含“日期”“粉丝数”“新增关注”“取消关注”“阅读量”“分享量”"
                   "“互动量”列（多个渠道时加“渠道”列）",
    parts=("follower_sources", {"search": "搜一搜", "qr_code": "扫描二维码", "article": "图文页",
                                "card": "名片分享", "video": "视频号", "other": "其他"}),
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


def _day(value, row: int, errors: list[RowError]) -> date | None:
    if clean_text(value) == "":
        errors.append(RowError(row, "日期", "缺少日期"))
        return None
    found = parse_date(value)
    if found is None:
        errors.append(RowError(row, "日期", f"不是有效的日期：{shown(value)!r}"))
    return found


def _parts(line, kind: MetricFileKind, errors: list[RowError]) -> dict[str, int] | None:
    """The optional figures of a row that it gives (a blank cell gives none)."""
    found = {}
    for key in kind.parts[1]:
        value = line.cells.get(key)
        if clean_text(value) == "":
            continue
        count, reason = parse_count(value)
        if reason:
            errors.append(RowError(line.row, kind.labels[key], reason))
        else:
            found[key] = count
    return found or None


def parse_metric_file(data: bytes, filename: str, kind: MetricFileKind) -> ParsedMetrics:
    """The rows of a statistics export, cleaned. Every figure the kind names must be there
    in every row (a missing column is a missing value): a snapshot is whole or not stored."""
    table = read_table(
        data, filename, columns=kind.columns,
        is_header=lambda found: all(any(key in found for key in keys)
                                    for keys in kind.header_needs),
        header_message=kind.header_message, max_rows=MAX_ROWS,
        too_many_message=f"文件超过 {MAX_ROWS} 行数据（含空行）的上限，未导入任何数据")
    parsed, errors = [], []
    for line in table:
        cell = line.cells.get
        day = _day(cell("day"), line.row, errors)
        figures = {}
        for key in kind.figures:
            figures[key], reason = parse_count(cell(key))
            if reason:
                errors.append(RowError(line.row, kind.labels[key], reason))
        if kind.parts:
            figures[kind.parts[0]] = _parts(line, kind, errors)
        texts = {key: clean_text(cell(key)) or None for key in kind.texts}
        parsed.append(MetricRow(line.row, day, texts, figures))
    if not parsed:
        errors.append(RowError(None, None, "文件中没有数据行"))
    return ParsedMetrics(parsed, errors)
