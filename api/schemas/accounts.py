import marshmallow as ma
from marshmallow import fields, validate

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


class UserSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    active = fields.Boolean()


class TokenSchema(ma.Schema):
    access_token = fields.String()
    token_type = fields.Constant("Bearer")
    expires_in = fields.Integer()
    user = fields.Nested(UserSchema)


class UserCreateSchema(Strict):
    username = username_field
    password = fields.String(required=True, validate=password_field.validate)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    display_name = fields.String(validate=validate.Length(min=1, max=100))


class UserUpdateSchema(Strict):
    role = fields.String(validate=validate.OneOf(ROLES))
    display_name = fields.String(validate=validate.Length(min=1, max=100))
    password = password_field
    active = fields.Boolean()


class UserListArgs(PageArgs):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()


class AssignmentSchema(ma.Schema):
    id = fields.Integer()
    username = fields.String()
    street_code = fields.String(allow_none=True)
    community_code = fields.String(allow_none=True)
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
