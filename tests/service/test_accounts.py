"""Account rules called directly: the password policy."""

import pytest

from service import accounts


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
