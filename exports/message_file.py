"""A platform's export of comments, private messages and inquiries (.xlsx or .csv): one row
per message with its channel, kind, time of receipt, the user's handle and text, and
optionally the platform's id of the message, the content it refers to and a category. Read
with the same limits as the user-count file; a row's problems are listed, not raised."""

from dataclasses import dataclass
from datetime import datetime

from exports.table_file import read_table
from exports.user_count_file import RowError, clean_text, shown

MAX_MESSAGE_ROWS = 5_000
COLUMNS = {
    "channel": ["渠道", "平台", "账号", "channel"],
    "kind": ["类型", "消息类型", "kind"],
    "received_at": ["收到时间", "时间", "留言时间", "发送时间", "received_at"],
    "handle": ["用户", "昵称", "用户昵称", "网民", "handle"],
    "text": ["内容", "留言内容", "消息内容", "text"],
    "external_id": ["编号", "消息编号", "消息ID", "id"],
    "content_id": ["关联内容", "内容编号", "content_id"],
    "category": ["分类", "问题分类", "category"],
}
LABELS = {"channel": "渠道", "kind": "类型", "received_at": "收到时间", "handle": "用户",
          "text": "内容", "external_id": "编号", "content_id": "关联内容", "category": "分类"}
REQUIRED = ("channel", "kind", "received_at", "handle", "text")
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M")


@dataclass(frozen=True)
class MessageRow:
    row: int
    channel: str | None
    kind: str | None
    received_at: datetime | None  # naive: the platform's local time (Asia/Shanghai), or aware
    handle: str | None
    text: str | None
    external_id: str | None
    content_id: int | None
    category: str | None


@dataclass(frozen=True)
class ParsedMessages:
    rows: list[MessageRow]
    errors: list[RowError]


def _time(value) -> datetime | str:
    """The cell as a datetime, or why it is not one."""
    if isinstance(value, datetime):
        return value
    text = clean_text(value)
    if not text:
        return "缺少收到时间"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return f"不是有效的时间：{shown(value)}（例如 2023-09-28 10:00）"


def _content_id(value) -> int | str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) if value == int(value) and value > 0 else f"应为内容编号：{value}"
    text = clean_text(value)
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 10 else f"应为内容编号：{shown(value)}"


def parse_message_file(data: bytes, filename: str) -> ParsedMessages:
    """The rows of a message export, cleaned (blank rows skipped); a row missing a required
    cell, or with a time or content id that cannot be read, is listed with why."""
    table = read_table(
        data, filename, columns=COLUMNS, is_header=lambda found: set(REQUIRED) <= found,
        header_message="找不到表头：需要包含“渠道”“类型”“收到时间”“用户”“内容”列，"
                       "可选“编号”“关联内容”“分类”",
        max_rows=MAX_MESSAGE_ROWS,
        too_many_message=f"文件超过 {MAX_MESSAGE_ROWS} 行数据的上限，未导入任何数据")
    rows, errors = [], []
    for line in table:
        cell = {key: clean_text(value) or None for key, value in line.cells.items()}
        for key in ("channel", "kind", "handle", "text"):
            if not cell.get(key):
                errors.append(RowError(line.row, LABELS[key], f"缺少{LABELS[key]}"))
        received = _time(line.cells.get("received_at"))
        if isinstance(received, str):
            errors.append(RowError(line.row, LABELS["received_at"], received))
            received = None
        content_id = _content_id(line.cells.get("content_id"))
        if isinstance(content_id, str):
            errors.append(RowError(line.row, LABELS["content_id"], content_id))
            content_id = None
        # The text as written (only trimmed): a message is quoted, not normalised.
        text = line.cells.get("text")
        rows.append(MessageRow(line.row, cell.get("channel"), cell.get("kind"), received,
                               cell.get("handle"), str(text).strip() if text else None,
                               cell.get("external_id"), content_id, cell.get("category")))
    if not rows:
        errors.append(RowError(None, None, "文件中没有数据行"))
    return ParsedMessages(rows, errors)
