"""Read replicas: pages whose figures may be a second old read from a PostgreSQL streaming replica; everything
else reads and writes on the primary.

- Which pages: REPLICA_VIEWS below, by URL name — dashboards, statistics, ledgers, lists and exports, on GET.
  A form, a detail page about to be edited, a progress bar, the login: the primary, always.
- Read your writes: a request that changes something (POST and the other unsafe methods) sets a short-lived
  cookie; for settings.REPLICA_PIN_SECONDS afterwards that user's pages read from the primary, so the record they
  just saved is on the next page whatever the replica's lag.
- Inside a transaction every read is on the primary (a select_for_update, a read-then-write in a service).
- A replica is used only while it is healthy: checked at most every REPLICA_CHECK_SECONDS per process, it must
  answer, be in recovery (a standby), stream from the primary and have replayed what it received, or be no more
  than REPLICA_MAX_LAG_SECONDS behind. Otherwise its pages read from the primary until the next check.
- One replica per request (chosen at random among the healthy ones), so a page is one consistent snapshot.

Settings (settings.py, from the environment): DATABASE_REPLICA_URLS → DATABASES["replica1"], ["replica2"], …
and DATABASE_ROUTERS = ["gonghui.core.db.ReplicaRouter"].
"""

from __future__ import annotations

import logging
import random
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

# URL names of GET pages that may read figures up to a second old.
REPLICA_VIEWS = frozenset({
    "home",
    "orgs:node_detail", "orgs:node_stats", "orgs:unit_list",
    "members:member_list", "members:transfer_list", "members:women_list", "members:member_export",
    "activities:activity_list", "activities:activity_ledger", "activities:activity_ledger_xlsx",
    "activities:honour_roll",
    "care:care_home", "care:hardship_list", "care:assistance_ledger", "care:visit_ledger", "care:campaign_list",
    "plans:indicator_panel", "plans:submissions", "plans:scheme_xlsx",
    "rights:contract_list",
})

PIN_COOKIE = "gh_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_read_alias: ContextVar[str | None] = ContextVar("gonghui_read_alias", default=None)
# alias → (checked at, healthy); per process
_health: dict[str, tuple[float, bool]] = {}


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def replica_healthy(alias: str) -> bool:
    """Whether `alias` may serve reads now: cached per process for REPLICA_CHECK_SECONDS."""
    now = time.monotonic()
    checked = _health.get(alias)
    if checked is not None and now - checked[0] < settings.REPLICA_CHECK_SECONDS:
        return checked[1]
    healthy = _check(alias)
    if checked is not None and checked[1] != healthy:
        logger.warning("replica %s is now %s", alias, "in use" if healthy else "left out")
    _health[alias] = (now, healthy)
    return healthy


def replica_state(cursor) -> dict:
    """What a PostgreSQL standby says of itself, in one query (used here and by the health check):
    `standby` (in recovery: a promoted replica is a second primary), `streaming` (its WAL receiver runs; without
    pg_read_all_stats the status column reads NULL, the row is still there), and `lag_seconds` (0 when it has
    replayed all it received, else the age of the last transaction it replayed; None if it has replayed none)."""
    cursor.execute(
        "SELECT pg_is_in_recovery(),"
        " CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0"
        " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END,"
        " EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status IS NULL OR status = 'streaming')"
    )
    in_recovery, lag, streaming = cursor.fetchone()
    return {"standby": bool(in_recovery), "streaming": bool(streaming),
            "lag_seconds": None if lag is None else round(float(lag), 3)}


def _check(alias: str) -> bool:
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return True
    try:
        with connection.cursor() as cursor:
            state = replica_state(cursor)
    except DatabaseError:
        logger.warning("replica %s does not answer", alias, exc_info=True)
        connection.close_if_unusable_or_obsolete()
        return False
    lag = state["lag_seconds"]
    return state["standby"] and state["streaming"] and (lag is None or lag <= settings.REPLICA_MAX_LAG_SECONDS)


def choose_replica() -> str | None:
    healthy = [alias for alias in replica_aliases() if replica_healthy(alias)]
    return random.choice(healthy) if healthy else None  # spreading load, not a secret


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias is None or connections["default"].in_atomic_block:
            return "default"
        return alias

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaMiddleware:
    """Sends the reads of REPLICA_VIEWS to a healthy replica, and pins a user who just wrote to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = bool(replica_aliases())

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        token = _read_alias.set(None)
        try:
            response = self.get_response(request)
        finally:
            _read_alias.reset(token)
        if request.method not in SAFE_METHODS:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(PIN_COOKIE, str(int(time.time() + seconds)), max_age=seconds, httponly=True,
                                samesite="Lax", secure=request.is_secure())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self.enabled or request.method not in ("GET", "HEAD"):
            return None
        if request.resolver_match is None or request.resolver_match.view_name not in REPLICA_VIEWS:
            return None
        if _pinned(request):
            return None
        # the session and the user are read on the primary, before the view's reads go elsewhere: a user who
        # just logged in or out is never judged by a replica's older copy of the session
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - loads the lazy user now
        _read_alias.set(choose_replica())
        return None


def _pinned(request) -> bool:
    try:
        return int(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


def read_alias() -> str | None:
    """The replica this request reads from, or None for the primary (for logs and tests)."""
    return _read_alias.get()
