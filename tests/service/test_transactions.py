"""The transaction boundary of the use cases (service/transaction.py), on the real database:
a writer that raises leaves nothing behind, one that returns is committed, a reader cannot
write, nested use cases share the outer transaction, and on SQLite a writer holds the write
lock only from its first write (or from lock_for_writing)."""

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import OperationalError

from models import AuditEntry, Community, Event, Problem, Training, User, db
from service.district import accounts
from service.district.contracts import current_contract
from service.errors import ConflictError, RuleViolationError
from service.fieldwork import problems
from service.progress import registry
from service.transaction import (
    READ,
    WRITE,
    WriteInReaderError,
    current_mode,
    lock_for_writing,
    reader,
    writer,
)

XICHANG = "110102001000"     # 西长安街街道
FUYOUJIE = "110102001004"    # 府右街南社区, in 西长安街
XIJIAO = "110102001007"      # 西交民巷社区, in 西长安街
NOW = datetime(2022, 5, 16, 2, 30, tzinfo=UTC)


@pytest.fixture
def admin_id(make_user) -> int:
    return make_user("admin", "boss").id


def actor(user_id: int) -> User:
    return db.session.get(User, user_id)


def event_data(title: str = "平台推广") -> dict:
    return {"date": date(2022, 5, 10), "title": title, "street_code": XICHANG}


def count_elsewhere(model, *where) -> int:
    """Rows as another connection sees them: only what has been committed."""
    with db.engine.connect() as other:
        return other.scalar(select(func.count()).select_from(model).where(*where))


def radius_elsewhere(code: str) -> int:
    with db.engine.connect() as other:
        return other.scalar(select(Community.radius_m).where(Community.code == code))


def on_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


@contextmanager
def sqlite_connection_without_waiting() -> Iterator[sqlite3.Connection]:
    """A second connection of the engine's pool, driven by hand with a busy timeout of 0, so
    that a held write lock makes BEGIN IMMEDIATE fail at once. (The engine's begin hook
    starts every SQLAlchemy transaction with a plain BEGIN, after which BEGIN IMMEDIATE
    through exec_driver_sql is refused; the driver connection is used directly instead.)"""
    with db.engine.connect() as other:
        raw = other.connection.driver_connection
        before = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            yield raw
        finally:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            raw.execute(f"PRAGMA busy_timeout = {before}")


def other_writer_sets_radius(code: str, radius: int) -> None:
    """Another writer changes one community and commits, giving up at once if it must wait:
    on SQLite it needs the file's write lock, on PostgreSQL that row's lock."""
    if on_sqlite():
        with sqlite_connection_without_waiting() as raw:
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("UPDATE communities SET radius_m = ? WHERE code = ?", (radius, code))
            raw.execute("COMMIT")
        return
    with db.engine.connect() as other:
        other.exec_driver_sql("SET lock_timeout = '200ms'")
        other.execute(update(Community).where(Community.code == code).values(radius_m=radius))
        other.commit()


def sqlite_write_lock_is_free() -> bool:
    """Whether another connection can take SQLite's write lock right now (it lets it go)."""
    with sqlite_connection_without_waiting() as raw:
        started = time.monotonic()
        try:
            raw.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            assert "locked" in str(error)
            assert time.monotonic() - started < 0.5  # refused at once, not after waiting
            return False
        raw.execute("ROLLBACK")
        return True


# A writer that raises leaves nothing behind.

def test_a_training_listing_a_street_twice_is_refused_before_anything_is_written(
        app, admin_id):
    """It used to fail at the training_streets insert, after the training's own row, as a
    409 naming the date; now it is a 422 naming the field, and nothing was written."""
    inserted = []

    def watch(_conn, _cursor, statement, *_):
        if statement.lstrip().upper().startswith("INSERT"):
            inserted.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", watch)
        try:
            with pytest.raises(RuleViolationError) as refused:
                registry.create_record(registry.KINDS["training"], actor=actor(admin_id),
                                       data={"date": date(2022, 5, 1), "title": "培训",
                                             "street_codes": [XICHANG, XICHANG]}, now=NOW)
        finally:
            event.remove(db.engine, "before_cursor_execute", watch)
        assert "street_codes" in refused.value.errors
        assert inserted == []
        assert count_elsewhere(Training) == 0
        assert current_mode() is None


