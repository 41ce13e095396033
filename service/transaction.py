"""Each use case declares its transaction once: `@reader` or `@writer`.

The declaration begins the transaction, commits it when the use case returns and rolls it back
when it raises; nothing else in the service commits or rolls back, and neither do handlers or
error handlers. A use case called from inside another joins the caller's transaction (a sync
batch logs each visit in a transaction of its own by calling the writer per item).

On SQLite the database file has one writer at a time. A writer's reads — and whatever it
computes from them: hashes, geodesics, rendered files — run in an ordinary (deferred) read
transaction, which never blocks anybody; only its first write takes the write lock
(`BEGIN IMMEDIATE`, see api/database.py), held until the commit. So a use case reads and
computes first and writes last. PostgreSQL locks rows, not the file: there a use case is one
plain transaction.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError

from models import db
from models.locking import take_write_lock
from service.errors import ConflictError

READ = "read"
WRITE = "write"
# Where the session keeps the mode of the use case it is running (see api/database.py).
MODE = "use_case_mode"

P = ParamSpec("P")
R = TypeVar("R")


class WriteInReaderError(RuntimeError):
    """A use case declared as a reader tried to write: a programming error."""


def reader(function: Callable[P, R]) -> Callable[P, R]:
    """Declare a use case that only reads."""
    return _declared(function, READ)


def writer(function: Callable[P, R]) -> Callable[P, R]:
    """Declare a use case that writes (after its reads)."""
    return _declared(function, WRITE)


def current_mode() -> str | None:
    return db.session.info.get(MODE)


def _snapshots_matter(session) -> bool:
    """SQLite: a transaction reads one snapshot of the file and pins it, so each use case ends
    its own. PostgreSQL (read committed): every statement sees what is committed, so a
    reader's transaction is simply continued by what the request does next, and closed with
    the request; that saves a COMMIT round trip on every authenticated request."""
    return session.get_bind().dialect.name == "sqlite"


def _go_on_from_open_transaction(session, mode: str) -> None:
    """Reads made before (a reader on PostgreSQL, a lazy load while an answer was written)
    left a transaction open: SQLite ends it, so that this use case starts from a fresh
    snapshot; elsewhere this use case goes on in it, as what it is now."""
    if _snapshots_matter(session):
        session.commit()
    else:
        session.connection().info[MODE] = mode


def _declared(function: Callable[P, R], mode: str) -> Callable[P, R]:
    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        session = db.session()  # the request's (or thread's) own session
        outer = session.info.get(MODE)
        if outer is not None:
            if mode == WRITE and outer == READ:
                raise WriteInReaderError(f"{function.__qualname__} writes inside a reader")
            return function(*args, **kwargs)
        if session.in_transaction():
            _go_on_from_open_transaction(session, mode)
        session.info[MODE] = mode
        try:
            result = function(*args, **kwargs)
            if mode == WRITE or _snapshots_matter(session):
                session.commit()
            elif session.new or session.dirty or session.deleted:
                # Not flushed, so not refused by the database hooks; the next writer would.
                raise WriteInReaderError(f"{function.__qualname__} changed data in a reader")
            return result
        except BaseException:
            session.rollback()
            raise
        finally:
            session.info.pop(MODE, None)

    run.transaction_mode = mode
    return run


def lock_for_writing() -> None:
    """Take SQLite's write lock now, in a writer, before the reads its writes must agree with
    (e.g. "one active admin remains"); the reads so far end with their read transaction.
    Other databases lock rows, not the file: there such reads say so themselves
    (SELECT … FOR UPDATE, `with_for_update`), and this does nothing."""
    take_write_lock(db.session.connection())


@contextmanager
def conflicts_as(message: str, field: str | None = None) -> Iterator[None]:
    """A unique-constraint violation met in the block becomes a ConflictError: the database,
    not a prior check, decides. The block runs in a savepoint, so only its writes are undone,
    not what the use case (or one calling it) wrote before. On SQLite the write lock is taken
    first: the read transaction ends at the first write, and a savepoint begun in it would
    end with it."""
    lock_for_writing()
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError:
        raise ConflictError(message, {field: [message]} if field else None) from None
