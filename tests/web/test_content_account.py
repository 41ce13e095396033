"""A content account on a phone (#17 point 1): it sees the contracts it was given, with its
role, and no tab of the district's promotion work."""

import pytest
from playwright.sync_api import expect

from tests.web.conftest import log_in

pytestmark = pytest.mark.web
CONTENT = "planning-media-2023"


def test_an_editor_sees_their_contract_and_nothing_of_the_district(
        phone, runner, make_user, client, admin_headers):
    assert runner.invoke(args=["seed-district"]).exit_code == 0
    user = make_user("content", "bianji", display_name="编辑甲")
    log_in(phone, user.username, user.password)
    expect(phone.locator("#contract-list")).to_contain_text("您还没有加入任何合同")
    assert client.put(f"/api/v1/contracts/{CONTENT}/members/{user.id}", headers=admin_headers,
                      json={"role": "editor"}).status_code == 200
    phone.reload()
    # 我的合同, 内容日历, 留言与咨询: nothing of the district.
    expect(phone.locator("#tabs a")).to_have_count(3)
    expect(phone.locator("#tabs").get_by_role("link", name="我的合同")).to_be_visible()
    expect(phone.locator("#tabs").get_by_role("link", name="留言与咨询")).to_be_visible()
    item = phone.locator(f'#contract-list li[data-contract="{CONTENT}"]')
    expect(item).to_contain_text("北京市规划和自然资源委员会新媒体运营项目")
    expect(item.locator(".tag")).to_have_text("稿件编辑")
    expect(phone.locator("#contract-list li")).to_have_count(1)
