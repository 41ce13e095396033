"""用户数导入 in the console, in a real browser: an admin previews a messy export (an xlsx
made here with openpyxl, with a title row, its date in the sheet, odd names and refused rows),
sees the figures, the largest changes and every refused row with its reason, confirms, and
finds the import in the history with its detail; the database holds the good rows."""

import io

import pytest
from openpyxl import Workbook

from tests.web import console_a
from tests.web.console_a import assert_fits, expect, open_tab

desk = console_a.desk  # the fixture: a desktop window
pytestmark = pytest.mark.web
FUYOUJIE, XIJIAO = "110102001004", "110102001007"


def messy_export(path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for row in [["西城区 实名认证用户数导出（平台）", None, None, None],
                ["统计日期", "2022-05-20", None, None],
                [],
                ["所属街道", "社区（居委会）", "注册用户数", "实名认证用户数"],
                ["西长安街街道", "府右街南社区", 150, 90],
                ["西长安街", " 西交民巷社区居委会 ", "300", "200"],
                ["西长安街街道", "没有这个社区", 10, 5],
                ["西长安街街道", "六部口社区", 20, 40]]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())


def test_an_admin_previews_a_messy_file_and_imports_it(desk, admin, admin_headers, client,
                                                       tmp_path):
    client.post("/api/v1/user-counts", headers=admin_headers, json={
        "date": "2022-05-13", "items": [
            {"community_code": FUYOUJIE, "registered": 100, "verified": 50},
            {"community_code": XIJIAO, "registered": 290, "verified": 195}]})
    export = tmp_path / "平台导出 5月20日.xlsx"
    messy_export(export)
    open_tab(desk, admin, "用户数导入")
    history = desk.locator("#import-list tbody tr")
    expect(history).to_have_count(1)  # the counts posted above

    form = desk.locator("#import-form")
    form.get_by_role("button", name="预览").click()
    expect(form.locator('.field-error[data-field="file"]')).to_have_text("请选择要导入的文件")
    form.get_by_label("平台导出文件").set_input_files(str(export))
    form.get_by_role("button", name="预览").click()

    figures = desk.locator("#preview-figures")
    for name, value in [("date", "2022-05-20"), ("rows", "4"), ("communities", "2"),
                        ("registered", "450"), ("verified", "290"), ("refused", "2")]:
        expect(figures.locator(f'[data-figure="{name}"]')).to_have_text(value)
    refused = desk.locator("#preview .refused-row")
    expect(refused).to_have_count(2)
    expect(refused.nth(0)).to_contain_text("第 7 行")
    expect(refused.nth(0)).to_contain_text("找不到社区：没有这个社区")
    expect(refused.nth(1)).to_contain_text("大于注册用户数")
    changes = desk.locator("#preview table.changes tbody tr")
    expect(changes.nth(0)).to_contain_text("府右街南")  # +40 verified, the largest change
    expect(changes.nth(0)).to_contain_text("50 → 90")
    expect(history).to_have_count(1)  # a preview stores nothing

    desk.get_by_role("button", name="确认导入").click()
    expect(desk.locator("#toast")).to_have_text("已导入 2 个社区的用户数（2022-05-20）")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("平台导出 5月20日.xlsx")
    detail = desk.locator("#import-detail")
    expect(detail).to_contain_text("admin 于")
    expect(detail.locator(".detail-counts tbody tr")).to_have_count(2)
    expect(detail.locator(".refused-row")).to_have_count(2)
    assert_fits(desk)

    [latest, _] = client.get("/api/v1/user-counts/imports", headers=admin_headers
                             ).get_json()["items"]
    assert (latest["filename"], latest["date"], latest["rows"], latest["registered"],
            latest["verified"], latest["refused_rows"], latest["username"]) == (
        "平台导出 5月20日.xlsx", "2022-05-20", 2, 450, 290, 2, "admin")
    board = client.get("/api/v1/dashboard/users?as_of=2022-05-20", headers=admin_headers
                       ).get_json()
    assert (board["registered"], board["verified"]) == (450, 290)
