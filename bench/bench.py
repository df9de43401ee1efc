"""Benchmark of the overview and the exports: medians over repeated runs.

Run from the checkout: ``.venv/bin/python bench/bench.py`` (add ``--quick`` for fewer runs).
It uses a throwaway SQLite database in a temporary folder, or the database of ``DATABASE_URL``
if set (it then adds 10,000 generated rows to it: use a scratch database). Server time is the
time of a request through Django's test client: middleware, view, queries and templates.
"""

import argparse
import datetime
import json
import statistics
import time
import tracemalloc

from django_setup import ROOT, setup  # bench/ is the script's folder, first on sys.path

setup("bench")

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from measures import models  # noqa: E402
from measures.cache import bump_data_version  # noqa: E402
from measures.reports import create_initial_history, publish_report, seed_moment  # noqa: E402
from measures.sources import forget_row_sets  # noqa: E402

GENERATED_ROWS = 10_000


BEST = {}


def median_ms(func, runs: int, *, cold: bool = True) -> float:
    """Median wall time of ``func`` in milliseconds; ``cold`` empties the cache before each run.

    The best run is kept too (printed beside the median): on a shared machine it shows how
    much of the median is waiting for the CPU.
    """
    times = []
    for _ in range(runs):
        if cold:
            cache.clear()
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    BEST["last"] = min(times)
    return statistics.median(times)


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        get(client, url)
    return len(ctx.captured_queries)


