"""Benchmark of the publicatieversie: the seed's documents (PDF, HTML, DOCX, ODT), medians.

Run from the checkout: ``.venv/bin/python bench/bench_documents.py [--runs N]``. A throwaway
SQLite database with the seed and its published report; every request goes through Django's
test client with an empty cache ("cold": rendered, never served from the cache). The first
request of each format is not counted (it imports WeasyPrint, python-docx or odfpy).
"""

import argparse
import statistics
import time

from django_setup import setup  # bench/ is the script's folder, first on sys.path

setup("bench-documents", own_database=True)

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

URLS = {
    "PDF, seed report": "/rapportages/bijlage-oktober-2024/export/bijlage.pdf",
    "PDF, live (all rows)": "/export/bijlage.pdf",
    "HTML, seed report": "/rapportages/bijlage-oktober-2024/export/bijlage.html",
    "DOCX, seed report": "/rapportages/bijlage-oktober-2024/export/bijlage.docx",
    "ODT, seed report": "/rapportages/bijlage-oktober-2024/export/bijlage.odt",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed_bijlage", verbosity=0)
    client = Client()
    print(f"medians of {args.runs} cold runs (best in brackets)")
    for label, url in URLS.items():
        assert client.get(url).status_code == 200, url  # warm-up: imports
        times = []
        for _ in range(args.runs):
            cache.clear()
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        size = len(response.content) // 1024
        print(f"{label:<24} {statistics.median(times):8.0f} ms  ({min(times):.0f} ms)  {size} KiB")


if __name__ == "__main__":
    main()
