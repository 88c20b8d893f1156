"""The demo page in headless Chromium: every row shows what the oracle expected (issue 6, 'Done means')."""

from __future__ import annotations

import os
import shutil

import pytest

from ._support import Demo, middleware

pytestmark = pytest.mark.browser


def _chromium() -> str:
    """Debian's Chromium (or CHROMIUM_PATH); skips, or fails when CORS_REQUIRE_BROWSER=1, if it is missing."""
    required = os.environ.get("CORS_REQUIRE_BROWSER", "") not in ("", "0")
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")]
    found = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        found = None
    if found is None:
        if required:
            pytest.fail("CORS_REQUIRE_BROWSER is set but Chromium or playwright is missing", pytrace=False)
        pytest.skip("Chromium or playwright is missing")
    return found


def test_every_row_of_the_demo_page_is_as_expected() -> None:
    executable = _chromium()
    middleware()
    from playwright.sync_api import sync_playwright

    demo = Demo("--quiet")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                page.goto(demo.page + "/")
                page.wait_for_selector("#summary[data-done='true']", timeout=30_000)
                rows = page.eval_on_selector_all(
                    "tr[data-row]",
                    "trs => trs.map(t => [t.dataset.row, t.dataset.expected, t.dataset.outcome, t.querySelector('.server').textContent])",
                )
                summary = page.inner_text("#summary")
            finally:
                browser.close()
    finally:
        demo.stop()
    assert len(rows) == 11
    mismatched = [r for r in rows if r[1] != r[2]]
    assert not mismatched, mismatched
    outcomes = {r[0]: r[2] for r in rows}
    assert outcomes["json-put"] == "allowed" and outcomes["refused-method"] == "blocked"
    assert outcomes["public-credentials"] == "blocked"  # '*' never satisfies credentials (Fetch CORS check)
    server = {r[0]: r[3] for r in rows}
    assert "method-not-allowed" in server["refused-method"]  # the server's reason is shown next to the outcome
    assert "OPTIONS -> 200" in server["json-put"]  # the default preflight_status
    assert summary == "11 of 11 rows as expected"
