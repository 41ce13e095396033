"""Channel metrics (#18 point 2) through the API: channels' daily snapshots imported (dry run,
all or nothing, replacements recorded) or entered, their series per day, ISO week and month
checked against an independent count of the rows, the growth KPIs against the baseline with
the projection at the recent pace and the 5 % price at risk both ways, publications' latest
figures with premium content's page views, and who may do what."""

import io
import random
from datetime import date, timedelta

from models import AuditEntry, ChannelMetric, db
from tests.api.test_compliance_api import make_piece
from tests.api.test_content_review import CONTENT, publish
from tests.api.test_content_review import team as team  # noqa: F401 (the fixture)

START, END = date(2023, 7, 1), date(2024, 6, 30)
HEADER = ["日期", "渠道", "粉丝数", "新增关注", "取消关注", "阅读量", "分享量", "互动量"]
FIGURES = ["followers", "new_followers", "unfollows", "reads", "shares", "interactions"]


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def growing_rows(channel: str, first: date, last: date, *, followers=10_000, pace=20,
                 reads=1_000, seed=7) -> list[dict]:
    """A channel's plausible daily figures: followers move by the day's new minus unfollows."""
    rng = random.Random(seed)
    rows = []
    for n, day in enumerate(days(first, last)):
        unfollows = rng.randint(0, 5)
        new = max(0, pace + unfollows) if pace >= 0 else 0
        unfollows = unfollows if pace >= 0 else -pace
        followers += new - unfollows
        rows.append({"day": day, "channel": channel, "followers": followers,
                     "new_followers": new, "unfollows": unfollows, "reads": reads + 10 * n,
                     "shares": rng.randint(0, 40), "interactions": rng.randint(0, 90)})
    return rows


def csv_of(rows: list[dict], header=HEADER, with_channel=True) -> bytes:
    lines = [",".join(h for h in header if with_channel or h != "渠道")]
    for row in rows:
        cells = [row["day"].isoformat()] + ([row["channel"]] if with_channel else []) + \
            [str(row[name]) for name in FIGURES]
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload(client, headers, data: bytes, url="/api/v1/channel-metrics/import", **form):
    fields = {"contract": CONTENT, **{k: str(v).lower() if isinstance(v, bool) else v
                                       for k, v in form.items()}}
    return client.post(url, headers=headers, content_type="multipart/form-data",
                       data={**fields, "file": (io.BytesIO(data), "统计.csv")})


def channel_id(client, headers, key="wechat") -> int:
    answer = client.get(f"/api/v1/channels?contract={CONTENT}", headers=headers)
    return next(c["id"] for c in answer.get_json()["items"] if c["key"] == key)


