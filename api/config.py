"""Configuration from environment variables, and the configuration the tests use."""

import os
import secrets
import tempfile
from pathlib import Path


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one kept under instance/ so restarts and
    every worker of one server agree on it."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


# What a user reads as the product's name (the API docs' title, the weekly mail) unless
# PRODUCT_NAME says otherwise: nothing in code names one district's platform, whose own name
# comes from its contract's file (`platform_name`).
DEFAULT_PRODUCT_NAME = "社区治理平台推广运营后台"
# The embedded database's file under instance/ when DATABASE_URL is unset; DATABASE_FILE names
# another (an installation that began under an older name keeps its file by naming it here).
DEFAULT_DATABASE_FILE = "service.db"


def from_environment(instance_path: str) -> dict:
    """The settings of a running service."""
    database_file = os.environ.get("DATABASE_FILE") or DEFAULT_DATABASE_FILE
    default_db = "sqlite:///" + str(Path(instance_path) / database_file)
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "PRODUCT_NAME": os.environ.get("PRODUCT_NAME") or DEFAULT_PRODUCT_NAME,
        "SECRET_KEY": _secret_key(instance_path),
        "TOKEN_LIFETIME": int(os.environ.get("TOKEN_LIFETIME_SECONDS", 12 * 3600)),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "SQLITE_BUSY_TIMEOUT": float(os.environ.get("SQLITE_BUSY_TIMEOUT", 5.0)),
        # How many reverse proxies in front set X-Forwarded-For/-Proto (0: none trusted).
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        # The job queue: Redis when REDIS_URL is set (consumers on several machines), else a
        # SQLite file beside the database that needs nothing installed.
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "JOBS_SQLITE_PATH": os.environ.get(
            "JOBS_SQLITE_PATH", str(Path(instance_path) / "jobs.db")),
        "JOBS_QUEUE_NAME": os.environ.get("JOBS_QUEUE_NAME", "operations"),
        "REPORTS_DIR": os.environ.get("REPORTS_DIR", str(Path(instance_path) / "reports")),
        "BACKUPS_DIR": os.environ.get("BACKUPS_DIR", str(Path(instance_path) / "backups")),
        # E-mail of the weekly workbooks to community accounts: off unless a server is named.
        "SMTP_URL": os.environ.get("SMTP_URL") or None,
        "SMTP_FROM": os.environ.get("SMTP_FROM") or None,
    }


def for_tests(database_url: str, files_dir: str | None = None) -> dict:
    """Settings for the test suite: a given database, a cheap password hash, and the queue
    and files under `files_dir` (a new temporary folder by default; the queue on Redis when
    TEST_REDIS_URL names one)."""
    files_dir = files_dir or tempfile.mkdtemp(prefix="ops-test-")
    return {
        "REDIS_URL": os.environ.get("TEST_REDIS_URL") or None,
        "JOBS_SQLITE_PATH": str(Path(files_dir) / "jobs.db"),
        # Each run its own queue, so that runs sharing a Redis never take each other's tasks.
        "JOBS_QUEUE_NAME": f"ops-test-{secrets.token_hex(4)}",
        "REPORTS_DIR": str(Path(files_dir) / "reports"),
        "BACKUPS_DIR": str(Path(files_dir) / "backups"),
        "JOBS_RETRY_DELAY": 0,  # a failing step is retried at once: tests wait for its end
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PRODUCT_NAME": DEFAULT_PRODUCT_NAME,
        "SECRET_KEY": "test-secret-key",
        "TOKEN_LIFETIME": 3600,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SQLITE_BUSY_TIMEOUT": 15.0,
    }
