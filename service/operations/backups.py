"""Backups you can trust: a consistent copy of the database taken while the service runs, a
manifest beside it (when, which database and migration, row counts per table, SHA-256), the
retention of 7 daily, 4 weekly and 12 monthly copies, restoring into an empty database, and
verifying a copy by restoring it into a scratch one.

SQLite is copied through its online backup API, which includes what still sits in the `-wal`
file (a plain file copy under load missed committed visits). PostgreSQL is dumped with
`pg_dump` (custom format) inside an exported snapshot, so that the counts of the manifest are
those of the dump."""

import hashlib
import json
import sqlite3
import subprocess
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, make_url

from service.clock import now_utc
from service.errors import RuleViolationError, UnreadableInputError

KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
MANIFEST_SUFFIX = ".json"
# A backup's file name starts with this; those written under an earlier prefix are still ours:
# a backup is known by its manifest (see _manifests), never by its name's start.
BACKUP_PREFIX = "backup-"


@dataclass
class Manifest:
    file: str  # the backup's file name, beside the manifest
    taken_at: str  # ISO 8601, UTC
    database: str  # sqlite or postgresql
    revision: str | None  # the Alembic migration the database was at
    tables: dict[str, int]  # rows per table
    sha256: str

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.taken_at)


@dataclass
class Verification:
    manifest: Manifest
    restored: dict[str, int]
    integrity: str  # SQLite's integrity_check, or "ok" once PostgreSQL restored the dump

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and self.restored == self.manifest.tables


# ---------------------------------------------------------------- taking

def take_backup(database_url: str, out_dir: Path, *, now: datetime | None = None) -> Manifest:
    """A consistent copy of the database in `out_dir`, its manifest, and the retention."""
    now = now or now_utc()
    url = make_url(database_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{BACKUP_PREFIX}{now:%Y%m%dT%H%M%S%fZ}"
    if url.get_backend_name() == "sqlite":
        path = out_dir / f"{stem}.sqlite3"
        tables = _copy_sqlite(url.database, path)
        revision = _revision_of(f"sqlite:///{path}")
    else:
        path = out_dir / f"{stem}.dump"
        tables, revision = _dump_postgresql(url, path)
    manifest = Manifest(path.name, now.astimezone(UTC).isoformat(), url.get_backend_name(),
                        revision, tables, _sha256(path))
    _write_manifest(path, manifest)
    prune(out_dir)
    return manifest


def _copy_sqlite(source: str, target: Path) -> dict[str, int]:
    partial = target.with_name(target.name + ".partial")
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)  # one consistent snapshot, WAL included
    src.close()
    dst.close()
    partial.replace(target)
    with sqlite3.connect(target) as copy:
        counts = _sqlite_counts(copy)
    copy.close()
    return counts


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in names}


def _dump_postgresql(url: URL, target: Path) -> tuple[dict[str, int], str | None]:
    """pg_dump inside a snapshot exported by a transaction that also counts the rows."""
    engine = create_engine(url)
    partial = target.with_name(target.name + ".partial")
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            # The first statement begins the snapshot; it stays open while pg_dump reads it.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            tables = _counts(conn)
            revision = _revision(conn)
            _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}",
                  f"--file={partial}", "--dbname", _libpq(url)])
            conn.rollback()
    finally:
        engine.dispose()
    partial.replace(target)
    return tables, revision


def _counts(conn: Connection) -> dict[str, int]:
    names = sorted(inspect(conn).get_table_names())
    return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in names}


def _revision(conn: Connection) -> str | None:
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _revision_of(database_url: str) -> str | None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return _revision(conn)
    finally:
        engine.dispose()


