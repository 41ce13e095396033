"""The officials' overview on a 360 px phone (issue #15 points 8, 10, 12): the headline says as
of which date and that the contract is over, the chart has labelled axes and the target line in
readable text, the targets table shows percentages, the expected-by-now figure and statuses that
fit the contract's end without wrapping, and the demo's dates are taken at the contract's end."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from service.demo import DEMO_PASSWORD
from service.district.contracts import default_contract_file, load_contract, read_contract_file
from tests.web.conftest import log_in

pytestmark = pytest.mark.web


def official_on(page, make_user):
    official = make_user("official", "guan", display_name="区民政局")
    log_in(page, "guan", official.password)
    expect(page.locator("#verified")).to_be_visible()


def test_after_the_contract_the_headline_gives_the_final_figure_as_of_its_end(
        small_phone, demo, make_user, client, auth_headers):
    official_on(small_phone, make_user)
    expect(small_phone.locator("#as-of")).to_have_text("最终数据截至 2023-03-15")
    pace = small_phone.locator("#pace")
    expect(pace).to_contain_text("合同期已结束（2022-03-15 至 2023-03-15）")
    expect(pace).to_contain_text("最终完成 100.3%，已达标")
    expect(small_phone.locator("#view")).not_to_contain_text("预计")
    chart = small_phone.locator("svg.chart")
    expect(chart).to_contain_text("万人")
    expect(chart).to_contain_text("日期")
    expect(chart).to_contain_text("目标 35 万")
    expect(chart.locator(".x-tick").first).to_have_text("2022-03-15")
    expect(chart.locator(".x-tick").last).to_have_text(re.compile(r"^2023-03-\d{2}$"))
    expect(chart.locator(".y-tick")).to_contain_text(["0", "10", "20", "30"])
    expect(chart.locator(".target-line")).to_have_count(1)
    # Readable on the phone: tick labels at least 9 CSS pixels high.
    heights = chart.locator(".x-tick, .y-tick").evaluate_all(
        "els => els.map((e) => e.getBoundingClientRect().height)")
    assert min(heights) >= 9
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_targets_show_percentages_and_statuses_that_fit_the_end(small_phone, demo,
                                                                make_user, client,
                                                                auth_headers):
    official_on(small_phone, make_user)
    headers = auth_headers(make_user("official", "other"))
    items = {i["key"]: i for i in client.get("/api/v1/targets", headers=headers)
             .get_json()["items"]}
    weekly = small_phone.locator('tr[data-key="weekly_reports"]')
    share = items["weekly_reports"]["actual"]
    expect(weekly.locator(".actual")).to_have_text(f"{share * 100:.1f}%")
    expect(weekly.locator(".target-value")).to_have_text("/ 100.0%")
    expect(weekly).not_to_contain_text("0.96")
    # The whole table, status included, fits the phone's width without scrolling.
    assert small_phone.locator("#targets").evaluate(
        "t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    expect(small_phone.locator('tr[data-key="visits"] .progress-pct')).to_have_text(
        f"{items['visits']['progress'] * 100:.1f}%")
    expect(small_phone.get_by_role("heading", name=re.compile("合同期已结束"))).to_be_visible()
    for key, item in items.items():
        tag = small_phone.locator(f'tr[data-key="{key}"] [data-status]')
        expect(tag).to_have_text("已达标" if item["status"] == "done" else "未达标")
    expect(small_phone.locator("#targets")).not_to_contain_text("落后")
    # Status tags keep to one line on the phone.
    sizes = small_phone.locator("#targets .tag").evaluate_all(
        "els => els.map((e) => [e.getBoundingClientRect().height, "
        "parseFloat(getComputedStyle(e).fontSize)])")
    assert all(height < 2 * font for height, font in sizes)
    # Figures are never broken inside ("10 / 0. / 0 / %").
    lines = small_phone.locator("#targets .actual, #targets td.progress-pct").evaluate_all(
        "els => els.map((e) => { const r = document.createRange(); r.selectNodeContents(e); "
        "return r.getClientRects().length; })")
    assert set(lines) == {1}
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_while_the_contract_runs_the_expected_figure_and_the_pace_are_shown(
        small_phone, demo, app, make_user):
    with app.app_context():  # the same contract's targets, running until after today
        data = read_contract_file(default_contract_file())
        load_contract({**data, "key": "running",
                       "end": (date.today() + timedelta(days=100)).isoformat()})
    official_on(small_phone, make_user)
    expect(small_phone.locator("#as-of")).to_have_text(re.compile(r"^数据截至 \d{4}-\d{2}-\d{2}$"))
    expect(small_phone.locator("#pace")).not_to_contain_text("合同期已结束")
    expect(small_phone.locator("#pace")).to_contain_text("合同期内每周还需")
    expect(small_phone.locator('tr[data-key="visits"] .expected')).to_have_text(
        re.compile(r"^按进度此时应达 [\d,]+$"))
    expect(small_phone.locator('tr[data-key="weekly_reports"] .expected')).to_have_text(
        re.compile(r"^按进度此时应达 \d+\.\d%$"))
    expect(small_phone.locator("#targets [data-status]").first).to_have_text(
        re.compile("^(已完成|按进度|落后)$"))


def test_the_demo_year_takes_today_at_the_contracts_end(small_phone, demo, make_user):
    official_on(small_phone, make_user)
    # The default week is the contract's last complete week, not a week of today.
    expect(small_phone.get_by_label("周次")).to_have_value("2023-W10")
    small_phone.get_by_role("button", name="退出登录").click()
    # Logging out first looks for queued visits (IndexedDB): wait until it is done.
    expect(small_phone.get_by_label("用户名")).to_be_visible()
    log_in(small_phone, "liaison01", DEMO_PASSWORD)
    days = small_phone.get_by_text(re.compile(r"距上次走访 \d+ 天"))
    expect(days.first).to_be_visible()
    numbers = [int(re.search(r"(\d+) 天", t).group(1)) for t in days.all_inner_texts()]
    assert max(numbers) < 365  # counted at 2023-03-15, not at today
