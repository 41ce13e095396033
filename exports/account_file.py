"""The spreadsheet an admin fills to open community accounts in bulk: one row per person with
their community (code or name), name, phone, and optionally a username and e-mail. Read with
the same limits as the user-count file; problems of a row are listed, not raised."""

from dataclasses import dataclass
from itertools import chain, islice

from exports.user_count_file import (
    HEADER_SEARCH_ROWS,
    FileLimitError,
    RowError,
    UnreadableFileError,
    clean_text,
    header_text,
    read_rows,
)

# Several people for each of the district's 263 communities (each row's password is hashed
# in the request: the limit keeps it to seconds).
MAX_ACCOUNT_ROWS = 1_000
COLUMNS = {
    "street": ["街道", "街道名称", "所属街道"],
    "community": ["社区", "社区名称", "社区居委会", "居委会", "所属社区"],
    "community_code": ["社区编码", "社区代码", "统计用区划代码", "区划代码"],
    "name": ["姓名", "人员", "联系人", "人员姓名"],
    "phone": ["手机", "手机号", "手机号码", "电话", "联系电话"],
    "username": ["用户名", "账号", "登录名"],
    "email": ["邮箱", "电子邮箱", "电子邮件", "email", "e-mail"],
}
_COLUMN_OF = {header_text(name).lower(): key for key, names in COLUMNS.items()
              for name in names}


@dataclass(frozen=True)
class AccountRow:
    row: int  # 1-based, as a person sees it in Excel
    street: str | None
    community: str | None
    community_code: str | None
    name: str | None
    phone: str | None
    username: str | None
    email: str | None


@dataclass(frozen=True)
class ParsedAccounts:
    rows: list[AccountRow]
    errors: list[RowError]


def _find_header(rows: list) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            key = _COLUMN_OF.get(header_text(cell).lower())
            if key and key not in columns:
                columns[key] = position
        if ("community" in columns or "community_code" in columns) and "name" in columns:
            return index, columns
    raise UnreadableFileError("找不到表头：需要包含“社区”（或“社区编码”）和“姓名”列，"
                              "可选“手机”“用户名”“邮箱”")


def parse_account_file(data: bytes, filename: str) -> ParsedAccounts:
    """The rows of an account spreadsheet, cleaned (blank rows skipped)."""
    rows = read_rows(data, filename)
    top = list(islice(rows, HEADER_SEARCH_ROWS))
    header_index, columns = _find_header(top)

    def cell(row, key: str) -> str | None:
        position = columns.get(key)
        value = row[position] if position is not None and position < len(row) else None
        return clean_text(value) or None

    parsed, errors = [], []
    for count, row in enumerate(chain(top[header_index + 1:], rows), start=1):
        if count > MAX_ACCOUNT_ROWS:
            raise FileLimitError(f"文件超过 {MAX_ACCOUNT_ROWS} 行数据的上限，未创建任何账号")
        index = header_index + 1 + count
        if all(clean_text(value) == "" for value in row):
            continue
        parsed.append(AccountRow(index, cell(row, "street"), cell(row, "community"),
                                 cell(row, "community_code"), cell(row, "name"),
                                 cell(row, "phone"), cell(row, "username"), cell(row, "email")))
    if not parsed:
        errors.append(RowError(None, None, "文件中没有数据行"))
    return ParsedAccounts(parsed, errors)