def _libpq(url: URL) -> str:
    """The URL as libpq's tools take it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_manifest(path: Path, manifest: Manifest) -> None:
    target = path.with_name(path.name + MANIFEST_SUFFIX)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2),
                       encoding="utf-8")
    partial.replace(target)


# ---------------------------------------------------------------- retention

def to_keep(moments: Iterable[datetime]) -> set[datetime]:
    """The backups retention keeps: the newest of each of the last 7 days, 4 ISO weeks and 12
    months that have a backup (Asia/Shanghai calendar is close enough at 02:00 UTC+8; UTC
    days are used so that the rule needs no time zone)."""
    newest_first = sorted(set(moments), reverse=True)
    keep = set()
    for period, count in ((lambda m: m.date(), KEEP_DAILY),
                          (lambda m: m.isocalendar()[:2], KEEP_WEEKLY),
                          (lambda m: (m.year, m.month), KEEP_MONTHLY)):
        seen = []
        for moment in newest_first:
            key = period(moment)
            if key not in seen:
                seen.append(key)
                if len(seen) > count:
                    break
                keep.add(moment)
    return keep


def prune(out_dir: Path) -> list[str]:
    """Delete the backups (and their manifests) the retention does not keep."""
    manifests = _manifests(out_dir)
    kept = to_keep(m.moment for _, m in manifests)
    removed = []
    for manifest_path, manifest in manifests:
        if manifest.moment not in kept:
            (out_dir / manifest.file).unlink(missing_ok=True)
            manifest_path.unlink(missing_ok=True)
            removed.append(manifest.file)
    return removed


def _manifests(out_dir: Path) -> list[tuple[Path, Manifest]]:
    """Every backup of the folder by its manifest, whatever its name starts with (copies
    taken before the prefix changed are pruned with the rest): a JSON file is one of ours when
    it reads as a manifest naming the file it sits beside."""
    found = []
    for path in sorted(out_dir.glob(f"*{MANIFEST_SUFFIX}")):
        try:
            manifest = Manifest(**json.loads(path.read_text(encoding="utf-8")))
            ours = path.name == f"{manifest.file}{MANIFEST_SUFFIX}" and manifest.moment
        except (ValueError, TypeError, OSError):  # UnicodeDecodeError is a ValueError
            continue  # not one of ours: left alone
        if ours:
            found.append((path, manifest))
    return found


# ---------------------------------------------------------------- checking and restoring

def read_manifest(backup: Path) -> Manifest:
    """The manifest of a backup, after checking the backup's checksum against it."""
    manifest_path = backup.with_name(backup.name + MANIFEST_SUFFIX)
    if not backup.is_file() or not manifest_path.is_file():
        raise UnreadableInputError(f"找不到备份文件或其清单：{backup}")
    try:
        manifest = Manifest(**json.loads(manifest_path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        raise UnreadableInputError(f"备份清单无法读取：{manifest_path}") from None
    if _sha256(backup) != manifest.sha256:
        raise RuleViolationError(f"备份文件的校验和与清单不符，文件已损坏或被修改：{backup.name}",
                                 {"file": ["校验和不符"]})
    return manifest


def restore_backup(backup: Path, database_url: str) -> Manifest:
    """Restore a checked backup into an empty database of the same kind."""
    manifest = read_manifest(backup)
    url = make_url(database_url)
    if url.get_backend_name() != manifest.database:
        raise RuleViolationError(f"备份来自 {manifest.database}，不能恢复到 "
                                 f"{url.get_backend_name()}", {"database": ["数据库类型不符"]})
    if _has_tables(url):
        raise RuleViolationError("目标数据库不是空的，恢复只写入空数据库",
                                 {"database": ["目标数据库不是空的"]})
    if manifest.database == "sqlite":
        target = Path(url.database)
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(backup) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
    else:
        _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", _libpq(url),
              str(backup)])
    return manifest


def _has_tables(url: URL) -> bool:
    if url.get_backend_name() == "sqlite" and not Path(url.database).exists():
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def verify_backup(backup: Path, *, scratch_server_url: str | None = None) -> Verification:
    """Restore a backup into a scratch database and compare its rows with the manifest.
    PostgreSQL needs a server to restore on (`scratch_server_url`: any database there; a
    scratch database is created beside it and dropped)."""
    manifest = read_manifest(backup)
    if manifest.database == "sqlite":
        with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as copy:
            integrity = copy.execute("PRAGMA integrity_check").fetchone()[0]
            counts = _sqlite_counts(copy)
        copy.close()
        return Verification(manifest, counts, integrity)
    if not scratch_server_url:
        raise RuleViolationError("校验 PostgreSQL 备份需要一个 PostgreSQL 服务器",
                                 {"database": ["缺少用于校验的服务器"]})
    server = make_url(scratch_server_url)
    scratch = server.set(database=f"verify_{uuid.uuid4().hex[:10]}")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{scratch.database}"'))
        restore_backup(backup, scratch.render_as_string(hide_password=False))
        engine = create_engine(scratch)
        try:
            with engine.connect() as conn:
                counts = _counts(conn)
        finally:
            engine.dispose()
        return Verification(manifest, counts, "ok")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        admin.dispose()
