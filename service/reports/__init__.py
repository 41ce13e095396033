"""The weekly operations spreadsheets (每周运营数据报表), one module per job: `calendar` (ISO
weeks), `gathering` (a week's figures), `files` (rendering and writing them), `downloads`, and
`ledger` (what was produced, which the weekly_reports target counts)."""
