"""The job queue: huey, on a SQLite file by default (nothing to install) or on Redis when
REDIS_URL is set (consumers on several machines).

Each app gets its own huey instance (tests and benches build several apps in one process);
the use cases declare their steps once, with `step` and `periodic`, and every instance
registers them all. A step runs inside the app's context with a session of its own, so it
declares its transactions like any use case."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey
from huey.api import Huey, TaskWrapper

from models import db

# How long a consumer waits at most between two looks at an idle SQLite queue (Redis blocks
# and answers at once): work waits at most this long to start.
IDLE_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Step:
    name: str
    function: Callable
    retries: int
    retry_delay: int
    when: Callable | None = None  # a periodic task: when it runs (a crontab, in UTC)


_STEPS: dict[str, Step] = {}


def step(name: str, *, retries: int = 2, retry_delay: int = 5):
    """Declare a step of a job that the consumers run; its first argument is the job's id.
    A step that raises is retried `retries` times after `retry_delay` seconds, the job
    showing the reason meanwhile; when the last attempt fails the job is marked failed with
    it, so nothing fails silently."""
    def declare(function: Callable) -> Callable:
        _STEPS[name] = Step(name, function, retries, retry_delay)
        return function
    return declare


def periodic(name: str, when: Callable):
    """Declare a step that the consumers' scheduler runs by itself at `when` (UTC)."""
    def declare(function: Callable) -> Callable:
        _STEPS[name] = Step(name, function, retries=0, retry_delay=0, when=when)
        return function
    return declare


def _record_failure(job_id: int, error: Exception, *, final: bool) -> None:
    from service.jobs import records
    try:
        if final:
            records.fail_with(job_id, error)
        else:
            records.note_retry(job_id, error)
    except Exception:  # the database itself is failing: the consumer's log keeps the error
        logging.getLogger(__name__).exception("could not record the failure of job %s", job_id)


def _storage(config: dict) -> Huey:
    name = config["JOBS_QUEUE_NAME"]
    if config.get("REDIS_URL"):
        return RedisHuey(name, url=config["REDIS_URL"])
    return SqliteHuey(name, filename=config["JOBS_SQLITE_PATH"])


class JobQueue:
    """One app's huey instance and its registered steps."""

    def __init__(self, app: Flask):
        self.app = app
        self.huey = _storage(app.config)
        self.storage_kind = "redis" if app.config.get("REDIS_URL") else "sqlite"
        self.tasks: dict[str, TaskWrapper] = {
            step.name: self._register(step) for step in _STEPS.values()}

        @self.huey.on_startup()
        def own_database_connections():
            # A worker process forked from the consumer must not share its parent's sockets.
            with app.app_context():
                db.engine.dispose(close=False)

    def _register(self, declared: Step) -> TaskWrapper:
        app = self.app

        def run(*args, task=None):
            with app.app_context():
                try:
                    return declared.function(*args)
                except Exception as error:
                    if declared.when is None:
                        _record_failure(args[0], error, final=task is None or not task.retries)
                    raise

        run.__name__ = run.__qualname__ = declared.name
        if declared.when is not None:
            return self.huey.periodic_task(declared.when, name=declared.name)(
                lambda: run())
        delay = app.config.get("JOBS_RETRY_DELAY")
        return self.huey.task(retries=declared.retries,
                              retry_delay=declared.retry_delay if delay is None else delay,
                              context=True, name=declared.name)(run)

    def enqueue(self, name: str, *args) -> None:
        self.tasks[name](*args)

    def signature(self, name: str, *args):
        return self.tasks[name].s(*args)

    def run_here(self, name: str, *args):
        """Run a step in this process, as a consumer would on its last attempt (the CLI)."""
        return self.tasks[name].call_local(*args, task=None)

    def pending(self) -> int:
        return self.huey.pending_count()

    def consumer(self, *, workers: int = 2, worker_type: str = "process",
                 periodic: bool = True):
        return self.huey.create_consumer(
            workers=workers, worker_type=worker_type, periodic=periodic,
            max_delay=IDLE_POLL_SECONDS, check_worker_health=True)


def init_app(app: Flask) -> JobQueue:
    # The modules that declare steps, imported here so that every instance knows them all.
    from service.jobs import schedule  # noqa: F401
    from service.operations import backup_jobs  # noqa: F401
    from service.reports import content, effect, execution, mail, runs  # noqa: F401

    queue = JobQueue(app)
    app.extensions["jobs"] = queue
    return queue


def the_queue() -> JobQueue:
    return current_app.extensions["jobs"]
