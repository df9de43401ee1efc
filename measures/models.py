"""Domain model of the bijlage: themes, ambitions, measures, rows (workstreams) and letters.

The key fact (see DESIGN.md): status belongs to a *row* -- one ambition pursued through one
measure -- not to a measure. That row is called ``Workstream`` here (Dutch: uitwerking).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .rows import TABLE_ORDER
from .vmnumbers import format_vm_numbers

# The role groups (data migrations 0003, 0011, 0041); every other group is a team that can own rows.
ROLE_GROUPS = ("Beleidsmedewerker", "Manager", "Functioneel beheerder", "Eigenaar")


class PhaseCode(models.TextChoices):
    """Stable codes of the four legend phases, used in URLs and machine-readable output."""

    NOT_STARTED = (
        "not_started",
        _("Beleidsmatige uitwerking van verbetermaatregel moet nog starten"),
    )
    POLICY = "policy", _("Verbetermaatregel bevindt zich in fase waarin beleid wordt uitgewerkt")
    IMPLEMENTATION = (
        "implementation",
        _("Verbetermaatregel bevindt zich in fase van voorbereiden implementatie"),
    )
    IMPLEMENTED = "implemented", _("Verbetermaatregel is geïmplementeerd")


class DelayReason(models.TextChoices):
    """Why a row is delayed; a flag beside the phase, not a phase."""

    IT_DEPENDENCY = "it_dependency", _("IV-afhankelijkheid")
    CAPACITY = "capacity", _("Capaciteitstekort")
    PRIORITIES = "priorities", _("Andere prioriteiten")
    OTHER = "other", _("Anders")


class Versioned(models.Model):
    """A model that staff edit: its version goes up on every save through ``services.save_object``,
    so a form opened on an older version is refused instead of overwriting someone's work."""

    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)

    class Meta:
        abstract = True


class NaturalKeyManager(models.Manager):
    """Finds an object by its natural key (``loaddata`` of ``dumpdata --natural-primary``)."""

    natural_key_field = ""

    def get_by_natural_key(self, key):
        return self.get(**{self.natural_key_field: key})


class ThemeManager(NaturalKeyManager):
    natural_key_field = "slug"


class PhaseManager(NaturalKeyManager):
    natural_key_field = "code"


class Theme(Versioned):
    """A bold section row of the bijlage ("Verrekening"), grouping ambitions in a fixed order."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    order = models.PositiveIntegerField(_("volgorde"), default=0)
    history = HistoricalRecords()

    objects = ThemeManager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Phase(Versioned):
    """One of the four phases of the legend, with its icon."""

    code = models.CharField(_("code"), max_length=32, unique=True, choices=PhaseCode.choices)
    label = models.CharField(_("omschrijving"), max_length=200)
    short_label = models.CharField(_("korte omschrijving"), max_length=60)
    order = models.PositiveSmallIntegerField(_("volgorde"), unique=True)
    icon = models.CharField(
        _("icoon"), max_length=8, help_text=_("Symbool voor tekstexports, bijvoorbeeld ◑.")
    )
    history = HistoricalRecords()

    objects = PhaseManager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("fase")
        verbose_name_plural = _("fasen")

    def __str__(self):
        return self.short_label or self.label

    def natural_key(self):
        return (self.code,)


class ITDependency(Versioned):
    """Something in the IT landscape (IV) that a row waits for."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    description = models.TextField(_("toelichting"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("IV-afhankelijkheid")
        verbose_name_plural = _("IV-afhankelijkheden")

    def __str__(self):
        return self.name


