"""The browser client: one page for liaisons and officials, its service worker, served by the
app itself (no build step)."""

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template

blp = Blueprint("web", __name__, template_folder="templates")

# The files of the app shell that the service worker keeps for offline use.
SHELL_FILES = ["app.js", "queue.js", "app.css", "icon.svg", "sw.js"]
# The folders of page modules loaded on demand, versioned together (console_version).
CONSOLE_FOLDERS = ["console", "content"]


@cache
def shell_version(static_folder: str) -> str:
    """A digest of the shell's files: any change to them is a new version, so the service
    worker's bytes change, phones install it, and it drops the old cached copy (a version
    bumped by hand was forgotten once)."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        digest.update((Path(static_folder) / name).read_bytes())
    return digest.hexdigest()[:12]


@cache
def console_version(static_folder: str) -> str:
    """A digest of the console's files and the content accounts' pages (the console loads
    those too), the version in their addresses: a changed page is fetched anew, and phones'
    shell is left alone."""
    digest = hashlib.sha256()
    for folder in CONSOLE_FOLDERS:
        for path in sorted((Path(static_folder) / folder).iterdir()):
            digest.update(f"{folder}/{path.name}".encode() + path.read_bytes())
    return digest.hexdigest()[:12]


@blp.route("/")
def index():
    static = current_app.static_folder
    return render_template("index.html", version=shell_version(static),
                           console_version=console_version(static))


@blp.route("/sw.js")
def service_worker():
    # Served from the root so that it may control every page of the app, with the shell's
    # version in its cache's name.
    source = (Path(current_app.static_folder) / "sw.js").read_text()
    body = source.replace("__SHELL_VERSION__", shell_version(current_app.static_folder))
    return Response(body, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})
