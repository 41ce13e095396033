"""The demo year's delivery ledger: most communities have accounts, some open their workbook,
some never; the weekly_reports target reads sensibly on the official's overview."""

from datetime import date


def test_the_demo_year_has_opened_and_never_opened_communities(app, runner, client,
                                                               auth_headers, make_user):
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    official = auth_headers(make_user("official", "guan"))
    ledger = client.get("/api/v1/reports/weekly/2022-W30/deliveries",
                        headers=official).get_json()
    statuses = {row["status"] for row in ledger["items"]}
    assert statuses == {"opened", "delivered", "undeliverable"}
    assert 200 <= ledger["delivered"] <= 250 and ledger["opened"] >= 100
    assert all(row["first_opened_by"].startswith("sq") for row in ledger["items"]
               if row["status"] == "opened")
    evidence = client.get("/api/v1/reports/weekly/deliveries?as_of=2023-03-15",
                          headers=official).get_json()
    # Communities that never opened a workbook in the whole year.
    targets = client.get("/api/v1/targets?as_of=2023-03-15", headers=official).get_json()
    share = next(i for i in targets["items"] if i["key"] == "weekly_reports")["actual"]
    assert share == evidence["share_delivered"]
    assert 0.75 <= share <= 0.95
    assert evidence["weeks_due"] == 52 and date.fromisoformat(evidence["as_of"])
    never = client.get("/api/v1/reports/weekly/2022-W40/deliveries",
                       headers=official).get_json()
    assert any(r["status"] == "delivered" for r in never["items"])
    # A demo community account logs in with the demo password and sees its page.
    opened = next(r for r in ledger["items"] if r["status"] == "opened")
    login = client.post("/api/v1/auth/login", json={"username": opened["first_opened_by"],
                                                    "password": "xicheng2022"})
    assert login.status_code == 200 and not login.get_json()["user"]["must_change_password"]
    token = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    books = client.get("/api/v1/community/workbooks", headers=token).get_json()["items"]
    assert len(books) >= 45 and books[0]["week"] > books[-1]["week"]