class Ambition(Versioned):
    """A goal of the collection strategy (invorderingsstrategie), on a page of that document."""

    theme = models.ForeignKey(
        Theme, verbose_name=_("thema"), on_delete=models.PROTECT, related_name="ambitions"
    )
    name = models.CharField(_("naam"), max_length=300)
    strategy_page = models.PositiveSmallIntegerField(
        _("pagina IS"), null=True, blank=True, help_text=_("Pagina in de invorderingsstrategie.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["theme__order", "strategy_page", "name"]
        verbose_name = _("ambitie")
        verbose_name_plural = _("ambities")
        constraints = [
            models.UniqueConstraint(fields=["theme", "name"], name="unique_ambition_per_theme")
        ]

    def __str__(self):
        return self.name


class MeasureQuerySet(models.QuerySet):
    def with_numbers(self):
        """Measures with their VM numbers prefetched, for lists and labels."""
        return self.prefetch_related("vm_numbers")

    def for_register(self):
        """The measure register (``/maatregelen/``): per measure its rows counted per phase,
        the nearest target date of a row not yet implemented and the last change of a row.

        Every figure is an aggregate over one join, and the VM numbers are one prefetch, so a
        page costs the same few queries however many measures and rows there are.
        """
        rows = "workstreams"
        not_implemented = ~Q(workstreams__phase__code=PhaseCode.IMPLEMENTED)
        return (
            self.annotate(
                # MIN() in a subquery, not over a second join, which would multiply the counts.
                first_vm=models.Subquery(
                    VMNumber.objects.filter(measure=models.OuterRef("pk"))
                    .order_by()
                    .values("measure")
                    .annotate(first=models.Min("number"))
                    .values("first")
                ),
                row_count=models.Count(rows),
                next_target_date=models.Min("workstreams__target_date", filter=not_implemented),
                last_change=models.Max("workstreams__updated_at"),
                **{
                    f"rows_{code}": models.Count(rows, filter=Q(workstreams__phase__code=code))
                    for code in PhaseCode.values
                },
            )
            .prefetch_related("vm_numbers")
            .order_by("name", "pk")
        )


class Measure(Versioned):
    """An improvement measure (verbetermaatregel), identified by zero or more VM numbers."""

    name = models.CharField(_("naam"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("omschrijving"), blank=True)
    history = HistoricalRecords()

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("verbetermaatregel")
        verbose_name_plural = _("verbetermaatregelen")

    def __str__(self):
        label = self.vm_label
        return f"{self.name} ({label})" if label else self.name

    def get_absolute_url(self):
        return reverse("measures:measure-detail", kwargs={"slug": self.slug})

    @property
    def numbers(self) -> list[int]:
        return sorted(vm.number for vm in self.vm_numbers.all())

    @property
    def vm_label(self) -> str:
        return format_vm_numbers(self.numbers)


class VMNumber(Versioned):
    """One VM number; the database guarantees it belongs to at most one measure."""

    number = models.PositiveSmallIntegerField(
        _("VM-nummer"),
        unique=True,
        error_messages={"unique": _("Dit VM-nummer hoort al bij een andere maatregel.")},
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("maatregel"), on_delete=models.CASCADE, related_name="vm_numbers"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("VM-nummer")
        verbose_name_plural = _("VM-nummers")

    def __str__(self):
        return f"VM {self.number}"

    def validate_unique(self, exclude=None):
        """Name the measure that already holds the number, instead of a bare 'already exists'."""
        if self.number is not None:
            other = (
                VMNumber.objects.filter(number=self.number)
                .exclude(pk=self.pk)
                .select_related("measure")
                .first()
            )
            if other and other.measure_id != self.measure_id:
                raise ValidationError(
                    {
                        "number": _("VM %(number)s hoort al bij de maatregel '%(measure)s'.")
                        % {"number": self.number, "measure": other.measure.name}
                    }
                )
        super().validate_unique(exclude=exclude)


def letter_label(date, reference: str) -> str:
    """How a letter is named on screen: "24/10/2024 (Kamerstukken II …)"."""
    label = date_format(date, "SHORT_DATE_FORMAT")
    return f"{label} ({reference})" if reference else label


class ParliamentaryLetter(Versioned):
    """A letter to the Tweede Kamer in which it was informed, optionally a Kamerstuk."""

    date = models.DateField(_("datum"))
    title = models.CharField(_("titel"), max_length=300, blank=True)
    kamerstuk_year = models.CharField(
        _("vergaderjaar"), max_length=7, blank=True, help_text=_("Bijvoorbeeld 2022/23.")
    )
    kamerstuk_dossier = models.PositiveIntegerField(_("dossiernummer"), null=True, blank=True)
    kamerstuk_number = models.PositiveIntegerField(_("ondernummer"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("Kamerbrief")
        verbose_name_plural = _("Kamerbrieven")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kamerstuk_dossier__isnull=True, kamerstuk_number__isnull=True)
                    | Q(kamerstuk_dossier__isnull=False, kamerstuk_number__isnull=False)
                ),
                name="kamerstuk_dossier_and_number_together",
            )
        ]

    def __str__(self):
        return letter_label(self.date, self.reference)

    def clean(self):
        """A letter that has not been sent yet cannot have informed parliament."""
        if self.date and self.date > timezone.localdate():
            raise ValidationError(
                {"date": _("De datum van een Kamerbrief kan niet in de toekomst liggen.")}
            )

    @property
    def reference(self) -> str:
        """The citation as the bijlage writes it: "Kamerstukken II 2022/23, 31066 nr. 1270"."""
        if not self.kamerstuk_dossier:
            return ""
        year = f" {self.kamerstuk_year}" if self.kamerstuk_year else ""
        return f"Kamerstukken II{year}, {self.kamerstuk_dossier} nr. {self.kamerstuk_number}"

    @property
    def url(self) -> str:
        """The official publication of the Kamerstuk, if it is one."""
        if not self.kamerstuk_dossier:
            return ""
        return (
            "https://zoek.officielebekendmakingen.nl/"
            f"kst-{self.kamerstuk_dossier}-{self.kamerstuk_number}.html"
        )


class WorkstreamQuerySet(models.QuerySet):
    def in_table_order(self):
        """Rows in the order of the bijlage: by theme, then by their place in the theme."""
        return self.order_by(*TABLE_ORDER)

    def for_overview(self):
        """Everything the overview and the exports show, in a fixed number of queries."""
        return (
            self.in_table_order()
            .select_related("theme", "ambition", "measure", "phase", "it_dependency")
            .prefetch_related(
                "measure__vm_numbers",
                models.Prefetch(
                    "letter_links",
                    queryset=LetterLink.objects.select_related("letter").order_by(
                        "letter__date", "letter_id"
                    ),
                ),
                models.Prefetch("footnotes", queryset=Footnote.objects.order_by("number")),
                models.Prefetch(
                    "measure__dependencies",
                    queryset=MeasureDependency.objects.select_related(
                        "depends_on"
                    ).prefetch_related("depends_on__vm_numbers"),
                ),
            )
        )


class Workstream(Versioned):
    """A row of the bijlage: one ambition pursued through one measure, with its own status."""

    theme = models.ForeignKey(
        Theme, verbose_name=_("thema"), on_delete=models.PROTECT, related_name="workstreams"
    )
    ambition = models.ForeignKey(
        Ambition,
        verbose_name=_("ambitie"),
        on_delete=models.PROTECT,
        related_name="workstreams",
        null=True,
        blank=True,
        help_text=_("Leeg voor maatregelen buiten de invorderingsstrategie (N.v.t.)."),
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("verbetermaatregel"),
        on_delete=models.PROTECT,
        related_name="workstreams",
    )
    order = models.PositiveIntegerField(
        _("volgorde"), default=0, help_text=_("Plaats van de rij binnen het thema.")
    )
    explanation = models.TextField(_("toelichting"), blank=True)
    status_text = models.TextField(_("stand van zaken"), blank=True)
    phase = models.ForeignKey(
        Phase, verbose_name=_("fase"), on_delete=models.PROTECT, related_name="workstreams"
    )
    on_hold = models.BooleanField(_("on hold"), default=False)
    delay_reason = models.CharField(
        _("reden vertraging"), max_length=32, choices=DelayReason.choices, blank=True
    )
    it_dependency = models.ForeignKey(
        ITDependency,
        verbose_name=_("IV-afhankelijkheid"),
        on_delete=models.PROTECT,
        related_name="workstreams",
        null=True,
        blank=True,
    )
    target_date = models.DateField(_("streefdatum"), null=True, blank=True)
    notes = models.TextField(_("notities"), blank=True, help_text=_("Interne notities."))
    owner = models.ForeignKey(
        "auth.Group",
        verbose_name=_("eigenaar"),
        on_delete=models.PROTECT,
        related_name="owned_workstreams",
        null=True,
        blank=True,
        limit_choices_to=~Q(name__in=ROLE_GROUPS),
        help_text=_(
            "Het team dat deze rij bijhoudt, bijvoorbeeld 'Directie Invordering, team "
            "Betalingsregelingen'. Leden van dat team mogen de rij wijzigen."
        ),
    )
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contactpersonen"),
        related_name="contact_workstreams",
        blank=True,
        help_text=_("Krijgen de herinneringen van een ronde; leeg: het hele team."),
    )
    letters = models.ManyToManyField(
        ParliamentaryLetter,
        through="LetterLink",
        verbose_name=_("TK geïnformeerd"),
        related_name="workstreams",
        blank=True,
    )
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    history = HistoricalRecords()

    objects = WorkstreamQuerySet.as_manager()

    class Meta:
        ordering = list(TABLE_ORDER)  # the bijlage's own order, everywhere
        verbose_name = _("rij")
        verbose_name_plural = _("rijen")
        permissions = [("change_all_workstreams", _("Mag alle rijen wijzigen, van elk team"))]

    def __str__(self):
        ambition = self.ambition.name if self.ambition_id else _("N.v.t.")
        return f"{ambition} – {self.measure}"

    def clean(self):
        """Consistency rules that hold wherever a row is edited (admin, import, actions)."""
        errors = {}
        if self.ambition_id and self.theme_id and self.ambition.theme_id != self.theme_id:
            errors["ambition"] = _("Deze ambitie hoort bij een ander thema dan de rij.")
        if self.on_hold and self.phase_id and self.phase.code == PhaseCode.IMPLEMENTED:
            errors["on_hold"] = _(
                "Een geïmplementeerde maatregel kan niet on hold staan. "
                "Zet 'on hold' uit of kies een andere fase."
            )
        elif self.on_hold and not self.delay_reason:
            errors["delay_reason"] = _(
                "Een rij die on hold staat heeft een reden van vertraging nodig."
            )
        if self.delay_reason == DelayReason.OTHER and not self.status_text.strip():
            errors["status_text"] = _(
                "Bij de reden van vertraging 'Anders' legt de stand van zaken uit wat er "
                "aan de hand is."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_delayed(self) -> bool:
        return bool(self.delay_reason)


class LetterLink(Versioned):
    """That the Tweede Kamer was informed about a row in a letter (with its own history)."""

    workstream = models.ForeignKey(
        Workstream, verbose_name=_("rij"), on_delete=models.CASCADE, related_name="letter_links"
    )
    letter = models.ForeignKey(
        ParliamentaryLetter,
        verbose_name=_("Kamerbrief"),
        on_delete=models.PROTECT,
        related_name="links",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["letter__date"]
        verbose_name = _("TK geïnformeerd")
        verbose_name_plural = _("TK geïnformeerd")
        constraints = [
            models.UniqueConstraint(fields=["workstream", "letter"], name="unique_letter_per_row")
        ]

    def __str__(self):
        return str(self.letter)


class Footnote(Versioned):
    """A numbered footnote of the bijlage, marked on a row's explanation or its letter dates."""

    class Location(models.TextChoices):
        EXPLANATION = "explanation", _("Toelichting")
        PARLIAMENT = "parliament_informed", _("TK geïnformeerd")

    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    text = models.TextField(
        _("tekst"),
        blank=True,
        help_text=_(
            "Leeg zolang de tekst niet bekend is: documenten tonen dan 'tekst van voetnoot N "
            "niet beschikbaar in de bron' en een rapportage kan niet worden gepubliceerd."
        ),
    )
    workstream = models.ForeignKey(
        Workstream,
        verbose_name=_("rij"),
        on_delete=models.CASCADE,
        related_name="footnotes",
        null=True,
        blank=True,
    )
    location = models.CharField(
        _("plaats"), max_length=32, choices=Location.choices, default=Location.PARLIAMENT
    )
    anchor = models.CharField(
        _("staat achter"),
        max_length=200,
        blank=True,
        help_text=_(
            "Het woord of de datum (dd/mm/jjjj) waar het voetnootteken direct achter staat, "
            "bijvoorbeeld 'vorderingenoverzicht'. Leeg: aan het eind van de cel."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("voetnoot")
        verbose_name_plural = _("voetnoten")

    def __str__(self):
        return f"{self.number}. {self.text[:60]}"


class MeasureDependency(Versioned):
    """One measure waits for another ("afhankelijk van implementatie van ...")."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("maatregel"), on_delete=models.CASCADE, related_name="dependencies"
    )
    depends_on = models.ForeignKey(
        Measure,
        verbose_name=_("afhankelijk van"),
        on_delete=models.PROTECT,
        related_name="dependants",
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        # The one order of a measure's dependencies, as the rows show them (measures.rows).
        ordering = ["depends_on__name", "depends_on_id"]
        verbose_name = _("afhankelijkheid")
        verbose_name_plural = _("afhankelijkheden")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "depends_on"], name="unique_measure_dependency"
            ),
            models.CheckConstraint(
                condition=~Q(measure=models.F("depends_on")), name="measure_not_own_dependency"
            ),
        ]

    def __str__(self):
        return f"{self.measure.name} → {self.depends_on.name}"


class ReportState(models.TextChoices):
    """A report is a draft until it is published; then it never changes again."""

    DRAFT = "draft", _("Concept")
    PUBLISHED = "published", _("Gepubliceerd")


class PublishedReportError(Exception):
    """Raised on any attempt to change or delete a published report."""

    def __init__(self, message=None):
        super().__init__(message or _("Een gepubliceerde rapportage kan niet meer veranderen."))


class ReportQuerySet(models.QuerySet):
    def published(self):
        """Published reports, oldest first (by reference date, then publishing time)."""
        return self.filter(state=ReportState.PUBLISHED).order_by("peildatum", "published_at", "pk")

    def visible_to(self, user):
        """Published reports for everyone; drafts too for those with the view right on reports
        (the roles), not for any staff account."""
        if user is not None and user.is_active and user.has_perm("measures.view_report"):
            return self
        return self.filter(state=ReportState.PUBLISHED)

    def update(self, **kwargs):
        """Bulk updates may only touch drafts: a published report is frozen."""
        if self.filter(state=ReportState.PUBLISHED).exists():
            raise PublishedReportError()
        return super().update(**kwargs)

    def delete(self):
        """Bulk deletes may only touch drafts: a published report stays on record."""
        if self.filter(state=ReportState.PUBLISHED).exists():
            raise PublishedReportError()
        return super().delete()

    delete.queryset_only = True


# A spreadsheet runs a cell starting with one of these as a formula (CSV/XLSX injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# The heading of every document of the bijlage, as the seed (the original of 2024) has it.
DOCUMENT_TITLE = "Bijlage – Overzicht verbetermaatregelen invordering Dienst Toeslagen"


def validate_no_formula(value: str) -> None:
    """A title ends up in spreadsheets: it may not start like a formula (=HYPERLINK(…))."""
    if value and value.startswith(FORMULA_TRIGGERS):
        raise ValidationError(
            _("Een titel mag niet beginnen met =, +, -, @, een tab of een regeleinde."),
            code="formula",
        )


class Report(models.Model):
    """A rapportage: the bijlage as sent to parliament, frozen as row dicts when published.

    ``rows`` holds the rows in their open-data form (``measures.rows.Row.to_json()``) and
    ``legend`` the phase labels at publishing time, so an old report renders (and exports)
    exactly as it was, whatever happens to the live data afterwards. They are read back only
    through ``measures.sources.ReportSource``.
    Publishing goes through ``measures.reports.publish_report``.
    """

    title = models.CharField(_("titel"), max_length=200, validators=[validate_no_formula])
    document_title = models.CharField(
        _("titel van het document"),
        max_length=300,
        default=DOCUMENT_TITLE,
        validators=[validate_no_formula],
        help_text=_("De kop van de bijlage in PDF, HTML, Word en ODF."),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    peildatum = models.DateField(
        _("peildatum"), help_text=_("De datum waarop de bijlage de stand weergeeft.")
    )
    letter = models.ForeignKey(
        ParliamentaryLetter,
        verbose_name=_("Kamerbrief"),
        on_delete=models.PROTECT,
        related_name="reports",
        null=True,
        blank=True,
        help_text=_("De brief waarmee deze rapportage naar de Tweede Kamer ging."),
    )
    state = models.CharField(
        _("status"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT
    )
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    rows = models.JSONField(_("rijen"), default=list, blank=True, editable=False)
    legend = models.JSONField(_("legenda"), default=list, blank=True, editable=False)
    # Read without the rows: lists and "previous report" never load the snapshot.
    row_count = models.PositiveIntegerField(_("aantal rijen"), default=0, editable=False)
    schema_version = models.PositiveSmallIntegerField(
        _("vorm van de rijen"), default=1, editable=False
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    # Four eyes: who prepared the draft, who approved it (never the same person), who published.
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opgesteld door"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgesteld door"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    approved_at = models.DateTimeField(_("vastgesteld op"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gepubliceerd door"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    # The letter as it was when the report was published: editing the letter later must not
    # change what the report says it was sent with.
    letter_date = models.DateField(_("datum Kamerbrief"), null=True, blank=True, editable=False)
    letter_reference = models.CharField(_("Kamerstuk"), max_length=200, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["rows", "legend"])

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-peildatum", "-published_at", "-pk"]
        verbose_name = _("rapportage")
        verbose_name_plural = _("rapportages")
        permissions = [
            ("approve_report", _("Mag een rapportage vaststellen (niet de eigen rapportage)"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(published_at__isnull=False),
                name="published_report_has_published_at",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Save a draft (or the act of publishing it); a stored published report is frozen."""
        if self._stored_as_published():
            raise PublishedReportError()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("measures:report-detail", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        """Delete a draft; a published report stays on record."""
        if self._stored_as_published():
            raise PublishedReportError()
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.state == ReportState.PUBLISHED

    def named_letter(self) -> tuple:
        """(date, Kamerstuk) of the letter the report names: the copy made at publishing, else
        the live one (a draft, or a report published before copies were made); (None, "")
        without a letter."""
        if self.is_published and self.letter_date is not None:
            return self.letter_date, self.letter_reference
        if self.letter_id:
            return self.letter.date, self.letter.reference
        return None, ""

    @property
    def letter_label(self) -> str:
        """The letter the report names, as the screen shows it ("" without a letter)."""
        date, reference = self.named_letter()
        return letter_label(date, reference) if date is not None else ""

    def _stored_as_published(self) -> bool:
        return (
            self.pk is not None
            and type(self).objects.filter(pk=self.pk, state=ReportState.PUBLISHED).exists()
        )


class Round(models.Model):
    """A reporting round (uitvraag): owners update their rows before the next letter.

    State changes of a round and its items go through ``measures.rounds`` only.
    """

    title = models.CharField(_("titel"), max_length=200)
    deadline = models.DateField(_("deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geopend door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("geopend op"), auto_now_add=True)
    report = models.OneToOneField(
        Report,
        verbose_name=_("rapportage"),
        on_delete=models.PROTECT,
        related_name="round",
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ronde")
        verbose_name_plural = _("rondes")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("measures:round-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        """Owners and the coordinator can still act until the draft report is made."""
        return self.report_id is None


class RoundItemState(models.TextChoices):
    """Where a row stands in a round: open, answered by its owner, judged by the coordinator."""

    OPEN = "open", _("Open")
    UPDATED = "updated", _("Bijgewerkt")
    CONFIRMED = "confirmed", _("Ongewijzigd bevestigd")
    RETURNED = "returned", _("Teruggestuurd")
    ACCEPTED = "accepted", _("Geaccepteerd")


class RoundItem(models.Model):
    """One row in a round, with its state; every step is a history record (who, when, comment)."""

    round = models.ForeignKey(
        Round, verbose_name=_("ronde"), on_delete=models.CASCADE, related_name="items"
    )
    workstream = models.ForeignKey(
        Workstream, verbose_name=_("rij"), on_delete=models.CASCADE, related_name="round_items"
    )
    state = models.CharField(
        _("status"), max_length=16, choices=RoundItemState.choices, default=RoundItemState.OPEN
    )
    comment = models.TextField(_("opmerking"), blank=True)
    # The row's version when the owner was (last) asked: "updated" needs a newer version.
    base_version = models.PositiveIntegerField(_("versie bij uitvraag"), default=1)
    changed_at = models.DateTimeField(_("laatste stap op"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("laatste stap door"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["workstream__theme__order", "workstream__order", "workstream_id"]
        verbose_name = _("rij in een ronde")
        verbose_name_plural = _("rijen in een ronde")
        constraints = [
            models.UniqueConstraint(fields=["round", "workstream"], name="unique_row_per_round")
        ]

    def __str__(self):
        return f"{self.round}: {self.workstream}"

    @property
    def waits_for_owner(self) -> bool:
        return self.state in (RoundItemState.OPEN, RoundItemState.RETURNED)

    @property
    def waits_for_coordinator(self) -> bool:
        return self.state in (RoundItemState.UPDATED, RoundItemState.CONFIRMED)


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Vooraf")
    DEADLINE = "deadline", _("Op de deadline")


class ReminderSent(models.Model):
    """A reminder e-mail that went out, so the same reminder is never sent twice."""

    round = models.ForeignKey(
        Round, verbose_name=_("ronde"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("soort"), max_length=16, choices=ReminderKind.choices)
    email = models.EmailField(_("e-mailadres"))
    sent_at = models.DateTimeField(_("verstuurd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("verstuurde herinnering")
        verbose_name_plural = _("verstuurde herinneringen")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind", "email"], name="unique_reminder_per_round"
            )
        ]

    def __str__(self):
        return f"{self.round}: {self.get_kind_display()} → {self.email}"


class DataVersion(models.Model):
    """One row: the version of the domain data, for the cache keys of every app server.

    Every write to the domain data changes ``value`` in the same transaction
    (``measures.cache``), so all processes agree on it the moment the write commits, whatever
    the cache backend.
    """

    value = models.CharField(_("versie"), max_length=32)

    class Meta:
        verbose_name = _("gegevensversie")
        verbose_name_plural = _("gegevensversies")

    def __str__(self):
        return self.value


class PendingImport(models.Model):
    """An uploaded spreadsheet between its preview and the confirmation, kept in the database so
    that any app server can confirm it; only the user who previewed it may confirm it."""

    token = models.CharField(_("kenmerk"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gebruiker"), on_delete=models.CASCADE
    )
    file_name = models.CharField(_("bestandsnaam"), max_length=255)
    file_format = models.CharField(_("formaat"), max_length=8)
    content = models.BinaryField(_("inhoud"))
    created_at = models.DateTimeField(_("geüpload op"), auto_now_add=True)

    class Meta:
        verbose_name = _("import in afwachting")
        verbose_name_plural = _("imports in afwachting")

    def __str__(self):
        return self.file_name
