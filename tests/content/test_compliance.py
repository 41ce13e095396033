"""Compliance, counted (#17 point 7): the 2023 content contract loaded by `seed-district`, a
synthetic year of publications with deliberate misses, and every rule's figures checked
against a count written out plainly here (over `chinese_calendar` directly, not the frozen
calendar the engine reads): the holiday weeks 2023-W40 and 2024-W07, the 调休 weekend of
2023-10-07/08, the partial first week 2023-W26 under each `partial_weeks` setting, periods
still running, and per-channel sums against each channel."""

import random
from collections import Counter
from datetime import date, timedelta

import chinese_calendar
import pytest
from sqlalchemy import delete

from models import ContractDay, db
from service.content.compliance import PublicationFact, ReportFact, evaluate, summarize
from service.district.contracts import find_contract
from service.district.working_days import UnknownDayError
from service.errors import RuleViolationError

CONTENT = "planning-media-2023"
START, END = date(2023, 7, 1), date(2024, 6, 30)
AFTER_TERM = date(2024, 7, 15)
CHANNELS = ("wechat", "weibo", "toutiao", "beijing_hao", "baijiahao")

# Deliberate misses of the synthetic year.
WECHAT_ONE_ARTICLE = date(2023, 11, 15)  # a Wednesday at work: 1 article, 2 owed
WECHAT_SILENT_HOLIDAY = date(2024, 2, 12)  # Spring Festival: no article, 1 owed
WEIBO_SILENT_WORKDAY = date(2023, 12, 5)  # no Weibo update on a working day
WEIBO_THIN_WEEK = (date(2024, 2, 12), date(2024, 2, 18))  # 2024-W07: 9 Weibo items in all


def every_day(first: date = START, last: date = END):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def working(day: date) -> bool:
    return chinese_calendar.is_workday(day)


def synthetic_year(seed: int = 2023) -> list[PublicationFact]:
    """A year of publications on the five accounts, the same on every run."""
    rng = random.Random(seed)
    facts: list[PublicationFact] = []

    def publish(channel: str, day: date, kind: str = "article", original: bool = False):
        facts.append(PublicationFact(len(facts) + 1, channel, day, kind, original))

    originals = 0
    for day in every_day():
        at_work = working(day)
        # WeChat: 3 articles a working day (some reprinted), 1 on other days; 96 originals
        # in all (100 owed).
        wechat = 3 if at_work else 1
        wechat = {WECHAT_ONE_ARTICLE: 1, WECHAT_SILENT_HOLIDAY: 0}.get(day, wechat)
        for number in range(wechat):
            original = at_work and number == 0 and originals < 96 and day.day % 2 == 0
            originals += original
            publish("wechat", day, "repost" if number == 2 else "article", original)
        # Weibo: 4–16 a working day (the advised 5–15 missed both ways), 2 on other days.
        weibo = rng.randint(4, 16) if at_work else 2
        if WEIBO_THIN_WEEK[0] <= day <= WEIBO_THIN_WEEK[1]:
            weibo = 3 if at_work else 1
        if day == WEIBO_SILENT_WORKDAY:
            weibo = 0
        for _ in range(weibo):
            publish("weibo", day, rng.choice(["article", "repost"]))
        # 头条号: 2 a working day, so short in weeks with fewer than 5 working days; 3 on the
        # contract's first Saturday.
        for _ in range(2 if at_work else (3 if day == START else 0)):
            publish("toutiao", day)
        # 北京号 2 a day, 百家号 1 a day: 1,098 together, 百家号 alone short of 430.
        publish("beijing_hao", day)
        publish("beijing_hao", day)
        publish("baijiahao", day)
    # The products over the year: posters one short (5 of 6), on WeChat or Weibo.
    products = {"infographic": 8, "poster": 5, "video": 5, "interactive": 3}
    days = list(every_day(date(2023, 7, 10), date(2024, 6, 10)))
    for kind, number in products.items():
        for _ in range(number):
            publish(rng.choice(["wechat", "weibo"]), rng.choice(days), kind, True)
    return facts


