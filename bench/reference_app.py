"""The two reference endpoints the visit benchmark compares against, served the same way:
a bare JSON endpoint (the stack's ceiling) and a minimal validated insert with one commit into
the same database (the floor cost of a durable write)."""

import os

from flask import Flask, request
from marshmallow import Schema, fields, validate
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, create_engine, event

metadata = MetaData()
rows = Table("bench_rows", metadata,
             Column("id", Integer, primary_key=True),
             Column("client_id", String(36), unique=True),
             Column("community_code", String(12)),
             Column("latitude", Float), Column("longitude", Float),
             Column("purpose", String(32)), Column("notes", String(2000)))


class RowSchema(Schema):
    client_id = fields.UUID(required=True)
    community_code = fields.String(required=True, validate=validate.Length(equal=12))
    visited_at = fields.AwareDateTime(required=True)
    latitude = fields.Float(validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(validate=validate.Range(min=-180, max=180))
    accuracy_m = fields.Float()
    fix_at = fields.AwareDateTime()
    purpose = fields.String(required=True)
    notes = fields.String(validate=validate.Length(max=2000))
    people_met = fields.Integer()
    new_registrations = fields.Integer()


def _engine(url: str):
    engine = create_engine(url, connect_args={"timeout": 15} if url.startswith("sqlite") else {})
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def pragmas(dbapi_connection, _record):
            for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "busy_timeout = 15000"):
                dbapi_connection.execute(f"PRAGMA {pragma}")
    return engine


def create_app() -> Flask:
    app = Flask(__name__)
    engine = _engine(os.environ["DATABASE_URL"])
    metadata.create_all(engine)
    schema = RowSchema()

    @app.get("/ping")
    def ping():
        return {"status": "ok"}

    @app.post("/insert")
    def insert():
        data = schema.load(request.get_json())
        with engine.begin() as conn:
            conn.execute(rows.insert().values(
                client_id=str(data["client_id"]), community_code=data["community_code"],
                latitude=data.get("latitude"), longitude=data.get("longitude"),
                purpose=data["purpose"], notes=data.get("notes", "")))
        return {"client_id": str(data["client_id"])}, 201

    return app


app = create_app() if os.environ.get("DATABASE_URL") else None
