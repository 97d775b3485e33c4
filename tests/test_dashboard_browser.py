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

import numpy as np
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
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.set_default_timeout(60_000)
    yield page
    page.close()


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


FIGURES = """() => {
  // every Bokeh figure in the page: its title, ranges and the data of each glyph (images as their extent)
  const out = [];
  const field = (spec) => (spec && typeof spec === 'object' && 'field' in spec) ? spec.field : null;
  for (const doc of Bokeh.documents) for (const model of doc._all_models.values()) {
    if (model.type !== 'Figure' && model.type !== 'Plot') continue;
    const figure = {title: model.title ? model.title.text : '', x_range: [model.x_range.start, model.x_range.end], x_range_id: model.x_range.id,
                    y_range: [model.y_range.start, model.y_range.end], categorical: model.x_range.type === 'FactorRange', image: false, xs: [], ys: []};
    for (const renderer of model.renderers) {
      if (renderer.type !== 'GlyphRenderer' || !renderer.visible) continue;
      const data = renderer.data_source.data, glyph = renderer.glyph;
      if (glyph.type === 'Image') {
        figure.image = true;
        for (let i = 0; i < (data.x || []).length; i++) { figure.xs.push(data.x[i], data.x[i] + data.dw[i]); figure.ys.push(data.y[i], data.y[i] + data.dh[i]); }
        continue;
      }
      const fx = field(glyph.x), fy = field(glyph.y);
      if (fx && fy && data[fx] && data[fy]) for (let i = 0; i < data[fx].length; i++) {
        if (Number.isFinite(data[fx][i]) && Number.isFinite(data[fy][i])) { figure.xs.push(data[fx][i]); figure.ys.push(data[fy][i]); }
      }
    }
    out.push(figure);
  }
  return out;
}"""


def _check_figures_show_their_data(page, titles):
    "Every figure with data has x and y ranges that contain all of its points; each title in `titles` has data."
    figures = page.evaluate(FIGURES)
    seen = {f["title"] for f in figures if f["xs"]}
    assert set(titles) <= seen, (titles, seen)
    for figure in figures:
        if not figure["xs"] or figure["categorical"]: continue
        (x0, x1), (y0, y1) = figure["x_range"], figure["y_range"]
        tolerance = 1e-9 * max(1.0, abs(x1 - x0), abs(y1 - y0))
        assert x0 - tolerance <= min(figure["xs"]) and max(figure["xs"]) <= x1 + tolerance, figure
        assert y0 - tolerance <= min(figure["ys"]) and max(figure["ys"]) <= y1 + tolerance, figure
    return figures


LIVE_TITLES = ["F1 on the validation set", "Delta F: estimated F1 change per round", "BALD score of the candidate pool", "Oracle speed",
               "Training loss, current round", "Wall time per round, by phase"]


def _visible_canvases(page, min_width=200, min_height=200):
    boxes = [canvas.bounding_box() for canvas in page.locator("canvas").all() if canvas.is_visible()]
    return [b for b in boxes if b and b["width"] >= min_width and b["height"] >= min_height]


def _line_pixels(canvas, path, colour=(0x30, 0xA2, 0xDA), rows=(0.04, 0.72), columns=(0.15, 0.88)):
    "Pixels of `colour` (HoloViews' first line colour) inside the plot frame of `canvas` (its axes, toolbar and legend left out)."
    from PIL import Image
    canvas.screenshot(path=str(path))
    image = Image.open(path).convert("RGB")
    width, height = image.size
    crop = image.crop((int(columns[0] * width), int(rows[0] * height), int(columns[1] * width), int(rows[1] * height)))
    return sum(1 for pixel in np.asarray(crop).reshape(-1, 3) if all(abs(int(a) - b) <= 40 for a, b in zip(pixel, colour)))


DEEP_TEXT = """e => { const walk = (n) => (n.shadowRoot ? walk(n.shadowRoot) : '') + Array.from(n.childNodes).map(c => c.nodeType === 3 ? c.textContent : walk(c)).join(' '); return walk(e); }"""


