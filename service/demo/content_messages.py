"""Demo year of messages of the 2023 content contract (a step of `demo-data`, after its content;
issue #18 point 5): comments, WeChat and Weibo private messages and business inquiries over
the term, each answered through the steps its kind requires (inquiries routed to a department,
answered, approved by the editors' lead, replied) — most in time, some replied late, a few
WeChat private messages received before a holiday answered on the first working day after it,
in time but past WeChat's 48 hours; the last days' messages still open at the term's end.

The standard replies and the FAQ list go through the use cases; the year's ~700 messages and
their steps are added as model rows, each what the use cases write: due times and windows
from `deadlines`, the breaches `reply_message` records, the templates' use counted."""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from models import Contract, Message, MessageEvent, ReplyTemplate, User, db
from service.clock import SHANGHAI
from service.district.working_days import WORKING_KINDS, days_between
from service.messages import deadlines, replies
from service.messages.rules import message_rules

CONTRACT_KEY = "planning-media-2023"
# The messages have their own generator: the same year whatever the steps before drew.
MESSAGES_SEED = 2018
EDITORS = ("bianji1", "bianji2", "bianji3")
LEAD, RELAY = "zuzhang", "zhixing"
PER_DAY = (0, 1, 1, 2, 2, 2, 3)
# kind, channel, weight
MIX = [("comment", "weibo", 30), ("comment", "wechat", 15), ("comment", "toutiao", 8),
       ("private_message", "wechat", 22), ("private_message", "weibo", 8),
       ("inquiry", "wechat", 10), ("inquiry", "weibo", 7)]
LATE_SHARE = 0.05
# Days before a holiday on which a WeChat private message waits for the first working day
# after it: in time for the contract, past WeChat's 48 hours.
WINDOW_MISSED_DAYS = (date(2023, 9, 28), date(2023, 12, 29), date(2024, 2, 9),
                      date(2024, 4, 3), date(2024, 4, 30))
# category: (department, questions, standard reply title and text)
TOPICS = {
    "不动产登记": ("不动产登记事务中心", ["不动产登记在哪里办理？", "房产证丢了怎么补办？",
                                         "二手房过户需要哪些材料？"],
                  ("办理地点", "您好，不动产登记可在各区政务服务中心不动产登记窗口办理，"
                               "也可通过“北京不动产登记”网上办理。")),
    "城市更新": ("城市更新处", ["老楼加装电梯怎么申请？", "城市更新条例什么时候实施？"],
                ("城市更新政策", "您好，《北京市城市更新条例》自2023年3月1日起施行，"
                                 "具体可咨询所在区城市更新主管部门。")),
    "规划公示": ("详细规划处", ["我家附近的规划在哪里能看到？", "控规公示期有多长？"],
                ("公示查询", "您好，规划公示信息可在本委官网“公示公告”栏目查询。")),
    "地质灾害": ("地质矿产处", ["汛期山区出行要注意什么？", "发现山体裂缝向哪里报告？"],
                ("汛期提示", "您好，汛期请关注预警信息，发现险情请立即拨打当地应急电话。")),
    "其他": ("办公室", ["公众号的文章能转载吗？", "怎么联系你们？"],
            ("一般答复", "您好，感谢您的关注，我们已收到您的留言。")),
}
HANDLES = ["西城居民", "老北京", "规划爱好者", "胡同里的猫", "京城小王", "朝阳群众", "设计师Lin",
           "海淀妈妈", "城市漫步者", "南锣鼓巷"]


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def _templates(lead: User, now: datetime) -> dict[str, ReplyTemplate]:
    return {category: replies.create_template(actor=lead, contract=CONTRACT_KEY,
                                              category=category, title=title, text=text,
                                              now=now)
            for category, (_department, _questions, (title, text)) in TOPICS.items()}


def _reply_at(rng: random.Random, message: Message, planted_window_miss: bool) -> datetime:
    """In time (before the window too, where there is one), late now and then where there is
    no window, or — planted — an hour before the due time, past WeChat's window."""
    if planted_window_miss:
        return message.due_at - timedelta(hours=1)
    if message.window_closes_at is None and rng.random() < LATE_SHARE:
        return message.due_at + timedelta(minutes=rng.randint(30, 20 * 60))
    deadline = min(filter(None, (message.due_at, message.window_closes_at)))
    span = (deadline - message.received_at).total_seconds()
    return message.received_at + timedelta(seconds=span * rng.uniform(0.05, 0.6))


def _steps(message: Message, requires: list[str], reply_at: datetime) -> list[tuple]:
    """(step, at, username) of each step up to the reply, spread between receipt and reply."""
    span = reply_at - message.received_at
    planned = [("enter", 0.02), ("route", 0.1), ("answer", 0.6), ("approve", 0.85)]
    return [(step, message.received_at + span * share)
            for step, share in planned if step == "enter" or step in requires] + [
        ("reply", reply_at)]


