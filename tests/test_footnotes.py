"""Footnote markers stand where they stand in the text; a missing text is said, never hidden."""

from measures.footnotes import informed_segments, marked_html, segments

MARK_2 = {"number": 2, "text": "Overzicht.", "location": "explanation", "anchor": "overzicht"}


def test_a_marker_stands_right_after_its_anchor_word_and_otherwise_at_the_end():
    assert segments("het overzicht en meer", [MARK_2], "explanation") == [
        "het overzicht",
        2,
        " en meer",
    ]
    # Only a whole word: "vorderingenoverzicht" is not "overzicht".
    assert segments("het vorderingenoverzicht", [MARK_2], "explanation") == [
        "het vorderingenoverzicht",
        2,
    ]
    assert segments("tekst", [{**MARK_2, "anchor": ""}], "explanation") == ["tekst", 2]
    assert segments("tekst", [MARK_2], "parliament_informed") == ["tekst"]


def test_a_marker_on_a_letter_date_follows_that_date():
    letters = [{"date": "2024-02-09"}, {"date": "2024-10-24"}]
    mark = {"number": 4, "text": "", "location": "parliament_informed", "anchor": "09/02/2024"}
    pieces = informed_segments(letters, [mark])
    assert [p if isinstance(p, int | str) else p.isoformat() for p in pieces] == [
        "2024-02-09",
        4,
        " en ",
        "2024-10-24",
    ]


def test_text_cannot_forge_a_marker():
    html = marked_html("a \ue0009\ue001 <b>", [], "explanation")
    assert "footnote-ref" not in html and "&lt;b&gt;" in html


def test_the_overview_prints_each_marker_in_place_and_says_which_texts_are_missing(
    client, published_seed
):
    # Visitors see the latest published report: the seed, sent without texts 1, 3 and 4.
    html = client.get("/", {"per_page": 100}).content.decode()
    assert 'vorderingenoverzicht<sup class="footnote-ref"><a href="#voetnoot-2">2</a></sup>' in html
    for number, date in ((1, "09/02/2024"), (3, "26/04/2024"), (4, "24/10/2024")):
        assert (
            f'{date}</time><sup class="footnote-ref"><a href="#voetnoot-{number}">{number}</a>'
            in html
        )
        assert f"tekst van voetnoot {number} niet beschikbaar in de bron" in html
    assert "Kamerstukken II 2022/23, 31066 nr. 1270." in html
