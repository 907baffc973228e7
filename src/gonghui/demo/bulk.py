"""Raw, batched inserts for generated data, on SQLite and PostgreSQL.

The demo and district seeds write members (and their first history row, women workers' records, transfers)
far faster than the ORM's bulk_create: rows are plain tuples in a fixed column order, ids are assigned here
so that related rows can point at them without reading anything back, and each batch goes to the database
in one call: `executemany` on SQLite, `COPY ... FROM STDIN` on PostgreSQL. Nothing the application needs
is deferred: indexes and constraints stay in place, and every value the services would set is set by the
caller (see demo/people.py).

Column lists are checked against the model, so a field added to a model fails here loudly instead of being
left at a wrong value.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from functools import lru_cache

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone


class TableWriter:
    """Inserts tuples into one model's table. `columns` names the model's fields in the tuples' order and
    must name every concrete field (the database defaults of Django are Python-side, so none can be left
    out)."""

    def __init__(self, model: type[Model], columns: Sequence[str], *, batch_size: int = 20_000):
        fields = {field.name: field for field in model._meta.concrete_fields}
        unknown = [name for name in columns if name not in fields]
        missing = sorted(set(fields) - set(columns))
        if unknown or missing:
            raise ValueError(f"{model.__name__}: columns not in the model {unknown}, model fields not given "
                             f"{missing}")
        self.model = model
        self.columns = tuple(columns)
        self.batch_size = batch_size
        self.rows: list[tuple] = []
        self.written = 0
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(fields[name].column) for name in columns)
        if connection.vendor == "postgresql":
            self.sql = f"COPY {table} ({names}) FROM STDIN"
        else:
            self.sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['?'] * len(columns))})"
        self._next_id = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def allocate_id(self) -> int:
        pk = self._next_id
        self._next_id += 1
        return pk

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def extend(self, rows: Iterable[tuple]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if not self.rows:
            return
        raw = connection.connection  # the driver's connection, inside Django's current transaction
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(self.sql) as copy:
                write = copy.write_row
                for row in self.rows:
                    write(row)
        else:
            raw.executemany(self.sql, self.rows)
        self.written += len(self.rows)
        self.rows = []


def prepare_connection() -> None:
    """Settings for one large write on this connection: a big page cache on SQLite, so the random-order
    indexes (the keyed hashes) are updated in memory rather than page by page on disk."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1048576")  # 1 GiB


def reset_sequences(models: Sequence[type[Model]]) -> None:
    """After rows were written with explicit ids: move PostgreSQL's id sequences past them, so the next
    ordinary insert gets a free id (SQLite's AUTOINCREMENT follows the largest id by itself)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def analyze(models: Sequence[type[Model]]) -> None:
    """Refresh the planner's statistics after a large write."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        else:
            cursor.execute("ANALYZE")


class Values:
    """Python values as the database driver takes them in raw rows (what Django's field adaptation would
    do): dates as ISO text on SQLite, datetimes as naive UTC text on SQLite; the objects themselves on
    PostgreSQL."""

    def __init__(self) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.now = self.datetime(timezone.now())

    def datetime(self, value: datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)

    def date(self, value: datetime.date | None):
        if value is None:
            return None
        return _iso_day(value.toordinal()) if self.sqlite else value

    def day(self, ordinal: int):
        """A date given as its proleptic ordinal (the generators count days as integers)."""
        return _iso_day(ordinal) if self.sqlite else datetime.date.fromordinal(ordinal)


@lru_cache(maxsize=65536)
def _iso_day(ordinal: int) -> str:
    return datetime.date.fromordinal(ordinal).isoformat()
