"""Log formatters: one JSON object per line in production, readable text in debug (``NEWSDESK_LOG_FORMAT``).

Whatever a caller passes as ``extra`` becomes a field of its own, so
``logger.info("batch written", extra={"files": 500})`` gives ``{..., "files": 500}``: a log
pipeline can filter and aggregate on it without parsing the message. Values JSON cannot hold
(paths, datetimes, model instances) are written as their ``str()``.

Imports nothing from Django: gunicorn's master process formats its own lines with it too.
"""

import json
import logging
from datetime import UTC, datetime

# Every attribute a LogRecord has before ``extra`` is merged in; anything else came from the caller.
STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def record_extras(record: logging.LogRecord) -> dict:
    return {name: value for name, value in vars(record).items() if name not in STANDARD_ATTRIBUTES}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...extras, "exception"?}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **record_extras(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``LEVEL logger: message key=value ...`` for a developer's terminal."""

    def __init__(self):
        super().__init__("%(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        extras = " ".join(f"{name}={value}" for name, value in record_extras(record).items())
        return f"{super().formatMessage(record)} {extras}".rstrip()
