"""A bare WSGI app that answers every request with the bytes of one file (``BARE_BODY``).

The load test serves the overview's own bytes with it, under the same gunicorn settings, so
the ratio of the two throughputs shows what Django (middleware, session, cache, view) costs.
"""

import os
from pathlib import Path

BODY = Path(os.environ["BARE_BODY"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
