"""Benchmark of the django-tables2 lists: the measure register (/maatregelen/) and "Mijn rijen"
(/mijn-rijen/), beside the overview: medians of server time, no cache.

Run from the checkout: ``.venv/bin/python bench/register_bench.py`` (``--quick`` for fewer
runs). It uses a throwaway SQLite database in a temporary folder, or the database of
``DATABASE_URL`` if set (it then adds ~10,000 generated rows: use a scratch database; a rerun
removes them first). Server time is a request through Django's test client: middleware, view,
queries and the django-tables2 template.
"""

import argparse
import datetime
import statistics
import time

from django_setup import setup  # bench/ is the script's folder, first on sys.path

setup("register-bench")

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from measures import models  # noqa: E402

PREFIX = "register-bench-"
ROWS = 10_000
ROWS_PER_MEASURE = 4  # ~2,500 measures, 50 pages of the register


def add_rows(count: int) -> None:
    """``count`` rows over new measures (one VM number each from 1000 on), on the seed's
    themes, ambitions and phases, with target dates and changes spread over time."""
    ambitions = list(models.Ambition.objects.select_related("theme"))
    phases = list(models.Phase.objects.all())
    with transaction.atomic():
        measures = models.Measure.objects.bulk_create(
            models.Measure(name=f"Maatregel {i:05} rente en beslag", slug=f"{PREFIX}{i}")
            for i in range(count // ROWS_PER_MEASURE)
        )
        models.VMNumber.objects.bulk_create(
            models.VMNumber(number=1000 + i, measure=measure) for i, measure in enumerate(measures)
        )
        models.Workstream.objects.bulk_create(
            models.Workstream(
                theme=ambitions[i % len(ambitions)].theme,
                ambition=ambitions[i % len(ambitions)],
                measure=measures[i // ROWS_PER_MEASURE],
                order=1000 + i,
                status_text="Beleidsmatige uitwerking loopt.",
                phase=phases[i % len(phases)],
                target_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 900)
                if i % 3
                else None,
            )
            for i in range(count)
        )
        # bulk_create skips auto_now's spread; give the changes different moments.
        for offset in range(0, count, 1000):
            models.Workstream.objects.filter(
                measure__slug__startswith=PREFIX, order__gte=1000 + offset
            ).update(
                updated_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
                + datetime.timedelta(hours=offset)
            )


def median_ms(client, url: str, runs: int) -> tuple[float, float]:
    """Median server time of ``url`` in milliseconds (the cache emptied each time), and the
    median CPU time of this process (on SQLite the queries too, on PostgreSQL not): on a busy
    shared machine the first includes waiting for a core."""
    times, cpu = [], []
    for _ in range(runs):
        cache.clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), statistics.median(cpu)


def queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


URLS = [
    ("register, page 1 (name)", "/maatregelen/"),
    ("register, sorted by last change, newest first", "/maatregelen/?sort=-changed"),
    ("register, sorted by next target date", "/maatregelen/?sort=target"),
    ("register, sorted by number of rows, last page", "/maatregelen/?sort=-rows&page=50"),
    ("register, search VM number (vm25)", "/maatregelen/?q=vm25"),
    ("register, search two words in the name", "/maatregelen/?q=rente+beslag"),
    # The budget is the overview's; measured beside it, the load of the machine shows.
    ("Mijn rijen, page 1 (a team that owns every row)", "/mijn-rijen/"),
    ("Mijn rijen, sorted by target date, last page", "/mijn-rijen/?sort=target_date&page=400"),
    ("Mijn rijen, filtered on phase and text", "/mijn-rijen/?phase=policy&q=beslag"),
    ("overview, page 1, for comparison (no cache)", "/"),
]


def sign_in_as_owner(client) -> None:
    """A member of one team (with the owner role) that owns every row: the longest worklist."""
    from django.contrib.auth.models import Group, User

    team, _created = Group.objects.get_or_create(name="Bench, team Alles")
    user, _created = User.objects.get_or_create(username="register-bench-owner")
    user.groups.add(team, Group.objects.get(name="Eigenaar"))
    models.Workstream.objects.update(owner=team)
    client.force_login(user)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    runs = 5 if parser.parse_args().quick else 25

    call_command("migrate", verbosity=0)
    models.Workstream.objects.filter(measure__slug__startswith=PREFIX).delete()
    models.Measure.objects.filter(slug__startswith=PREFIX).delete()
    if not models.Workstream.objects.exists():
        call_command("loaddata", "bijlage_2024", verbosity=0)
    client = Client()
    client.get("/maatregelen/")  # imports and templates
    sign_in_as_owner(client)  # signed in, the register and the overview show the live state

    for label, extra in (("seed", 0), (f"+{ROWS:,} rows", ROWS)):
        if extra:
            add_rows(extra)
            sign_in_as_owner(client)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        rows = models.Workstream.objects.count()
        measures = models.Measure.objects.count()
        print(f"{connection.vendor}, {label}: {rows} rows, {measures} measures; {runs} runs")
        for name, url in URLS:
            median, cpu = median_ms(client, url, runs)
            print(
                f"  {name:<50} {median:7.1f} ms (CPU {cpu:.1f}), {queries(client, url)} queries",
                flush=True,
            )


if __name__ == "__main__":
    main()
