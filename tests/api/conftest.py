"""Fixtures of the HTTP tests: a liaison of 西长安街街道 (110102001000) and their token."""

import pytest

XICHANG = "110102001000"  # 西长安街街道


@pytest.fixture
def liaison(make_user):
    return make_user("liaison", "li", streets=[XICHANG])


@pytest.fixture
def liaison_headers(liaison, auth_headers):
    return auth_headers(liaison)