@pytest.fixture
def contract(app, runner):
    result = runner.invoke(args=["seed-district"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        yield find_contract(CONTENT)


@pytest.fixture(scope="module")
def facts() -> list[PublicationFact]:
    return synthetic_year()


def by_key(results) -> dict:
    return {(r.obligation, r.label, r.channel): r for r in results}


def run(contract, facts, today=AFTER_TERM, first=START, last=END, **filters):
    return evaluate(contract, contract.obligations, facts, start=first, end=last, today=today,
                    **filters)


def set_rule(contract, name: str, value) -> None:
    contract.rules = {**contract.rules, name: value}
    db.session.commit()


# --- the independent count --------------------------------------------------------------------

def iso_weeks():
    """(label, Monday, Sunday) of every ISO week touching the term."""
    monday = START - timedelta(days=START.weekday())
    while monday <= END:
        year, week, _ = monday.isocalendar()
        yield f"{year}-W{week:02d}", monday, monday + timedelta(days=6)
        monday += timedelta(days=7)


def floor_status(actual: int, required: int, period_end: date, today: date) -> str:
    if actual >= required:
        return "met"
    return "pending" if period_end >= today else "short"


def test_the_calendar_the_figures_rest_on():
    days = list(every_day())
    assert len(days) == 366
    assert sum(working(d) for d in days) == 249
    assert [d for d in every_day(date(2023, 10, 2), date(2023, 10, 8)) if working(d)] == [
        date(2023, 10, 7), date(2023, 10, 8)]
    assert [d for d in every_day(date(2024, 2, 12), date(2024, 2, 18)) if working(d)] == [
        date(2024, 2, 18)]
    assert not any(working(d) for d in every_day(date(2023, 9, 29), date(2023, 10, 6)))


def test_weekly_floor_of_every_platform_against_an_independent_count(contract, facts):
    results = [r for r in run(contract, facts) if r.obligation == "weekly_items_each_platform"]
    assert len(results) == 53 * 5  # 2023-W26 … 2024-W26, each platform
    got = {(r.label, r.channel): (r.minimum, r.actual, r.status, set(r.publication_ids))
           for r in results}
    expected = {}
    for label, monday, sunday in iso_weeks():
        first, last = max(monday, START), min(sunday, END)
        days_inside = (last - first).days + 1
        # pro_rata_days, rounded up: 2023-W26 has 2 days in the term, 10 × 2/7 → 3.
        required = 10 if days_inside == 7 else -(-10 * days_inside // 7)
        for channel in CHANNELS:
            ids = {f.id for f in facts
                   if f.channel == channel and first <= f.published_on <= last}
            expected[(label, channel)] = (required, len(ids),
                                          "met" if len(ids) >= required else "short", ids)
    assert got == expected
    # The holiday weeks owe the full 10: 头条号 (2 a working day) falls short in them.
    assert got[("2023-W40", "toutiao")][:3] == (10, 4, "short")
    assert got[("2024-W07", "toutiao")][:3] == (10, 2, "short")
    assert got[("2024-W07", "weibo")][:3] == (10, 9, "short")
    assert got[("2023-W41", "toutiao")][:3] == (10, 10, "met")
    assert got[("2023-W26", "toutiao")][:3] == (3, 3, "met")
    assert all(got[(label, "baijiahao")][2] == "short" for label, *_ in iso_weeks()
               if label != "2023-W26")
    holiday_week = by_key(results)[("weekly_items_each_platform", "2023-W40", "weibo")]
    assert holiday_week.working_days == 2 and "不因节假日减少" in holiday_week.note


def test_wechat_daily_floors_follow_the_frozen_calendar(contract, facts):
    results = run(contract, facts)
    for key, required, on_working in (("wechat_articles_working_day", 2, True),
                                      ("wechat_articles_holiday", 1, False)):
        got = {r.label: (r.minimum, r.actual, r.status) for r in results if r.obligation == key}
        expected = {}
        for day in every_day():
            if working(day) != on_working:
                continue
            actual = sum(1 for f in facts if f.channel == "wechat" and f.published_on == day
                         and f.kind in ("article", "repost"))
            expected[day.isoformat()] = (required, actual,
                                         "met" if actual >= required else "short")
        assert got == expected
        assert len(got) == (249 if on_working else 117)
    results = by_key(results)
    # 2023-W40: 2 owed on the 调休 Saturday and Sunday, 1 on each day of the holiday.
    for day in ("2023-10-07", "2023-10-08"):
        worked = results[("wechat_articles_working_day", day, "wechat")]
        assert (worked.minimum, worked.day_kind) == (2, "adjusted_workday")
        assert ("wechat_articles_holiday", day, "wechat") not in results
    for day in every_day(date(2023, 9, 29), date(2023, 10, 6)):
        off = results[("wechat_articles_holiday", day.isoformat(), "wechat")]
        assert off.minimum == 1 and off.status == "met"
        assert ("wechat_articles_working_day", day.isoformat(), "wechat") not in results
    # 2024-W07: one working day, Sunday 2024-02-18.
    week = [label for (key, label, _) in results if key == "wechat_articles_working_day"
            and "2024-02-12" <= label <= "2024-02-18"]
    assert week == ["2024-02-18"]
    assert results[("wechat_articles_working_day", "2023-11-15", "wechat")].status == "short"
    missed = results[("wechat_articles_holiday", "2024-02-12", "wechat")]
    assert (missed.actual, missed.status, missed.day_kind) == (0, "short", "holiday")


def test_weibo_daily_rules_advised_and_binding(contract, facts):
    results = run(contract, facts)
    advised = {r.label: (r.minimum, r.maximum, r.actual, r.status, r.mandatory)
               for r in results if r.obligation == "weibo_items_working_day"}
    update = {r.label: (r.actual, r.status, r.mandatory)
              for r in results if r.obligation == "weibo_update_working_day"}
    expected_advised, expected_update = {}, {}
    for day in every_day():
        if not working(day):
            continue
        actual = sum(1 for f in facts if f.channel == "weibo" and f.published_on == day)
        status = "over" if actual > 15 else "short" if actual < 5 else "met"
        expected_advised[day.isoformat()] = (5, 15, actual, status, False)
        expected_update[day.isoformat()] = (actual, "met" if actual >= 1 else "short", True)
    assert advised == expected_advised and update == expected_update
    statuses = Counter(status for *_, status, _ in advised.values())
    assert statuses["over"] > 0 and statuses["short"] > 0 and statuses["met"] > 0
    assert update["2023-12-05"] == (0, "short", True)
    assert sum(status == "short" for _, status, _ in update.values()) == 1


def test_year_totals_against_an_independent_count(contract, facts):
    results = {r.obligation: r for r in run(contract, facts, period="year")}
    assert {r.label for r in results.values()} == {"2023/24"}
    assert all((r.start, r.end) == (START, END) for r in results.values())

    def count(test):
        return sum(1 for f in facts if test(f))

    wechat_articles = count(lambda f: f.channel == "wechat" and f.kind in ("article", "repost"))
    expected = {
        "wechat_articles_year": (780, wechat_articles),
        "wechat_original_articles_year": (100, count(
            lambda f: f.channel == "wechat" and f.kind in ("article", "repost") and f.original)),
        "weibo_items_year": (1100, count(lambda f: f.channel == "weibo")),
        "toutiao_items_year": (400, count(lambda f: f.channel == "toutiao")),
        "beijing_hao_baijiahao_items_year": (430, count(
            lambda f: f.channel in ("beijing_hao", "baijiahao"))),
        "infographics_year": (8, count(lambda f: f.kind == "infographic")),
        "posters_year": (6, count(lambda f: f.kind == "poster")),
        "videos_year": (5, count(lambda f: f.kind == "video")),
        "interactive_products_year": (3, count(lambda f: f.kind == "interactive")),
    }
    got = {key: (results[key].minimum, results[key].actual) for key in expected}
    assert got == expected
    # The figures of this synthetic year, written out.
    assert got["wechat_original_articles_year"] == (100, 96)
    assert got["beijing_hao_baijiahao_items_year"] == (430, 366 * 3)
    assert got["toutiao_items_year"] == (400, 249 * 2 + 3)
    assert got["posters_year"] == (6, 5)
    statuses = {key: results[key].status for key in expected}
    assert [key for key, status in statuses.items() if status == "short"] == [
        "wechat_original_articles_year", "posters_year"]
    assert results["posters_year"].channels == ()  # products on any account
    assert set(results["posters_year"].publication_ids) == {
        f.id for f in facts if f.kind == "poster"}
    # Not measured by publications: said so, no figure.
    assert (results["activity_year"].status, results["activity_year"].actual) == (
        "not_tracked", None)
    assert "不由发布记录统计" in results["activity_year"].note
    # Reports are counted over the issued reports: none was given here.
    assert (results["key_content_reports_year"].status,
            results["key_content_reports_year"].actual) == ("short", 0)
    assert results["key_content_reports_year"].note == "本期没有已签发的报告"


def test_months_quarters_and_the_term_are_the_contracts(contract, facts):
    results = run(contract, facts)
    months = [r.label for r in results if r.obligation == "data_reports_month"]
    assert months == [f"2023-{m:02d}" for m in range(7, 13)] + [
        f"2024-{m:02d}" for m in range(1, 7)]
    quarters = [(r.label, r.start, r.end) for r in results
                if r.obligation == "data_reports_quarter"]
    assert quarters == [("2023/24-Q1", date(2023, 7, 1), date(2023, 9, 30)),
                        ("2023/24-Q2", date(2023, 10, 1), date(2023, 12, 31)),
                        ("2023/24-Q3", date(2024, 1, 1), date(2024, 3, 31)),
                        ("2023/24-Q4", date(2024, 4, 1), date(2024, 6, 30))]
    term = [r for r in results if r.obligation == "accounts_run"]
    assert [(r.label, r.status, r.minimum) for r in term] == [
        ("2023-07-01/2024-06-30", "not_tracked", 5)]


@pytest.mark.parametrize("setting, expected", [
    ("full", (10, 3, "short")),
    ("pro_rata_days", (3, 3, "met")),
    ("excluded", None),
])
def test_the_partial_first_week_follows_the_contracts_setting(contract, facts, setting,
                                                              expected):
    set_rule(contract, "partial_weeks", setting)
    results = by_key(run(contract, facts, first=START, last=date(2023, 7, 9), period="week"))
    first_week = results.get(("weekly_items_each_platform", "2023-W26", "toutiao"))
    if expected is None:
        assert first_week is None
        assert not any(label == "2023-W26" for _, label, _ in results)
    else:
        assert (first_week.minimum, first_week.actual, first_week.status) == expected
        assert (first_week.start, first_week.end) == (START, date(2023, 7, 2))
    # The full week after is the same under every setting.
    second = results[("weekly_items_each_platform", "2023-W27", "toutiao")]
    assert (second.minimum, second.actual) == (10, 10)


def test_a_contract_without_the_setting_counts_partial_weeks_pro_rata(contract, facts):
    contract.rules = {k: v for k, v in contract.rules.items() if k != "partial_weeks"}
    db.session.commit()
    results = by_key(run(contract, facts, last=date(2023, 7, 2), period="week"))
    assert results[("weekly_items_each_platform", "2023-W26", "wechat")].minimum == 3


def test_periods_still_running_are_pending_until_met(contract, facts):
    today = date(2024, 3, 13)  # a Wednesday; publications so far, today's included
    so_far = [f for f in facts if f.published_on <= today]
    # Today WeChat has published 1 article of the 2 owed.
    so_far = [f for f in so_far if not (f.published_on == today and f.channel == "wechat")]
    so_far.append(PublicationFact("today-1", "wechat", today, "article"))
    results = by_key(run(contract, so_far, today=today, first=date(2024, 3, 11),
                         last=date(2024, 3, 17)))
    assert results[("wechat_articles_working_day", "2024-03-13", "wechat")].status == "pending"
    assert results[("wechat_articles_working_day", "2024-03-12", "wechat")].status == "met"
    tomorrow = results[("wechat_articles_working_day", "2024-03-14", "wechat")]
    assert (tomorrow.actual, tomorrow.status) == (0, "pending")
    # 2024-W11 so far (Monday to Wednesday): counted independently.
    week = {channel: sum(1 for f in so_far if f.channel == channel
                         and date(2024, 3, 11) <= f.published_on <= today)
            for channel in CHANNELS}
    for channel in CHANNELS:
        result = results[("weekly_items_each_platform", "2024-W11", channel)]
        assert result.actual == week[channel]
        assert result.status == floor_status(week[channel], 10, date(2024, 3, 17), today)
    # A floor already met in a running period is met: 北京号 has 6, 微博 more than 10.
    assert week["weibo"] >= 10
    assert results[("weekly_items_each_platform", "2024-W11", "weibo")].status == "met"
    assert results[("weekly_items_each_platform", "2024-W11", "toutiao")].status == "pending"
    assert results[("wechat_articles_year", "2023/24", "wechat")].status == "pending"
    year = results[("weibo_items_year", "2023/24", "weibo")]
    assert year.status == "met"  # 1,100 reached before mid-March
    originals = results[("wechat_original_articles_year", "2023/24", "wechat")]
    assert originals.status == "pending"
    posters = results[("posters_year", "2023/24", None)]
    assert posters.status == "pending"
    quarter = results[("data_reports_quarter", "2023/24-Q3", None)]
    assert (quarter.status, quarter.actual) == ("pending", 0)  # no report issued yet
    # Finished weeks stay short: the week before with 头条号's 10 met, the holiday week not.
    earlier = by_key(run(contract, so_far, today=today, first=date(2024, 2, 12),
                         last=date(2024, 2, 18), period="week"))
    assert earlier[("weekly_items_each_platform", "2024-W07", "toutiao")].status == "short"


def test_together_sums_the_channels_and_each_binds_every_one(contract, facts):
    together = by_key(run(contract, facts, period="year", channel="baijiahao"))
    assert list(together) == [("beijing_hao_baijiahao_items_year", "2023/24", None)]
    result = together[("beijing_hao_baijiahao_items_year", "2023/24", None)]
    assert (result.actual, result.status, result.channels) == (
        366 * 3, "met", ("beijing_hao", "baijiahao"))
    obligation = next(o for o in contract.obligations
                      if o.key == "beijing_hao_baijiahao_items_year")
    obligation.per_channel = "each"
    db.session.commit()
    each = by_key(run(contract, facts, period="year"))
    assert (each[("beijing_hao_baijiahao_items_year", "2023/24", "beijing_hao")].actual,
            each[("beijing_hao_baijiahao_items_year", "2023/24", "beijing_hao")].status) == (
        366 * 2, "met")
    assert (each[("beijing_hao_baijiahao_items_year", "2023/24", "baijiahao")].actual,
            each[("beijing_hao_baijiahao_items_year", "2023/24", "baijiahao")].status) == (
        366, "short")
    assert ("beijing_hao_baijiahao_items_year", "2023/24", None) not in each


def test_filters_keep_the_period_and_channel_asked_for(contract, facts):
    results = run(contract, facts, first=date(2023, 10, 1), last=date(2023, 10, 8),
                  channel="weibo")
    assert {r.obligation for r in results} == {
        "accounts_run", "weekly_items_each_platform", "weibo_items_working_day",
        "weibo_update_working_day", "weibo_items_year"}
    assert {r.channel for r in results if r.obligation == "weekly_items_each_platform"} == {
        "weibo"}
    # A week is counted whole, whatever part of it was asked for.
    weeks = {(r.label, r.start, r.end) for r in results if r.period == "week"}
    assert weeks == {("2023-W39", date(2023, 9, 25), date(2023, 10, 1)),
                     ("2023-W40", date(2023, 10, 2), date(2023, 10, 8))}
    days = [r.label for r in results if r.obligation == "weibo_update_working_day"]
    assert days == ["2023-10-07", "2023-10-08"]
    summary = {(s.obligation, s.channel): s for s in summarize(results)}
    update = summary[("weibo_update_working_day", "weibo")]
    assert (update.periods, update.met, update.short) == (2, 2, 0)
    weekly = summary[("weekly_items_each_platform", "weibo")]
    assert weekly.periods == 2


def test_summary_per_obligation_over_the_year(contract, facts):
    results = run(contract, facts)
    summary = {(s.obligation, s.channel): s for s in summarize(results)}
    weekly_baijiahao = summary[("weekly_items_each_platform", "baijiahao")]
    assert (weekly_baijiahao.periods, weekly_baijiahao.met, weekly_baijiahao.short) == (53, 0, 53)
    # 2023-W26 too: 2 of the 3 owed over its two days in the term.
    assert weekly_baijiahao.short_labels[0] == "2023-W26"
    wechat_days = summary[("wechat_articles_working_day", "wechat")]
    assert (wechat_days.periods, wechat_days.short, wechat_days.short_labels) == (
        249, 1, ("2023-11-15",))
    reports = summary[("data_reports_month", None)]
    assert (reports.periods, reports.short, reports.not_tracked) == (12, 12, 0)
    assert summary[("weibo_update_working_day", "weibo")].as_dict()["short_periods"] == [
        "2023-12-05"]


def test_refusals(contract, facts):
    with pytest.raises(RuleViolationError) as refused:
        run(contract, facts, channel="douyin")
    assert "channel" in refused.value.errors
    with pytest.raises(RuleViolationError) as refused:
        run(contract, facts, period="fortnight")
    assert "period" in refused.value.errors
    with pytest.raises(UnknownDayError) as refused:
        run(contract, facts, first=date(2023, 6, 30))
    assert "不在合同" in refused.value.message
    with pytest.raises(ValueError):
        PublicationFact(1, "wechat", START, "tweet")


def test_a_day_nobody_knows_is_refused_not_guessed(contract, facts):
    db.session.execute(delete(ContractDay).where(ContractDay.contract_id == contract.id,
                                                 ContractDay.day == date(2024, 5, 1)))
    db.session.commit()
    with pytest.raises(UnknownDayError) as refused:
        run(contract, facts, first=date(2024, 4, 29), last=date(2024, 5, 5), period="day")
    assert "2024-05-01" in refused.value.message
    # The year's figure needs every day of the year too: refused the same way.
    with pytest.raises(UnknownDayError):
        run(contract, facts, first=date(2023, 7, 3), last=date(2023, 7, 3), period="year")


def test_a_partial_last_week_is_counted_the_same_way(contract, facts):
    # The 2023 term ends on a Sunday; a term ending on Wednesday 2024-06-26 leaves 3 days of
    # 2024-W26 in it: 10 × 3/7 = 4.29, rounded up to 5.
    contract.end_date = date(2024, 6, 26)
    db.session.commit()
    results = by_key(run(contract, facts, first=date(2024, 6, 17), last=date(2024, 6, 26),
                         period="week"))
    last = results[("weekly_items_each_platform", "2024-W26", "baijiahao")]
    assert (last.start, last.end, last.minimum, last.actual, last.status) == (
        date(2024, 6, 24), date(2024, 6, 26), 5, 3, "short")
    assert "按天数比例折算" in last.note
    assert results[("weekly_items_each_platform", "2024-W25", "baijiahao")].minimum == 10


def test_contract_years_and_quarters_are_counted_from_the_start():
    from types import SimpleNamespace

    from service.content.compliance import periods_overlapping

    calendar_year = SimpleNamespace(start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
    assert [(p.label, p.start, p.end) for p in periods_overlapping(
        calendar_year, "year", date(2025, 3, 1), date(2025, 3, 1))] == [
        ("2025", date(2025, 1, 1), date(2025, 12, 31))]
    # A term from the 15th of a month: its quarters run from the 15th, clipped to the term.
    mid_month = SimpleNamespace(start_date=date(2023, 8, 15), end_date=date(2024, 9, 30))
    quarters = periods_overlapping(mid_month, "quarter", date(2023, 8, 15), date(2024, 9, 30))
    assert [(p.label, p.start, p.end) for p in quarters] == [
        ("2023/24-Q1", date(2023, 8, 15), date(2023, 11, 14)),
        ("2023/24-Q2", date(2023, 11, 15), date(2024, 2, 14)),
        ("2023/24-Q3", date(2024, 2, 15), date(2024, 5, 14)),
        ("2023/24-Q4", date(2024, 5, 15), date(2024, 8, 14)),
        ("2024/25-Q1", date(2024, 8, 15), date(2024, 9, 30))]
    months = periods_overlapping(mid_month, "month", date(2023, 8, 15), date(2023, 9, 3))
    assert [(p.label, p.start, p.end) for p in months] == [
        ("2023-08", date(2023, 8, 15), date(2023, 8, 31)),
        ("2023-09", date(2023, 9, 1), date(2023, 9, 30))]


def test_themes_count_by_month_when_delivered_or_published_in_it(contract):
    """每月一题: a month's figure is its themes delivered or with linked content published in
    that month; a month without one is short once over, pending while it runs."""
    from service.content.compliance import ThemeFact

    themes = [ThemeFact(1, "2023-07", delivered=True),
              ThemeFact(2, "2023-08", publication_ids=(41, 42)),
              ThemeFact(3, "2023-09")]  # planned, nothing published: not counted
    results = by_key(r for r in run(contract, [], themes=themes, period="month",
                                    today=date(2023, 10, 15))
                     if r.obligation == "monthly_theme")
    figures = {label: (r.actual, r.status, r.publication_ids)
               for (_key, label, _channel), r in results.items()}
    assert figures["2023-07"] == (1, "met", ())
    assert figures["2023-08"] == (1, "met", (41, 42))
    assert figures["2023-09"] == (0, "short", ())
    assert figures["2023-10"] == (0, "pending", ())
    assert len(figures) == 12


def test_issued_reports_count_in_their_period_and_kind(contract, facts):
    """A monthly report counts for its month's monthly obligation only, a quarterly one for
    its quarter's; a key-content report in the year holding its issue day."""
    reports = [ReportFact(1, "data_reports", "2023-10", date(2023, 10, 1), date(2023, 10, 31),
                          "month"),
               ReportFact(2, "data_reports", "2023/24-Q2", date(2023, 10, 1),
                          date(2023, 12, 31), "quarter"),
               *(ReportFact(10 + n, "key_content_reports", "签发", day, day)
                 for n, day in enumerate([date(2023, 7, 1), date(2024, 6, 30),
                                          date(2024, 7, 1)]))]
    results = {(r.obligation, r.label): r for r in run(contract, facts, reports=reports)}
    months = {label: r.actual for (key, label), r in results.items()
              if key == "data_reports_month"}
    assert months == {label: int(label == "2023-10") for label in months}
    assert results[("data_reports_month", "2023-10")].note == "计入的报告：#1（2023-10）"
    quarters = {label: r.actual for (key, label), r in results.items()
                if key == "data_reports_quarter"}
    assert quarters == {"2023/24-Q1": 0, "2023/24-Q2": 1, "2023/24-Q3": 0, "2023/24-Q4": 0}
    year = results[("key_content_reports_year", "2023/24")]
    assert (year.actual, year.status) == (2, "short")  # the day after the term is not in it
