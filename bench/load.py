#!/usr/bin/env python3
"""A bounded load test of the overview and the exports under gunicorn, on 127.0.0.1 only.

Starts gunicorn with production settings on a free loopback port (its own SQLite database in
bench/out/ unless DATABASE_URL is set), loads the seed, then sends a fixed number of requests
per URL from a few client threads and prints throughput and latency percentiles. It stops by
itself: every URL has a request budget and a time limit.

    .venv/bin/python bench/load.py                  # defaults below
    BENCH_CONCURRENCY=8 BENCH_REQUESTS=500 .venv/bin/python bench/load.py
    BENCH_RATIO_ROUNDS=9 .venv/bin/python bench/load.py   # more rounds of Django against bare
    .venv/bin/python bench/load.py --pdf-burst      # 8 uncached PDFs at once, /healthz meanwhile
"""

import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
HOST = "127.0.0.1"  # never anything else: this is a load test
PYTHON = sys.executable
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))  # as `make serve` (THREADS)
BURST = int(os.environ.get("BENCH_BURST", "8"))
BURST_ROUNDS = int(os.environ.get("BENCH_BURST_ROUNDS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
TIME_LIMIT = float(os.environ.get("BENCH_TIME_LIMIT", "60"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
PDF_REQUESTS = int(os.environ.get("BENCH_PDF_REQUESTS", "60"))
RATIO_ROUNDS = int(os.environ.get("BENCH_RATIO_ROUNDS", "7"))
# Requests per client connection. Four connections kept for a whole run stay on whichever
# workers accepted them (three on one worker, one CPU's worth, or spread over two CPUs): one
# run measured Django between 29 and 69 % of the bare app. Visitors come and go; so do these.
KEEPALIVE = int(os.environ.get("BENCH_KEEPALIVE", "50"))
RATIO_REQUESTS = int(os.environ.get("BENCH_RATIO_REQUESTS", "2000"))
PHASES = ("not_started", "policy", "implementation", "implemented")


def _targets(theme_slugs: list[str]) -> list[tuple[str, list[str], int]]:
    """(name, paths to cycle through, request budget); missing exports are skipped."""
    # Every request a different filter, so no cached rendering can answer it.
    varied = [
        f"theme={slug}&phase={a}&phase={b}"
        for slug in theme_slugs
        for a in PHASES
        for b in PHASES
        if a < b
    ]
    return [
        ("/", ["/"], REQUESTS),
        ("/ (gzip, as a browser asks)", ["/"], REQUESTS),
        ("/?<filter per request>", [f"/?{q}" for q in varied], REQUESTS),
        ("/export/bijlage.json", ["/export/bijlage.json"], REQUESTS),
        ("/export/bijlage.pdf", ["/export/bijlage.pdf"], PDF_REQUESTS),
        (
            "/export/bijlage.pdf?<filter per request>",
            [f"/export/bijlage.pdf?{q}" for q in varied],
            PDF_REQUESTS,
        ),
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _environment() -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench.sqlite3'}")
    env.update(
        DJANGO_PRODUCTION="true",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        # Plain HTTP on loopback: no proxy in front, so no redirect to HTTPS.
        DJANGO_SECURE_SSL_REDIRECT="false",
    )
    env.pop("DJANGO_DEBUG", None)
    return env


def _manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


# What a browser sends: the overview then comes compressed (SafeGZipMiddleware).
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _get(conn, path, headers=None):
    start = time.perf_counter()
    conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body), time.perf_counter() - start


def _body(port, path) -> bytes:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request("GET", path, headers={"Host": HOST})
    return conn.getresponse().read()


def _wait_until_healthy(port, deadline=30.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            if _get(conn, "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not become healthy")


def _run(port, name, paths, budget, headers=None):
    """Send `budget` requests from CONCURRENCY threads; stop early at TIME_LIMIT."""
    latencies, errors, sizes = [], [], []
    lock = threading.Lock()
    remaining = [budget]
    counter = [0]
    stop_at = time.monotonic() + TIME_LIMIT

    def worker():
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        sent = 0
        while True:
            if sent == KEEPALIVE:  # a new connection, as a new visitor's would be
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
                sent = 0
            sent += 1
            with lock:
                if remaining[0] <= 0 or time.monotonic() > stop_at:
                    return
                remaining[0] -= 1
                path = paths[counter[0] % len(paths)]
                counter[0] += 1
            try:
                status, size, seconds = _get(conn, path, headers)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(repr(exc))
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
                continue
            with lock:
                if status == 200:
                    latencies.append(seconds)
                    sizes.append(size)
                else:
                    errors.append(status)

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0] * 99
    return {
        "path": name,
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "error_samples": errors[:5],
        "seconds": round(elapsed, 2),
        "throughput_rps": round(len(latencies) / elapsed, 1) if elapsed else 0,
        "p50_ms": round(quantiles[49] * 1000, 1),
        "p95_ms": round(quantiles[94] * 1000, 1),
        "p99_ms": round(quantiles[98] * 1000, 1),
        "bytes": int(statistics.mean(sizes)) if sizes else 0,
    }


def _gunicorn(app: str, port: int, env: dict) -> subprocess.Popen:
    """gunicorn serving ``app`` on 127.0.0.1 with the load test's number of workers."""
    gunicorn = str(Path(PYTHON).parent / "gunicorn")
    return subprocess.Popen(
        [gunicorn, app, "--bind", f"{HOST}:{port}", "--workers", str(WORKERS)]
        + ["--threads", str(THREADS), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )


def _warm(port, path, headers=None):
    """One request on each of a number of fresh connections, so that every worker (each has its
    own cache and its own database connections) has served ``path`` before it is measured."""
    for _ in range(4 * WORKERS * THREADS):
        _get(http.client.HTTPConnection(HOST, port, timeout=60), path, headers)
    _run(port, "warm-up", [path], 4 * CONCURRENCY, headers)


def _bare_baseline(env, django_port, overview) -> dict:
    """Django's cached ``/`` against a bare WSGI app with the same bytes under the same gunicorn.

    Both servers run side by side and are loaded in turn, RATIO_ROUNDS rounds of RATIO_REQUESTS
    requests each: a single short run swung between 32 and 49 % on this machine (which worker
    the client's connections land on, what else the machine is doing). The ratio is the median
    of the rounds' ratios; every round is printed and saved.
    """
    body = OUT / "overview.html"
    body.write_bytes(overview)
    port = _free_port()
    server = _gunicorn("bench.bare_app:app", port, {**env, "BARE_BODY": str(body)})
    rounds = []
    try:
        _wait_until_up(port)
        _warm(django_port, "/")
        _warm(port, "/")
        for _ in range(RATIO_ROUNDS):
            django = _run(django_port, "/", ["/"], RATIO_REQUESTS)
            bare = _run(port, "bare", ["/"], RATIO_REQUESTS)
            ratio = django["throughput_rps"] / bare["throughput_rps"]
            rounds.append((django["throughput_rps"], bare["throughput_rps"], ratio))
            print(
                f"  Django / {django['throughput_rps']} req/s, bare {bare['throughput_rps']} "
                f"req/s: {ratio:.0%}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "path": "(bare WSGI app, same bytes as /)",
        "requests": RATIO_ROUNDS * RATIO_REQUESTS,
        "errors": bare["errors"],
        "error_samples": bare["error_samples"],
        "seconds": bare["seconds"],
        "throughput_rps": statistics.median(r[1] for r in rounds),
        "p50_ms": bare["p50_ms"],
        "p95_ms": bare["p95_ms"],
        "p99_ms": bare["p99_ms"],
        "bytes": bare["bytes"],
        "first_ms": 0,
        "django_rps_median": statistics.median(r[0] for r in rounds),
        "django_ratio": round(statistics.median(r[2] for r in rounds), 3),
        "ratio_rounds": [round(r[2], 3) for r in rounds],
    }
    print(
        f"Django / vs bare WSGI app with the same bytes: {result['django_ratio']:.0%} of the "
        f"throughput (median of {RATIO_ROUNDS} rounds of {RATIO_REQUESTS} requests; Django "
        f"{result['django_rps_median']} req/s, bare {result['throughput_rps']} req/s)"
    )
    return result


def _wait_until_up(port, deadline=30.0):
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        try:
            _get(http.client.HTTPConnection(HOST, port, timeout=2), "/")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the bare app did not start")


def _prepare() -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    env = _environment()
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_bijlage")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    return env


def pdf_burst():
    """BURST uncached PDFs at once (each round other filters), /healthz every 0.1 s meanwhile.

    Prints per round how many PDFs got 200 or 503 (the per-process render limit), their
    latencies, and the /healthz latencies while they ran; then the medians over the rounds.
    """
    env = _prepare()
    port = _free_port()
    server = _gunicorn("toeslagen_vm.wsgi:application", port, env)
    rounds = []
    try:
        _wait_until_healthy(port)
        for round_number in range(BURST_ROUNDS):
            statuses, pdf_times, health_times = [], [], []
            done = threading.Event()

            def pdf(index, round_number=round_number, statuses=statuses, pdf_times=pdf_times):
                conn = http.client.HTTPConnection(HOST, port, timeout=120)
                # Another filter per request and round: never from the cache.
                status, _size, seconds = _get(
                    conn, f"/export/bijlage.pdf?q=a&vm={round_number * BURST + index + 1}"
                )
                statuses.append(status)
                pdf_times.append(seconds)

            def health(done=done, health_times=health_times):
                while not done.is_set():
                    conn = http.client.HTTPConnection(HOST, port, timeout=60)
                    health_times.append(_get(conn, "/healthz")[2])
                    time.sleep(0.1)

            poller = threading.Thread(target=health)
            poller.start()
            clients = [threading.Thread(target=pdf, args=(i,)) for i in range(BURST)]
            for thread in clients:
                thread.start()
            for thread in clients:
                thread.join()
            done.set()
            poller.join()
            rounds.append(
                {
                    "ok": statuses.count(200),
                    "busy_503": statuses.count(503),
                    "other": len(statuses) - statuses.count(200) - statuses.count(503),
                    "pdf_p50_ms": round(statistics.median(pdf_times) * 1000),
                    "pdf_max_ms": round(max(pdf_times) * 1000),
                    "healthz_p50_ms": round(statistics.median(health_times) * 1000, 1),
                    "healthz_max_ms": round(max(health_times) * 1000, 1),
                    "healthz_samples": len(health_times),
                }
            )
            print(rounds[-1])
    finally:
        server.terminate()
        server.wait(timeout=30)
    summary = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    meta = {"workers": WORKERS, "threads": THREADS, "burst": BURST, "cpus": os.cpu_count()}
    (OUT / "pdf_burst.json").write_text(json.dumps({"setup": meta, "rounds": rounds}, indent=2))
    print(f"gunicorn {WORKERS} workers × {THREADS} threads, {BURST} PDFs at once, medians:")
    print(summary)


def main():
    """Start gunicorn, load each target within its budget, print and save the figures."""
    env = _prepare()
    slugs = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from measures.models import Theme; "
            "print('SLUGS', *Theme.objects.values_list('slug', flat=True))",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # The shell may print other lines (its automatic imports) before ours.
    slugs = next(line for line in slugs.splitlines() if line.startswith("SLUGS")).split()[1:]
    port = _free_port()
    server = _gunicorn("toeslagen_vm.wsgi:application", port, env)
    results = []
    try:
        _wait_until_healthy(port)
        for name, paths, budget in _targets(slugs):
            headers = GZIP if "gzip" in name else None
            probe = _get(http.client.HTTPConnection(HOST, port, timeout=60), paths[0], headers)
            if probe[0] == 404:
                print(f"{name}: not there (404), skipped")
                continue
            if len(paths) == 1:
                _warm(port, paths[0], headers)  # not counted
            result = _run(port, name, paths, budget, headers)
            result["first_ms"] = round(probe[2] * 1000, 1)  # the first, uncached request
            results.append(result)
        results.append(_bare_baseline(env, port, _body(port, "/")))
    finally:
        server.terminate()
        server.wait(timeout=30)
    meta = {"workers": WORKERS, "concurrency": CONCURRENCY, "cpus": os.cpu_count()}
    (OUT / "load.json").write_text(json.dumps({"setup": meta, "results": results}, indent=2))
    print(f"gunicorn {WORKERS} workers, {CONCURRENCY} client threads, {os.cpu_count()} CPUs")
    print("| URL | requests | errors | req/s | p50 ms | p95 ms | p99 ms | first ms | size |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| `{r['path']}` | {r['requests']} | {r['errors']} | {r['throughput_rps']} | "
            f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['first_ms']} | "
            f"{r['bytes'] // 1024} KiB |"
        )
    if any(r["errors"] for r in results):
        raise SystemExit("errors under load")


if __name__ == "__main__":
    pdf_burst() if "--pdf-burst" in sys.argv else main()