def test_a_problem_update_refused_after_setting_fields_changes_nothing(app, admin_id):
    with app.app_context():
        problem_id = problems.create_problem(actor=actor(admin_id), title="宽带报修",
                                             category="设施", community_code=FUYOUJIE,
                                             now=NOW).id
        problems.update_problem(problem_id, actor=actor(admin_id), status="in_progress",
                                now=NOW)
        with pytest.raises(RuleViolationError) as refused:
            # The title and description are set on the object before the status is refused.
            problems.update_problem(problem_id, actor=actor(admin_id), title="改了标题",
                                    description="改了描述", status="open", now=NOW)
        assert list(refused.value.errors) == ["status"]
        fresh = problems.get_problem(problem_id, actor=actor(admin_id))
        assert (fresh.title, fresh.description, fresh.status) == ("宽带报修", "", "in_progress")
        with db.engine.connect() as other:
            stored = other.execute(select(Problem.title, Problem.status)
                                   .where(Problem.id == problem_id)).one()
        assert tuple(stored) == ("宽带报修", "in_progress")
        history = problems.problem_history(problem_id, actor=actor(admin_id))
        assert len(history) == 2  # created, moved to in_progress; the refusal left no entry


def test_a_writer_that_raises_after_flushing_leaves_nothing(app, admin_id):
    @writer
    def add_event_then_fail():
        db.session.add(Event(created_by_id=admin_id, **event_data()))
        db.session.flush()
        assert db.session.scalar(select(func.count()).select_from(Event)) == 1
        raise RuntimeError("boom")

    with app.app_context():
        with pytest.raises(RuntimeError, match="boom"):
            add_event_then_fail()
        assert current_mode() is None
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0
        assert count_elsewhere(Event) == 0


# A writer that returns is committed.

def test_a_writers_changes_are_committed_when_it_returns(app, admin_id):
    with app.app_context():
        record = registry.create_record(registry.KINDS["event"], actor=actor(admin_id),
                                        data=event_data("已提交"), now=NOW)
        assert not db.session().in_transaction()  # committed and ended
        assert current_mode() is None
        record_id = record.id
    with app.app_context():  # a new session as well as another connection
        with db.engine.connect() as other:
            title = other.scalar(select(Event.title).where(Event.id == record_id))
            entries = other.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.entity_type == "event", AuditEntry.entity_id == str(record_id)))
        assert title == "已提交" and entries == 1


def test_the_decorator_tells_the_session_its_mode_and_forgets_it(app):
    seen = []

    @reader
    def read():
        seen.append(("reader", current_mode()))

    @writer
    def write():
        seen.append(("writer", current_mode()))
        read()

    with app.app_context():
        read()
        write()
        assert seen == [("reader", READ), ("writer", WRITE), ("reader", WRITE)]
        assert current_mode() is None
        assert read.transaction_mode == READ and write.transaction_mode == WRITE


# A reader cannot write.

def test_a_reader_that_adds_a_row_is_refused_and_writes_nothing(app, admin_id):
    @reader
    def sneaky_reader():
        db.session.add(Event(created_by_id=admin_id, **event_data("不该写入")))

    with app.app_context():
        with pytest.raises(WriteInReaderError):
            sneaky_reader()  # refused at the flush of its commit
        assert current_mode() is None
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0
        assert count_elsewhere(Event) == 0
        # The session is usable again: the next use case writes.
        registry.create_record(registry.KINDS["event"], actor=actor(admin_id),
                               data=event_data(), now=NOW)
        assert count_elsewhere(Event) == 1


def test_a_reader_that_flushes_an_update_is_refused_and_changes_nothing(app):
    @reader
    def sneaky_reader():
        db.session.get(Community, FUYOUJIE).radius_m = 5
        db.session.flush()

    with app.app_context():
        before = radius_elsewhere(FUYOUJIE)
        with pytest.raises(WriteInReaderError):
            sneaky_reader()
        assert db.session.get(Community, FUYOUJIE).radius_m == before
        assert radius_elsewhere(FUYOUJIE) == before


def test_a_reader_that_calls_a_writer_is_refused_before_it_writes(app, admin_id):
    @reader
    def report_that_records():
        registry.create_record(registry.KINDS["event"], actor=actor(admin_id),
                               data=event_data(), now=NOW)

    with app.app_context():
        with pytest.raises(WriteInReaderError, match="create_record"):
            report_that_records()
        assert count_elsewhere(Event) == 0


# Nested use cases join the outer transaction.

def test_writers_called_by_a_writer_that_raises_leave_nothing(app, admin_id):
    @writer
    def two_writes_then_fail():
        registry.create_record(registry.KINDS["event"], actor=actor(admin_id),
                               data=event_data(), now=NOW)
        problems.create_problem(actor=actor(admin_id), title="t", category="c",
                                community_code=FUYOUJIE, now=NOW)
        assert db.session.scalar(select(func.count()).select_from(Problem)) == 1
        raise RuntimeError("the outer use case fails last")

    with app.app_context():
        with pytest.raises(RuntimeError):
            two_writes_then_fail()
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0
        assert count_elsewhere(Event) == 0
        assert count_elsewhere(Problem) == 0
        assert count_elsewhere(AuditEntry, AuditEntry.entity_type.in_(["event", "problem"])) == 0