def _text(locator) -> str:
    "The text a person reads in `locator`, shadow roots included (Panel panes render inside them)."
    return " ".join(locator.first.evaluate(DEEP_TEXT).split())


def _open_advanced(page):
    page.locator(".card-header").filter(has_text="Advanced settings").first.click()
    _input(page, "Initial size").wait_for()


def _fill(page, values):
    for label, value in values:
        _input(page, label).fill(value)
        _input(page, label).press("Tab")


SINGLET_INERT = """fields: H1, H2 doublet; S real singlet
couplings: lambda1, lambda2, lambda3, lambda4, lambda5, lamS, k1, k2 real
V = lambda1/2 (H1+ H1)^2 + lambda2/2 (H2+ H2)^2 + lambda3 (H1+ H1)(H2+ H2) + lambda4 (H1+ H2)(H2+ H1)
    + [ lambda5/2 (H1+ H2)^2 + h.c. ] + lamS/4 S^4 + k1/2 (H1+ H1) S^2 + k2/2 (H2+ H2) S^2"""
TINY = [("Epochs", "15"), ("Initial size", "3000"), ("Validation size", "3000"), ("Units", "16")]


def test_dashboard_end_to_end(server, page):
    start = time.perf_counter()
    page.goto(server)
    page.get_by_role("button", name="Start").wait_for()
    load_seconds = time.perf_counter() - start
    models = _input(page, "Model").evaluate("e => Array.from(e.options).map(o => o.text)")
    assert "2HDM" in models
    text = _input(page, "Potential")
    assert text.is_disabled() and "h.c." in text.input_value(), "a catalogue model shows its own potential in multiplet notation, read-only"
    page.locator(".bfbnb-parsed").get_by_text("lam4 = re_lambda5", exact=False).wait_for()
    _shot(page, "1_landing")

    page.get_by_role("button", name="Edit a copy as a custom potential").click()
    deadline = time.time() + 10
    while text.is_disabled() and time.time() < deadline: time.sleep(0.1)
    assert not text.is_disabled() and text.input_value().startswith("fields: H1, H2 doublet") and _input(page, "Model").input_value() != "", "the copy is editable"
    text.fill("lam0*phi0**4 + lam1*phi1**4 + lam2*phi0**3*phi1**2")
    text.press("Tab")
    _input(page, "couplings").fill("3")
    _input(page, "couplings").press("Tab")
    page.get_by_role("button", name="Validate").click()
    error = page.locator(".bfbnb-error").get_by_text("Invalid potential")
    error.wait_for()
    assert "phi0**3*phi1**2" in error.inner_text() and "quartic" in error.inner_text(), error.inner_text()
    _shot(page, "2_invalid_potential")

    text.fill(SINGLET_INERT) # a model that is not in the catalogue, written only in multiplet notation: it is the one trained below
    text.press("Tab")
    page.get_by_role("button", name="Validate").click()
    page.locator(".bfbnb-parsed").get_by_text("S: S (real singlet)", exact=False).wait_for()
    parsed = _text(page.locator(".bfbnb-parsed"))
    assert "fields (6): H1_0_re" in parsed and "couplings (8)" in parsed and "H1 = (0, H1_0_re)" in parsed, parsed
    assert _input(page, "couplings").is_disabled() and _input(page, "couplings").input_value() == "8", "the text gives the sizes"
    _shot(page, "2a_multiplet_potential")
    _open_advanced(page)
    _fill(page, [("Initial size", "-5")])
    rule = page.locator(".bfbnb-setting-error").get_by_text("Initial size = -5 is invalid: it must be an integer >= 2")
    rule.wait_for()
    assert _input(page, "Initial size").input_value() == "-5", "an out-of-range value is never reverted silently"
    _shot(page, "2b_rule_shown")
    _fill(page, [("Rounds", "2")] + TINY)
    deadline = time.time() + 10
    while rule.count() and rule.is_visible() and time.time() < deadline: time.sleep(0.1)
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("couplings (8)").wait_for()
    assert _metric_points(page) == 0
    clicked = time.perf_counter()
    page.get_by_role("button", name="Start").click()
    deadline = time.time() + 300
    while _metric_points(page) == 0 and time.time() < deadline: time.sleep(0.1)
    first_point_seconds = time.perf_counter() - clicked
    assert _metric_points(page) > 0, "no live metric point arrived"
    _shot(page, "3_first_round")
    page.locator(".bfbnb-status").get_by_text("(finished)").wait_for(timeout=300_000)
    time.sleep(1.0)  # the last poll's patch reaches the page
    after = _metric_points(page)
    assert after > 0 and page.evaluate(SOURCE_SIZES).get("epoch|loss", 0) > 0
    status = _text(page.locator(".bfbnb-status"))
    assert re.search(r"round 2 of 2 done · [0-9,]+ labels · .* elapsed", status), status
    page.mouse.move(5, 5)
    _shot(page, "4_two_rounds")
    figures = _check_figures_show_their_data(page, ["F1 on the validation set", "BALD score of the candidate pool", "Oracle speed", "Training loss, current round"])
    live = [f for f in figures if f["title"] in LIVE_TITLES]
    assert len(live) == len(LIVE_TITLES) and len({f["x_range_id"] for f in live}) == len(live), "each live plot keeps its own x axis (linked, one plot's range hides another's points)"
    canvases = [c for c in page.locator("canvas").all() if c.is_visible() and (c.bounding_box() or {}).get("width", 0) >= 200]
    assert canvases, "no plot canvas visible"
    f1 = min(canvases, key=lambda c: (round(c.bounding_box()["y"]), c.bounding_box()["x"]))  # the first live plot (top left of the grid): F1
    assert _line_pixels(f1, OUTPUT / "4c_f1_plot.png") > 20, "the F1 line is not drawn inside its plot frame"
    page.get_by_role("button", name="round", exact=True).click()  # metrics against round instead of labels
    against_round = lambda: sum(n for key, n in page.evaluate(SOURCE_SIZES).items() if set(key.split("|")) >= {"round", "value"})
    deadline = time.time() + 30
    while against_round() == 0 and time.time() < deadline: time.sleep(0.1)
    assert against_round() > 0, page.evaluate(SOURCE_SIZES)
    deadline = time.time() + 20  # every plot redraws against rounds; on a loaded machine they arrive one after another
    while True:
        try: _check_figures_show_their_data(page, ["F1 on the validation set"]); break
        except AssertionError:
            if time.time() > deadline: raise
            time.sleep(0.2)
    _shot(page, "4b_against_round")

    page.locator(".bk-tab").get_by_text("Explore", exact=True).click()
    x_options = _input(page, "x coupling").evaluate("e => Array.from(e.options).map(o => o.text)")
    assert x_options[:3] == ["lambda1", "lambda2", "lambda3"] and x_options[-1] == "k2", x_options # the names typed in the multiplet text
    assert page.get_by_role("button", name="Download CSV").is_disabled() or page.locator(".bk-btn", has_text="Download CSV").first.is_disabled()
    page.get_by_role("button", name="Draw map").click()
    page.locator(".bfbnb-explorer-message").get_by_text(re.compile("Drawing the map|Map drawn")).wait_for(timeout=60_000)
    _shot(page, "5a_explorer_drawing")  # the busy state, unless the map was already there
    page.locator(".bfbnb-explorer-message").get_by_text("Map drawn").wait_for(timeout=120_000)
    deadline = time.time() + 30
    while "image" not in "|".join(page.evaluate(SOURCE_SIZES)) and time.time() < deadline: time.sleep(0.1)
    assert any("image" in key for key in page.evaluate(SOURCE_SIZES)), "no map image in the page"
    time.sleep(0.5)
    _shot(page, "5_explorer_map")
    maps = [f for f in _check_figures_show_their_data(page, []) if f["image"]]  # P(BFB) and uncertainty
    assert len(maps) == 2 and all(f["xs"] for f in maps), [(f["title"], len(f["xs"])) for f in page.evaluate(FIGURES)][6:]

    boxes = _visible_canvases(page)
    box = min(boxes, key=lambda b: b["x"])  # the probability map (left)
    page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
    details = page.locator(".bfbnb-details")
    details.get_by_text("oracle says").wait_for(timeout=60_000)
    table = _text(page.locator(".bfbnb-details-table"))
    assert "lambda1" in table and "P(BFB), network" in table and "lowest V on the field sphere" in table, table
    significant = [len(re.sub(r"^[-+0.]*", "", number.split("e")[0]).replace(".", "")) for number in re.findall(r"-?[0-9][0-9.]*(?:e[-+]?[0-9]+)?", table.replace("lambda", ""))]
    assert significant and max(significant) <= 4, ("numbers are shown with 4 significant digits", table)
    assert not page.locator(".bk-btn", has_text="Download CSV").first.is_disabled()
    _shot(page, "6_clicked_point")
    assert "certificate" in table and "min V on the field sphere" in table, table  # the clicked point's proof status and bounds

    page.get_by_role("button", name="Certify these points").click()
    page.locator(".bfbnb-certify-message").get_by_text("Certified:").wait_for(timeout=120_000)
    message = _text(page.locator(".bfbnb-certify-message"))
    assert re.search(r"\d+ proven BFB .* \d+ proven not BFB .* \d+ undecided", message), message
    page.get_by_text("lower_bound").first.wait_for(timeout=10_000)  # the table gained the status and both bounds
    time.sleep(0.3)
    _shot(page, "7_certified_table")
    line = f"page load: {load_seconds:.2f} s; Start -> first live metric point (tiny run of the inert 2HDM + real singlet typed in multiplet notation, oracle validation labels, round 0, 1 session): {first_point_seconds:.1f} s"
    print("\n" + line)
    with (OUTPUT / "timings.txt").open("a") as timings: timings.write(line + "\n")


