"""Every public page at 320 and 390 px, a sample of them and the admin's main pages at 390, 1366
and 1920 px: nothing scrolls the page sideways (a wide table scrolls only inside its own
region), no text runs out of its box, no word is broken where it has no break point, and no
line starts with a separator "·".
axe-core stays at 0 violations at 1366 and 1920 px (test_accessibility.py covers the desktop
default and 390 px).
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from measures.models import Report, Workstream
from tests.public_urls import public_pages

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

# Phones: the narrowest a page must reflow to (WCAG 1.4.10: 320 CSS px) and a common phone.
PHONES = [320, 390]
WIDE = [1366, 1920]
WIDTHS = [390, *WIDE]

# Run in the page: what a person would see as broken layout, one line per problem.
LAYOUT_PROBLEMS = """
async () => {
  await document.fonts.ready;  // the layout with the site's own fonts, not the fallback's
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    problems.push(
      `page scrolls sideways: ${doc.scrollWidth} px in a ${window.innerWidth} px window`);
  }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim()
       ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  // Shown: not inside an element clipped to a pixel (visually hidden, for screen readers).
  const shown = (el) => {
    for (let at = el; at && at !== document.body; at = at.parentElement) {
      const rect = at.getBoundingClientRect();
      if (rect.width <= 4 || rect.height <= 4) return false;
    }
    return true;
  };
  // Text running out of its box: cells, labels, headings, buttons, list items, paragraphs.
  const boxes =
    'td, th, label, legend, summary, caption, button, h1, h2, h3, p, li, dt, dd, .button';
  for (const el of document.querySelectorAll(boxes)) {
    const style = getComputedStyle(el);
    if (style.display.startsWith('inline') && style.display !== 'inline-block') continue;
    if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX) || !shown(el)) continue;
    // A theme row's name runs on over the empty cell beside it, by design (bijlage.css).
    if (el.matches('.bijlage__theme th')) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      const text = el.textContent.trim().slice(0, 40);
      const by = el.scrollWidth - el.clientWidth;
      problems.push(`text overflows its box by ${by} px: ${name(el)} "${text}"`);
    }
  }
  // A word on two lines without a break point in it (hyphen, slash, soft hyphen).
  const root = document.querySelector('main, #content') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const word = /[^\\s\\-\\/\\u00ad\\u2010-\\u2015]{2,}/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('svg, script, style, option, select, textarea')) continue;
    if (!shown(parent)) continue;
    if (getComputedStyle(parent).hyphens === 'auto') continue;  // breaks at hyphenation points
    for (const match of node.data.matchAll(word)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      const tops = new Set(rects.map(r => Math.round(r.top)));
      if (tops.size > 1) {
        problems.push(`word broken mid-way: "${match[0]}" in ${name(parent)}`);
      }
    }
    // A separator "·" that starts a line: it belongs at the end of the line before it.
    const rectOf = (target, start, end) => {
      const range = document.createRange();
      if (start === undefined) range.selectNodeContents(target);
      else { range.setStart(target, start); range.setEnd(target, end); }
      return [...range.getClientRects()].filter(r => r.width > 0);
    };
    for (const match of node.data.matchAll(/\\u00b7/g)) {
      const dot = rectOf(node, match.index, match.index + 1)[0];
      const head = node.data.slice(0, match.index).replace(/\\s+$/, '');
      const before = head.length ? rectOf(node, head.length - 1, head.length)
        : node.previousSibling ? rectOf(node.previousSibling) : [];
      if (dot && before.length && dot.top > before[before.length - 1].top + 2) {
        problems.push(`a line starts with "\\u00b7" in ${name(parent)}`);
      }
    }
  }
  return problems;
}
"""


def _sample_of_public_paths() -> list[str]:
    """Every public page, but of the measure pages (one view) the first and the widest."""
    pages = public_pages()
    measures = [path for path in pages if path.startswith("/maatregelen/")]
    others = [path for path in pages if not path.startswith("/maatregelen/")]
    return others + [measures[0], "/maatregelen/verbeteren-informatie/"]


def _check(page, site, path, width, axe_source=None) -> list[str]:
    """The layout problems of the page at this width; axe's violations too, given its source."""
    page.goto(site + path)
    problems = [f"{width} px {path}: {problem}" for problem in page.evaluate(LAYOUT_PROBLEMS)]
    if axe_source:
        problems += [f"{width} px {path}: axe {v}" for v in axe_violations(page, axe_source)]
    return problems


def _sign_in_as_admin(page, site):
    user = get_user_model().objects.create_superuser("breed", "breed@example.org", "x")
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}]
    )


def test_every_public_page_fits_a_phone(page, site, console_errors):
    """Each page the URL resolver lists, every measure page too (their facts and rows differ:
    a long word in one measure's name pushed its page sideways at 320 px), in one browser."""
    paths = public_pages() + ["/?theme=verrekening&sort=vm"]
    assert len([path for path in paths if path.startswith("/maatregelen/")]) > 2
    problems = []
    for width in PHONES:
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            problems += _check(page, site, path, width)
    assert problems == [], "\n".join(problems)
    assert console_errors == [], "\n".join(console_errors)


@pytest.mark.parametrize("width", WIDE)
def test_public_pages_fit_wide_screens(page, site, axe_source, console_errors, width):
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    for path in _sample_of_public_paths() + ["/?theme=verrekening&sort=vm"]:
        problems += _check(page, site, path, width, axe_source)
    assert problems == [], "\n".join(problems)
    assert console_errors == [], "\n".join(console_errors)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_live_overview_and_the_admin_main_pages_fit_every_width(
    page, site, axe_source, console_errors, width
):
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in_as_admin(page, site)
    row = Workstream.objects.order_by("pk").first()
    report = Report.objects.order_by("pk").first()
    problems = []
    for path in (
        "/",  # the live state, with the row extras and the edit links
        "/?sort=vm",  # with the theme column
        "/admin/measures/workstream/",
        f"/admin/measures/workstream/{row.pk}/change/",
        "/admin/measures/report/",
        f"/admin/measures/report/{report.pk}/change/",
    ):
        # axe at 390 px: test_accessibility.py
        problems += _check(page, site, path, width, axe_source if width in WIDE else None)
        if path == "/admin/measures/workstream/" and width >= 1366:
            # The row list fits beside the filters: its table does not even scroll in its box.
            fits = "r => r.scrollWidth <= r.clientWidth + 1"
            if not page.locator("#changelist .results").evaluate(fits):
                problems.append(f"{width} px {path}: the row list scrolls sideways")
    assert problems == [], "\n".join(problems)
    assert console_errors == [], "\n".join(console_errors)
