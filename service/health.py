"""Liveness of the service's dependencies."""

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from models import db

log = logging.getLogger(__name__)


def database_reachable() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        return True
    except SQLAlchemyError:
        log.exception("database unreachable")
        db.session.rollback()
        return False
