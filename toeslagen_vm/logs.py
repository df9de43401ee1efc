"""Structured logging: one JSON object per line on standard error (settings.LOGGING).

Each line has the time, level, logger and message; a record about a request (Django's
``django.request`` logger: every 4xx and 5xx) adds its method, path, status and the user's id;
an exception adds its traceback. Never logged: the query string (a login form's fields could
be in it), cookies, headers, request bodies or passwords.
"""

import datetime
import json
import logging


class JsonLinesFormatter(logging.Formatter):
    """A log record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            user = getattr(request, "user", None)
            entry.update(
                {
                    "method": getattr(request, "method", None),
                    "path": request.path,  # without the query string: no form data in logs
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                }
            )
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
