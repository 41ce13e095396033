"""The operator's console, issue #14 points 4 and 5, in Chromium on a 1366×768 desktop: an
admin works through the review queue (filters, the map of each visit, approve and reject one
by one and several at once, the history one click away, a refused batch that changes nothing)
and the liaison reads the decisions on their phone; an admin places communities' points by
accepting the suggestion or clicking the map, and sets the radius. What the database holds
afterwards is read through the API."""

import math
import re

import pytest
from playwright.sync_api import expect

from service.fieldwork.geo import distance_to_street_edge_m
from tests.api.test_visits import FAR_AWAY, FUYOUJIE, XIJIAO, visit_body
from tests.web.conftest import log_in

pytestmark = pytest.mark.web
XICHANG = "110102001000"            # 西长安街街道
SHICHAHAI = "110102012000"          # 什刹海街道
IN_SHICHAHAI = "110102012001"
ATTRIBUTION = "© OpenStreetMap contributors"


def tracked(page):
    """Count the page's requests in flight, so that a test can wait until none is left."""
    page.in_flight = set()
    page.on("request", lambda request: page.in_flight.add(request))
    page.on("requestfinished", lambda request: page.in_flight.discard(request))
    page.on("requestfailed", lambda request: page.in_flight.discard(request))
    return page


def settle(page) -> None:
    """Wait until the page has no request left running on the server: the next test wipes
    the data, and on PostgreSQL a read still open there would deadlock with its TRUNCATE."""
    for _ in range(200):
        if not page.in_flight:
            page.wait_for_timeout(100)
            if not page.in_flight:
                return
        page.wait_for_timeout(50)
    raise AssertionError(f"requests still running: {[r.url for r in page.in_flight]}")


@pytest.fixture
def desktop(browser, live_server):
    """A 1366×768 desktop browser in Shanghai's time zone, collecting CSP complaints."""
    playwright, chromium = browser
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, base_url=live_server,
                                   locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = tracked(context.new_page())
    page.blocked = []
    page.on("console", lambda message: page.blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: page.blocked.append(str(error)))
    yield page
    settle(page)
    context.close()


@pytest.fixture
def wang(make_user):
    return make_user("liaison", "wang", streets=[XICHANG], display_name="王静")


@pytest.fixture
def zhao(make_user):
    return make_user("liaison", "zhao", streets=[SHICHAHAI], display_name="赵磊")


