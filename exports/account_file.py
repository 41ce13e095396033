"""The spreadsheet an admin fills to open community accounts in bulk: one row per person with
their community (code or name), name, phone, and optionally a username and e-mail. Read with
the same limits as the user-count file; problems of a row are listed, not raised."""

from dataclasses import dataclass

from exports.table_file import read_table
from exports.user_count_file import RowError, clean_text

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


def parse_account_file(data: bytes, filename: str) -> ParsedAccounts:
    """The rows of an account spreadsheet, cleaned (blank rows skipped)."""
    table = read_table(
        data, filename, columns=COLUMNS,
        is_header=lambda found: bool(found & {"community", "community_code"})
        and "name" in found,
        header_message="找不到表头：需要包含“社区”（或“社区编码”）和“姓名”列，"
                       "可选“手机”“用户名”“邮箱”",
        max_rows=MAX_ACCOUNT_ROWS,
        too_many_message=f"文件超过 {MAX_ACCOUNT_ROWS} 行数据的上限，未创建任何账号")
    parsed = []
    for line in table:
        cell = {key: clean_text(value) or None for key, value in line.cells.items()}
        parsed.append(AccountRow(line.row, cell.get("street"), cell.get("community"),
                                 cell.get("community_code"), cell.get("name"),
                                 cell.get("phone"), cell.get("username"), cell.get("email")))
    errors = [] if parsed else [RowError(None, None, "文件中没有数据行")]
    return ParsedAccounts(parsed, errors)