def test_three_sessions_at_once(server, browser):
    "Three people train at the same time: each sees only its own run (1, 2 and 3 rounds), all finish."
    if True:
        pages = [browser.new_page(viewport={"width": 1500, "height": 1100}) for _ in range(3)]
        for rounds, page in enumerate(pages, start=1):
            page.set_default_timeout(60_000)
            page.goto(server)
            page.get_by_role("button", name="Start").wait_for()
            _open_advanced(page)
            _fill(page, [("Rounds", str(rounds)), ("Seed", str(rounds))] + TINY)
        clicked = []
        for page in pages:
            page.get_by_role("button", name="Start").click()
            clicked.append(time.perf_counter())
        first = [None] * 3
        deadline = time.time() + 600
        while time.time() < deadline and not all(page.locator(".bfbnb-status").get_by_text("(finished)").count() for page in pages):
            for k, page in enumerate(pages):
                if first[k] is None and _metric_points(page) > 0: first[k] = time.perf_counter() - clicked[k]
            time.sleep(0.2)
        for k, page in enumerate(pages):
            page.locator(".bfbnb-status").get_by_text("(finished)").wait_for(timeout=60_000)
            if first[k] is None: first[k] = time.perf_counter() - clicked[k]
            time.sleep(0.5)
            page.mouse.move(5, 5)
            _shot(page, f"7_session_{k + 1}_of_3")
            status = _text(page.locator(".bfbnb-status"))
            assert f"round {k + 1} of {k + 1} done" in status, status
            figure = next(f for f in page.evaluate(FIGURES) if f["title"] == "F1 on the validation set")
            assert len(set(figure["xs"])) == k + 1, (k, figure)  # its own rounds only
        for page in pages: page.close()
    line = "Start -> first live metric point with 3 sessions at once: " + ", ".join(f"{s:.1f} s" for s in first)
    print("\n" + line)
    with (OUTPUT / "timings.txt").open("a") as timings: timings.write(line + "\n")
