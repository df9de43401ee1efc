"""Hostile text in the browser: nothing runs, nothing overflows, everything stays readable."""

import pytest
from playwright.sync_api import expect

from tests.hostile import EMOJI, hostile_workstream

pytestmark = pytest.mark.django_db(transaction=True)


def test_hostile_text_does_not_run_and_long_words_wrap_inside_the_table(
    page, site, as_manager, console_errors
):
    hostile_workstream()
    page.goto(site + "/")
    assert page.evaluate("window.__pwned === undefined")
    first_row = page.locator("tr.bijlage__row").first
    expect(first_row).to_contain_text("<script>window.__pwned = true;</script>")
    expect(first_row).to_contain_text(EMOJI)
    # The very long word wraps: the page never scrolls sideways, no cell sticks out.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    table_right = page.eval_on_selector("table.bijlage", "t => t.getBoundingClientRect().right")
    assert table_right <= 1280
    for cell in first_row.locator("td, th").all():
        overflow = cell.evaluate("c => c.scrollWidth - c.clientWidth")
        assert overflow <= 1
    assert console_errors == [], "\n".join(console_errors)
