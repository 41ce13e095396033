"""The browser client: one page for liaisons and officials, its service worker, served by the
app itself (no build step)."""

from flask import Blueprint, current_app, render_template, send_from_directory

blp = Blueprint("web", __name__, template_folder="templates")

# Bumped when the shell changes, so that phones drop the old cached copy.
SHELL_VERSION = "2026-11-25.1"


@blp.route("/")
def index():
    return render_template("index.html", version=SHELL_VERSION)


@blp.route("/sw.js")
def service_worker():
    # Served from the root so that it may control every page of the app.
    response = send_from_directory(current_app.static_folder, "sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
