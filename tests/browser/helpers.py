"""Checks and steps every browser test can reuse: axe-core, reflow, skip link, requests to other
hosts, staff logins, the Nu Html Checker.

from tests.browser.helpers import axe_violations, describe_violations

def test_login_page_is_accessible(page, live_server):
    page.goto("/sv/staff/login")
    violations = axe_violations(page)
    assert [v["id"] for v in violations] == [], describe_violations(violations)
"""

import functools
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from webapp.config import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# WCAG 2.2 AA as axe-core tags it; wcag22aa is what turns on target-size (24 x 24 CSS px).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


@functools.cache
def _axe_source() -> str:
    """axe-core as axe-playwright-python ships it (the package pins the version)."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def axe_violations(page, tags=WCAG_TAGS) -> list[dict]:
    """Run axe-core in the page and return its violations (axe's own dicts).

    axe is injected once per document, and only the violations cross back to Python, so a
    second run on the same page (another width) costs only the checks."""
    # A click that submits a form returns once the next page has begun: its title may be
    # there before its style sheets, and axe must see the page as styled.
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    return page.evaluate(
        "options => axe.run(document, options).then(results => results.violations)", options
    )


def describe_violations(violations: list[dict]) -> str:
    """A readable report for an assertion message: rule, impact, help, and each element."""
    lines = [f"{len(violations)} axe violation(s):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = ", ".join(str(part) for part in node["target"])
            lines.append(f"  * {target}: {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"      {summary}")
    return "\n".join(lines)


def horizontal_overflow(page) -> int:
    """How many CSS px the document is wider than the viewport (0 when nothing scrolls)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def overflowing_elements(page, limit=5) -> list[str]:
    """The innermost elements that reach past the viewport or whose content spills out of
    them (a long word, a wide table), for failure messages."""
    return page.evaluate(
        """(limit) => {
            const width = document.documentElement.clientWidth;
            const spills = (el) => el.scrollWidth > el.clientWidth + 1
                && getComputedStyle(el).overflowX === "visible";
            const wide = [...document.body.querySelectorAll("*")].filter(
                (el) => el.getBoundingClientRect().right > width + 0.5 || spills(el));
            const innermost = wide.filter((el) => !wide.some((o) => o !== el && el.contains(o)));
            return innermost.slice(0, limit).map((el) => {
                const box = el.getBoundingClientRect();
                return `${el.outerHTML.slice(0, 160)} (right ${Math.round(box.right)} px, `
                    + `content ${el.scrollWidth} px)`;
            });
        }""",
        limit,
    )


def page_problems(
    page, url, *, status=200, widths=(1280, 320), axe_at=(1280,), h1=True, spills=False
) -> dict:
    """What is wrong with `url`, by check ({} when nothing is).

    The page is loaded once, at the first of `widths`. Checked: its status (unless `status`
    is None), one h1 that starts the title (`h1`), axe-core at each width in `axe_at`, and at
    each of `widths` (the page resized, not loaded again) no horizontal scrolling, or with
    `spills` no element whose content spills out of it either."""
    page.set_viewport_size({"width": widths[0], "height": 800})
    response = page.goto(url)
    found = {}
    if status is not None and response.status != status:
        found["status"] = response.status
    if h1:
        h1s = page.locator("h1").all_inner_texts()
        if not (len(h1s) == 1 and title_starts_with(page.title(), h1s[0])):
            found["h1"] = h1s
    for width in widths:
        if width != widths[0]:
            page.set_viewport_size({"width": width, "height": 800})
        if width in axe_at and (violations := axe_violations(page)):
            found[f"axe at {width}"] = describe_violations(violations)
        if spills or page.evaluate("document.documentElement.scrollWidth") > width:
            if wide := overflowing_elements(page):
                found[f"overflow at {width}"] = wide
    return found


def focused_element(page) -> dict:
    """The focused element's tag, href, class and box, as the browser reports them."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const box = el.getBoundingClientRect();
            return {tag: el.tagName.toLowerCase(), id: el.id, href: el.getAttribute("href"),
                    className: el.className, in_main: el.closest("main") !== null,
                    x: box.x, y: box.y,
                    width: box.width, height: box.height};
        }"""
    )


def in_viewport(box: dict, page) -> bool:
    """True when the whole box is inside the viewport and has a size."""
    size = page.viewport_size
    return (
        box["width"] > 0
        and box["height"] > 0
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def other_hosts(urls: list[str], base_url: str) -> list[str]:
    """The URLs that went anywhere but the site itself (data: and about: are local)."""
    own = urlsplit(base_url).netloc
    return [
        url
        for url in urls
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own
    ]


def log_in(page, email, password) -> None:
    """Log in through the staff login form and wait for the start page."""
    page.goto("/sv/staff/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#submit")
    page.wait_for_url("**/sv/staff/")


def logged_in_client(app, email, password):
    """A Flask test client logged in as `email`, and the CSRF token its forms carry."""
    client = app.test_client()
    form = client.get("/sv/staff/login").get_data(as_text=True)
    csrf = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/sv/staff/login", data={"csrf_token": csrf, "email": email, "password": password})
    return client, csrf


def title_starts_with(title: str, h1: str) -> bool:
    """The title starts with the h1; on a form with errors after "Fel: " or "Error: "."""
    for prefix in ("Fel: ", "Error: "):
        title = title.removeprefix(prefix)
    return title.startswith(h1)


def vnu_messages(paths) -> list[dict]:
    """The Nu Html Checker's errors in these files, from one java run (its JSON messages).
    Skips the test when java or vnu.jar is missing."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("the HTML check needs java (17+) for the Nu Html Checker")
    if not VNU_JAR.exists():
        pytest.skip(f"the HTML check needs {VNU_JAR.relative_to(ROOT)}: run npm install")
    command = [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
    run = subprocess.run(  # noqa: S603 - fixed arguments, files we wrote
        [*command, *sorted(str(path) for path in paths)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.stdout, f"the checker wrote no report (exit {run.returncode}): {run.stderr}"
    return json.loads(run.stdout)["messages"]


def html_errors(pages: dict[str, bytes], folder) -> list[tuple[str, str]]:
    """(page name, message) for each error the Nu Html Checker finds in `pages` ({name: HTML})."""
    names = {}
    for n, (name, body) in enumerate(sorted(pages.items())):
        (folder / f"page{n}.html").write_bytes(body)
        names[f"page{n}.html"] = name
    messages = vnu_messages(folder.iterdir())
    return [(names[m.get("url", "").rsplit("/", 1)[-1]], m["message"]) for m in messages]
