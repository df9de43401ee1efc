"""The site serves only the NL Design System tokens it uses (toeslagen_vm/design_tokens.py)."""

from pathlib import Path

from django.conf import settings

from toeslagen_vm.design_tokens import site_sources, subset, used_names

FULL = """/* generated */
.rhc-theme {
  --rhc-color-lintblauw-500: #154273;
  --rhc-color-foreground-link: var(--rhc-color-donkerblauw-500);
  --rhc-color-donkerblauw-500: #01689b; /** with a comment */
  --rhc-color-unused: #abcdef;
}
"""


def test_the_subset_keeps_the_tokens_named_and_those_they_refer_to():
    css = subset(FULL, {"--rhc-color-foreground-link", "--site-own"})
    assert "--rhc-color-foreground-link: var(--rhc-color-donkerblauw-500);" in css
    assert "--rhc-color-donkerblauw-500: #01689b;" in css
    assert "--rhc-color-unused" not in css
    assert "--rhc-color-lintblauw-500" not in css
    assert css.splitlines()[1] == ".rhc-theme {"


def test_every_token_the_site_names_is_in_the_served_file():
    served = Path(settings.BASE_DIR) / "node_modules" / "@rijkshuisstijl-community"
    full = (served / "design-tokens" / "dist" / "index.css").read_text()
    used = used_names(site_sources())
    css = subset(full, used)
    assert "--rhc-color-lintblauw-500: #154273;" in css
    declared = {line.split(":")[0].strip() for line in full.splitlines() if ": " in line}
    kept = {line.split(":")[0].strip() for line in css.splitlines() if line.startswith("  --")}
    assert used & declared <= kept
    assert len(kept) < len(declared) / 10
