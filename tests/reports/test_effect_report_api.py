"""The effect report through the API (#16 point 1): an admin asks, a real consumer of the job
queue makes it, admins and officials download it; everyone else is refused, and bad periods
are 422 naming the field."""

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.jobs.test_queue import wait_for


@pytest.fixture
def demo(runner):
    assert runner.invoke(args=["demo-data"]).exit_code == 0


@pytest.fixture
def boss(make_user, auth_headers):
    return auth_headers(make_user("admin", "boss"))


def test_an_admin_asks_a_consumer_makes_it_and_officials_download_it(
        demo, consumer, client, boss, make_user, auth_headers, tmp_path):
    asked = client.post("/api/v1/reports/effect", headers=boss, json={"month": "2022-09"})
    assert asked.status_code == 202, asked.get_json()
    job = asked.get_json()
    assert job["kind"] == "effect_report" and job["subject"] == "20220901-20220930"
    done = wait_for(client, boss, asked.headers["Location"],
                    lambda body: body["status"] in ("done", "failed"))
    assert done["status"] == "done", done
    official = auth_headers(make_user("official", "guan"))
    document = client.get(f"/api/v1/reports/effect/{job['id']}.docx", headers=official)
    assert document.status_code == 200
    assert document.mimetype.endswith("wordprocessingml.document")
    (tmp_path / "r.docx").write_bytes(document.data)
    title = Document(str(tmp_path / "r.docx")).paragraphs[0].text
    assert title == "推广效果数据分析报告（2022 年 9 月）"
    book = client.get(f"/api/v1/reports/effect/{job['id']}.xlsx", headers=official)
    (tmp_path / "r.xlsx").write_bytes(book.data)
    assert load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "合同目标"
    pdf = client.get(f"/api/v1/reports/effect/{job['id']}.pdf", headers=official)
    # Only where LibreOffice can load Word documents (with Writer) is there a PDF.
    assert (pdf.status_code == 200 and pdf.data.startswith(b"%PDF")) or (
        pdf.status_code == 404 and "没有 PDF 版本" in pdf.get_json()["message"])


def test_who_may_ask_and_download(client, make_user, auth_headers, boss):
    official = auth_headers(make_user("official", "guan"))
    liaison = auth_headers(make_user("liaison", "li"))
    assert client.post("/api/v1/reports/effect", headers=official,
                       json={"month": "2022-09"}).status_code == 403
    assert client.post("/api/v1/reports/effect", headers=liaison, json={}).status_code == 403
    assert client.get("/api/v1/reports/effect/1.docx", headers=liaison).status_code == 403
    missing = client.get("/api/v1/reports/effect/999.docx", headers=boss)
    assert missing.status_code == 404 and "不存在" in missing.get_json()["message"]


@pytest.mark.parametrize(("body", "field"), [
    ({"month": "2022-9"}, "month"), ({"month": "2022-13"}, "month"), ({}, "month"),
    ({"from": "2022-09-30", "to": "2022-09-01"}, "to"), ({"from": "2022-09-01"}, "month"),
    ({"month": "2022-09", "extra": 1}, "extra"), ({"month": "0001-01"}, "month")])
def test_bad_periods_are_refused_naming_the_field(client, boss, body, field):
    answer = client.post("/api/v1/reports/effect", headers=boss, json=body)
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.get_json()["errors"]["json"]


def test_a_report_not_yet_made_is_404_in_chinese(client, boss):
    asked = client.post("/api/v1/reports/effect", headers=boss,
                        json={"from": "2022-09-01", "to": "2022-09-15"})
    assert asked.status_code == 202  # no consumer runs: it stays queued
    early = client.get(f"/api/v1/reports/effect/{asked.get_json()['id']}.docx", headers=boss)
    assert early.status_code == 404 and "尚未生成完成" in early.get_json()["message"]
