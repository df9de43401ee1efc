"""Run by tests/test_concurrency.py in two processes: open a row inside a transaction (as the
admin's change form does), wait for the other process, then save it from that version."""

import os
import sys
import time

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toeslagen_vm.settings")
django.setup()

from django.db import OperationalError, transaction  # noqa: E402

from measures import services  # noqa: E402
from measures.models import Workstream  # noqa: E402

pk, text, start_at = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
try:
    with transaction.atomic():
        row = Workstream.objects.get(pk=pk)
        time.sleep(max(0.0, start_at - time.time()))
        row.status_text = text
        services.save_object(row, expected_version=1, reason=text)
        time.sleep(0.5)  # hold the lock a while, as a slow request would
    print("saved")
except services.ConcurrentEditError:
    print("refused")
except OperationalError as error:
    print(f"error: {error}")
