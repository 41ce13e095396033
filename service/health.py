"""Liveness of the service's dependencies."""

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from models import db
from service.transaction import reader

log = logging.getLogger(__name__)


@reader
def _select_one() -> None:
    db.session.execute(text("SELECT 1"))


def database_reachable() -> bool:
    try:
        _select_one()
        return True
    except SQLAlchemyError:
        log.exception("database unreachable")
        return False
