"""One factory per domain model."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from measures import models


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = models.Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")
    order = factory.Sequence(lambda n: n + 100)


def phase(code: str) -> models.Phase:
    """The phase of the legend with this code (created by a migration)."""
    return models.Phase.objects.get(code=code)


class AmbitionFactory(DjangoModelFactory):
    class Meta:
        model = models.Ambition

    theme = factory.SubFactory(ThemeFactory)
    name = factory.Sequence(lambda n: f"Ambitie {n}")
    strategy_page = factory.Sequence(lambda n: n % 50 + 1)


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = models.Measure

    name = factory.Sequence(lambda n: f"Maatregel {n}")
    slug = factory.Sequence(lambda n: f"maatregel-{n}")


class VMNumberFactory(DjangoModelFactory):
    class Meta:
        model = models.VMNumber

    number = factory.Sequence(lambda n: n + 100)
    measure = factory.SubFactory(MeasureFactory)


class ITDependencyFactory(DjangoModelFactory):
    class Meta:
        model = models.ITDependency
        django_get_or_create = ["name"]

    name = "Modernisering IV-landschap"


class ParliamentaryLetterFactory(DjangoModelFactory):
    class Meta:
        model = models.ParliamentaryLetter

    date = datetime.date(2024, 2, 9)


class WorkstreamFactory(DjangoModelFactory):
    class Meta:
        model = models.Workstream

    ambition = factory.SubFactory(AmbitionFactory)
    theme = factory.SelfAttribute("ambition.theme")
    measure = factory.SubFactory(MeasureFactory)
    order = factory.Sequence(lambda n: n)
    explanation = factory.Faker("paragraph", locale="nl_NL")
    status_text = "Implementatiefase."
    phase = factory.LazyFunction(lambda: phase("implementation"))


class LetterLinkFactory(DjangoModelFactory):
    class Meta:
        model = models.LetterLink

    workstream = factory.SubFactory(WorkstreamFactory)
    letter = factory.SubFactory(ParliamentaryLetterFactory)


class FootnoteFactory(DjangoModelFactory):
    class Meta:
        model = models.Footnote

    number = factory.Sequence(lambda n: n + 100)
    text = factory.Faker("sentence", locale="nl_NL")
    workstream = factory.SubFactory(WorkstreamFactory)


class MeasureDependencyFactory(DjangoModelFactory):
    class Meta:
        model = models.MeasureDependency

    measure = factory.SubFactory(MeasureFactory)
    depends_on = factory.SubFactory(MeasureFactory)


class UserFactory(DjangoModelFactory):
    """A staff user; pass `role="Beleidsmedewerker"` (a group from the roles migration)."""

    class Meta:
        model = "auth.User"
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"medewerker{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@toeslagen.example")
    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            from django.contrib.auth.models import Group

            self.groups.add(Group.objects.get(name=extracted))


class ReportFactory(DjangoModelFactory):
    """A draft report ready to publish: a letter, prepared by policy staff, approved by a
    manager. Publish it with ``measures.reports.publish_report``; pass ``approved_by=None`` or
    ``letter=None`` for a draft that is not ready."""

    class Meta:
        model = models.Report

    title = factory.Sequence(lambda n: f"Bijlage {n}")
    slug = factory.Sequence(lambda n: f"bijlage-{n}")
    peildatum = factory.LazyFunction(timezone.localdate)
    letter = factory.SubFactory(ParliamentaryLetterFactory)
    prepared_by = factory.SubFactory(UserFactory, role="Beleidsmedewerker")
    approved_by = factory.SubFactory(UserFactory, role="Manager")
    approved_at = factory.LazyFunction(timezone.now)


class TeamFactory(DjangoModelFactory):
    """A team that owns rows (a Django group that is not a role)."""

    class Meta:
        model = "auth.Group"
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Directie Invordering, team {n}")
