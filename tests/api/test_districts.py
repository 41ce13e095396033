"""Districts are data (#19 point 1): a city loads from district directories in the shipped
format, all or nothing; /districts counts what each holds and /streets names each street's."""

import csv
import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Community, District, Street, db
from service.district import places

ROOT = Path(__file__).resolve().parents[2]
XICHENG = "110102000000"
HEADERS = {
    "district.csv": ["district_code", "district_name"],
    "streets.csv": ["street_code", "street_name", "latitude", "longitude"],
    "communities.csv": ["street_code", "street_name", "community_code", "community_name",
                        "latitude", "longitude"],
}


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def district_dir(root: Path, prefix: str, code: str, name: str, streets: dict[str, str],
                 communities: list[tuple[str, str, str]]) -> Path:
    """A district's directory: `prefix`_district.csv, _streets.csv and _communities.csv."""
    directory = root / prefix
    directory.mkdir()
    _write(directory / f"{prefix}_district.csv", HEADERS["district.csv"], [[code, name]])
    _write(directory / f"{prefix}_streets.csv", HEADERS["streets.csv"],
           [[s, n, "39.9", "116.4"] for s, n in streets.items()])
    _write(directory / f"{prefix}_communities.csv", HEADERS["communities.csv"],
           [[s, streets.get(s, ""), c, n, "", ""] for s, c, n in communities])
    return directory


@pytest.fixture
def two_districts(tmp_path):
    east = district_dir(tmp_path, "east", "110101000000", "东城区",
                        {"110101001000": "东华门街道", "110101002000": "景山街道"},
                        [("110101001000", "110101001001", "多福巷社区居委会"),
                         ("110101001000", "110101001002", "银闸社区居委会"),
                         ("110101002000", "110101002001", "隆福寺社区居委会")])
    west = district_dir(tmp_path, "west", "110108000000", "海淀区",
                        {"110108001000": "万寿路街道"},
                        [("110108001000", "110108001001", "翠微路社区居委会")])
    return east, west


def _held(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (District, Street, Community))


def test_a_city_loads_from_several_directories_and_reloads_unchanged(runner, app, client,
                                                                     admin_headers,
                                                                     two_districts):
    loaded = runner.invoke(args=["seed-district", *map(str, two_districts)])
    assert loaded.exit_code == 0, loaded.output
    assert "districts: 2, streets: 3, communities: 4, changed: 9" in loaded.output
    again = runner.invoke(args=["seed-district", *map(str, two_districts)])
    assert "districts: 2, streets: 3, communities: 4, changed: 0" in again.output
    assert _held(app) == (3, 18, 267)

    body = client.get("/api/v1/districts", headers=admin_headers).get_json()
    assert body["total"] == 3
    assert [(d["code"], d["name"], d["street_count"], d["community_count"])
            for d in body["items"]] == [("110101000000", "东城区", 2, 3),
                                        (XICHENG, "西城区", 15, 263),
                                        ("110108000000", "海淀区", 1, 1)]
    streets = client.get("/api/v1/streets?per_page=100", headers=admin_headers).get_json()
    by_code = {s["code"]: s["district_code"] for s in streets["items"]}
    assert by_code["110101002000"] == "110101000000"
    assert by_code["110108001000"] == "110108000000"
    assert by_code["110102001000"] == XICHENG
    # What is made per district must now say which one.
    asked = client.post("/api/v1/reports/weekly/2022-W30/runs", headers=admin_headers)
    assert asked.status_code == 422 and "district" in asked.get_json()["errors"]["json"]


def _districts(client, headers) -> list[tuple[str, str]]:
    body = client.get("/api/v1/districts", headers=headers).get_json()
    return [(d["code"], d["name"]) for d in body["items"]]


def test_a_renamed_district_is_renamed_by_a_reload(runner, client, admin_headers, tmp_path):
    renamed = district_dir(tmp_path, "xc", XICHENG, "西城新区", {"110102001000": "西长安街街道"},
                           [])
    assert runner.invoke(args=["seed-district", str(renamed)]).exit_code == 0
    assert _districts(client, admin_headers) == [(XICHENG, "西城新区")]
    # the name back, and the street's point the shipped file gives
    assert "changed: 3" in runner.invoke(args=["seed-district"]).output
    assert _districts(client, admin_headers) == [(XICHENG, "西城区")]


def test_any_signed_in_user_reads_the_districts(client, make_user, auth_headers):
    liaison = make_user("liaison")
    body = client.get("/api/v1/districts", headers=auth_headers(liaison)).get_json()
    assert [(d["code"], d["street_count"], d["community_count"]) for d in body["items"]] == [
        (XICHENG, 15, 263)]
    assert client.get("/api/v1/districts").status_code == 401


