"""Recording who changed what: every write use case calls `record` before it commits."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select

from models import AuditEntry, User, db
from models.base import utcnow

# A Core insert on the session's connection: every write records one, so it stays cheap.
_INSERT_ENTRY = insert(AuditEntry.__table__)


def plain(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: Any, fields: list[str]) -> dict:
    """The named attributes of a record as JSON-ready values."""
    return {name: plain(getattr(obj, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """Only what changed, as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record(entity_type: str, entity_id: int | str, action: str, actor: User | None,
           changes: dict, now: datetime | None = None) -> None:
    """Write a history entry in the current transaction (the caller commits)."""
    db.session.connection().execute(_INSERT_ENTRY, {
        "entity_type": entity_type, "entity_id": str(entity_id), "action": action,
        "actor_id": actor.id if actor else None, "changes": changes, "at": now or utcnow()})


def history(entity_type: str, entity_id: int | str) -> list[AuditEntry]:
    """Every entry for one record, oldest first."""
    query = (select(AuditEntry)
             .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == str(entity_id))
             .order_by(AuditEntry.at, AuditEntry.id))
    return list(db.session.scalars(query))
