"""Admin forms: a required reason for every change, the version the form was opened on, VM
numbers and Kamerstukken as text, and the forms of the intermediate pages of the admin actions."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .kamerstuk import EXAMPLE, parse_kamerstuk_reference
from .models import ParliamentaryLetter, Phase, Workstream
from .vmnumbers import format_vm_numbers, parse_vm_numbers

REASON_HELP = _("Waarom wijzigt u dit? De reden komt in de geschiedenis, bij uw naam.")


def reason_field(**kwargs):
    """The required 'Reden van wijziging', stored as history_change_reason."""
    return forms.CharField(
        label=_("Reden van wijziging"),
        max_length=100,
        help_text=REASON_HELP,
        widget=forms.TextInput(attrs={"size": 80}),
        **kwargs,
    )


class UnlabelledHiddenInput(forms.HiddenInput):
    """A hidden field nobody sees: the admin's fieldset still prints its label, but without
    ``for`` (a label may only point at a control that is shown)."""

    def id_for_label(self, id_):
        return ""


class VersionCheckMixin(forms.Form):
    """Carries the version the object had when the form was opened and refuses a stale save."""

    expected_version = forms.IntegerField(widget=UnlabelledHiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            expected = cleaned.get("expected_version")
            if expected is None:
                raise forms.ValidationError(
                    _("Het formulier mist de versie. Open het formulier opnieuw."),
                    code="missing_version",
                )
            model = type(self.instance)
            current = (
                model._default_manager.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and current != expected:
                conflict = services.ConcurrentEditError(model, self.instance.pk, expected)
                raise forms.ValidationError(
                    [forms.ValidationError(line, code="concurrent_edit") for line in conflict.lines]
                )
        return cleaned


class ChangeReasonForm(VersionCheckMixin, forms.ModelForm):
    """A model form that asks why the change is made and remembers the version it was opened on."""

    change_reason = reason_field()


class ReasonForm(forms.Form):
    """Only the reason: for deleting (one object or a selection)."""

    change_reason = reason_field()


WORKSTREAM_FIELDS = [
    "theme",
    "ambition",
    "measure",
    "order",
    "explanation",
    "status_text",
    "phase",
    "on_hold",
    "delay_reason",
    "it_dependency",
    "target_date",
    "notes",
]


class WorkstreamAdminForm(ChangeReasonForm):
    """The change form of a row."""

    class Meta:
        model = Workstream
        fields = WORKSTREAM_FIELDS


class WorkstreamInlineForm(VersionCheckMixin, forms.ModelForm):
    """A row edited inline under its measure or ambition (the parent form asks the reason)."""

    class Meta:
        model = Workstream
        fields = WORKSTREAM_FIELDS


class MeasureAdminForm(ChangeReasonForm):
    """A measure with its VM numbers typed as the bijlage writes them."""

    vm_numbers_text = forms.CharField(
        label=_("VM-nummers"),
        required=False,
        help_text=_("Zoals in de bijlage, bijvoorbeeld: 23 t/m 29, 31. Leeg als er geen is."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["vm_numbers_text"].initial = format_vm_numbers(
                self.instance.numbers, prefix=""
            )

    def clean_vm_numbers_text(self):
        numbers = parse_vm_numbers(self.cleaned_data["vm_numbers_text"])
        conflicts = services.conflicting_vm_numbers(self.instance, numbers)
        if conflicts:
            raise forms.ValidationError(
                [
                    _("VM %(number)s hoort al bij de maatregel '%(measure)s'.")
                    % {"number": vm.number, "measure": vm.measure.name}
                    for vm in conflicts
                ]
            )
        return numbers


def kamerstuk_field(**kwargs):
    """A Kamerstuk reference typed as people write it."""
    return forms.CharField(
        label=_("Kamerstuk"),
        required=False,
        max_length=120,
        help_text=_("Bijvoorbeeld: %(example)s. Leeg als de brief geen Kamerstuk is.")
        % {"example": EXAMPLE},
        widget=forms.TextInput(attrs={"size": 60}),
        **kwargs,
    )


class ParliamentaryLetterAdminForm(ChangeReasonForm):
    """A letter whose Kamerstuk reference is one text field, parsed into its parts."""

    reference_text = kamerstuk_field()

    class Meta:
        model = ParliamentaryLetter
        fields = ["date", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["reference_text"].initial = self.instance.reference

    def clean_reference_text(self):
        return parse_kamerstuk_reference(self.cleaned_data["reference_text"])

    def _post_clean(self):
        # Put the parsed parts on the instance before the model validates itself.
        reference = self.cleaned_data.get("reference_text")
        if "reference_text" in self.cleaned_data:
            self.instance.kamerstuk_year = reference.year if reference else ""
            self.instance.kamerstuk_dossier = reference.dossier if reference else None
            self.instance.kamerstuk_number = reference.number if reference else None
        super()._post_clean()


class InformParliamentForm(forms.Form):
    """Intermediate page of 'Tweede Kamer geïnformeerd registreren': pick or create a letter."""

    letter = forms.ModelChoiceField(
        label=_("Bestaande Kamerbrief"),
        queryset=ParliamentaryLetter.objects.order_by("-date", "-pk"),
        required=False,
        empty_label=_("— een nieuwe brief —"),
    )
    date = forms.DateField(
        label=_("Datum nieuwe brief"),
        required=False,
        help_text=_("Alleen voor een nieuwe brief, bijvoorbeeld 24/10/2024."),
    )
    title = forms.CharField(label=_("Titel nieuwe brief"), required=False, max_length=300)
    reference = kamerstuk_field()
    change_reason = reason_field()

    def clean_reference(self):
        return parse_kamerstuk_reference(self.cleaned_data["reference"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("letter") is None and "letter" not in self.errors:
            if not cleaned.get("date") and "date" not in self.errors:
                raise forms.ValidationError(
                    _("Kies een bestaande Kamerbrief of geef de datum van een nieuwe brief.")
                )
            if not self.errors:
                try:
                    self.get_letter().full_clean()
                except ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        target = field if field in ("date", "title") else None
                        for message in messages:
                            self.add_error(target, message)
        return cleaned

    def get_letter(self) -> ParliamentaryLetter:
        """The chosen letter, or a new (unsaved, validated) one."""
        if self.cleaned_data["letter"] is not None:
            return self.cleaned_data["letter"]
        reference = self.cleaned_data["reference"]
        letter = ParliamentaryLetter(
            date=self.cleaned_data["date"],
            title=self.cleaned_data["title"],
            kamerstuk_year=reference.year if reference else "",
            kamerstuk_dossier=reference.dossier if reference else None,
            kamerstuk_number=reference.number if reference else None,
        )
        return letter


class SetPhaseForm(forms.Form):
    """Intermediate page of 'Fase instellen'."""

    phase = forms.ModelChoiceField(label=_("Fase"), queryset=Phase.objects.order_by("order"))
    change_reason = reason_field()
