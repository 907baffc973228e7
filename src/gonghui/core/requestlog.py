"""Structured request logs: one line per request on the `gonghui.request` logger, as JSON (LOG_FORMAT=json, the
default) or as text (LOG_FORMAT=text, for a person watching `make demo`).

A line holds: time, request id (X-Request-ID from the proxy when it is sane, else a new one, sent back in the
response), method, path WITHOUT the query string (searches carry names and 身份证号 digits, which must not land in
logs), the URL name, status, duration in ms, database queries and the time they took, the database the reads went
to, the user's id, the client address (X-Forwarded-For's first hop when the proxy is trusted), and the response
size when known.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import connections
from django.utils.functional import empty

from gonghui.core.db import read_alias

logger = logging.getLogger("gonghui.request")

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class _QueryCounter:
    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        header = request.headers.get("X-Request-ID", "")
        request.request_id = header if REQUEST_ID.match(header) else uuid.uuid4().hex
        counter = _QueryCounter()
        wrappers = [connections[alias].execute_wrapper(counter) for alias in settings.DATABASES]
        for wrapper in wrappers:
            wrapper.__enter__()
        status = 500
        response = None
        db = None
        try:
            response = self.get_response(request)
            status = response.status_code
            db = read_alias()
            return response
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
            if response is not None:
                response["X-Request-ID"] = request.request_id
            self._log(request, response, status, started, counter, db)

    def _log(self, request, response, status, started, counter, db) -> None:
        if not logger.isEnabledFor(logging.INFO):
            return
        match = getattr(request, "resolver_match", None)
        size = None
        if response is not None:
            # CommonMiddleware (and WhiteNoise, for files) have set it: no second join of the body per request
            length = response.get("Content-Length")
            if length and length.isdigit():
                size = int(length)
            elif not response.streaming and hasattr(response, "content"):
                size = len(response.content)
        level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 and status != 404 else logging.INFO
        logger.log(level, "%s %s %s", request.method, request.path, status, extra={"request": {
            "request_id": request.request_id,
            "method": request.method,
            "path": request.path,
            "route": match.view_name if match else None,
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "queries": counter.count,
            "db_ms": round(counter.seconds * 1000, 1),
            "db": db or "default",
            "user": _loaded_user_id(request),
            "ip": client_ip(request),
            "bytes": size,
        }})


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT trusted reverse proxies the address the outermost
    of them saw, counted from the right of X-Forwarded-For (each proxy appends the address it was called from; the
    entries to the left of it come from the client and may be forged). Used by the logs and the login lockout."""
    count = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def _loaded_user_id(request):
    """The user's id if the lazy user was loaded by the request (never loads it: that would cost a query)."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty:
        return None
    return getattr(wrapped, "pk", None)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the record's `request` fields if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        fields = getattr(record, "request", None)
        if fields:
            entry.update(fields)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "request", None)
        if not fields:
            return super().format(record)
        return (f"{self.formatTime(record, '%H:%M:%S')} {fields['method']} {fields['path']} {fields['status']} "
                f"{fields['ms']}ms q={fields['queries']} db={fields['db']} user={fields['user']}")
