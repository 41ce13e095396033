"""Pieces every resource's schemas use: strict input, pagination, codes, dates."""

import re
from collections.abc import Mapping
from datetime import date
from functools import cache

import marshmallow as ma
from marshmallow import ValidationError, fields, validate

from service.clock import EARLIEST_YEAR, LATEST_YEAR, in_service_years

MAX_PER_PAGE = 500
# Characters no database column, workbook cell or JSON answer can hold: C0 controls other
# than tab, newline and carriage return, DEL, and lone UTF-16 surrogates ("\ud800" in JSON).
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
UNSTORABLE_MESSAGE = "包含无法保存的控制字符或无效字符"
WHOLE_NUMBER_MESSAGE = "应为整数"
YEARS_MESSAGE = f"日期应在 {EARLIEST_YEAR}–{LATEST_YEAR} 年之间"

def code(**kwargs) -> fields.String:
    """A 12-digit statistical code (a street or community)."""
    return fields.String(validate=validate.Regexp(r"^\d{12}$", error="应为 12 位数字编码"),
                         **kwargs)


def _has_unstorable_text(value) -> bool:
    """Whether a raw input value holds, anywhere inside it, text that cannot be stored."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _printable_name(key) -> str:
    """A field name fit to echo back: an unstorable name is shown escaped."""
    text = str(key)
    return text.encode("unicode_escape").decode("ascii") if UNSTORABLE.search(text) else text


def _is_fraction_for_integer(field: fields.Field, raw) -> bool:
    """A JSON number with a fraction (or NaN/Infinity) sent for an integer: marshmallow would
    truncate 1.5 to 1; an integer field takes whole numbers only."""
    if isinstance(field, fields.List):
        return isinstance(raw, list) and any(
            _is_fraction_for_integer(field.inner, item) for item in raw)
    return isinstance(field, fields.Integer) and isinstance(raw, float)


def _parsed_later(field: fields.Field | None) -> bool:
    """Raw values (the offline queue's visits) are checked one by one by their own parser,
    so that a bad item refuses only itself."""
    inner = field.inner if isinstance(field, fields.List) else field
    return isinstance(inner, fields.Raw)


class Strict(ma.Schema):
    """Input schemas refuse unknown fields, text that cannot be stored, fractions for
    integers and dates outside the years a contract can use; each error names its field."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    def _fields_by_data_key(self) -> dict[str, fields.Field]:
        # Built once per schema instance: one instance serves every request of an endpoint.
        if "_by_data_key" not in self.__dict__:
            self._by_data_key = {field.data_key or name: field
                                 for name, field in self.load_fields.items()}
        return self._by_data_key

    @ma.pre_load
    def refuse_unstorable_input(self, data, **_kwargs):
        if not isinstance(data, Mapping):
            return data
        by_key = self._fields_by_data_key()
        errors = {}
        for key, raw in data.items():
            field = by_key.get(key)
            if _has_unstorable_text(key) or (
                    not _parsed_later(field) and _has_unstorable_text(raw)):
                errors[_printable_name(key)] = [UNSTORABLE_MESSAGE]
            elif field is not None and _is_fraction_for_integer(field, raw):
                errors[key] = [WHOLE_NUMBER_MESSAGE]
        if errors:
            raise ValidationError(errors)
        return data

    @ma.validates_schema
    def refuse_dates_out_of_range(self, data, **_kwargs):
        errors = {}
        for name, value in data.items():
            if isinstance(value, date) and not in_service_years(value):
                field = self.load_fields.get(name)
                errors[(field.data_key if field else None) or name] = [YEARS_MESSAGE]
        if errors:
            raise ValidationError(errors)


class PageArgs(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


@cache
def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list envelope {items, total, page, per_page} around an item schema."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (ma.Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "total": fields.Integer(required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
    })


class AuditEntrySchema(ma.Schema):
    id = fields.Integer()
    action = fields.String()
    at = fields.AwareDateTime()
    actor = fields.String(attribute="actor_username", allow_none=True)
    changes = fields.Dict()
