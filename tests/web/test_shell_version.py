"""Phones drop their cached app shell whenever a file of it changes: the service worker's
cache is named after a digest of the shell's files, and the page asks for the same version."""

import hashlib
import re
from pathlib import Path

from web import SHELL_FILES

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


def test_the_service_worker_cache_is_named_after_the_shell_files(client):
    digest = hashlib.sha256(b"".join((STATIC / name).read_bytes() for name in SHELL_FILES))
    version = digest.hexdigest()[:12]
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["Cache-Control"] == "no-cache"
    assert f'const CACHE = "shell-{version}";' in worker.get_data(as_text=True)
    page = client.get("/").get_data(as_text=True)
    assert set(re.findall(r"\?v=([0-9a-f]+)", page)) == {version}


def test_the_page_modules_version_covers_the_content_pages(app, tmp_path):
    """A changed content page (内容日历) is a new console version: its address changes, so
    browsers fetch it anew (the service worker matches these modules with their query)."""
    from web import console_version
    for folder in ("console", "content"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.js").write_text("export const page = 1;")
    before = console_version(str(tmp_path))
    console_version.cache_clear()
    (tmp_path / "content" / "a.js").write_text("export const page = 2;")
    assert console_version(str(tmp_path)) != before
    console_version.cache_clear()
    worker = (STATIC / "sw.js").read_text()
    assert "/^\\/static\\/(console|content)\\//" in worker and "ignoreSearch: !versioned" in worker
