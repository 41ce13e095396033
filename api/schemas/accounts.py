import marshmallow as ma
from marshmallow import fields, pre_dump, validate

from api.schemas.common import PageArgs, Strict, code
from models import Role
from service.clock import local_today
from service.district.accounts import MIN_PASSWORD_LENGTH

ROLES = [r.value for r in Role]
username_field = fields.String(
    required=True,
    validate=validate.Regexp(r"^[A-Za-z0-9_.-]{2,64}$",
                             error="用户名应为 2–64 个字母、数字或 _ . -"))
# The length here; whether it is too easy to guess, the service decides (the CLI asks it too).
password_field = fields.String(validate=validate.Length(
    min=MIN_PASSWORD_LENGTH, max=256, error=f"密码长度应为 {MIN_PASSWORD_LENGTH}–256 个字符"))


class LoginSchema(Strict):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


phone_field = fields.String(validate=validate.Regexp(
    r"^[0-9+() -]{0,32}$", error="电话号码只能包含数字、空格和 + - ( )，最多 32 个字符"))


# Empty clears the address.
email_field = fields.String(validate=validate.Regexp(
    r"^$|^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$", error="电子邮箱格式不正确"),
    metadata={"description": "where the weekly workbook is e-mailed (empty: none)"})


def _places_today(user) -> list[dict]:
    """The streets and communities a liaison covers today (Asia/Shanghai)."""
    day = local_today()
    return [{"assignment_id": a.id, "street_code": a.street_code,
             "street_name": a.street.name if a.street else None,
             "community_code": a.community_code,
             "community_name": a.community.name if a.community else None,
             "start_date": a.start_date.isoformat(),
             "end_date": a.end_date.isoformat() if a.end_date else None}
            for a in user.assignments if a.in_force_on(day)]


class UserSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    phone = fields.String(allow_none=True)
    last_login_at = fields.AwareDateTime(allow_none=True)
    must_change_password = fields.Boolean(
        metadata={"description": "the user must set a new password before anything else"})
    community_code = fields.String(allow_none=True, metadata={
        "description": "a community account's community"})
    community_name = fields.Function(
        lambda u: u.community.name if u.community_code and u.community else None)
    email = fields.String(allow_none=True)
    district_code = fields.String(allow_none=True, metadata={
        "description": "an official's district (null: the whole city)"})
    places = fields.Function(_places_today, metadata={
        "description": "the streets and communities the user covers today"})


class IssuedPasswordSchema(UserSchema):
    one_time_password = fields.String(allow_none=True, metadata={
        "description": "shown once: the password made for the account (null when the admin "
                       "chose it)"})

    @pre_dump
    def unwrap(self, issued, **_kwargs):
        return _AccountWithPassword(issued)


class _AccountWithPassword:
    """The account's attributes, and the password just issued."""

    def __init__(self, issued):
        self._user = issued.user
        self.one_time_password = issued.one_time_password

    def __getattr__(self, name):
        return getattr(self._user, name)


class TokenSchema(ma.Schema):
    access_token = fields.String()
    token_type = fields.Constant("Bearer")
    expires_in = fields.Integer()
    user = fields.Nested(UserSchema)


class UserCreateSchema(Strict):
    username = username_field
    password = fields.String(validate=password_field.validate, metadata={
        "description": "left out: a one-time password is made and answered once"})
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    display_name = fields.String(validate=validate.Length(min=1, max=100))
    phone = phone_field
    community_code = code(metadata={"description": "required for (and only for) the role "
                                                   "community: the account's community"})
    email = email_field
    district_code = code(metadata={"description": "an official's district (left out: the "
                                                  "whole city); only for the role official"})


class UserUpdateSchema(Strict):
    role = fields.String(validate=validate.OneOf(ROLES))
    display_name = fields.String(validate=validate.Length(min=1, max=100))
    password = password_field
    active = fields.Boolean()
    phone = phone_field
    community_code = code()
    email = email_field
    district_code = fields.String(validate=validate.Regexp(
        r"^$|^\d{12}$", error="区编码应为 12 位数字"), metadata={
        "description": "an official's district; empty: the whole city"})


class PasswordChangeSchema(Strict):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=256))
    new_password = fields.String(required=True, validate=validate.Length(
        min=1, max=256, error="密码最多 256 个字符"))


class UserListArgs(PageArgs):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    q = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "a part of the username, the name or the phone"})


class AssignmentSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.Function(lambda a: a.user.display_name)
    street_code = fields.String(allow_none=True)
    street_name = fields.Function(lambda a: a.street.name if a.street else None)
    community_code = fields.String(allow_none=True)
    community_name = fields.Function(lambda a: a.community.name if a.community else None)
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    active = fields.Function(lambda a: a.in_force_on(local_today()),
                             metadata={"description": "active today (Asia/Shanghai)"})


class AssignmentCreateSchema(Strict):
    username = username_field
    street_code = code()
    community_code = code()
    start_date = fields.Date(required=True)
    end_date = fields.Date(allow_none=True)


class AssignmentListArgs(PageArgs):
    username = fields.String(validate=validate.Length(max=64))
    street_code = code()
    community_code = code()
    active = fields.Boolean()


class HandOverSchema(Strict):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64),
                             metadata={"description": "the liaison who takes over"})
    last_day = fields.Date(required=True, metadata={
        "description": "the first liaison's last day; the other starts the next day"})


class HandedOverSchema(ma.Schema):
    ended = fields.Nested(AssignmentSchema)
    started = fields.Nested(AssignmentSchema)


class CoverArgs(Strict):
    date = fields.Date(metadata={"description": "default: today (Asia/Shanghai)"})


class CoverLiaisonSchema(ma.Schema):
    assignment_id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)


class CoverCommunitySchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    covered = fields.Boolean()
    liaisons = fields.List(fields.Nested(CoverLiaisonSchema))


class CoverStreetSchema(ma.Schema):
    code = fields.String()
    name = fields.String()
    uncovered = fields.Integer()
    liaisons = fields.List(fields.Nested(CoverLiaisonSchema))
    communities = fields.List(fields.Nested(CoverCommunitySchema))


class DistrictCoverSchema(ma.Schema):
    date = fields.Date()
    uncovered = fields.Integer()
    streets = fields.List(fields.Nested(CoverStreetSchema))


class AccountImportFormSchema(Strict):
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "check the file and list the accounts it would open; nothing stored"})


class PlannedAccountSchema(ma.Schema):
    row = fields.Integer()
    id = fields.Integer(allow_none=True)
    username = fields.String()
    display_name = fields.String()
    community_code = fields.String()
    community_name = fields.String()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    one_time_password = fields.String(allow_none=True, metadata={
        "description": "shown once (null in a dry run)"})


class AccountImportSchema(ma.Schema):
    dry_run = fields.Boolean()
    rows = fields.Integer()
    accounts = fields.List(fields.Nested(PlannedAccountSchema))


class MyContractSchema(ma.Schema):
    key = fields.String()
    name = fields.String()
    in_force = fields.Boolean()
    my_role = fields.String(data_key="role")


class MeSchema(UserSchema):
    contracts = fields.List(fields.Nested(MyContractSchema), metadata={
        "description": "the contracts the account belongs to, with its role in each"})