def test_writers_called_by_a_writer_commit_once_with_it(app, admin_id):
    seen_elsewhere = []

    @writer
    def two_writes():
        registry.create_record(registry.KINDS["event"], actor=actor(admin_id),
                               data=event_data(), now=NOW)
        seen_elsewhere.append(count_elsewhere(Event))  # the inner writer did not commit
        problems.create_problem(actor=actor(admin_id), title="t", category="c",
                                community_code=FUYOUJIE, now=NOW)
        seen_elsewhere.append(count_elsewhere(Problem))

    with app.app_context():
        two_writes()
        assert seen_elsewhere == [0, 0]
        assert count_elsewhere(Event) == 1 and count_elsewhere(Problem) == 1


def test_a_conflict_caught_by_an_outer_writer_keeps_the_outer_writes(app, admin_id):
    @writer
    def event_then_refused_training():
        registry.create_record(registry.KINDS["event"], actor=actor(admin_id),
                               data=event_data("先写的活动"), now=NOW)
        # The username is taken: only the database knows (no check before the insert).
        with pytest.raises(ConflictError):
            accounts.create_user(username="boss", password="Xicheng-ops-2022!",
                                 role="liaison")

    with app.app_context():
        event_then_refused_training()
        assert count_elsewhere(User) == 1
        assert count_elsewhere(Event) == 1


# SQLite's write lock: only from the first write, or from lock_for_writing.

def test_a_writer_lets_other_writers_commit_until_its_first_write(app):
    """On SQLite another connection takes the file's write lock and commits while the writer
    only reads, and cannot once the writer has written. On PostgreSQL, which locks rows,
    another connection updates a different row even after the writer's write, and is kept
    off the row the writer changed."""
    after_first_write = {}

    @writer
    def read_then_write():
        community = db.session.get(Community, FUYOUJIE)
        current_contract()
        other_writer_sets_radius(XIJIAO, 1234)  # fails fast if a lock were held
        community.radius_m = 900
        db.session.flush()  # the first write
        if on_sqlite():
            after_first_write["lock free"] = sqlite_write_lock_is_free()
        else:
            other_writer_sets_radius(XIJIAO, 4321)
            after_first_write["other row"] = radius_elsewhere(XIJIAO)
            with pytest.raises(OperationalError, match="lock timeout"):
                other_writer_sets_radius(FUYOUJIE, 1)

    with app.app_context():
        read_then_write()
        if on_sqlite():
            assert after_first_write == {"lock free": False}
            assert radius_elsewhere(XIJIAO) == 1234
        else:
            assert after_first_write == {"other row": 4321}
            assert radius_elsewhere(XIJIAO) == 4321
        assert radius_elsewhere(FUYOUJIE) == 900
        if on_sqlite():
            assert sqlite_write_lock_is_free()  # let go at the commit


def test_a_writer_that_only_reads_never_holds_the_write_lock(app):
    @writer
    def only_reads():
        db.session.get(Community, FUYOUJIE)
        other_writer_sets_radius(FUYOUJIE, 777)
        if on_sqlite():
            return sqlite_write_lock_is_free()
        return True

    with app.app_context():
        assert only_reads() is True
        assert radius_elsewhere(FUYOUJIE) == 777


def test_lock_for_writing_takes_the_lock_at_once(app):
    """On SQLite lock_for_writing holds the file's write lock from that moment, before any
    write, until the use case ends; on PostgreSQL it locks nothing (rows are locked by the
    reads that ask for it), so another connection still updates a row."""
    seen = {}

    @writer
    def lock_then_read():
        db.session.get(Community, FUYOUJIE)
        if on_sqlite():
            seen["before"] = sqlite_write_lock_is_free()
        lock_for_writing()
        db.session.get(Community, XIJIAO)
        if on_sqlite():
            seen["after"] = sqlite_write_lock_is_free()
        else:
            other_writer_sets_radius(XIJIAO, 555)
            seen["after"] = radius_elsewhere(XIJIAO)

    with app.app_context():
        lock_then_read()
        if on_sqlite():
            assert seen == {"before": True, "after": False}
            assert sqlite_write_lock_is_free()  # released by the commit
        else:
            assert seen == {"after": 555}
