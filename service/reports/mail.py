"""E-mail as a second channel of delivery, where an SMTP server is configured (SMTP_URL): each
delivered workbook goes to every active account of its community that has an address, in a
job with retries; every attempt is recorded with the server's answer."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Contract, Delivery, EmailSend, Role, User, db
from service.district.scope import community_codes_of
from service.errors import ServiceError
from service.jobs import records
from service.jobs.queue import step, the_queue
from service.reports.calendar import parse_week
from service.reports.runs import stored_file, stored_set
from service.transaction import reader, writer

KIND = "delivery_email"
TIMEOUT_SECONDS = 30


class SmtpSettings:
    """SMTP_URL read: smtp://host:port (STARTTLS when the server offers it) or
    smtps://user:password@host:port (TLS from the start); user and password optional."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"SMTP_URL must be smtp://host:port or smtps://host:port: {url}")
        self.secure = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.secure else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None

    def connect(self) -> smtplib.SMTP:
        if self.secure:
            conn = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_SECONDS,
                                    context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
            conn.ehlo()
            if conn.has_extn("starttls"):
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
        if self.username:
            conn.login(self.username, self.password or "")
        return conn


def configured() -> SmtpSettings | None:
    url = current_app.config.get("SMTP_URL")
    return SmtpSettings(url) if url else None


# -- queueing ----------------------------------------------------------------------------------

def queue_emails(week: str, district_code: str) -> None:
    """After a district's set was delivered: when SMTP is configured, a job e-mails the
    week's workbooks of the district to its accounts that have an address and have not had
    it yet."""
    if configured() is None:
        return
    job = records.create_job(KIND, parse_week(week).label, trigger="schedule",
                             period_end=parse_week(week).end, district_code=district_code)
    try:
        the_queue().enqueue("delivery_email.send", job.id)
    except Exception as error:  # the set is delivered on the page regardless
        records.fail(job.id, f"无法加入任务队列：{error}")


@reader
def _pending(week: str, district_code: str) -> list[tuple[int, int, str, str, str, str]]:
    """(delivery, user, address, display name, community code, community name) of every
    active community account of the district with an address whose workbook of the week was
    not yet accepted by the server."""
    sent = select(EmailSend.id).where(EmailSend.delivery_id == Delivery.id,
                                      EmailSend.user_id == User.id,
                                      EmailSend.succeeded.is_(True)).exists()
    from models import Community
    rows = db.session.execute(
        select(Delivery.id, User.id, User.email, User.display_name, Community.code,
               Community.name)
        .join(User, User.community_code == Delivery.community_code)
        .join(Community, Community.code == Delivery.community_code)
        .where(Delivery.week == week, User.role == Role.COMMUNITY, User.active.is_(True),
               User.email.is_not(None), ~sent,
               Delivery.community_code.in_(community_codes_of(district_code)))
        .order_by(Delivery.community_code, User.id)).all()
    return [tuple(row) for row in rows]


@writer
def _record(delivery_id: int, user_id: int, address: str, succeeded: bool,
            answer: str) -> None:
    db.session.add(EmailSend(delivery_id=delivery_id, user_id=user_id, address=address,
                             succeeded=succeeded, answer=answer[:2000]))


@reader
def _sign_off() -> str:
    """Who signs the mail: the contractor of the contract in force (data, e.g. the district
    platform's project team), else the product's name."""
    contract = db.session.scalar(select(Contract).where(Contract.active.is_(True))
                                 .order_by(Contract.id.desc()).limit(1))
    return (contract.contractor if contract is not None else "") or _product_name()


def _product_name() -> str:
    return current_app.config["PRODUCT_NAME"]  # create_app sets it, from PRODUCT_NAME


def _message(sender: str, address: str, name: str, week: str, community: str,
             path: Path, product: str, sign_off: str) -> EmailMessage:
    parsed = parse_week(week)
    message = EmailMessage()
    message["Subject"] = f"{community} {week} 运营数据周报"
    message["From"] = sender
    message["To"] = address
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(
        f"{name}，您好：\n\n附件是{community}{parsed.start:%Y年%m月%d日}至"
        f"{parsed.end:%m月%d日}（{week}）的运营数据周报，也可以登录{product}"
        f"在“本社区”中下载。\n\n{sign_off}\n")
    message.add_attachment(path.read_bytes(), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           filename=f"{week}_{community}.xlsx")
    return message


def _send_one(conn: smtplib.SMTP, sender: str, message: EmailMessage) -> tuple[bool, str]:
    """Send over an open connection; whether the server took it and what it said."""
    code, text = conn.mail(sender)
    if code != 250:
        conn.rset()
        return False, f"MAIL FROM {code} {text.decode(errors='replace')}"
    code, text = conn.rcpt(message["To"])
    if code not in (250, 251):
        conn.rset()
        return False, f"RCPT TO {code} {text.decode(errors='replace')}"
    # smtplib sends bytes as they are: the lines must end with CRLF already.
    code, text = conn.data(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
    return code == 250, f"{code} {text.decode(errors='replace')}"


@step("delivery_email.send", retries=2, retry_delay=60)
def send_week(job_id: int) -> None:
    """E-mail the week's delivered workbooks to the addresses still waiting; each attempt is
    recorded. Any refused or failed send fails the attempt, and the retry sends only those
    not yet accepted."""
    job = records.start_attempt(job_id)
    if job is None:
        return
    settings = configured()
    if settings is None:
        records.fail(job_id, "未配置 SMTP_URL，未发送邮件")
        return
    sender = current_app.config.get("SMTP_FROM") or "reports@localhost"
    product, sign_off = _product_name(), _sign_off()
    pending = _pending(job.subject, job.district_code)
    directory = _stored(job.subject, job.district_code)
    records.set_plan(job_id, total=len(pending), snapshot_at=job.started_at,
                     result={"pending": len(pending)})
    failures = 0
    conn = None
    try:
        for delivery_id, user_id, address, name, code, community in pending:
            path = stored_file(directory, "community", code)
            message = _message(sender, address, name, job.subject, community, path, product,
                               sign_off)
            try:
                if conn is None:
                    conn = settings.connect()
                ok, answer = _send_one(conn, sender, message)
            except (smtplib.SMTPException, OSError) as error:
                ok, answer = False, f"{type(error).__name__}: {error}"
                conn = None
            _record(delivery_id, user_id, address, ok, answer)
            failures += not ok
            records.advance(job_id, 1)
    finally:
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                pass
    if failures:
        raise ServiceError(f"{failures} 封邮件未能发送，稍后重试未发送的部分")
    records.finish(job_id, {"sent": len(pending)})


@reader
def _stored(week: str, district_code: str) -> Path:
    return stored_set(week, district_code)


@reader
def email_sends(week: str) -> list[EmailSend]:
    """Every e-mail attempt of the week's workbooks, oldest first."""
    return list(db.session.scalars(
        select(EmailSend).options(selectinload(EmailSend.user), selectinload(EmailSend.delivery))
        .join(Delivery, Delivery.id == EmailSend.delivery_id)
        .where(Delivery.week == parse_week(week).label).order_by(EmailSend.id)))
