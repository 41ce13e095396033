"""Shared fixtures: one app per session on SQLite (default) or on TEST_DATABASE_URL, a
clean database with the real district before every test, users and their tokens."""

import os
import shutil
import signal
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from api import create_app
from api.config import for_tests
from models import db
from service.district import accounts, assignments, places
from service.district.contracts import ensure_default_contract
from service.reports import runs

DEFAULT_PASSWORD = "correct-horse-1"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or (
        "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db"))


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(for_tests(database_url, str(tmp_path_factory.mktemp("files"))))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    app.extensions["jobs"].huey.flush()  # what this run left in a shared Redis
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@contextmanager
def running_consumer(app, workers: int = 2, periodic: bool = False):
    """A real huey consumer of the app's queue (thread workers in this process), stopped
    when the block ends, after the task it is running."""
    consumer = app.extensions["jobs"].consumer(workers=workers, worker_type="thread",
                                               periodic=periodic)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM,
                                                        signal.SIGHUP)}
    consumer.start()
    for sig, handler in handlers.items():  # the consumer's handlers are for its own process
        signal.signal(sig, handler)
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)


@pytest.fixture
def consumer(app):
    with running_consumer(app) as running:
        yield running


@pytest.fixture
def make_set(app):
    """Make a week's full set of spreadsheets in this process, as `flask weekly-reports`
    does, so that downloads have stored files to serve."""
    def make(week: str, outside_contract: bool = False):
        with app.app_context():
            # One process: forking beside a running consumer's threads could copy a lock.
            return runs.make_set_here(week, processes=1, outside_contract=outside_contract)
    return make


WIPE_ATTEMPTS = 50


def _wipe(app) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name != "postgresql":
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
        db.session.commit()
        return
    # A browser test's last request may still be running on the live server's thread when the
    # next test begins. TRUNCATE then waits for its locks, or PostgreSQL breaks the deadlock
    # of the two by failing the TRUNCATE (seen in CI): try again once the request is done.
    for attempt in range(WIPE_ATTEMPTS):
        try:
            db.session.execute(text("SET LOCAL lock_timeout = '2s'"))
            db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            db.session.commit()
            return
        except OperationalError:
            db.session.rollback()
            if attempt == WIPE_ATTEMPTS - 1:
                raise
            time.sleep(0.2)


@pytest.fixture(autouse=True)
def fresh_database(app):
    """Every test starts from the seeded district and the default contract, nothing else:
    no task waiting in the queue, no stored spreadsheets."""
    app.extensions["jobs"].huey.flush()
    shutil.rmtree(app.config["REPORTS_DIR"], ignore_errors=True)
    with app.app_context():
        _wipe(app)
        places.seed_district()
        ensure_default_contract()
    yield


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """An empty database of the suite's kind (a new file, or a new PostgreSQL database dropped
    afterwards), for migrating or restoring into."""
    if not database_url.startswith("postgresql"):
        yield "sqlite:///" + str(tmp_path / "empty.db")
        return
    name = f"empty_{uuid.uuid4().hex[:8]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass
class TestUser:
    id: int
    username: str
    role: str
    password: str
    display_name: str


@pytest.fixture
def make_user(app):
    """Create a user; a liaison may be assigned streets and communities from a start date."""
    counter = iter(range(1, 10_000))

    def make(role: str = "liaison", username: str | None = None, *,
             streets: list[str] = (), communities: list[str] = (),
             start_date: date = date(2022, 3, 15), end_date: date | None = None,
             display_name: str | None = None, password: str = DEFAULT_PASSWORD,
             community_code: str | None = None, email: str | None = None,
             district_code: str | None = None) -> TestUser:
        username = username or f"{role}{next(counter)}"
        with app.app_context():
            user = accounts.create_user(username=username, password=password, role=role,
                                        display_name=display_name,
                                        community_code=community_code, email=email,
                                        district_code=district_code)
            for street in streets:
                assignments.create_assignment(actor=None, username=username, street_code=street,
                                              start_date=start_date, end_date=end_date)
            for community in communities:
                assignments.create_assignment(actor=None, username=username,
                                              community_code=community,
                                              start_date=start_date, end_date=end_date)
            return TestUser(user.id, user.username, user.role, password, user.display_name)

    return make


@pytest.fixture
def auth_headers(app):
    """Bearer headers for a user, issued the way login issues them."""
    def headers(user: TestUser) -> dict:
        with app.app_context():
            model = accounts.get_user(user.id)
            token = accounts.issue_token(model, secret=app.config["SECRET_KEY"],
                                         lifetime=app.config["TOKEN_LIFETIME"])
        return {"Authorization": f"Bearer {token.access_token}"}
    return headers


@pytest.fixture
def admin(make_user):
    return make_user("admin", "admin")


@pytest.fixture
def admin_headers(admin, auth_headers):
    return auth_headers(admin)
