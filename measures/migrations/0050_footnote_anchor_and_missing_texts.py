"""Footnotes: where a marker stands (anchor), and markers whose text is not in the source.

On a database that holds the seed (footnote 2 on row 4 with its seed text), the markers 1, 3
and 4 of the bijlage (rows 1, 8 and 14) are added without text, and footnote 2 is anchored
after "vorderingenoverzicht" and 5 after its date. A database without the seed is left alone.
"""

from django.db import migrations, models
from django.utils import timezone

SEED_FOOTNOTE_2 = "Dit overzicht staat in het klantportaal."
# number: (row pk, location, anchor), as in fixtures/build_bijlage_2024.py
SEED_MARKERS_WITHOUT_TEXT = {
    1: (1, "parliament_informed", "09/02/2024"),
    3: (8, "parliament_informed", "26/04/2024"),
    4: (14, "parliament_informed", "24/10/2024"),
}
REASON = "Voetnoottekens zonder tekst in de bron"


def add_seed_markers(apps, schema_editor):
    Footnote = apps.get_model("measures", "Footnote")
    HistoricalFootnote = apps.get_model("measures", "HistoricalFootnote")
    Workstream = apps.get_model("measures", "Workstream")
    seed_note = Footnote.objects.filter(
        number=2, workstream_id=4, text__startswith=SEED_FOOTNOTE_2
    ).first()
    if seed_note is None:
        return
    for number, anchor in ((2, "vorderingenoverzicht"), (5, "06/07/2023")):
        Footnote.objects.filter(number=number, anchor="").update(anchor=anchor)
    now = timezone.now()
    for number, (row_pk, location, anchor) in SEED_MARKERS_WITHOUT_TEXT.items():
        if Footnote.objects.filter(number=number).exists():
            continue
        if not Workstream.objects.filter(pk=row_pk).exists():
            continue
        note = Footnote.objects.create(
            number=number, text="", workstream_id=row_pk, location=location, anchor=anchor
        )
        HistoricalFootnote.objects.create(
            id=note.pk,
            number=number,
            text="",
            workstream_id=row_pk,
            location=location,
            anchor=anchor,
            history_date=now,
            history_type="+",
            history_change_reason=REASON,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("measures", "0013_workstream_table_order"),
    ]

    operations = [
        migrations.AddField(
            model_name='footnote',
            name='anchor',
            field=models.CharField(blank=True, help_text="Het woord of de datum (dd/mm/jjjj) waar het voetnootteken direct achter staat, bijvoorbeeld 'vorderingenoverzicht'. Leeg: aan het eind van de cel.", max_length=200, verbose_name='staat achter'),
        ),
        migrations.AddField(
            model_name='historicalfootnote',
            name='anchor',
            field=models.CharField(blank=True, help_text="Het woord of de datum (dd/mm/jjjj) waar het voetnootteken direct achter staat, bijvoorbeeld 'vorderingenoverzicht'. Leeg: aan het eind van de cel.", max_length=200, verbose_name='staat achter'),
        ),
        migrations.AlterField(
            model_name='footnote',
            name='text',
            field=models.TextField(blank=True, help_text="Leeg zolang de tekst niet bekend is: documenten tonen dan 'tekst van voetnoot N niet beschikbaar in de bron' en een rapportage kan niet worden gepubliceerd.", verbose_name='tekst'),
        ),
        migrations.AlterField(
            model_name='historicalfootnote',
            name='text',
            field=models.TextField(blank=True, help_text="Leeg zolang de tekst niet bekend is: documenten tonen dan 'tekst van voetnoot N niet beschikbaar in de bron' en een rapportage kan niet worden gepubliceerd.", verbose_name='tekst'),
        ),
        migrations.RunPython(add_seed_markers, migrations.RunPython.noop),
    ]
