"""Benchmark of the admin's spreadsheet import: a sheet at the line limit, preview and confirm.

Run from the checkout: ``.venv/bin/python bench/import_bench.py`` (``--runs N``, default 3).
It uses a throwaway SQLite database in a temporary folder, or the database of ``DATABASE_URL``
if set (it adds the generated rows: use a scratch database). Each step is one request
through Django's test client (middleware, view, import), timed as wall time, with the peak of
Python memory allocated during it (tracemalloc) and the process's peak RSS at the end.
Two cases: the untouched export (0 changed) and the export with every status text changed.
"""

import argparse
import resource
import statistics
import time
import tracemalloc

from django_setup import setup  # bench/ is the script's folder, first on sys.path

setup("import-bench")

from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()  # the test client then records each response's context

import tablib  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import generate_rows  # noqa: E402  (bench/bench.py, beside this file)
from measures.models import Workstream  # noqa: E402
from measures.reports import load_seed  # noqa: E402

FORMATS = {"csv": "0", "xlsx": "1"}


TRACE = {"on": False}


def measured(func):
    """Run ``func``; return its result, wall and CPU time in ms and peak traced memory in MiB.

    CPU time is what the request costs on a machine of its own; on a busy shared machine the
    wall time is mostly waiting for a core. Memory is traced only in a run of its own
    (``TRACE``): tracemalloc makes Python several times slower, so timed runs go without it.
    """
    if TRACE["on"]:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    result = func()
    elapsed = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
    peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024) if TRACE["on"] else 0.0
    if TRACE["on"]:
        tracemalloc.stop()
    return result, elapsed, peak


def export(client, file_format) -> bytes:
    url = reverse("admin:measures_workstream_export")
    fields = client.get(url).context["form"].fields
    columns = {name: "on" for name in fields if name.startswith("workstreamresource_")}
    response = client.post(url, {"format": FORMATS[file_format], "resource": 0, **columns})
    assert response.status_code == 200, response.status_code
    return response.content


def changed_sheet(content: bytes, file_format: str, run: int) -> bytes:
    if file_format == "csv":  # tablib reads CSV as text (a BOM first, as the export writes)
        content = content.decode("utf-8-sig")
    dataset = tablib.Dataset().load(content, format=file_format)
    column = dataset.headers.index("stand van zaken")
    rows = [list(values) for values in dataset]
    for values in rows:
        values[column] = f"{values[column]} (bench {run})"
    changed = tablib.Dataset(*rows, headers=dataset.headers)
    return changed.export(file_format) if file_format == "xlsx" else changed.export("csv").encode()


def import_sheet(client, content: bytes, file_format: str):
    """Preview, then confirm; returns ((wall, CPU) ms, MiB) of the preview, then of the confirm."""
    upload = SimpleUploadedFile(f"rijen.{file_format}", content)
    url = reverse("admin:measures_workstream_import")
    shown, preview_ms, preview_mib = measured(
        lambda: client.post(
            url, {"import_file": upload, "format": FORMATS[file_format], "resource": 0}
        )
    )
    assert shown.status_code == 200, (
        shown.context.get("import_errors") or shown.context["form"].errors
    )
    confirm = shown.context["confirm_form"].initial
    done, confirm_ms, confirm_mib = measured(
        lambda: client.post(reverse("admin:measures_workstream_process_import"), confirm)
    )
    assert done.status_code == 302, done.status_code
    return preview_ms, preview_mib, confirm_ms, confirm_mib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lines", type=int, default=settings.IMPORT_MAX_ROWS)
    parser.add_argument("--formats", default="csv,xlsx")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if not Workstream.objects.exists():
        load_seed()
    generate_rows(args.lines - Workstream.objects.count())  # as many lines as allowed
    # The generated rows break the on-hold rules the import checks on a changed line.
    Workstream.objects.update(on_hold=False)
    Workstream.objects.filter(delay_reason="other", status_text="").update(delay_reason="")
    user, _ = User.objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    lines = Workstream.objects.count()
    size_limit = 0

    print(f"{lines} lines, {args.runs} runs, database {connection.vendor}")
    print(
        "| format | case | file | preview ms (wall / CPU) | preview MiB "
        "| confirm ms (wall / CPU) | confirm MiB |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for file_format in args.formats.split(","):
        for case in ("untouched", "all changed"):
            results, traced = [], None
            for run in range(args.runs + 1):  # the last run traces memory, untimed
                TRACE["on"] = run == args.runs
                content = export(client, file_format)
                if case == "all changed":
                    content = changed_sheet(content, file_format, run)
                size_limit = max(size_limit, len(content))
                result = import_sheet(client, content, file_format)
                if TRACE["on"]:
                    traced = result
                else:
                    results.append(result)
            columns = list(zip(*results, strict=True))
            columns[1], columns[3] = [traced[1]], [traced[3]]
            preview_wall = statistics.median(ms[0] for ms in columns[0])
            preview_cpu = statistics.median(ms[1] for ms in columns[0])
            confirm_wall = statistics.median(ms[0] for ms in columns[2])
            confirm_cpu = statistics.median(ms[1] for ms in columns[2])
            print(
                f"| {file_format} | {case} | {size_limit / 1024 / 1024:.1f} MiB "
                f"| {preview_wall:.0f} / {preview_cpu:.0f} | {statistics.median(columns[1]):.0f} "
                f"| {confirm_wall:.0f} / {confirm_cpu:.0f} | {statistics.median(columns[3]):.0f} |"
            )
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process: {peak_rss:.0f} MiB")


if __name__ == "__main__":
    main()
