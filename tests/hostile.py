"""Hostile text for the tests: markup, scripts, direction marks, emoji, endless words."""

SCRIPT = "<script>window.__pwned = true;</script>"
MARKUP = '<b>vet</b> <img src=x onerror="window.__pwned=true"> <a href="javascript:alert(1)">x</a>'
RTL = "\u202eGNIKAERB\u202c \u200fمرحبا بالعالم\u200f שלום"
EMOJI = "Betalingsregeling 💶🇳🇱👩🏽‍💻 klaar ✅"
LONG_WORD = "Invorderingsbetalingsregelingsherberekeningsverwerkingsmodule" * 8
FORMULAS = ('=HYPERLINK("http://example.invalid","klik")', "+1+1", "-2+3", "@SUM(A1:A2)")

HOSTILE_TEXTS = (SCRIPT, MARKUP, RTL, EMOJI, LONG_WORD)


def hostile_workstream():
    """A row of the bijlage whose every text field is hostile (needs the database)."""
    from tests.factories import (
        AmbitionFactory,
        FootnoteFactory,
        MeasureFactory,
        ThemeFactory,
        WorkstreamFactory,
    )

    theme = ThemeFactory(name=f"Thema {SCRIPT}", slug="thema-vijandig", order=0)
    # Names are VARCHAR(300) on PostgreSQL: a long word that still fits.
    ambition = AmbitionFactory(theme=theme, name=f"Ambitie {MARKUP} {LONG_WORD[:180]}")
    measure = MeasureFactory(name=f"Maatregel {EMOJI} {RTL}", slug="maatregel-vijandig")
    row = WorkstreamFactory(
        ambition=ambition,
        theme=theme,
        measure=measure,
        order=0,
        explanation="\n\n".join([SCRIPT, MARKUP, LONG_WORD, FORMULAS[0]]),
        status_text="\n\n".join([RTL, EMOJI, FORMULAS[1], FORMULAS[3]]),
    )
    FootnoteFactory(workstream=row, text=f"Voetnoot {SCRIPT} {LONG_WORD}")
    return row