def log(client, headers, **overrides) -> dict:
    response = client.post("/api/v1/visits", headers=headers, json=visit_body(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def awaiting(client, headers, day: int, **overrides) -> dict:
    """A visit of 2022-05-<day> that does not count until approved: no fix unless given."""
    values = {"latitude": None, "longitude": None, "accuracy_m": None, "fix_at": None,
              "visited_at": f"2022-05-{day:02d}T10:00:00+08:00", **overrides}
    visit = log(client, headers, **values)
    assert visit["standing"] == "awaiting_review", visit
    return visit


def visit(client, headers, visit_id: int) -> dict:
    response = client.get(f"/api/v1/visits/{visit_id}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def open_tab(page, user, name: str) -> None:
    log_in(page, user.username, user.password)
    # The overview opens first: its rendering done, it cannot overwrite the tab asked for.
    expect(page.get_by_role("heading", name="实名认证用户数")).to_be_visible()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def item(page, visit_id: int):
    return page.locator(f".review-item[data-visit='{visit_id}']")


def test_an_admin_decides_visits_one_by_one_and_several_at_once_and_the_liaison_sees_it(
        desktop, phone, admin, admin_headers, wang, auth_headers, client):
    headers = auth_headers(wang)
    far = awaiting(client, headers, 10, latitude=FAR_AWAY[0], longitude=FAR_AWAY[1],
                   accuracy_m=120, fix_at="2022-05-10T09:59:00+08:00", notes="在广安门外登记")
    stale = awaiting(client, headers, 11, latitude=39.9096, longitude=116.3776, accuracy_m=30,
                     fix_at="2022-05-11T09:00:00+08:00", community_code=XIJIAO)
    reject_two = [awaiting(client, headers, day)["id"] for day in (12, 13)]
    approve_two = [awaiting(client, headers, day)["id"] for day in (14, 15)]
    counted = log(client, headers)  # near and fresh: not in the queue
    assert counted["standing"] == "counted"

    open_tab(desktop, admin, "走访审核")
    expect(desktop.locator("#review-count")).to_have_text("待审核 6 条（最早的在前）")
    expect(desktop.locator(".review-item")).to_have_count(6)
    assert [int(i) for i in desktop.locator(".review-item").evaluate_all(
        "items => items.map(i => i.dataset.visit)")] == [far["id"], stale["id"], *reject_two,
                                                          *approve_two]
    expect(item(desktop, counted["id"])).to_have_count(0)

    # Each visit: the liaison, time, purpose, notes, distance and accuracy, and its map.
    first = item(desktop, far["id"])
    for text in ("王静（wang）", "2022-05-10 10:00", "日常走访", "在广安门外登记", "距离过远",
                 "120 米", "距街道中心"):
        expect(first).to_contain_text(text)
    # Without a community point the fix is judged by the street's boundary: how far outside.
    edge = distance_to_street_edge_m(XICHANG, *FAR_AWAY)
    said = first.locator("dd").filter(has_text="距街道中心")
    expect(said).to_contain_text("在街道边界外")
    shown_km = float(re.search(r"边界外 ([\d.]+) 公里", said.inner_text()).group(1))
    assert abs(shown_km * 1000 - edge) < 20, (shown_km, edge)
    expect(item(desktop, stale["id"])).to_contain_text("在街道边界内")
    expect(item(desktop, stale["id"])).to_contain_text("定位过旧")
    expect(item(desktop, stale["id"])).to_contain_text("早于走访 60 分钟")
    expect(item(desktop, reject_two[0])).to_contain_text("无定位")
    map_of_far = first.locator("svg")
    expect(map_of_far.locator("polygon.map-street")).to_have_count(1)
    expect(map_of_far.locator("circle.map-fix")).to_have_count(1)
    expect(map_of_far.locator("circle.map-accuracy")).to_have_count(1)
    expect(map_of_far.locator("text.map-attribution")).to_have_text(ATTRIBUTION)
    expect(map_of_far.locator(".map-scale text")).to_have_text(re.compile(r"^\d+ (米|公里)$"))
    # The accuracy circle is drawn to the map's scale: 120 m.
    radius = float(map_of_far.locator("circle.map-accuracy").get_attribute("r"))
    per_px = map_of_far.evaluate("svg => svg.metresPerPixel")
    assert abs(radius * per_px - 120) < 1
    no_fix = item(desktop, reject_two[0]).locator("svg")
    expect(no_fix.locator("polygon.map-street")).to_have_count(1)
    expect(no_fix.locator("circle.map-fix")).to_have_count(0)
    # Nothing was loaded from anywhere else.
    sources = desktop.evaluate("[...document.querySelectorAll('img, image, use')]"
                               ".map(e => e.getAttribute('src') || e.getAttribute('href') || '')")
    assert all(src.startswith(("data:", "/")) for src in sources), sources
    assert all(name.startswith(desktop.evaluate("location.origin")) for name in desktop.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"))

    # The history is one click away.
    first.get_by_role("button", name="查看历史").click()
    expect(first.locator(".review-history")).to_contain_text("提交")
    expect(first.locator(".review-history")).to_contain_text("wang")

    # A rejection needs its reason: nothing is sent without one.
    first.get_by_role("button", name="驳回", exact=True).click()
    expect(first.locator("[data-error]")).to_have_text("驳回时必须填写原因")
    assert visit(client, admin_headers, far["id"])["review_status"] == "pending"
    first.get_by_label("驳回原因").fill("定位在广安门外，不在社区")
    first.get_by_role("button", name="驳回", exact=True).click()
    expect(desktop.locator("#toast")).to_have_text("已驳回 1 条走访")
    expect(desktop.locator("#review-count")).to_have_text("待审核 5 条（最早的在前）")
    expect(item(desktop, far["id"])).to_have_count(0)

    item(desktop, stale["id"]).get_by_role("button", name="通过", exact=True).click()
    expect(desktop.locator("#toast")).to_have_text("已通过 1 条走访")
    expect(desktop.locator("#review-count")).to_have_text("待审核 4 条（最早的在前）")

    # Several at once: the batch reason is required for a rejection too.
    for visit_id in reject_two:
        item(desktop, visit_id).get_by_role("checkbox").check()
    expect(desktop.locator("#review-selected")).to_have_text("已选 2 条")
    desktop.get_by_role("button", name="驳回所选").click()
    expect(desktop.locator("#batch-error")).to_have_text("驳回时必须填写原因")
    desktop.get_by_label("批量驳回原因").fill("没有定位，无法核实")
    desktop.get_by_role("button", name="驳回所选").click()
    expect(desktop.locator("#toast")).to_have_text("已驳回 2 条走访")
    expect(desktop.locator("#review-count")).to_have_text("待审核 2 条（最早的在前）")
    desktop.get_by_label("全选本页").check()
    expect(desktop.locator("#review-selected")).to_have_text("已选 2 条")
    desktop.get_by_role("button", name="通过所选").click()
    expect(desktop.locator("#toast")).to_have_text("已通过 2 条走访")
    expect(desktop.locator("#review-count")).to_have_text("待审核 0 条（最早的在前）")
    expect(desktop.locator(".review-list")).to_have_text("没有待审核的走访")
    assert desktop.blocked == []

    # What the database holds.
    decided = {v: visit(client, admin_headers, v) for v in
               [far["id"], stale["id"], *reject_two, *approve_two]}
    assert (decided[far["id"]]["review_status"], decided[far["id"]]["review_reason"]) == (
        "rejected", "定位在广安门外，不在社区")
    assert decided[stale["id"]]["review_status"] == "approved"
    assert decided[stale["id"]]["standing"] == "counted"
    assert all(decided[v]["review_status"] == "rejected"
               and decided[v]["review_reason"] == "没有定位，无法核实" for v in reject_two)
    assert all(decided[v]["standing"] == "counted" for v in approve_two)
    history = client.get(f"/api/v1/visits/{reject_two[0]}/history",
                         headers=admin_headers).get_json()
    assert [(h["action"], h["actor"]) for h in history] == [("create", "wang"),
                                                            ("review", "admin")]
    assert client.get("/api/v1/visits?standing=awaiting_review",
                      headers=admin_headers).get_json()["total"] == 0

    # The liaison reads the decisions and the reasons on their phone.
    tracked(phone)
    log_in(phone, "wang", wang.password)
    phone.get_by_role("link", name="最近走访").click()
    expect(phone.get_by_role("heading", name="最近走访")).to_be_visible()
    rejected = phone.locator(f"[data-visit='{far['id']}']")
    expect(rejected.locator(".review")).to_have_text("未通过审核：定位在广安门外，不在社区")
    expect(rejected.locator("[data-standing]")).to_have_text("不计入")
    for visit_id in reject_two:
        expect(phone.locator(f"[data-visit='{visit_id}'] .review")).to_have_text(
            "未通过审核：没有定位，无法核实")
    approved = phone.locator(f"[data-visit='{stale['id']}']")
    expect(approved.locator(".review")).to_have_text("已审核通过")
    expect(approved.locator("[data-standing]")).to_have_text("已计入合同")
    # Liaisons never download the console.
    assert phone.evaluate("performance.getEntriesByType('resource').map(e => e.name)"
                          ".filter(n => n.includes('/static/console/')).length") == 0
    settle(phone)


def test_the_queue_filters_by_street_liaison_and_check(
        desktop, admin, wang, zhao, auth_headers, client):
    own = auth_headers(wang)
    far = awaiting(client, own, 10, latitude=FAR_AWAY[0], longitude=FAR_AWAY[1], accuracy_m=20,
                   fix_at="2022-05-10T09:59:00+08:00")
    unknown = awaiting(client, own, 11)
    theirs = awaiting(client, auth_headers(zhao), 12, community_code=IN_SHICHAHAI)
    open_tab(desktop, admin, "走访审核")
    expect(desktop.locator("#review-count")).to_have_text("待审核 3 条（最早的在前）")

    def shows(*visits):
        """Waits for the page to list exactly these visits, in this order."""
        expect(desktop.locator(".review-item")).to_have_count(len(visits))
        for position, one in enumerate(visits):
            expect(desktop.locator(".review-item").nth(position)).to_have_attribute(
                "data-visit", str(one["id"]))
        expect(desktop.locator("#review-count")).to_have_text(
            f"待审核 {len(visits)} 条（最早的在前）")

    desktop.get_by_label("街道", exact=True).select_option(label="什刹海街道")
    shows(theirs)
    desktop.get_by_label("街道", exact=True).select_option(label="全部街道")
    shows(far, unknown, theirs)
    desktop.get_by_label("联络员").select_option(label="王静（wang）")
    shows(far, unknown)
    desktop.get_by_label("位置检查").select_option(label="距离过远")
    shows(far)
    desktop.get_by_label("位置检查").select_option(label="无定位")
    shows(unknown)
    assert desktop.get_by_label("联络员").input_value() == "wang"


def test_a_batch_with_a_visit_gone_meanwhile_changes_nothing_and_says_which(
        desktop, admin, admin_headers, wang, auth_headers, client):
    headers = auth_headers(wang)
    chosen = [awaiting(client, headers, day)["id"] for day in (10, 11, 12)]
    open_tab(desktop, admin, "走访审核")
    expect(desktop.locator(".review-item")).to_have_count(3)
    # The liaison deletes the second one while the admin looks at the page.
    assert client.delete(f"/api/v1/visits/{chosen[1]}", headers=headers).status_code == 204
    desktop.get_by_label("全选本页").check()
    desktop.get_by_role("button", name="通过所选").click()
    expect(desktop.locator("#batch-error")).to_have_text(
        f"未审核任何走访：第 2 条（走访记录不存在：{chosen[1]}）")
    for visit_id in (chosen[0], chosen[2]):
        assert visit(client, admin_headers, visit_id)["review_status"] == "pending"


def test_a_decision_taken_can_be_found_and_changed(desktop, admin, admin_headers, wang,
                                                  auth_headers, client):
    headers = auth_headers(wang)
    chosen = awaiting(client, headers, 10)
    other = awaiting(client, headers, 11)
    response = client.post("/api/v1/visits/reviews", headers=admin_headers, json={
        "visit_ids": [chosen["id"]], "status": "rejected", "reason": "没有定位"})
    assert response.status_code == 200
    open_tab(desktop, admin, "走访审核")
    expect(desktop.locator("#review-count")).to_have_text("待审核 1 条（最早的在前）")
    expect(item(desktop, other["id"])).to_have_count(1)
    desktop.get_by_label("审核状态").select_option(label="未通过")
    expect(desktop.locator("#review-count")).to_have_text("未通过 1 条（最新的在前）")
    shown = item(desktop, chosen["id"])
    expect(shown.locator(".review-decision")).to_have_text("未通过：没有定位")
    # The liaison telephoned: the fix failed inside the community's office. Approved after all.
    shown.get_by_role("button", name="通过", exact=True).click()
    expect(desktop.locator("#toast")).to_have_text("已通过 1 条走访")
    expect(desktop.locator(".review-list")).to_have_text("没有未通过的走访")
    desktop.get_by_label("审核状态").select_option(label="已通过")
    expect(desktop.locator("#review-count")).to_have_text("已通过 1 条（最新的在前）")
    expect(item(desktop, chosen["id"]).locator(".review-decision")).to_have_text("已通过")
    expect(item(desktop, chosen["id"]).get_by_role("button", name="通过", exact=True)
           ).to_have_count(0)
    stored = visit(client, admin_headers, chosen["id"])
    assert (stored["review_status"], stored["review_reason"], stored["standing"]) == (
        "approved", None, "counted")
    history = client.get(f"/api/v1/visits/{chosen['id']}/history",
                         headers=admin_headers).get_json()
    assert [h["action"] for h in history] == ["create", "review", "review"]
    assert history[-1]["changes"]["review_status"] == ["rejected", "approved"]


def test_the_review_page_fits_a_768_px_window(browser, live_server, admin, admin_headers, wang,
                                              auth_headers, client):
    headers = auth_headers(wang)
    placed = client.patch(f"/api/v1/communities/{FUYOUJIE}", headers=admin_headers,
                          json={"latitude": 39.9100, "longitude": 116.3800, "radius_m": 300})
    assert placed.status_code == 200
    far = awaiting(client, headers, 10, latitude=39.9150, longitude=116.3800, accuracy_m=50,
                   fix_at="2022-05-10T09:59:00+08:00", notes="备注" * 80)
    assert far["location_basis"] == "community"
    playwright, chromium = browser
    context = chromium.new_context(viewport={"width": 768, "height": 1024},
                                   base_url=live_server, locale="zh-CN")
    page = tracked(context.new_page())
    try:
        log_in(page, admin.username, admin.password)
        expect(page.get_by_role("heading", name="实名认证用户数")).to_be_visible()
        for tab in ("走访审核", "社区位置"):
            page.get_by_role("link", name=tab).click()
            expect(page.get_by_role("heading", name=tab, exact=True)).to_be_visible()
            expect(page.locator("main svg").first).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 768
            if tab == "走访审核":  # the community's point and radius, beside the fix
                shown = item(page, far["id"])
                expect(shown).to_contain_text("距社区位置点 555 米")
                radius = shown.locator("svg circle.map-community-radius")
                expect(radius).to_have_count(1)
                per_px = shown.locator("svg").evaluate("svg => svg.metresPerPixel")
                assert abs(float(radius.get_attribute("r")) * per_px - 300) < 1
    finally:
        settle(page)
        context.close()


# ---------------------------------------------------------------- 5. 社区位置

def community(client, headers, code: str) -> dict:
    response = client.get(f"/api/v1/communities/{code}", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def choose(page, name: str) -> None:
    page.locator("#locations-list").get_by_role("button", name=re.compile(name)).click()


def test_an_admin_accepts_a_suggested_location_and_sets_the_radius(
        desktop, admin, admin_headers, wang, auth_headers, client):
    headers = auth_headers(wang)
    for lat, lon in ((39.9001, 116.3801), (39.9003, 116.3805), (39.9002, 116.3802)):
        ok = log(client, headers, community_code=XIJIAO, latitude=lat, longitude=lon)
        assert ok["location_check"] == "ok"
    open_tab(desktop, admin, "社区位置")
    expect(desktop.locator("#locations-count")).to_have_text(
        "尚无位置点的社区 263 个，其中 1 个有建议位置")
    # Those with a suggestion come first, with how many visits support it.
    expect(desktop.locator("#locations-list button").first).to_contain_text(
        "西交民巷社区居委会西长安街街道 · 建议位置（3 次走访）")
    desktop.get_by_label("街道", exact=True).select_option(label="西长安街街道")
    expect(desktop.locator("#locations-count")).to_have_text(
        re.compile(r"^尚无位置点的社区 \d+ 个，其中 1 个有建议位置$"))
    choose(desktop, "西交民巷社区")
    expect(desktop.locator("#location-name")).to_have_text("西交民巷社区居委会")
    expect(desktop.locator("#location-suggestion")).to_have_text(
        "建议位置：纬度 39.9002，经度 116.3802（依据 3 次位置正常的走访）")
    svg = desktop.locator("#location-map svg")
    expect(svg.locator("polygon.map-street")).to_have_count(1)
    expect(svg.locator(".map-suggestion")).to_have_count(1)
    expect(svg.locator("text.map-attribution")).to_have_text(ATTRIBUTION)
    expect(svg.locator(".map-chosen")).to_have_count(0)

    desktop.get_by_role("button", name="采用建议位置").click()
    expect(desktop.get_by_label("纬度")).to_have_value("39.9002")
    expect(desktop.get_by_label("经度")).to_have_value("116.3802")
    expect(svg.locator(".map-chosen")).to_have_count(1)
    desktop.get_by_label("判定半径（米）").fill("20")
    desktop.get_by_role("button", name="保存位置").click()
    expect(desktop.locator("[data-field='radius_m']")).to_have_text(
        "判定半径应为 50 至 10000 之间的整数（米）")
    assert community(client, admin_headers, XIJIAO)["latitude"] is None
    desktop.get_by_label("判定半径（米）").fill("400")
    desktop.get_by_role("button", name="保存位置").click()
    expect(desktop.locator("#toast")).to_have_text("已保存西交民巷社区居委会的位置")
    expect(desktop.locator("#locations-list")).not_to_contain_text("西交民巷社区")
    placed = community(client, admin_headers, XIJIAO)
    assert (placed["latitude"], placed["longitude"], placed["radius_m"]) == (
        39.9002, 116.3802, 400)
    history = client.get("/api/v1/communities?has_point=false",
                         headers=admin_headers).get_json()
    assert history["total"] == 262
    assert desktop.blocked == []


def test_an_admin_places_a_point_by_clicking_the_map(desktop, admin, admin_headers, client):
    target_lat, target_lon = 39.9096, 116.3776  # 府右街南, inside 西长安街
    open_tab(desktop, admin, "社区位置")
    desktop.get_by_label("街道", exact=True).select_option(label="西长安街街道")
    choose(desktop, "府右街南社区")
    expect(desktop.locator("#location-name")).to_have_text("府右街南社区居委会")
    expect(desktop.locator("#location-suggestion")).to_have_text(
        "暂无建议位置：该社区还没有位置正常的走访")
    svg = desktop.locator("#location-map svg")
    # Where the target is drawn, in the element's own pixels (the projection of the map).
    x, y = svg.evaluate("""(svg, [lon, lat]) => {
        const [x, y] = svg.mapProject(lon, lat);
        const point = svg.createSVGPoint(); point.x = x; point.y = y;
        const screen = point.matrixTransform(svg.getScreenCTM());
        const box = svg.getBoundingClientRect();
        return [screen.x - box.left, screen.y - box.top]; }""", [target_lon, target_lat])
    svg.click(position={"x": x, "y": y})
    expect(svg.locator(".map-chosen")).to_have_count(1)
    desktop.get_by_label("判定半径（米）").fill("300")
    expect(svg.locator("circle.map-chosen-radius")).to_have_count(1)
    radius_px = float(svg.locator("circle.map-chosen-radius").get_attribute("r"))
    assert abs(radius_px * svg.evaluate("svg => svg.metresPerPixel") - 300) < 1
    desktop.get_by_role("button", name="保存位置").click()
    expect(desktop.locator("#toast")).to_have_text("已保存府右街南社区居委会的位置")
    placed = community(client, admin_headers, FUYOUJIE)
    assert placed["radius_m"] == 300
    # Within a couple of the map's pixels of the clicked place.
    metres_per_px = 5000 / 560 * 2  # generous: the street spans at most a few kilometres
    north = (placed["latitude"] - target_lat) * 110_574
    east = (placed["longitude"] - target_lon) * 111_320 * math.cos(math.radians(target_lat))
    assert math.hypot(north, east) < metres_per_px, (north, east)
    # The point now decides the visits' location check.
    logged = client.post("/api/v1/visits", headers=admin_headers, json=visit_body(
        latitude=target_lat, longitude=target_lon))
    assert logged.get_json()["location_basis"] == "community"
    assert desktop.blocked == []


def test_officials_and_liaisons_get_no_console(phone, make_user, wang):
    tracked(phone)
    official = make_user("official", "guan")
    log_in(phone, official.username, official.password)
    expect(phone.get_by_role("link", name="总览")).to_be_visible()
    expect(phone.get_by_role("link", name="走访审核")).to_have_count(0)
    expect(phone.get_by_role("link", name="社区位置")).to_have_count(0)
    expect(phone.get_by_role("heading", name="实名认证用户数")).to_be_visible()
    settle(phone)
