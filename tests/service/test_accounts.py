"""Account rules called directly: the password policy and the last active admin."""

import pytest

from service.district import accounts
from service.errors import ConflictError


@pytest.mark.parametrize("password,why", [
    ("abc123456", "10 个字符"),
    ("password2022", "常见密码"),
    ("1q2w3e4r5t6y", "常见密码"),
    ("liaison05-2022", "用户名或姓名"),
    ("liaison05liaison05", "用户名或姓名"),
    ("Wangfang1990", "用户名或姓名"),
    ("1111111111", "重复"),
    ("xyzxyzxyzxyz", "重复"),
    ("abcdefghijkl", "容易被猜到"),
])
def test_guessable_passwords_are_refused_saying_why(password, why):
    problem = accounts.password_problem(password, username="liaison05", display_name="wangfang")
    assert problem is not None and why in problem


@pytest.mark.parametrize("password", ["correct-horse-1", "xicheng2022", "lu-xun-walks-3-dogs",
                                      "x" * 40 + "-Tq7!vR2#mZ"])
def test_hard_to_guess_passwords_pass(password):
    assert accounts.password_problem(password, username="liaison05", display_name="王芳") is None


@pytest.mark.parametrize("change", [{"active": False}, {"role": "liaison"}])
def test_the_last_active_admin_stays_an_active_admin(app, make_user, change):
    boss = make_user("admin", "boss")
    with app.app_context():
        with pytest.raises(ConflictError) as refused:
            accounts.update_user(boss.id, actor=None, **change)
        assert list(refused.value.errors) == list(change)
        assert accounts.get_user(boss.id).active and accounts.get_user(boss.id).role == "admin"
    deputy = make_user("admin", "deputy")
    with app.app_context():
        accounts.update_user(boss.id, actor=accounts.get_user(deputy.id), **change)
        assert accounts.update_user(deputy.id, actor=None).role == "admin"
        with pytest.raises(ConflictError):
            accounts.update_user(deputy.id, actor=None, **change)
