#!/usr/bin/env python3
"""Lighthouse's four scores of the main pages, on a phone and on a desktop (a benchmark step).

Starts gunicorn with production settings on a free loopback port (as bench/load.py does: its own
SQLite database in bench/out/ unless DATABASE_URL is set, the seed published as the first
report), then runs Lighthouse (npm, pinned in package.json) with Debian's Chromium on each page,
mobile and desktop, and prints performance / accessibility / best practices / SEO. The JSON
reports are kept in bench/out/lighthouse/. Performance varies from run to run: with
LIGHTHOUSE_RUNS=3 each page is measured three times and the median is printed;
LIGHTHOUSE_PAGES=/,/dashboard/ and LIGHTHOUSE_FORM_FACTORS=mobile choose what is measured.

    .venv/bin/python bench/lighthouse.py          # or: make lighthouse
"""

import json
import os
import statistics
import subprocess
from pathlib import Path

# Run as a script: bench/ is on the path, and the server is started as bench/load.py starts it.
from load import HOST, OUT, ROOT, _environment, _free_port, _gunicorn, _manage, _wait_until_healthy

PAGES = os.environ.get("LIGHTHOUSE_PAGES", "/,/dashboard/,/rapportages/").split(",")
FORM_FACTORS = os.environ.get("LIGHTHOUSE_FORM_FACTORS", "mobile,desktop").split(",")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "1"))
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-sync"


def _lighthouse(url: str, form_factor: str, report: Path) -> dict[str, int]:
    """One Lighthouse run: the four scores, 0-100."""
    command = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json"]
    command += [f"--output-path={report}", f"--only-categories={','.join(CATEGORIES)}"]
    command += [f"--chrome-flags={CHROME_FLAGS}"]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROME_PATH}
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=300)
    categories = json.loads(report.read_text())["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def main():
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `make install` (npm ci)")
    if not Path(CHROME_PATH).exists():
        raise SystemExit(f"{CHROME_PATH} is missing: run `make install` (Debian's chromium)")
    reports = OUT / "lighthouse"
    reports.mkdir(parents=True, exist_ok=True)
    env = _environment()
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_bijlage")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    port = _free_port()
    server = _gunicorn("toeslagen_vm.wsgi:application", port, env)
    rows = []
    try:
        _wait_until_healthy(port)
        for path in PAGES:
            for form_factor in FORM_FACTORS:
                runs = []
                for run in range(RUNS):
                    name = f"{path.strip('/') or 'index'}-{form_factor}-{run + 1}.json"
                    url = f"http://{HOST}:{port}{path}"
                    runs.append(_lighthouse(url, form_factor, reports / name))
                scores = {c: int(statistics.median(r[c] for r in runs)) for c in CATEGORIES}
                rows.append((path, form_factor, scores))
                print(path, form_factor, *scores.values(), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\nLighthouse, median of {RUNS} run(s): performance / accessibility / best pr. / SEO")
    for path, form_factor, scores in rows:
        print(f"{path:<15} {form_factor:<8} " + " / ".join(str(scores[c]) for c in CATEGORIES))
    (reports / "summary.json").write_text(
        json.dumps([{"page": p, "form_factor": f, **s} for p, f, s in rows], indent=2)
    )
    below = [(p, f) for p, f, s in rows if min(s.values()) < 100]
    if below:
        print("below 100:", ", ".join(f"{p} ({f})" for p, f in below))


if __name__ == "__main__":
    main()
