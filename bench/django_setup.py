"""The Django setup every benchmark script shares.

A benchmark runs from the checkout (``.venv/bin/python bench/<script>.py``) against a
throwaway SQLite database in a temporary folder, or against ``DATABASE_URL`` when it is set
and the script allows it (the script then adds its generated rows: use a scratch database).
Settings are the project's own with DEBUG off, as in production.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(name: str, *, own_database: bool = False) -> None:
    """Configure and start Django for the benchmark ``name``.

    ``own_database``: always a fresh SQLite file, whatever ``DATABASE_URL`` says.
    """
    sys.path.insert(0, str(ROOT))
    if own_database or not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix=f"toeslagen-{name}-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toeslagen_vm.settings")
    os.environ["DJANGO_DEBUG"] = "false"

    import django

    django.setup()
