"""Engine set-up: SQLite gets WAL and a busy timeout; every transaction starts as a reader and
takes SQLite's write lock at its first write, waiting for it attentively. The use cases'
declarations (service/transaction.py) tell each connection whether it may write at all."""

import sqlite3
import time

from flask import Flask
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service.transaction import MODE, READ, WriteInReaderError

# Between two tries for SQLite's write lock: short at first, so a writer takes the lock soon
# after the other process lets it go.
FIRST_WAIT_S = 0.0001
LONGEST_WAIT_S = 0.002
# Whether the connection's transaction holds SQLite's write lock.
WRITE_LOCKED = "write_locked"


def begin_immediate(dbapi_connection: sqlite3.Connection, timeout: float) -> None:
    """BEGIN IMMEDIATE, waiting up to `timeout` seconds for the write lock.

    SQLite's own busy handler sleeps 1, 2, 5, 10 … ms between tries, so under steady
    concurrent writes a waiting worker slept about 1.4 ms for a lock held about 0.2 ms (13 % of
    a worker's time in the visit benchmark). Trying again after 0.1 ms, doubling up to 2 ms,
    takes the lock within a fraction of a millisecond of its release."""
    dbapi_connection.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + timeout
        wait = FIRST_WAIT_S
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() + wait > deadline:
                    raise
            time.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT_S)
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


def _is_write(statement: str, context) -> bool:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        return True
    return statement.lstrip()[:7].upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))


def _track_use_cases(engine: Engine) -> None:
    """Each transaction learns the mode of the use case it serves, and a reader that writes is
    refused (a programming error), on every database."""
    @event.listens_for(engine, "begin")
    def forget_the_last_transaction(connection):
        connection.info[MODE] = None
        connection.info[WRITE_LOCKED] = False

    if not event.contains(Session, "after_begin", _tag_with_the_use_case):
        event.listen(Session, "after_begin", _tag_with_the_use_case)

    @event.listens_for(engine, "before_cursor_execute")
    def refuse_writes_in_readers(connection, _cursor, statement, _params, context, _many):
        if connection.info.get(MODE) == READ and _is_write(statement, context):
            raise WriteInReaderError(f"a reader use case tried to write: {statement[:60]}")


def _tag_with_the_use_case(session, _transaction, connection) -> None:
    connection.info[MODE] = session.info.get(MODE)


def _configure_sqlite(engine: Engine, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's begin event, not the driver, decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin_as_a_reader(connection):
        # A read transaction takes no lock and blocks nobody.
        connection.connection.dbapi_connection.execute("BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def lock_at_the_first_write(connection, _cursor, statement, _params, context, _many):
        """A transaction takes the write lock at its first write, not before. Its reads so far
        ran in a read transaction, which ends here: one that has read cannot be upgraded
        safely while another writer commits (SQLITE_BUSY_SNAPSHOT, no waiting)."""
        if connection.info.get(WRITE_LOCKED) or not _is_write(statement, context):
            return
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            return  # a statement outside a transaction (migrations) locks for itself
        dbapi_connection.execute("COMMIT")
        try:
            begin_immediate(dbapi_connection, busy_timeout)
        except sqlite3.OperationalError as error:
            # As SQLAlchemy reports driver errors, so the error handlers recognise it.
            raise exc.OperationalError("BEGIN IMMEDIATE", None, error) from error
        connection.info[WRITE_LOCKED] = True


def configure_engine(app: Flask, engine: Engine) -> None:
    _track_use_cases(engine)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT"])
