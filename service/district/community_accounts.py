"""Opening community accounts in bulk from a spreadsheet: a dry run shows what would be
created; the import creates every account or none, each with a one-time password (answered
once) that its user replaces at the first login."""

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from exports.account_file import AccountRow, parse_account_file
from exports.user_count_file import (
    FileLimitError,
    RawRow,
    RowError,
    UnreadableFileError,
    shown,
)
from models import Community, Role, User, db
from service.district.accounts import create_user, one_time_password
from service.progress.user_counts import (
    RowsRejectedError,
    UnreadableUploadError,
    UploadRefusedError,
    _CommunityIndex,
)
from service.transaction import writer

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
PHONE = re.compile(r"^[0-9+() -]{0,32}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
# Text a database cannot store or a workbook cannot hold (as the API refuses in bodies).
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
UNSTORABLE_MESSAGE = "包含无法保存的控制字符或无效字符"
# The hash of the one-time passwords a bulk import makes. scrypt's cost (0.1–0.2 s) is there
# for passwords people choose; these are random (about 59 bits, see accounts) and replaced at
# the first login, so PBKDF2 at 20,000 rounds (~15 ms) guards them as well as scrypt guards a
# chosen one, and 500 accounts take seconds, not a minute and a half of a web worker.
ONE_TIME_HASH_METHOD = "pbkdf2:sha256:20000"


@dataclass
class PlannedAccount:
    row: int
    username: str
    display_name: str
    community_code: str
    community_name: str
    phone: str | None
    email: str | None
    one_time_password: str | None = None
    id: int | None = None


@dataclass
class AccountImport:
    dry_run: bool
    rows: int
    accounts: list[PlannedAccount] = field(default_factory=list)


def _plan_row(row: AccountRow, index: _CommunityIndex, names: dict[str, str],
              taken: set[str], first_row_of: dict[str, int]
              ) -> tuple[PlannedAccount | None, list[RowError]]:
    errors = []
    code, error = index.find(RawRow(row.row, row.street, row.community, row.community_code,
                                    None, None))
    if error:
        errors.append(error)
    if not row.name:
        errors.append(RowError(row.row, "姓名", "缺少姓名"))
    elif UNSTORABLE.search(row.name):
        errors.append(RowError(row.row, "姓名", UNSTORABLE_MESSAGE))
    elif len(row.name) > 100:
        errors.append(RowError(row.row, "姓名", "姓名最多 100 个字符"))
    phone = row.phone
    if phone and not PHONE.match(phone):
        errors.append(RowError(row.row, "手机", f"电话号码格式不正确：{shown(phone)}"))
    username = row.username or (re.sub(r"\D", "", phone) if phone else None)
    if not username:
        errors.append(RowError(row.row, "用户名", "缺少用户名（或用作用户名的手机号）"))
    elif not USERNAME.match(username):
        errors.append(RowError(row.row, "用户名", "用户名应为 2–64 个字母、数字或 _ . -"))
    elif username.lower() in first_row_of:
        errors.append(RowError(row.row, "用户名", f"用户名重复出现（第 "
                                                  f"{first_row_of[username.lower()]} 行已有）"))
    elif username.lower() in taken:
        errors.append(RowError(row.row, "用户名", f"用户名已存在：{shown(username)}"))
    if username:
        first_row_of.setdefault(username.lower(), row.row)
    if row.email and (len(row.email) > 254 or UNSTORABLE.search(row.email)
                      or not EMAIL.match(row.email)):
        errors.append(RowError(row.row, "邮箱", f"电子邮箱格式不正确：{shown(row.email)}"))
    if errors:
        return None, errors
    return PlannedAccount(row.row, username, row.name, code, names[code], phone or None,
                          row.email or None), []


@writer
def import_community_accounts(*, actor: User, data: bytes, filename: str,
                              dry_run: bool = False) -> AccountImport:
    """Check an account spreadsheet and, unless a row is bad or this is a dry run, open a
    community account for every row (all or none), each with a one-time password."""
    try:
        parsed = parse_account_file(data, filename)
    except UnreadableFileError as error:
        raise UnreadableUploadError(str(error), {"file": [str(error)]}) from None
    except FileLimitError as error:
        raise UploadRefusedError(str(error)) from None
    index = _CommunityIndex()
    names = dict(db.session.execute(select(Community.code, Community.name)).all())
    taken = {name.lower() for name in db.session.scalars(select(User.username))}
    errors, planned, first_row_of = list(parsed.errors), [], {}
    for row in parsed.rows:
        account, row_errors = _plan_row(row, index, names, taken, first_row_of)
        errors.extend(row_errors)
        if account:
            planned.append(account)
    if errors:
        raise RowsRejectedError(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
    result = AccountImport(dry_run, len(parsed.rows), planned)
    if dry_run:
        return result
    # Every password hashed before the first write takes the write lock (about 100 ms each).
    hashes = []
    for account in planned:
        account.one_time_password = one_time_password(username=account.username,
                                                      display_name=account.display_name)
        hashes.append(generate_password_hash(account.one_time_password,
                                             method=ONE_TIME_HASH_METHOD))
    for account, password_hash in zip(planned, hashes, strict=True):
        user = create_user(username=account.username, password=account.one_time_password,
                           password_hash=password_hash,
                           role=Role.COMMUNITY, display_name=account.display_name,
                           phone=account.phone, email=account.email,
                           community_code=account.community_code,
                           must_change_password=True, actor=actor)
        account.id = user.id
    return result

