"""Forms of the reporting round's pages: opening a round, a step on a row, publishing."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ParliamentaryLetter, Workstream
from .rounds import default_scope


class RowChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        vm = obj.measure.vm_label
        return f"{obj}{f' – {vm}' if vm and vm not in str(obj) else ''} ({obj.phase})"


class OpenRoundForm(forms.Form):
    """Title, deadline and the rows in scope (ticked: every row not implemented)."""

    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        help_text=_("Bijvoorbeeld: Voortgangsbrief voorjaar 2025."),
    )
    deadline = forms.DateField(
        label=_("Deadline voor de eigenaren"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    workstreams = RowChoiceField(
        label=_("Rijen in de ronde"),
        queryset=Workstream.objects.in_table_order()
        .select_related("ambition", "measure", "phase")
        .prefetch_related("measure__vm_numbers"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Standaard alle rijen die nog niet geïmplementeerd zijn."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workstreams"].initial = list(default_scope().values_list("pk", flat=True))
        self.fields["deadline"].widget.attrs["min"] = timezone.localdate().isoformat()


class StepForm(forms.Form):
    """One step on a row in a round; the comment is kept with the step in the audit trail."""

    ACTIONS = ("updated", "confirmed", "accepted", "returned")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Opmerking"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishForm(forms.Form):
    """The confirmation step of publishing: the letter, and a deliberate tick."""

    letter = forms.ModelChoiceField(
        label=_("Kamerbrief"),
        queryset=ParliamentaryLetter.objects.order_by("-date", "-pk"),
        help_text=_("De brief waarmee deze rapportage naar de Tweede Kamer gaat."),
    )
    confirm = forms.BooleanField(
        label=_(
            "Ik begrijp dat een gepubliceerde rapportage daarna nooit meer verandert en voor "
            "iedereen zichtbaar is."
        )
    )
