"""The product's name and the embedded database's file are configuration; the shipped contract
in force on a new database is chosen by the contracts' files, not by a name in code."""

import pytest

from api import create_app
from api.config import DEFAULT_PRODUCT_NAME, for_tests, from_environment
from service.district.contracts import (
    CONTRACTS_DIR,
    default_contract_file,
    ensure_shipped_contracts,
    read_contract_file,
)
from service.errors import RuleViolationError


def test_the_api_docs_are_titled_with_the_product_name(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["info"]["title"] == f"{DEFAULT_PRODUCT_NAME} API"
    assert "西城" not in spec["info"]["title"]


def test_a_configured_product_name_titles_the_api_docs(database_url):
    app = create_app({**for_tests(database_url), "PRODUCT_NAME": "某市社区服务平台运营后台"})
    spec = app.test_client().get("/api/openapi.json").get_json()
    assert spec["info"]["title"] == "某市社区服务平台运营后台 API"


def test_the_environment_names_the_product_and_the_database_file(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "DATABASE_FILE", "PRODUCT_NAME", "JOBS_QUEUE_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    default = from_environment(str(tmp_path))
    assert default["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/service.db"
    assert default["PRODUCT_NAME"] == DEFAULT_PRODUCT_NAME
    assert default["JOBS_QUEUE_NAME"] == "operations"
    # An installation that began under the old file name keeps it by naming it.
    monkeypatch.setenv("DATABASE_FILE", "xicheng.db")
    monkeypatch.setenv("PRODUCT_NAME", "西城家园推广运营后台")
    named = from_environment(str(tmp_path))
    assert named["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/xicheng.db"
    assert named["PRODUCT_NAME"] == "西城家园推广运营后台"
    # DATABASE_URL still wins over both.
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == \
        "postgresql+psycopg://u@h/db"


def test_the_shipped_contract_in_force_is_the_one_file_that_does_not_say_otherwise(app):
    chosen = default_contract_file()
    assert read_contract_file(chosen).get("activate") is not False
    others = [p for p in CONTRACTS_DIR.glob("*.yaml") if p != chosen]
    assert others and all(read_contract_file(p)["activate"] is False for p in others)
    with app.app_context():
        in_force, *beside = ensure_shipped_contracts()
        assert in_force.key == read_contract_file(chosen)["key"] and in_force.active


def write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("files, says", [
    ({"a.yaml": "key: a\n", "b.yaml": "key: b\n"}, "a.yaml、b.yaml"),
    ({"a.yaml": "key: a\nactivate: false\n"}, "现有：无"),
])
def test_shipped_contracts_with_none_or_several_in_force_are_refused(tmp_path, files, says):
    for name, text in files.items():
        write(tmp_path, name, text)
    with pytest.raises(RuleViolationError) as refused:
        default_contract_file(tmp_path)
    assert says in str(refused.value) and "activate: false" in str(refused.value)


def test_the_one_file_in_force_is_chosen_whatever_its_name(tmp_path):
    write(tmp_path, "a-city-2030.yaml", "key: city\n")
    write(tmp_path, "b-content.yaml", "key: content\nactivate: false\n")
    assert default_contract_file(tmp_path) == tmp_path / "a-city-2030.yaml"
