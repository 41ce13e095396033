"""E-mail as a second channel: a week's delivered workbooks go to the community accounts that
have an address, through a real SMTP server started here (aiosmtpd), in a job with retries;
each attempt is recorded with the server's answer."""

import io
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook

from models import EmailSend, db
from service.district.contracts import default_contract_file, load_contract, read_contract_file
from service.jobs import records
from service.reports import mail

WEEK = "2022-W30"
HOME, NEIGHBOUR, THIRD = "110102001004", "110102001007", "110102001011"


class Mailbox:
    """An SMTP server's handler: keeps what it accepts, refuses mail to refused.example."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 2.0.0 Ok: queued as TESTQ1"


@pytest.fixture
def smtp_server(app, monkeypatch, unused_port):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1",
                                                port=unused_port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{unused_port}")
    monkeypatch.setitem(app.config, "SMTP_FROM", "reports@xicheng.example")
    yield mailbox
    controller.stop()


def job_of(app, kind):
    with app.app_context():
        jobs = records.list_jobs(kind=kind).items
        return jobs[0] if jobs else None


def wait_for_job(app, kind, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = job_of(app, kind)
        if job is not None and job.status in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"the {kind} job did not end: {job_of(app, kind)}")


def sends(app):
    with app.app_context():
        return [(s.address, s.succeeded, s.answer) for s in
                db.session.query(EmailSend).order_by(EmailSend.id)]


def test_each_account_with_an_address_gets_the_workbook_and_the_answer_is_kept(
        app, make_user, make_set, smtp_server, consumer, client, admin_headers):
    make_user("community", "sq-1", community_code=HOME, display_name="张书记",
              email="zhang@home.example")
    make_user("community", "sq-2", community_code=HOME)  # no address: nothing sent
    make_user("community", "sq-3", community_code=NEIGHBOUR, email="li@next.example")
    make_set(WEEK)
    job = wait_for_job(app, mail.KIND)
    assert job.status == "done", (job.error, sends(app))
    assert sorted((a, ok) for a, ok, _ in sends(app)) == [
        ("li@next.example", True), ("zhang@home.example", True)]
    assert all("250 2.0.0 Ok: queued as TESTQ1" == answer for _, _, answer in sends(app))
    received = {tuple(to): message_from_bytes(content, policy=policy.default)
                for to, content in smtp_server.messages}
    message = received[("zhang@home.example",)]
    assert message["Subject"] == f"府右街南社区居委会 {WEEK} 运营数据周报"
    body = message.get_body(("plain",)).get_content()
    assert "张书记，您好" in body
    # The product's name is configuration (PRODUCT_NAME, its neutral default here); the
    # sign-off is the contractor of the contract in force, from the contract's file.
    assert "也可以登录社区治理平台推广运营后台在“本社区”中下载。" in body
    assert body.rstrip().endswith("西城家园推广运营项目组")
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == f"{WEEK}_府右街南社区居委会.xlsx"
    creator = load_workbook(io.BytesIO(attachment.get_content())).properties.creator
    assert creator == "西城家园推广运营项目组"
    archive = client.get(f"/api/v1/reports/weekly/{WEEK}/communities/{HOME}.xlsx",
                         headers=admin_headers)
    assert attachment.get_content() == archive.data  # the archive's own file
    listed = client.get(f"/api/v1/reports/weekly/{WEEK}/emails",
                        headers=admin_headers).get_json()["items"]
    assert {(e["username"], e["community_code"], e["succeeded"]) for e in listed} == {
        ("sq-1", HOME, True), ("sq-3", NEIGHBOUR, True)}
    assert listed[0]["answer"] == "250 2.0.0 Ok: queued as TESTQ1"


def test_a_refused_address_is_retried_then_the_job_fails_visibly(
        app, make_user, make_set, smtp_server, consumer):
    make_user("community", "sq-1", community_code=HOME, email="zhang@home.example")
    make_user("community", "sq-2", community_code=THIRD, email="nobody@refused.example")
    make_set(WEEK)
    job = wait_for_job(app, mail.KIND)
    assert job.status == "failed" and "1 封邮件未能发送" in job.error
    assert job.attempts == 3
    recorded = sends(app)
    # The accepted one once; the refused one at every attempt, with the server's refusal.
    assert [a for a, ok, _ in recorded if ok] == ["zhang@home.example"]
    refused = [answer for a, ok, answer in recorded if not ok]
    assert len(refused) == 3
    assert all(answer.startswith("RCPT TO 550") and "mailbox unavailable" in answer
               for answer in refused)
    assert len(smtp_server.messages) == 1


def test_an_unreachable_server_is_recorded_and_retried(app, make_user, make_set, consumer,
                                                      monkeypatch, unused_port):
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{unused_port}")
    make_user("community", "sq-1", community_code=HOME, email="zhang@home.example")
    make_set(WEEK)
    job = wait_for_job(app, mail.KIND)
    assert job.status == "failed"
    recorded = sends(app)
    assert len(recorded) == 3 and not any(ok for _, ok, _ in recorded)
    assert all("Connection" in answer or "refused" in answer for _, _, answer in recorded)


def test_without_smtp_url_no_mail_job_is_made(app, make_user, make_set):
    assert app.config.get("SMTP_URL") is None
    make_user("community", "sq-1", community_code=HOME, email="zhang@home.example")
    make_set(WEEK)
    assert job_of(app, mail.KIND) is None and sends(app) == []


@pytest.fixture
def unused_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_mail_names_the_configured_product_and_the_contract_in_force_signs_it(
        app, make_user, make_set, smtp_server, consumer, monkeypatch):
    """Another city's deployment: PRODUCT_NAME set, and a contract of its own in force."""
    monkeypatch.setitem(app.config, "PRODUCT_NAME", "某市社区服务平台运营后台")
    shipped = read_contract_file(default_contract_file())
    with app.app_context():  # the same targets and term, another city's parties
        load_contract({**shipped, "key": "other-2022", "name": "某市平台推广项目",
                       "client": "某市民政局", "contractor": "某市平台推广项目组"})
    make_user("community", "sq-1", community_code=HOME, email="zhang@home.example")
    make_set(WEEK)
    job = wait_for_job(app, mail.KIND)
    assert job.status == "done", (job.error, sends(app))
    [(_, content)] = smtp_server.messages
    body = message_from_bytes(content, policy=policy.default).get_body(("plain",)).get_content()
    assert "也可以登录某市社区服务平台运营后台在“本社区”中下载。" in body
    assert body.rstrip().endswith("某市平台推广项目组")
    assert "西城" not in body
