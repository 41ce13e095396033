from flask import current_app, request

from api.auth import admin_only, current_user
from api.blueprint import Blueprint
from api.schemas.accounts import (
    AccountImportFormSchema,
    AccountImportSchema,
    IssuedPasswordSchema,
    LoginSchema,
    MeSchema,
    PasswordChangeSchema,
    TokenSchema,
    UserCreateSchema,
    UserListArgs,
    UserSchema,
    UserUpdateSchema,
)
from api.schemas.common import page_of
from api.schemas.user_counts import ImportFileSchema
from service.district import accounts, community_accounts, contracts

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Log in, and who am I")
users_blp = Blueprint("users", __name__, url_prefix="/api/v1/users",
                      description="Accounts (admins)")


@blp.route("/auth/login", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
def login(data):
    """Exchange a username and password for a bearer token."""
    user = accounts.authenticate(data["username"], data["password"],
                                 address=request.remote_addr or "-")
    return accounts.issue_token(user, secret=current_app.config["SECRET_KEY"],
                                lifetime=current_app.config["TOKEN_LIFETIME"])


@blp.route("/auth/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(200, TokenSchema)
def change_password(data):
    """Set one's own password (the current one proves it is you); the answer is a new token,
    the old ones stop working. The one call allowed while a new password is due."""
    user = accounts.change_own_password(current_user(), **data)
    return accounts.issue_token(user, secret=current_app.config["SECRET_KEY"],
                                lifetime=current_app.config["TOKEN_LIFETIME"])


@blp.route("/me")
@blp.response(200, MeSchema)
def me():
    """The account the token belongs to, with the contracts it belongs to and its role in
    each."""
    user = current_user()
    user.contracts = contracts.list_contracts(user)
    return user


@users_blp.route("")
@admin_only
@users_blp.arguments(UserListArgs, location="query")
@users_blp.response(200, page_of(UserSchema))
def list_users(args):
    """List accounts."""
    return accounts.list_users(**args)


@users_blp.route("", methods=["POST"])
@admin_only
@users_blp.arguments(UserCreateSchema)
@users_blp.response(201, IssuedPasswordSchema)
def create_user(data):
    """Create an account; without a password, a one-time password is made and answered once.
    The new user must set their own password at their first login."""
    return accounts.open_account(actor=current_user(), **data)


@users_blp.route("/<id:user_id>")
@admin_only
@users_blp.response(200, UserSchema)
def get_user(user_id):
    """One account."""
    return accounts.get_user(user_id)


@users_blp.route("/<id:user_id>", methods=["PATCH"])
@admin_only
@users_blp.arguments(UserUpdateSchema)
@users_blp.response(200, UserSchema)
def update_user(data, user_id):
    """Change an account's role, name or password, or disable it (not one's own admin role,
    nor the last active admin's)."""
    return accounts.update_user(user_id, actor=current_user(), **data)


@users_blp.route("/<id:user_id>/password-reset", methods=["POST"])
@admin_only
@users_blp.response(200, IssuedPasswordSchema)
def reset_password(user_id):
    """Give an account a one-time password (answered once); its user must set a new one at
    their next login, and their tokens stop working."""
    return accounts.reset_password(user_id, actor=current_user())


@users_blp.route("/community-import", methods=["POST"])
@admin_only
@users_blp.arguments(ImportFileSchema, location="files")
@users_blp.arguments(AccountImportFormSchema, location="form")
@users_blp.response(201, AccountImportSchema)
@users_blp.alt_response(200, schema=AccountImportSchema, description="dry run: nothing stored")
def import_community_accounts(files, form):
    """Open community accounts from a spreadsheet (.xlsx or .csv: 社区 or 社区编码, 姓名, 手机,
    optional 用户名 — the phone's digits by default — and 邮箱). Any bad row refuses the whole
    file (422 listing the rows); each account gets a one-time password, answered once."""
    upload = files["file"]
    result = community_accounts.import_community_accounts(
        actor=current_user(), data=upload.read(), filename=upload.filename or "",
        dry_run=form["dry_run"])
    return result, 200 if result.dry_run else 201
