"""A demo server on a scratch database for scripts that drive a real browser (screenshots,
the web benchmark): migrate, seed, load the demo year, serve on a free port in a thread."""

import os
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]


@contextmanager
def demo_server():
    """Yields the base URL of a server holding the demo year."""
    from api import create_app
    from api.config import for_tests
    from models import db
    from service import demo
    from service.district import places
    from service.district.contracts import ensure_shipped_contracts
    with tempfile.TemporaryDirectory() as tmp:
        config = {**for_tests(f"sqlite:///{tmp}/demo.db"), "TESTING": False}
        app = create_app(config)
        with app.app_context():
            db.create_all()
            places.seed_district()
            ensure_shipped_contracts()  # as seed-district: the 2023 content contract too
            demo.build_demo_data()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()


os.environ.setdefault("PYTHONPATH", str(ROOT))
