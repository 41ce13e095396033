"""The database handle and column types shared by every model."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, TypeDecorator

# Named constraints let Alembic alter and drop them the same way on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Objects stay readable after the commit that a use case ends with, so the HTTP edge can dump
# them without reloading each one.
db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                session_options={"expire_on_commit": False})


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as UTC; SQLite hands back naive values, so UTC is re-attached."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# On SQLite, read-only requests start deferred transactions and everything else takes the write
# lock at BEGIN (BEGIN IMMEDIATE), because a deferred transaction that reads and then writes
# cannot be upgraded while another writer holds the lock (see shared/docs/measured.md).
sqlite_read_only: ContextVar[bool] = ContextVar("sqlite_read_only", default=False)


@contextmanager
def _transaction_of_its_own(read_only: bool) -> Iterator[None]:
    """The enclosed queries in a transaction that starts as `read_only` says (on SQLite:
    deferred, or taking the write lock at BEGIN) and is committed at the end."""
    token = sqlite_read_only.set(read_only)
    try:
        yield
        db.session.commit()
    finally:
        sqlite_read_only.reset(token)


@contextmanager
def reading() -> Iterator[None]:
    """Run the enclosed queries as the read phase of a request. On SQLite they run in a read
    transaction that ends here, so that the write lock is held only by the short write that
    follows, not while a request checks its input; loaded objects stay usable (the session
    does not expire on commit). Other databases lock rows, not the file: there the request
    goes on in the same transaction, which saves a commit's round trips."""
    if db.engine.dialect.name != "sqlite":
        yield
        return
    with _transaction_of_its_own(read_only=True):
        yield


@contextmanager
def writing() -> Iterator[None]:
    """Run the enclosed writes in a transaction of their own that takes SQLite's write lock at
    BEGIN, even inside a read-only request: a read transaction cannot be upgraded safely."""
    db.session.commit()  # ends the read transaction this request may have open
    with _transaction_of_its_own(read_only=False):
        yield
