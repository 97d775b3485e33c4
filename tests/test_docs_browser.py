"""The documentation site as a reader sees it: built by scripts/docs.sh into _docs/, served locally, opened in Chromium.

Every internal link of every page points at a page (and an anchor) that exists; the index, a reference page and a
tutorial render their headings; figures load; the search box finds 'Oracle'. Screenshots go to tests/output/docs/.
Skipped when the site is not built, except under CI or BFBNB_REQUIRE_BROWSER=1 (scripts/test.sh builds it first).
"""
import functools
import html.parser
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_docs"
OUTPUT = Path(__file__).parent / "output" / "docs"
CHROMIUM = os.environ.get("BFBNB_CHROMIUM", "/usr/bin/chromium")
REFERENCE, TUTORIAL = "reference/01b_multiplets.html", "tutorials/01_oracle_and_data.html"


def _need_site():
    if not (SITE / "index.html").exists():
        if os.environ.get("CI") or os.environ.get("BFBNB_REQUIRE_BROWSER") == "1": pytest.fail("the site is not built: run bash scripts/docs.sh")
        pytest.skip("the site is not built (bash scripts/docs.sh)")


class _Links(html.parser.HTMLParser):
    "The hrefs and srcs of a page, and the ids it defines."
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if attributes.get("id"): self.ids.add(attributes["id"])
        for key in ("href", "src"):
            if attributes.get(key) and (tag, key) in {("a", "href"), ("img", "src"), ("link", "href"), ("script", "src")}: self.links.append(attributes[key])


@functools.lru_cache(maxsize=None)
def _parsed(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_no_page_has_a_broken_internal_link():
    _need_site()
    pages = sorted(SITE.rglob("*.html"))
    assert len(pages) >= 35, len(pages)  # index, physics, results, tutorials and one page per module notebook
    broken = []
    for page in pages:
        for link in _parsed(page).links:
            if urlparse(link).scheme or link.startswith(("//", "mailto:", "javascript:")): continue
            target, fragment = urldefrag(urljoin(page.relative_to(SITE).as_posix(), link))
            target = urlparse(target).path  # without ?v=... cache busters
            path = SITE / unquote(target) if target else page
            if path.is_dir(): path = path / "index.html"
            if not path.exists(): broken.append(f"{page.relative_to(SITE)} -> {link}")
            elif fragment and path.suffix == ".html" and fragment not in _parsed(path).ids: broken.append(f"{page.relative_to(SITE)} -> {link} (no such anchor)")
    assert not broken, broken[:20]


@pytest.fixture(scope="module")
def site_url():
    _need_site()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SITE))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def page(site_url):
    from test_dashboard_browser import ARGS, _need_browser
    _need_browser()
    from playwright.sync_api import sync_playwright
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def _figures_loaded(page) -> list:
    "Natural sizes of the page's content images, after each has loaded."
    page.wait_for_function("() => Array.from(document.querySelectorAll('article img')).every(i => i.complete)")
    return page.evaluate("() => Array.from(document.querySelectorAll('article img')).map(i => [i.naturalWidth, i.naturalHeight])")


def test_the_index_a_reference_page_and_a_tutorial_render(site_url, page):
    page.goto(site_url + "index.html")
    assert page.locator("article h1").first.inner_text().strip().startswith("bfbnb")
    headings = [h.strip() for h in page.locator("article h2").all_inner_texts()]
    assert any(h.startswith("Using it") for h in headings), headings
    assert page.locator("article a", has_text="The physics").count() and page.locator("article a", has_text="Results").count()
    page.screenshot(path=str(OUTPUT / "1_index.png"), full_page=False)

    page.goto(site_url + REFERENCE)
    assert page.locator("article h1").first.inner_text().strip().startswith("Multiplets")
    assert "API: bfbnb.multiplets" in " ".join(page.locator("article h2").all_inner_texts())
    assert page.locator("article", has_text="def multiplet_potential(").count(), "the API section shows signatures"
    assert page.locator("article .cell_output").count() > 0, "the examples' outputs are shown"
    page.screenshot(path=str(OUTPUT / "2_reference_multiplets.png"), full_page=False)

    page.goto(site_url + TUTORIAL)
    assert page.locator("article h1").first.inner_text().strip().startswith("Tutorial 1")
    sizes = _figures_loaded(page)
    assert sizes and all(w > 0 and h > 0 for w, h in sizes), sizes
    page.locator("article img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / "3_tutorial_figure.png"), full_page=False)

    page.goto(site_url + "physics.html")
    page.locator("mjx-container").first.wait_for()  # the maths is typeset, offline (MathJax shipped with the site)
    assert page.locator("mjx-container").count() >= 5
    sizes = _figures_loaded(page)
    assert len(sizes) >= 4 and all(w > 0 and h > 0 for w, h in sizes), sizes
    page.screenshot(path=str(OUTPUT / "4_physics.png"), full_page=False)

    page.goto(site_url + "results.html")
    assert page.locator("article table").count() >= 2 and page.locator("article", has_text="measured").count()
    page.screenshot(path=str(OUTPUT / "5_results.png"), full_page=False)


def test_search_finds_the_oracle(site_url, page):
    page.goto(site_url + "index.html")
    box = page.locator("input[name='q']").first
    box.fill("Oracle")
    box.press("Enter")
    page.wait_for_url("**/search.html**")
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=30_000)
    texts = " ".join(results.all_inner_texts())
    assert results.count() >= 3 and "oracle" in texts.lower(), texts[:500]
    page.screenshot(path=str(OUTPUT / "6_search_oracle.png"), full_page=False)