def series(client, headers, channel, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    answer = client.get(f"/api/v1/channels/{channel}/metrics?{params}", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def growth(client, headers, **query):
    params = "&".join(f"{k}={v}" for k, v in {"contract": CONTENT, **query}.items())
    return client.get(f"/api/v1/compliance/growth?{params}", headers=headers)


def expected_periods(rows: list[dict], step: str, first: date, last: date) -> list[dict]:
    """The series counted independently: group the rows by their period's label; followers
    is the period's last recorded day's, every flow the sum."""
    def label(day: date) -> str:
        if step == "day":
            return day.isoformat()
        if step == "week":
            year, week, _ = day.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{day.year}-{day.month:02d}"
    grouped: dict[str, list[dict]] = {}
    for day in days(first, last):
        grouped.setdefault(label(day), [])
    for row in rows:
        if first <= row["day"] <= last:
            grouped[label(row["day"])].append(row)
    return [{"period": name, "days_recorded": len(group),
             "followers": group[-1]["followers"] if group else None,
             **{f: sum(r[f] for r in group) for f in FIGURES[1:]}}
            for name, group in grouped.items()]


def test_the_series_per_day_week_and_month_is_the_count_of_the_rows(client, team):  # noqa: F811
    rows = growing_rows("wechat", START, date(2023, 10, 15))
    stored = upload(client, team["lead"], csv_of(rows, with_channel=False), channel="wechat")
    assert stored.status_code == 201, stored.get_json()
    assert stored.get_json()["snapshots"] == len(rows) == 107
    wechat = channel_id(client, team["reader"])
    for step in ("day", "week", "month"):
        answer = series(client, team["reader"], wechat, step=step, **{"from": "2023-07-01"},
                        to="2023-10-15")
        got = [{k: item[k] for k in ("period", "days_recorded", *FIGURES)}
               for item in answer["items"]]
        assert got == expected_periods(rows, step, START, date(2023, 10, 15)), step
    weeks = series(client, team["reader"], wechat, step="week", to="2023-10-15")["items"]
    # The term starts on a Saturday: its first ISO week is cut to the two days inside.
    assert (weeks[0]["period"], weeks[0]["from"], weeks[0]["to"]) == (
        "2023-W26", "2023-07-01", "2023-07-02")
    assert weeks[-1]["period"] == "2023-W41" and weeks[-1]["to"] == "2023-10-15"
    months = series(client, team["reader"], wechat, step="month", to="2023-10-15")
    assert [m["period"] for m in months["items"]] == ["2023-07", "2023-08", "2023-09",
                                                      "2023-10"]
    assert months["stock_figures"] == ["followers"]
    assert months["baseline"]["day"] == "2023-07-01"
    assert months["baseline"]["followers"] == rows[0]["followers"]
    # A stock is carried over a period without snapshots; flows of such a period are nothing.
    later = series(client, team["reader"], wechat, **{"from": "2023-10-14"}, to="2023-10-17")
    assert [(i["followers"], i["followers_on"], i["reads"]) for i in later["items"]] == [
        (rows[-2]["followers"], "2023-10-14", rows[-2]["reads"]),
        (rows[-1]["followers"], "2023-10-15", rows[-1]["reads"]),
        (rows[-1]["followers"], "2023-10-15", 0), (rows[-1]["followers"], "2023-10-15", 0)]


def premium_piece_read(client, team, reads: int) -> dict:  # noqa: F811
    """A premium piece (an original poster) published on WeChat with its reads entered."""
    piece = make_piece(client, team, "poster", ["wechat"], title="海报：城市更新条例")
    published = publish(client, team["editor"], piece, published_at="2023-07-10T10:00:00+08:00",
                        url="https://mp.weixin.qq.com/s/poster")
    assert published.status_code == 201, published.get_json()
    entered = client.put(f"/api/v1/publications/{published.get_json()['id']}/metrics/"
                         "2023-12-30", headers=team["lead"],
                         json={"reads": reads, "shares": 100, "likes": 50})
    assert entered.status_code == 200, entered.get_json()
    return published.get_json()


def test_growth_over_the_baseline_and_the_projection_keep_the_price_safe(
        client, team):  # noqa: F811
    as_of = date(2023, 12, 31)
    rows = growing_rows("wechat", START, as_of) + growing_rows("weibo", START, as_of,
                                                                followers=5_000, pace=8,
                                                                reads=400, seed=8)
    assert upload(client, team["lead"], csv_of(rows)).status_code == 201
    premium_piece_read(client, team, 5_000_000)
    answer = growth(client, team["reader"], as_of=as_of.isoformat())
    assert answer.status_code == 200, answer.get_json()
    report = answer.get_json()
    followers, reads, premium = report["kpis"]

    def total(figure, first, last):
        return sum(r[figure] for r in rows if first <= r["day"] <= last)

    def followers_on(day):
        return sum(max((r for r in rows if r["channel"] == ch and r["day"] <= day),
                       key=lambda r: r["day"])["followers"] for ch in ("wechat", "weibo"))
    baseline = followers_on(START)
    now = followers_on(as_of)
    pace = (now - followers_on(as_of - timedelta(days=28))) / 28
    assert followers["baseline"] == baseline and followers["baseline_day"] == "2023-07-01"
    assert followers["current"] == now
    assert followers["growth"] == round(now / baseline - 1, 4)
    assert followers["target"] == -(-baseline * 11 // 10)
    assert followers["projected"] == round(now + pace * (END - as_of).days)
    assert followers["behind"] is False
    first_window = total("reads", START, START + timedelta(days=29))
    last_30 = total("reads", as_of - timedelta(days=29), as_of)
    recent = total("reads", as_of - timedelta(days=27), as_of) / 28
    assert (reads["baseline"], reads["current"]) == (first_window, last_30)
    assert reads["growth"] == round(last_30 / first_window - 1, 4)
    assert reads["target"] == -(-first_window * 11 // 10)
    assert (reads["end_from"], reads["end_to"]) == ("2024-06-01", "2024-06-30")
    assert reads["projected"] == round(recent * 30) and reads["behind"] is False
    assert (premium["current"], premium["target"], premium["behind"]) == (
        5_000_000, 5_000_000, False)
    assert report["at_risk"] is False and report["price_at_risk"] == 0
    assert report["days_left"] == 182 and report["pace_days"] == 28


def test_followers_falling_put_five_percent_of_the_price_at_risk(client, team):  # noqa: F811
    as_of = date(2023, 12, 31)
    rows = growing_rows("wechat", START, as_of, pace=-3)
    assert upload(client, team["lead"], csv_of(rows)).status_code == 201
    premium_piece_read(client, team, 5_000_000)
    report = growth(client, team["lead"], as_of=as_of.isoformat()).get_json()
    followers, reads, premium = report["kpis"]
    assert followers["growth"] < 0 and followers["pace_per_day"] == -3
    assert followers["projected"] == followers["current"] - 3 * (END - as_of).days
    assert followers["behind"] is True and reads["behind"] is False
    assert premium["behind"] is False
    assert report["at_risk"] is True
    assert report["price_at_risk"] == 930_000 * 0.05 == 46_500


def test_without_figures_the_kpis_are_undetermined_and_premium_short(
        client, team):  # noqa: F811
    report = growth(client, team["reader"], as_of="2023-07-15").get_json()
    followers, reads, premium = report["kpis"]
    assert followers["baseline"] is None and followers["behind"] is None
    # The reads' baseline window (its first 30 days) is still running: no target yet.
    assert reads["baseline_complete"] is False and reads["target"] is None
    assert premium["current"] == 0 and premium["behind"] is True
    assert report["undetermined"] == ["followers", "reads"] and report["at_risk"] is True
    refused = growth(client, team["reader"], as_of="2024-07-01")
    assert refused.status_code == 422 and "as_of" in refused.get_json()["errors"]["query"]


def test_a_dry_run_stores_nothing_and_one_bad_row_refuses_the_file(
        app, client, team):  # noqa: F811
    rows = growing_rows("wechat", START, date(2023, 7, 10))
    dry = upload(client, team["lead"], csv_of(rows), dry_run=True)
    assert dry.status_code == 200, dry.get_json()
    assert dry.get_json() | {"replacements": []} == {
        "kind": "channel", "rows": 10, "snapshots": 10, "replaced": 0, "dry_run": True,
        "import_id": None, "replacements": []}
    bad = csv_of(rows).decode() + "\n".join([
        "2023-07-11,wechat,很多,1,1,1,1,1",
        "2023-07-12,douyin,1,1,1,1,1,1",
        "2023-06-30,weibo,1,1,1,1,1,1",
        "2023-07-05,wechat,1,1,1,1,1,1",
        "2023-07-13,weibo,1,1,-2,1,1,1",
        "昨天,weibo,1,1,1,1,1,1"]) + "\n"
    refused = upload(client, team["lead"], bad.encode())
    assert refused.status_code == 422, refused.get_json()
    listed = refused.get_json()["errors"]["files"]
    assert [(r["row"], r["column"]) for r in listed["rows"]] == [
        (12, "粉丝数"), (13, "渠道"), (14, "日期"), (15, "日期"), (16, "取消关注"), (17, "日期")]
    reasons = [r["reason"] for r in listed["rows"]]
    assert "不是有效的数字" in reasons[0] and "没有此渠道" in reasons[1]
    assert "不在合同期内" in reasons[2] and "重复" in reasons[3] and "负数" in reasons[4]
    assert listed["errors_total"] == 6
    with app.app_context():
        assert db.session.query(ChannelMetric).count() == 0
    imports = client.get(f"/api/v1/metric-imports?contract={CONTENT}", headers=team["reader"])
    assert imports.get_json()["total"] == 0


def test_a_day_imported_again_replaces_the_older_snapshot_and_keeps_it_in_the_audit(
        app, client, team):  # noqa: F811
    rows = growing_rows("weibo", START, date(2023, 7, 5))
    assert upload(client, team["lead"], csv_of(rows)).status_code == 201
    corrected = [dict(rows[2], reads=9_999)]
    dry = upload(client, team["lead"], csv_of(corrected), dry_run=True).get_json()
    assert dry["replaced"] == 1
    assert dry["replacements"][0]["before"]["reads"] == rows[2]["reads"]
    assert dry["replacements"][0]["after"]["reads"] == 9_999
    again = upload(client, team["admin"], csv_of(corrected))
    assert again.status_code == 201 and again.get_json()["replaced"] == 1
    weibo = channel_id(client, team["reader"], "weibo")
    points = series(client, team["reader"], weibo, to="2023-07-05")["items"]
    assert [p["reads"] for p in points] == [r["reads"] for r in rows[:2]] + [9_999] + [
        r["reads"] for r in rows[3:]]
    history = client.get(f"/api/v1/metric-imports?contract={CONTENT}",
                         headers=team["reader"]).get_json()["items"]
    assert [(i["username"], i["rows"], i["replaced"]) for i in history] == [
        ("admin", 1, 1), ("lead", 5, 0)]
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(entity_type="channel_metric").one()
        assert entry.entity_id == f"{weibo}/2023-07-03" and entry.action == "replace"
        assert entry.changes["reads"] == [rows[2]["reads"], 9_999]
    # By hand, the same rule: the day's snapshot is replaced.
    body = {name: rows[2][name] for name in FIGURES} | {"followers": 1}
    entered = client.put(f"/api/v1/channels/{weibo}/metrics/2023-07-03", headers=team["lead"],
                         json=body)
    assert entered.status_code == 200 and entered.get_json()["replaced"] is True
    assert series(client, team["reader"], weibo, to="2023-07-03")["items"][2]["followers"] == 1


def test_who_may_write_and_read_metrics(client, team, make_user, auth_headers):  # noqa: F811
    wechat = channel_id(client, team["admin"])
    body = dict.fromkeys(FIGURES, 1)
    url = f"/api/v1/channels/{wechat}/metrics/2023-07-03"
    liaison = auth_headers(make_user("liaison", "li"))
    for who in ("editor", "reviewer", "approver", "reader"):
        assert client.put(url, headers=team[who], json=body).status_code == 403, who
        # Refused before the file is read: a file that is no spreadsheet still gets 403.
        refused = upload(client, team[who], b"\x00not a file")
        assert refused.status_code == 403, who
    assert client.put(url, headers=liaison, json=body).status_code == 403
    assert client.get(f"/api/v1/channels/{wechat}/metrics", headers=liaison).status_code == 403
    assert growth(client, liaison).status_code == 403
    # A content account outside the contract: the contract does not exist for it.
    assert client.put(url, headers=team["outsider"], json=body).status_code == 404
    assert client.get(f"/api/v1/channels/{wechat}/metrics",
                      headers=team["outsider"]).status_code == 404
    assert growth(client, team["outsider"]).status_code == 404
    assert client.put(url, headers=team["lead"], json=body).status_code == 200
    for who in ("editor", "reviewer", "approver", "reader"):
        assert client.get(f"/api/v1/channels/{wechat}/metrics",
                          headers=team[who]).status_code == 200, who
        assert growth(client, team[who]).status_code == 200, who


def test_entered_figures_are_checked(client, team):  # noqa: F811
    wechat = channel_id(client, team["admin"])
    body = dict.fromkeys(FIGURES, 1)
    outside = client.put(f"/api/v1/channels/{wechat}/metrics/2023-06-30", headers=team["lead"],
                         json=body)
    assert outside.status_code == 422
    assert "合同期" in outside.get_json()["errors"]["path"]["date"][0]
    negative = client.put(f"/api/v1/channels/{wechat}/metrics/2023-07-03",
                          headers=team["lead"], json=body | {"reads": -1})
    assert negative.status_code == 422 and "reads" in negative.get_json()["errors"]["json"]
    missing = client.put(f"/api/v1/channels/{wechat}/metrics/2023-07-03",
                         headers=team["lead"], json={"followers": 3})
    assert missing.status_code == 422 and "reads" in missing.get_json()["errors"]["json"]
    bad_step = client.get(f"/api/v1/channels/{wechat}/metrics?step=year", headers=team["lead"])
    assert bad_step.status_code == 422


def test_publications_latest_figures_and_premium_page_views(client, team):  # noqa: F811
    poster = premium_piece_read(client, team, 120_000)
    article = make_piece(client, team, "repost", ["weibo"], title="转发：规划公示")
    plain = publish(client, team["editor"], article, channel="weibo",
                    published_at="2023-07-11T10:00:00+08:00", url="https://weibo.com/1/abc")
    assert plain.status_code == 201
    data = ("日期,链接,阅读量,分享量,点赞量\n"
            "2023-07-20,https://weibo.com/1/abc,800,5,9\n"
            "2023-08-20,https://weibo.com/1/abc,900,6,10\n"
            "2024-01-05,https://mp.weixin.qq.com/s/poster,150000,300,400\n").encode()
    dry = upload(client, team["lead"], data, url="/api/v1/publication-metrics/import",
                 dry_run=True)
    assert dry.status_code == 200 and dry.get_json()["snapshots"] == 3
    assert upload(client, team["lead"], data,
                  url="/api/v1/publication-metrics/import").status_code == 201
    listed = client.get(f"/api/v1/publication-metrics?contract={CONTENT}",
                        headers=team["reader"]).get_json()
    assert [(i["publication_id"], i["day"], i["reads"], i["premium"])
            for i in listed["items"]] == [(poster["id"], "2024-01-05", 150_000, True),
                                          (plain.get_json()["id"], "2023-08-20", 900, False)]
    assert listed["premium_page_views"] == 150_000
    only_premium = client.get(f"/api/v1/publication-metrics?contract={CONTENT}&premium=true",
                              headers=team["reader"]).get_json()
    assert only_premium["total"] == 1
    # As of a day, the latest snapshot on or before it counts.
    report = growth(client, team["reader"], as_of="2024-01-04").get_json()
    assert report["kpis"][2]["current"] == 120_000
    refused = upload(client, team["lead"],
                     "日期,链接,阅读量,分享量,点赞量\n2023-07-01,https://weibo.com/1/abc,1,1,1\n"
                     "2023-07-20,https://example.org/x,1,1,1\n".encode(),
                     url="/api/v1/publication-metrics/import")
    assert refused.status_code == 422
    assert [(r["row"], r["column"]) for r in refused.get_json()["errors"]["files"]["rows"]] == [
        (2, "日期"), (3, "链接")]
    by_number = upload(client, team["lead"],
                       f"日期,发布记录编号,阅读量,分享量,点赞量\n2024-01-06,{poster['id']},"
                       "151000,301,401\n".encode(), url="/api/v1/publication-metrics/import")
    assert by_number.status_code == 201, by_number.get_json()
    assert client.get(f"/api/v1/publication-metrics?contract={CONTENT}", headers=team[
        "reader"]).get_json()["premium_page_views"] == 151_000


def test_a_platform_workbook_imports_by_platform_name_with_text_numbers(
        client, team):  # noqa: F811
    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    for row in (["北京市规划和自然资源委员会 新媒体数据（2023年7月）"], [],
                ["统计日期", "平台", "累计关注人数", "新关注人数", "取消关注人数", "阅读次数",
                 "分享次数", "互动次数"],
                ["2023-07-01", "微信公众号", "86,400", "１２０", 20, 14500, 300, 500],
                [date(2023, 7, 2), "微博", 152300, 90, 15, "21 000", 410, 800]):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    answer = client.post("/api/v1/channel-metrics/import", headers=team["lead"],
                         content_type="multipart/form-data",
                         data={"contract": CONTENT,
                               "file": (io.BytesIO(buffer.getvalue()), "平台数据.xlsx")})
    assert answer.status_code == 201, answer.get_json()
    weibo = channel_id(client, team["reader"], "weibo")
    point = series(client, team["reader"], weibo, **{"from": "2023-07-02"},
                   to="2023-07-02")["items"][0]
    assert (point["followers"], point["reads"]) == (152_300, 21_000)


def test_bad_text_in_the_import_form_is_refused_naming_the_field(client, team):  # noqa: F811
    data = csv_of(growing_rows("wechat", START, date(2023, 7, 2)))
    for form in ({"channel": "we\x00chat"}, {"channel": "=cmd|' /C calc'!A0"},
                 {"channel": "x" * 100_000}, {"contract": "bell\x07"}):
        answer = upload(client, team["lead"], data, **form)
        assert answer.status_code in (404, 422), (form, answer.status_code)
        assert answer.is_json
    unknown = upload(client, team["lead"], data, channel="douyin")
    assert unknown.status_code == 422 and "channel" in unknown.get_json()["errors"]["form"]
    not_a_sheet = upload(client, team["lead"], b"PK\x03\x04 broken")
    assert not_a_sheet.status_code in (400, 422) and not_a_sheet.is_json


# --- where new followers came from ("their sources where the export has them") ---------------

SOURCE_HEADER = ["日期", "粉丝数", "新增关注", "取消关注", "阅读量", "分享量", "互动量", "搜一搜",
                 "扫描二维码", "图文页内公众号名称", "名片分享", "其他合计"]
SOURCE_KEYS = ["search", "qr_code", "article", "card", "other"]


def source_rows(first: date, last: date, seed=11) -> list[dict]:
    """WeChat's 用户增长 export: new followers split by source, a few days with no split."""
    rng = random.Random(seed)
    rows = growing_rows("wechat", first, last, seed=seed)
    for row in rows:
        if rng.random() < 0.2:
            row["sources"] = None
            continue
        left, split = row["new_followers"], {}
        for key in SOURCE_KEYS:
            split[key] = rng.randint(0, left)
            left -= split[key]
        row["sources"] = split
    return rows


def source_csv(rows: list[dict]) -> bytes:
    lines = [",".join(SOURCE_HEADER)]
    for row in rows:
        split = row["sources"] or {}
        lines.append(",".join([row["day"].isoformat(), *(str(row[f]) for f in FIGURES),
                               *(str(split[k]) if k in split else "" for k in SOURCE_KEYS)]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_follower_sources_import_with_the_figures_and_add_up_in_the_series(
        client, team):  # noqa: F811
    rows = source_rows(date(2023, 7, 1), date(2023, 8, 20))
    stored = upload(client, team["lead"], source_csv(rows), channel="wechat")
    assert stored.status_code == 201, stored.get_json()
    wechat = channel_id(client, team["lead"])
    answer = series(client, team["lead"], wechat, step="month", to="2023-08-31")
    for point in answer["items"]:
        month = [r for r in rows if r["day"].strftime("%Y-%m") == point["period"]
                 and r["sources"]]
        expected = {k: sum(r["sources"][k] for r in month) for k in SOURCE_KEYS}
        assert point["follower_sources"] == {k: v for k, v in expected.items()}
        assert sum(point["follower_sources"].values()) <= point["new_followers"]
    daily = series(client, team["lead"], wechat, **{"from": "2023-07-01", "to": "2023-07-31"})
    assert [p["follower_sources"] for p in daily["items"]] == [
        r["sources"] or {} for r in rows if r["day"].month == 7]
    # An entry by hand may give them too, and a day without them stores none.
    entered = client.put(f"/api/v1/channels/{wechat}/metrics/2023-08-21", headers=team["lead"],
                         json={**dict.fromkeys(FIGURES, 5),
                               "follower_sources": {"search": 3, "video": 2}})
    assert entered.status_code == 200, entered.get_json()
    assert entered.get_json()["follower_sources"] == {"search": 3, "video": 2}
    plain = client.put(f"/api/v1/channels/{wechat}/metrics/2023-08-22", headers=team["lead"],
                       json=dict.fromkeys(FIGURES, 5))
    assert plain.status_code == 200 and plain.get_json()["follower_sources"] is None
    with client.application.app_context():
        assert db.session.query(ChannelMetric).filter(
            ChannelMetric.follower_sources.is_(None)).count() == 1 + sum(
                1 for r in rows if not r["sources"])


def test_follower_sources_beyond_the_new_followers_are_refused(client, team):  # noqa: F811
    rows = source_rows(date(2023, 7, 1), date(2023, 7, 10))
    rows[3]["sources"] = {"search": rows[3]["new_followers"] + 1}
    rows[5]["sources"] = {"qr_code": "许多"}
    refused = upload(client, team["lead"], source_csv(rows), channel="wechat")
    assert refused.status_code == 422, refused.get_json()
    listed = {(r["row"], r["column"]): r["reason"]
              for r in refused.get_json()["errors"]["files"]["rows"]}
    assert "超过当日新增关注" in listed[(5, "关注来源")]
    assert "不是有效的数字" in listed[(7, "扫描二维码")]
    with client.application.app_context():
        assert db.session.query(ChannelMetric).count() == 0  # nothing of the file stored
    wechat = channel_id(client, team["lead"])
    too_many = client.put(f"/api/v1/channels/{wechat}/metrics/2023-07-03",
                          headers=team["lead"], json={**dict.fromkeys(FIGURES, 4),
                                                      "follower_sources": {"search": 5}})
    assert too_many.status_code == 422
    assert "follower_sources" in too_many.get_json()["errors"]["json"]
    unknown = client.put(f"/api/v1/channels/{wechat}/metrics/2023-07-03",
                         headers=team["lead"], json={**dict.fromkeys(FIGURES, 4),
                                                     "follower_sources": {"tv": 1}})
    assert unknown.status_code == 422
    assert "follower_sources" in unknown.get_json()["errors"]["json"]
