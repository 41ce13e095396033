"""Engine set-up: SQLite gets WAL and a busy timeout; every transaction starts as a reader and
takes SQLite's write lock at its first write, waiting for it attentively. The use cases'
declarations (service/transaction.py) tell each connection whether it may write at all."""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from models.locking import BUSY_TIMEOUT, WRITE_LOCKED, take_write_lock
from service.transaction import MODE, READ, WriteInReaderError


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

    locks_the_file = engine.dialect.name == "sqlite"

    @event.listens_for(engine, "before_cursor_execute")
    def before_a_write(connection, _cursor, statement, _params, context, _many):
        """A reader that writes is refused. On SQLite a transaction takes the write lock at
        its first write, not before (models/locking.py says why)."""
        if not _is_write(statement, context):
            return
        if connection.info.get(MODE) == READ:
            raise WriteInReaderError(f"a reader use case tried to write: {statement[:60]}")
        if locks_the_file:
            take_write_lock(connection)


def _tag_with_the_use_case(session, _transaction, connection) -> None:
    connection.info[MODE] = session.info.get(MODE)


def _configure_sqlite(engine: Engine, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record):
        record.info[BUSY_TIMEOUT] = busy_timeout
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


def configure_engine(app: Flask, engine: Engine) -> None:
    _track_use_cases(engine)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT"])
