"""The liaison pages in the real browser: total transfer (gzip-compressed, as a server with
compression sends it) and time until usable on a throttled connection (400 kbps down, 400 ms
latency, Chromium's network emulation), then opening with no network from the service worker.

    .venv/bin/python bench/bench_web.py
Goals: under 200 KB compressed in all; usable in under 3 s throttled."""

import gzip
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from live_demo import CHROMIUM, CHROMIUM_ARGS, demo_server  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from service.demo import DEMO_PASSWORD  # noqa: E402

THROTTLE = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8,
            "uploadThroughput": 400_000 / 8}


def main() -> None:
    with demo_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(**playwright.devices["Pixel 7"], base_url=base)
        page = context.new_page()
        bodies = {}
        page.on("response", lambda r: bodies.setdefault(r.url, r) if "/api/" not in r.url
                else None)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", THROTTLE)
        began = time.perf_counter()
        page.goto("/")
        page.get_by_role("button", name="登录", exact=True).wait_for()
        first_load = time.perf_counter() - began
        page.get_by_label("用户名").fill("liaison01")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        began = time.perf_counter()
        page.get_by_role("button", name="登录", exact=True).click()
        page.get_by_role("heading", name="我的社区").wait_for()
        to_my_communities = time.perf_counter() - began
        page.get_by_role("link", name="记录走访").first.click()
        page.get_by_role("button", name="提交走访").wait_for()
        page.wait_for_function("navigator.serviceWorker.controller !== null || "
                               "navigator.serviceWorker.ready.then(() => true)")
        sizes = {}
        for url, response in bodies.items():
            try:
                body = response.body()
            except Exception:  # a response with no body (e.g. 304)
                continue
            sizes[url.replace(base, "")] = (len(body), len(gzip.compress(body, 6)))
        raw, compressed = sum(s[0] for s in sizes.values()), sum(s[1] for s in sizes.values())
        context.set_offline(True)
        began = time.perf_counter()
        page.reload()
        page.get_by_role("heading", name="记录走访").or_(
            page.get_by_role("heading", name="我的社区")).first.wait_for()
        offline_open = time.perf_counter() - began
        browser.close()
    print("liaison page assets (bytes raw / gzip):")
    for url, (size, packed) in sorted(sizes.items()):
        print(f"  {url:<40} {size:>8,} {packed:>8,}")
    print(f"total: {raw:,} bytes raw, {compressed:,} bytes gzip-compressed (goal < 200 KB)")
    print(f"throttled (400 kbps, 400 ms): login page usable in {first_load:.2f} s (goal < 3 s),"
          f" login to 我的社区 in {to_my_communities:.2f} s")
    print(f"offline reload from the service worker: page usable in {offline_open:.2f} s")


if __name__ == "__main__":
    main()