def generate_rows(count: int) -> None:
    """Add ``count`` rows spread over the seed's themes, with measures, VM numbers and letters."""
    themes = list(models.Theme.objects.all())
    phases = list(models.Phase.objects.all())
    letters = list(models.ParliamentaryLetter.objects.all())
    it = models.ITDependency.objects.first()
    words = (
        "betalingsregeling verrekening beslag informatie burger toeslag vordering "
        "kwijtschelding dwanginvordering maatwerk geïmplementeerd onderzoek"
    ).split()
    with transaction.atomic():
        measures = models.Measure.objects.bulk_create(
            models.Measure(name=f"Gegenereerde maatregel {i}", slug=f"gegenereerd-{i}")
            for i in range(count // 5)
        )
        models.VMNumber.objects.bulk_create(
            models.VMNumber(number=1000 + i, measure=m) for i, m in enumerate(measures)
        )
        ambitions = models.Ambition.objects.bulk_create(
            models.Ambition(
                theme=themes[i % len(themes)], name=f"Ambitie {i}", strategy_page=i % 60
            )
            for i in range(count // 10)
        )
        rows = models.Workstream.objects.bulk_create(
            models.Workstream(
                theme=ambition.theme,
                ambition=ambition,
                measure=measures[i % len(measures)],
                order=1000 + i,
                explanation=" ".join(words[(i + k) % len(words)] for k in range(40)),
                status_text=f"Stand van zaken {i}: {words[i % len(words)]}.",
                phase=phases[i % len(phases)],
                on_hold=i % 17 == 0,
                it_dependency=it if i % 7 == 0 else None,
                delay_reason="capacity" if i % 11 == 0 else "",
                target_date=datetime.date(2026, 1, 1) if i % 13 == 0 else None,
            )
            for i, ambition in ((i, ambitions[i % len(ambitions)]) for i in range(count))
        )
        models.LetterLink.objects.bulk_create(
            models.LetterLink(workstream=row, letter=letters[i % len(letters)])
            for i, row in enumerate(rows)
            if i % 3
        )
        # Their audit trail, dated with the seed: the state on a peildatum is rebuilt from it.
        create_initial_history(seed_moment())
    bump_data_version()


def analyze(vacuum: bool = False) -> None:
    """Fresh planner statistics on PostgreSQL, as autovacuum keeps them in production."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    args = parser.parse_args()
    runs = 5 if args.quick else 25
    heavy_runs = 3 if args.quick else 7

    call_command("migrate", verbosity=0)
    # A rerun on the same database: start from the seed again.
    models.Report.objects.filter(slug="bench-10000", state="draft").delete()
    models.Workstream.objects.filter(measure__slug__startswith="gegenereerd-").delete()
    models.Ambition.objects.filter(workstreams__isnull=True, name__startswith="Ambitie ").delete()
    models.Measure.objects.filter(slug__startswith="gegenereerd-").delete()
    if not models.Workstream.objects.exists():
        call_command("loaddata", "bijlage_2024", verbosity=0)
    analyze(vacuum=True)
    # Managers see the live state; visitors who are not signed in see the published report.
    manager, _created = User.objects.get_or_create(username="bench-manager")
    manager.groups.add(Group.objects.get(name="Manager"))
    client = Client()
    client.force_login(manager)
    public = Client()
    results = {}

    def record(name, value, unit):
        best = BEST.pop("last", None) if unit == "ms" else None
        results[name] = {"value": round(value, 1), "unit": unit, "best": best and round(best, 1)}
        extra = f"   (best {best:.1f})" if best is not None else ""
        print(f"{name:<62} {value:>8.1f} {unit}{extra}", flush=True)

    seed_rows = models.Workstream.objects.count()
    print(f"Database: {connection.vendor}, {seed_rows} rows (seed); medians of {runs} runs")
    overview = "/"
    filtered = "/?phase=implementation&phase=policy&q=betalingsregeling"
    get(client, overview)  # warm up imports and templates
    record(
        "overview, seed, server time (no cache)",
        median_ms(lambda: get(client, overview), runs),
        "ms",
    )
    record(
        "overview, seed, server time (cached)",
        median_ms(lambda: get(client, overview), runs, cold=False),
        "ms",
    )
    record(
        "overview, seed, filtered (no cache)", median_ms(lambda: get(client, filtered), runs), "ms"
    )
    counter = iter(range(10**9))
    record(
        "overview, seed, page not cached (legend+choices cached)",
        # An unknown parameter changes the page's cache key but not the rows.
        median_ms(lambda: get(client, f"{overview}?run={next(counter)}"), runs, cold=False),
        "ms",
    )
    record("overview, seed, queries", queries(client, overview), "queries")
    get(client, "/export/bijlage.pdf")  # imports WeasyPrint
    record(
        "PDF, seed (no cache)",
        median_ms(lambda: get(client, "/export/bijlage.pdf"), heavy_runs),
        "ms",
    )
    record(
        "PDF, seed (cached)",
        median_ms(lambda: get(client, "/export/bijlage.pdf"), runs, cold=False),
        "ms",
    )

    generate_rows(GENERATED_ROWS)
    analyze()
    total = models.Workstream.objects.count()
    print(f"Generated rows: now {total} rows")
    big_filtered = "/?theme=verrekening&informed=yes&sort=vm"
    big_search = "/?q=kwijtschelding+maatwerk&phase=policy"
    get(client, overview)
    record(
        f"overview, {total} rows, page 1 (no cache)",
        median_ms(lambda: get(client, overview), runs),
        "ms",
    )
    record(
        f"overview, {total} rows, filtered theme+informed+sort (no cache)",
        median_ms(lambda: get(client, big_filtered), runs),
        "ms",
    )
    record(
        f"overview, {total} rows, free text + phase (no cache)",
        median_ms(lambda: get(client, big_search), runs),
        "ms",
    )
    record(
        f"overview, {total} rows (cached)",
        median_ms(lambda: get(client, overview), runs, cold=False),
        "ms",
    )
    record(f"overview, {total} rows, queries", queries(client, overview), "queries")
    record(f"overview, {total} rows, filtered, queries", queries(client, big_filtered), "queries")

    # The other sources at the same size: the state on a peildatum, a published report.
    # Yesterday: rebuilt from the audit trail (today is the live state itself).
    day = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    for label, url in (
        ("peildatum yesterday, page 1", f"{overview}?peildatum={day}"),
        ("peildatum yesterday, filtered", f"{big_filtered}&peildatum={day}"),
        ("peildatum seed day, free text + phase", f"{big_search}&peildatum=2024-10-24"),
    ):
        get(client, url)
        record(
            f"{label}, {total} rows (no cache)", median_ms(lambda u=url: get(client, u), runs), "ms"
        )
    # The first request of a peildatum in a process rebuilds its rows from the audit trail;
    # later pages and filters reuse that row set (sources.RowSet) until the data changes.
    filtered_day = f"{big_filtered}&peildatum={day}"
    record(
        f"peildatum yesterday, filtered, {total} rows, first request in the process",
        median_ms(lambda: (forget_row_sets(), get(client, filtered_day)), heavy_runs),
        "ms",
    )
    record(
        f"peildatum, {total} rows, filtered, queries",
        queries(client, f"{big_filtered}&peildatum={day}"),
        "queries",
    )
    report = models.Report.objects.create(
        title="Bench 10.000", slug="bench-10000", peildatum=datetime.date.today()
    )
    # A bench report: no round, approval or letter behind it, and the seed lacks footnotes 1, 3, 4.
    publish_report(report, approval_required=False, allow_missing_footnotes=True)
    for label, url in (
        ("page 1", overview),
        ("filtered", big_filtered),
        ("free text + phase", big_search),
    ):
        get(public, url)
        record(
            f"published report ({total} rows), {label}, anonymous (no cache)",
            median_ms(lambda u=url: get(public, u), runs),
            "ms",
        )
    record(
        f"published report ({total} rows), filtered, first request in the process",
        median_ms(lambda: (forget_row_sets(), get(public, big_filtered)), heavy_runs),
        "ms",
    )
    record(
        f"published report ({total} rows), anonymous (cached)",
        median_ms(lambda: get(public, overview), runs, cold=False),
        "ms",
    )
    record(
        f"published report, {total} rows, filtered, queries",
        queries(public, big_filtered),
        "queries",
    )

    csv_url = "/export/bijlage.csv"
    record(f"CSV, {total} rows", median_ms(lambda: get(client, csv_url), heavy_runs), "ms")
    record(
        f"XLSX, {total} rows",
        median_ms(lambda: get(client, "/export/bijlage.xlsx"), heavy_runs),
        "ms",
    )

    # Peak memory of Python objects while streaming the CSV, chunk by chunk (not joined).
    tracemalloc.start()
    response = client.get(csv_url)
    size = sum(len(chunk) for chunk in response.streaming_content)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    record(f"CSV, {total} rows, size", size / 1024 / 1024, "MB")
    record(f"CSV, {total} rows, peak Python memory while streaming", peak / 1024 / 1024, "MB")

    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