def create_demo_messages(ctx) -> None:
    """A year of messages of the 2023 contract (skipped when it is not loaded, records no
    messages, or already has some)."""
    contract = db.session.scalar(select(Contract).where(Contract.key == CONTRACT_KEY))
    if contract is None or message_rules(contract) is None or db.session.scalar(
            select(func.count()).select_from(Message).where(Message.contract_id == contract.id)):
        return
    rules = message_rules(contract)
    rng = random.Random(MESSAGES_SEED)
    people = {u.username: u for u in db.session.scalars(
        select(User).where(User.username.in_([*EDITORS, LEAD, RELAY])))}
    templates = _templates(people[LEAD], _local(contract.start_date, 9, 0))
    term_end = _local(contract.end_date + timedelta(days=1), 0, 0)
    calendar = days_between(contract, contract.start_date, contract.end_date)
    kinds = [(kind, channel) for kind, channel, _weight in MIX]
    weights = [weight for _kind, _channel, weight in MIX]
    made, events, uses = [], [], dict.fromkeys(TOPICS, 0)
    for day in calendar:
        count = rng.choice(PER_DAY) + (1 if day.kind in WORKING_KINDS else 0)
        planted = day.date in WINDOW_MISSED_DAYS
        for index in range(count + (1 if planted else 0)):
            window_miss = planted and index == count
            kind, channel = (("private_message", "wechat") if window_miss
                             else rng.choices(kinds, weights)[0])
            category = rng.choice(list(TOPICS))
            department, questions, _template = TOPICS[category]
            received = (_local(day.date, 10, 0) if window_miss
                        else _local(day.date, rng.randint(7, 22), rng.randint(0, 59)))
            due = deadlines.due_at(contract, rules, received).astimezone(UTC)
            window = deadlines.window_closes_at(rules, channel, kind, received)
            message = Message(
                contract_id=contract.id, channel=channel, kind=kind, received_at=received,
                handle=rng.choice(HANDLES), text=rng.choice(questions), category=category,
                status="new", due_at=due, window_closes_at=window,
                window_first=window is not None and window < due, late=False,
                window_missed=False, source="demo", created_at=received)
            reply_at = _reply_at(rng, message, window_miss)
            steps = [(s, at) for s, at in _steps(message, rules.requires[kind], reply_at)
                     if at < term_end]
            message.created_by_id = people[rng.choice(EDITORS)].id
            _apply(message, steps, department, templates[category], uses, rng)
            made.append(message)
            events.append((message, steps))
    db.session.add_all(made)
    db.session.flush()
    rows = []
    for message, steps in events:
        rows += _event_rows(message, steps, people, rng)
    db.session.add_all(rows)
    for category, template in templates.items():
        template.use_count = uses[category]
    _faq(people[EDITORS[0]], made, contract)
    ctx.summary["content_messages"] = len(made)
    ctx.summary["content_messages_late"] = sum(m.late for m in made)
    ctx.summary["content_messages_window_missed"] = sum(m.window_missed for m in made)


def _apply(message: Message, steps: list[tuple], department: str, template: ReplyTemplate,
           uses: dict, rng: random.Random) -> None:
    """The message as the use cases leave it after these steps."""
    taken = {step for step, _at in steps}
    # Half of the answers start from the category's standard reply: each step that writes the
    # wording names it (and counts a use), as the use cases do.
    from_template = rng.random() < 0.5
    wording = (template.text if from_template
               else f"您好，关于“{message.text}”，已为您转达相关部门。")
    if from_template:
        uses[template.category] += len(taken & {"answer", "approve", "reply"})
        if "reply" in taken:
            message.template_id = template.id
    if "route" in taken:
        message.department, message.status = department, "routed"
    if "answer" in taken:
        message.answer, message.status = wording, "answered"
    if "approve" in taken:
        message.approved_text, message.status = wording, "approved"
    if "reply" in taken:
        replied_at = dict(steps)["reply"]
        message.reply, message.replied_at, message.status = wording, replied_at, "replied"
        message.late = replied_at > message.due_at
        message.window_missed = (message.window_closes_at is not None
                                 and replied_at > message.window_closes_at)


def _event_rows(message: Message, steps: list[tuple], people: dict,
                rng: random.Random) -> list[MessageEvent]:
    by = {"enter": message.created_by_id, "route": message.created_by_id,
          "answer": people[RELAY].id, "approve": people[LEAD].id,
          "reply": people[rng.choice(EDITORS)].id}
    texts = {"answer": message.answer, "approve": message.approved_text, "reply": message.reply}
    rows = []
    for step, at in steps:
        details = {"source": "demo"} if step == "enter" else {"text": texts.get(step)}
        if step == "route":
            details = {"department": message.department, "note": ""}
        if step == "reply":
            details["replied_at"] = at.isoformat()
        rows.append(MessageEvent(message_id=message.id, step=step, actor_id=by[step], at=at,
                                 details=details))
    if message.late or message.window_missed:
        rows.append(MessageEvent(
            message_id=message.id, step="breach", actor_id=by["reply"], at=message.replied_at,
            details={"late": message.late, "window_missed": message.window_missed,
                     "due_at": message.due_at.isoformat(),
                     "window_closes_at": message.window_closes_at
                     and message.window_closes_at.isoformat(),
                     "replied_at": message.replied_at.isoformat()}))
    return rows


def _faq(editor: User, made: list[Message], contract: Contract) -> None:
    """One FAQ list of the most asked category's questions (not published: a draft of it is
    the editors' to make)."""
    category = max(TOPICS, key=lambda c: sum(m.category == c for m in made))
    asked = [m for m in made if m.category == category]
    questions = sorted({m.text for m in asked})
    replies.create_faq(
        actor=editor, contract=CONTRACT_KEY, title=f"{category}问题集锦",
        items=[{"question": q, "answer": TOPICS[category][2][1],
                "message_ids": [m.id for m in asked if m.text == q][:20]} for q in questions],
        now=_local(contract.end_date, 16, 0))
