"""Browser tests of the Panel dashboard: Debian's Chromium driven by Playwright (no browser download).

Run by .ci/run (which installs chromium with apt). Locally they are skipped when /usr/bin/chromium or
playwright is missing, unless CI or BFBNB_REQUIRE_BROWSER=1 (set by scripts/test.sh) is set, where a missing
browser fails the run. Screenshots of every
step go to tests/output/browser/; the page load time and the time from Start to the first live metric
point are printed (run pytest with -s to see them).
"""
import os
import re
import shutil
import socket
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("BFBNB_CHROMIUM", "/usr/bin/chromium")
OUTPUT = Path(__file__).parent / "output" / "browser"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
        "--disable-extensions", "--no-first-run"]


def _need_browser():
    missing = [] if shutil.which(CHROMIUM) or Path(CHROMIUM).exists() else [CHROMIUM]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:
        if os.environ.get("CI") or os.environ.get("BFBNB_REQUIRE_BROWSER") == "1": pytest.fail(f"browser tests need {', '.join(missing)} (apt-get install chromium; pip install playwright)")
        pytest.skip(f"needs {', '.join(missing)}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    _need_browser()
    import panel as pn

    from bfbnb.dashboard import serve
    port = _free_port()
    serve(port, threaded=True, verbose=False)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            break
        except OSError:
            if time.time() > deadline: raise
            time.sleep(0.2)
    yield url
    pn.state.kill_all_servers()


@pytest.fixture(scope="module")
def page():
    _need_browser()
    from playwright.sync_api import sync_playwright
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def _input(page, label):
    "The input of the Panel widget whose label starts with `label`."
    return page.locator(".bk-input-group").filter(has=page.locator("label", has_text=re.compile("^" + re.escape(label)))).locator("input, textarea, select").first


SOURCE_SIZES = """() => {
  const sizes = {};
  for (const doc of Bokeh.documents) for (const model of doc._all_models.values()) {
    if (model.type !== 'ColumnDataSource') continue;
    const key = Object.keys(model.data).sort().join('|');
    const length = model.data[Object.keys(model.data)[0]]?.length ?? 0;
    sizes[key] = (sizes[key] || 0) + length;
  }
  return sizes;
}"""


def _metric_points(page) -> int:
    return page.evaluate(SOURCE_SIZES).get("labels|value", 0)


def _shot(page, name):
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def test_dashboard_end_to_end(server, page):
    start = time.perf_counter()
    page.goto(server)
    page.get_by_role("button", name="Start").wait_for()
    load_seconds = time.perf_counter() - start
    models = _input(page, "Model").evaluate("e => Array.from(e.options).map(o => o.text)")
    assert "2HDM" in models
    _shot(page, "1_landing")

    _input(page, "Model").select_option(label="custom (type V below)")
    _input(page, "Potential").fill("lam0*phi0**4 + lam1*phi1**4 + lam2*phi0**3*phi1**2")
    _input(page, "Potential").press("Tab")
    _input(page, "couplings").fill("3")
    _input(page, "couplings").press("Tab")
    page.get_by_role("button", name="Validate").click()
    error = page.locator(".bfbnb-error").get_by_text("Invalid potential")
    error.wait_for()
    assert "phi0**3*phi1**2" in error.inner_text() and "quartic" in error.inner_text(), error.inner_text()
    _shot(page, "2_invalid_potential")

    _input(page, "Model").select_option(label="2HDM")
    for label, value in [("Rounds", "2"), ("Epochs", "15"), ("Initial size", "3000"), ("Validation size", "3000"), ("Units", "16")]:
        _input(page, label).fill(value)
        _input(page, label).press("Tab")
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("couplings (10)").wait_for()
    assert _metric_points(page) == 0
    clicked = time.perf_counter()
    page.get_by_role("button", name="Start").click()
    deadline = time.time() + 300
    while _metric_points(page) == 0 and time.time() < deadline: time.sleep(0.1)
    first_point_seconds = time.perf_counter() - clicked
    assert _metric_points(page) > 0, "no live metric point arrived"
    _shot(page, "3_first_round")
    page.locator(".bfbnb-status").get_by_text("(finished)").wait_for(timeout=300_000)
    after = _metric_points(page)
    assert after > 0 and page.evaluate(SOURCE_SIZES).get("epoch|loss", 0) > 0
    _shot(page, "4_two_rounds")
    assert page.locator(".bfbnb-status").get_by_text(re.compile("round 1 done: [0-9,]+ labels")).count() == 1
    page.get_by_role("button", name="round", exact=True).click()  # metrics against round instead of labels
    against_round = lambda: sum(n for key, n in page.evaluate(SOURCE_SIZES).items() if set(key.split("|")) >= {"round", "value"})
    deadline = time.time() + 30
    while against_round() == 0 and time.time() < deadline: time.sleep(0.1)
    assert against_round() > 0, page.evaluate(SOURCE_SIZES)
    _shot(page, "4b_against_round")

    page.locator(".bk-tab").get_by_text("Explore", exact=True).click()
    page.get_by_role("button", name="Draw map").click()
    _shot(page, "5a_explorer_before_map")
    page.locator(".bfbnb-explorer-message").get_by_text("Map drawn").wait_for(timeout=120_000)
    deadline = time.time() + 30
    while "image" not in "|".join(page.evaluate(SOURCE_SIZES)) and time.time() < deadline: time.sleep(0.1)
    assert any("image" in key for key in page.evaluate(SOURCE_SIZES)), "no map image in the page"
    _shot(page, "5_explorer_map")

    boxes = [box for box in (canvas.bounding_box() for canvas in page.locator("canvas").all() if canvas.is_visible())
             if box and box["width"] > 200 and box["height"] > 200]
    assert boxes, "no map canvas visible"
    box = min(boxes, key=lambda b: b["x"])  # the probability map (left)
    page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
    details = page.locator(".bfbnb-details")
    details.get_by_text("probability").first.wait_for(timeout=60_000)
    assert details.get_by_text("oracle_bfb").count() and details.get_by_text("witness").count()
    _shot(page, "6_clicked_point")
    line = f"page load: {load_seconds:.2f} s; Start -> first live metric point (tiny 2HDM round 0): {first_point_seconds:.1f} s"
    print("\n" + line)
    (OUTPUT / "timings.txt").write_text(line + "\n")
