"""The execution report through the API (#16 point 2): an admin asks, a real consumer of the
job queue makes it, admins and officials download the document, the evidence workbook and the
manifest; everyone else is refused, and a bad day is 422 naming the field."""

import hashlib
import json

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
    asked = client.post("/api/v1/reports/execution", headers=boss, json={})
    assert asked.status_code == 202, asked.get_json()
    job = asked.get_json()
    assert job["kind"] == "execution_report" and job["subject"] == "2023-03-15"
    done = wait_for(client, boss, asked.headers["Location"],
                    lambda body: body["status"] in ("done", "failed"))
    assert done["status"] == "done", done
    official = auth_headers(make_user("official", "guan"))
    base = f"/api/v1/reports/execution/{job['id']}"
    document = client.get(f"{base}.docx", headers=official)
    assert document.status_code == 200
    assert document.mimetype.endswith("wordprocessingml.document")
    (tmp_path / "r.docx").write_bytes(document.data)
    opened = Document(str(tmp_path / "r.docx"))
    assert opened.paragraphs[0].text == "执行（成果）报告"
    # Its author is the contract's contractor (the contract's file), no name held in code.
    assert opened.core_properties.author == "西城家园推广运营项目组"
    book = client.get(f"{base}.xlsx", headers=official)
    (tmp_path / "r.xlsx").write_bytes(book.data)
    sheets = load_workbook(tmp_path / "r.xlsx").sheetnames
    assert sheets[0] == "说明" and sheets[-1] == "周报送达台账" and len(sheets) == 14
    listing = client.get(f"{base}.json", headers=official)
    assert listing.status_code == 200
    # The files downloaded are the files the manifest vouches for.
    digests = {f["sha256"] for f in json.loads(listing.data)["files"]}
    assert hashlib.sha256(document.data).hexdigest() in digests
    assert hashlib.sha256(book.data).hexdigest() in digests
    pdf = client.get(f"{base}.pdf", headers=official)
    assert (pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
            and hashlib.sha256(pdf.data).hexdigest() in digests) or (
        pdf.status_code == 404 and "没有 PDF 版本" in pdf.get_json()["message"])


def test_who_may_ask_and_download(client, make_user, auth_headers, boss):
    official = auth_headers(make_user("official", "guan"))
    liaison = auth_headers(make_user("liaison", "li"))
    assert client.post("/api/v1/reports/execution", headers=official,
                       json={}).status_code == 403
    assert client.post("/api/v1/reports/execution", headers=liaison, json={}).status_code == 403
    assert client.get("/api/v1/reports/execution/1.docx", headers=liaison).status_code == 403
    missing = client.get("/api/v1/reports/execution/999.json", headers=boss)
    assert missing.status_code == 404 and "不存在" in missing.get_json()["message"]


@pytest.mark.parametrize(("body", "field", "says"), [
    ({"as_of": "2022-03-14"}, "as_of", "不能早于合同开始日"),
    ({"as_of": "2022-13-01"}, "as_of", ""),
    ({"as_of": "2022-09-30", "extra": 1}, "extra", ""),
])
def test_bad_days_are_refused_naming_the_field(client, boss, body, field, says):
    answer = client.post("/api/v1/reports/execution", headers=boss, json=body)
    assert answer.status_code == 422, answer.get_json()
    errors = answer.get_json()["errors"]
    messages = errors.get("json", errors)
    assert field in messages and says in " ".join(messages[field])


def test_a_report_not_yet_made_is_404_in_chinese_and_an_effect_job_is_not_one(client, boss):
    asked = client.post("/api/v1/reports/execution", headers=boss, json={"as_of": "2022-09-30"})
    assert asked.status_code == 202  # no consumer runs: it stays queued
    assert asked.get_json()["subject"] == "2022-09-30"
    early = client.get(f"/api/v1/reports/execution/{asked.get_json()['id']}.docx", headers=boss)
    assert early.status_code == 404 and "尚未生成完成" in early.get_json()["message"]
    effect = client.post("/api/v1/reports/effect", headers=boss, json={"month": "2022-09"})
    other = client.get(f"/api/v1/reports/execution/{effect.get_json()['id']}.docx",
                       headers=boss)
    assert other.status_code == 404 and "执行成果报告不存在" in other.get_json()["message"]
