"""A visitor with a browser: the overview loads, works by keyboard and switches language."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_overview_loads_with_every_row_and_without_browser_errors(page, site, console_errors):
    page.goto(site + "/")
    expect(page.locator("h1")).to_have_text(
        "Overzicht verbetermaatregelen invordering Dienst Toeslagen"
    )
    expect(page.locator("tr.bijlage__row")).to_have_count(37)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    # The NL Design System tokens are served from static (no CDN): the theme colour applies.
    header_colour = page.eval_on_selector(
        ".site-header__navbar", "el => getComputedStyle(el).backgroundColor"
    )
    assert header_colour == "rgb(21, 66, 115)"  # Rijksblauw (lintblauw)
    token = page.evaluate(
        "getComputedStyle(document.body).getPropertyValue('--rhc-color-lintblauw-500').trim()"
    )
    assert token == "#154273"
    assert console_errors == [], "\n".join(console_errors)


def test_the_skip_link_is_the_first_tab_stop_and_jumps_to_the_content(page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Naar de inhoud")
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["width"] > 0, "the skip link must show when focused"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main")).to_be_focused()
    # The next Tab goes into the content, past the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_keyboard_focus_is_clearly_visible(page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # logo
    page.keyboard.press("Tab")  # first menu item
    focused = page.locator(".site-nav a").first
    expect(focused).to_be_focused()
    style = focused.evaluate(
        """el => { const s = getComputedStyle(el);
                   return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                           background: s.backgroundColor}; }"""
    )
    assert style["outline"] != "none" and style["width"] >= 2
    assert style["background"] == "rgb(255, 182, 18)"  # the yellow focus background


def test_a_visitor_switches_to_english_with_the_keyboard_and_back(page, site, console_errors):
    page.goto(site + "/")
    english = page.get_by_role("button", name="English")
    english.focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(
        "Overview of improvement measures in debt collection, Benefits Agency"
    )
    expect(page.locator(".skip-link")).to_have_text("Skip to content")
    expect(page).to_have_url(site + "/")
    page.get_by_role("button", name="Nederlands").focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert console_errors == [], "\n".join(console_errors)