def _spoil(directories: tuple[Path, Path], fault: str) -> tuple[str, str]:
    """Spoil one file of the pair; returns the file's name and the line the refusal names."""
    east, west = directories
    if fault == "missing column":
        _write(west / "west_streets.csv", ["street_code", "street_name", "latitude"],
               [["110108001000", "万寿路街道", "39.9"]])
        return "west_streets.csv", "第 1 行"
    if fault == "community of an unknown street":
        with (west / "west_communities.csv").open("a", encoding="utf-8") as f:
            f.write("110108009000,,110108009001,无街社区居委会,,\n")
        return "west_communities.csv", "第 3 行"
    if fault == "street outside its district":
        with (east / "east_streets.csv").open("a", encoding="utf-8") as f:
            f.write("110108002000,八里庄街道,,\n")
        return "east_streets.csv", "第 4 行"
    if fault == "duplicate community":
        with (east / "east_communities.csv").open("a", encoding="utf-8") as f:
            f.write("110101002000,景山街道,110101001002,重复社区居委会,,\n")
        return "east_communities.csv", "第 5 行"
    if fault == "duplicate district":
        _write(west / "west_district.csv", HEADERS["district.csv"], [["110101000000", "东城区"]])
        return "west_district.csv", "第 2 行"
    if fault == "malformed code":
        _write(east / "east_district.csv", HEADERS["district.csv"], [["1101010", "东城区"]])
        return "east_district.csv", "第 2 行"
    raise AssertionError(fault)


@pytest.mark.parametrize("fault", ["missing column", "community of an unknown street",
                                   "street outside its district", "duplicate community",
                                   "duplicate district", "malformed code"])
def test_a_bad_file_is_refused_by_file_and_row_and_nothing_is_stored(runner, app,
                                                                     two_districts, fault):
    name, line = _spoil(two_districts, fault)
    refused = runner.invoke(args=["seed-district", *map(str, two_districts)])
    assert refused.exit_code != 0
    assert f"文件 {name} {line}" in refused.output, refused.output
    assert _held(app) == (1, 15, 263)


def test_a_directory_without_its_files_is_refused(runner, app, tmp_path, two_districts):
    (two_districts[0] / "east_communities.csv").unlink()
    refused = runner.invoke(args=["seed-district", *map(str, two_districts)])
    assert refused.exit_code != 0
    assert "找不到以 communities.csv 结尾的文件" in refused.output
    assert _held(app) == (1, 15, 263)


def test_the_benchmarks_synthetic_city_loads_as_files(runner, client, admin_headers, tmp_path):
    """bench/make_city.py writes the format seed-district reads, the real district among the
    synthetic ones, and the same files again for the same seed."""
    spec = importlib.util.spec_from_file_location("make_city", ROOT / "bench" / "make_city.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    city = module.make_city(tmp_path / "a", seed=7, districts=4, streets=24, communities=400,
                            real=places.DATA_DIR)
    again = module.make_city(tmp_path / "b", seed=7, districts=4, streets=24, communities=400,
                             real=places.DATA_DIR)
    assert [sorted(p.read_bytes() for p in d.iterdir()) for d in city] == [
        sorted(p.read_bytes() for p in d.iterdir()) for d in again]
    loaded = runner.invoke(args=["seed-district", *map(str, city)])
    assert "districts: 4, streets: 24, communities: 400, changed: " in loaded.output, loaded.output
    body = client.get("/api/v1/districts", headers=admin_headers).get_json()
    assert len(body["items"]) == 4
    assert sum(d["street_count"] for d in body["items"]) == 24
    assert sum(d["community_count"] for d in body["items"]) == 400
    assert all(d["code"].startswith("1101") and d["code"].endswith("000000")
               for d in body["items"])
    communities = client.get("/api/v1/communities?per_page=100&page=4",
                             headers=admin_headers).get_json()
    assert all(39.44 <= c["latitude"] <= 41.06 and 115.42 <= c["longitude"] <= 117.51
               for c in communities["items"] if c["latitude"] is not None)


def test_the_real_district_grown_to_a_city_is_one_district(runner, client, admin_headers,
                                                           tmp_path):
    """make_city with one district adds synthetic streets to the real district's own files
    (one district at the city's size)."""
    spec = importlib.util.spec_from_file_location("make_city", ROOT / "bench" / "make_city.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    city = module.make_city(tmp_path, seed=7, districts=1, streets=40, communities=600,
                            real=places.DATA_DIR)
    loaded = runner.invoke(args=["seed-district", *map(str, city)])
    assert "streets: 40, communities: 600, changed: " in loaded.output, loaded.output
    body = client.get("/api/v1/districts", headers=admin_headers).get_json()
    assert [(d["code"], d["name"], d["street_count"], d["community_count"])
            for d in body["items"]] == [("110102000000", "西城区", 40, 600)]
