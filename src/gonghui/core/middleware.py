"""A lost database gives a Chinese 503 page (templates/503.html, with Retry-After), not a stack trace.

- A view's OperationalError/InterfaceError: DatabaseUnavailableMiddleware.process_exception (placed early in
  MIDDLEWARE, so its process_exception runs last, after every other middleware's).
- The same error raised by a middleware before the view (sessions and authentication read the database): Django
  turns every exception into a response inside each middleware layer, so those reach the handler500 view below
  (urls.py: handler500), which answers 503 for a database error and the plain 500 page otherwise.

Logged once per outage with its traceback (logger gonghui.database), then one short line per failed request
until a request succeeds again. The page renders from a template file without context processors: no query,
no request.user. Recovery needs nothing: Django closes a connection that had an error when the request ends
(CONN_HEALTH_CHECKS checks a reused one before the next request), so the next request connects again.
"""

from __future__ import annotations

import logging
import sys
import threading

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader

logger = logging.getLogger("gonghui.database")

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)
HEALTH_PATH = "/health/"

_outage = {"on": False}
_lock = threading.Lock()


def _log(request, error: BaseException) -> None:
    with _lock:
        first = not _outage["on"]
        _outage["on"] = True
    if first:
        logger.error("database unavailable (%s %s): %s", request.method, request.path, type(error).__name__,
                     exc_info=(type(error), error, error.__traceback__))
    else:
        logger.warning("database still unavailable (%s %s): %s", request.method, request.path,
                       type(error).__name__)


def unavailable_response(request, error: BaseException) -> HttpResponse:
    _log(request, error)
    if request.path == HEALTH_PATH:  # a probe that sent a session cookie: still JSON (core/health.py)
        response = JsonResponse({"status": "down", "checks": {"databases": {"default": {
            "ok": False, "error": type(error).__name__}}}}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503,
                                content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # logged above; Django's request logger would log the traceback again
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _outage["on"] and response.status_code < 500:
            with _lock:
                was, _outage["on"] = _outage["on"], False
            if was:
                logger.warning("database reachable again")
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return unavailable_response(request, exception)
        return None


def server_error(request, template_name: str = "500.html"):
    """handler500: the 503 page for a lost database, Django's plain 500 page for anything else."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return unavailable_response(request, error)
    return HttpResponseServerError(loader.get_template(template_name).render())
