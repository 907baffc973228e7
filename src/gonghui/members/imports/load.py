"""From a parsed roster to members: classify the rows, check every cell, find duplicates in the file and in
the registry, and write the result in one transaction.

`plan()` does everything but write: it is the dry run, and the import runs the same plan again (the
registry may have changed since the preview) before `write()`. A row is rejected when any of its cells is
rejected; the rules, and which problems only warn, are in normalize.py and in README (Roster import).

The work is done column by column, with a cache per column (a roster of 100,000 people has a few thousand
distinct dates, 学历 and 单位), and written with the database cursor's `executemany` inside one transaction:
100,000 members and their history in about a second on SQLite. An interrupted import rolls back whole.
"""

from __future__ import annotations

import gc
import threading
from collections import Counter, defaultdict
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from operator import itemgetter

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.members.identity import card_numbers
from gonghui.members.models import EventKind, Member, MembershipEvent, Status
from gonghui.orgs.models import Level, OrgNode, Unit

from . import normalize as norm
from .parse import HEADER_FIELDS, Table, normalise_header
from .sealing import Sealer, start_helper

SKIP_PREFIXES = ("小计", "合计", "总计", "共计", "制表", "审核", "填表", "填报", "说明", "注：", "注:", "备注：",
                 "备注:", "负责人", "单位负责人", "联系人", "盖章", "以下空白")
# Columns whose values, when the name and ID are empty, still show a person was meant (not a footer).
PERSON_FIELDS = ("gender", "birth_date", "mobile", "card_no", "join_date")


@dataclass
class Report:
    rows: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)    # {"row", "column", "value", "message"}
    warnings: list[dict] = field(default_factory=list)  # the same, for values kept out with a note
    notes: list[str] = field(default_factory=list)      # whole-file remarks (a 工作单位 not found …)
    bad_rows: list[list] = field(default_factory=list)  # [row number, original cells, reasons] per rejected row
    sheet: str = ""
    header_row: int = 0
    header: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated, "rejected": self.rejected}


@dataclass
class Plan:
    union: OrgNode
    report: Report
    n: int = 0
    rownum: list[int] = field(default_factory=list)
    values: dict[str, list] = field(default_factory=dict)
    hashes: list[str] = field(default_factory=list)
    existing: dict[int, dict] = field(default_factory=dict)  # row index → the registered member it updates
    rejected: list[bool] = field(default_factory=list)
    sealed: dict[str, list[str]] = field(default_factory=dict)  # ciphertexts and hashes, row by row


@contextmanager
def without_gc():
    """Python's cycle collector paused while a roster is read, checked and written: those millions of cells,
    tuples and strings are long-lived and hold no cycles, yet each collection of the older generations walks
    them all again (0.6–0.8 s of a 100,000-row import). Restored afterwards, also on an error."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ---- classifying rows ----------------------------------------------------------------------------------

def _blank(cell) -> bool:
    return cell is None or cell == "" or (isinstance(cell, str) and not cell.strip())


def _is_footer(cells: list) -> bool:
    for cell in cells:
        if not _blank(cell):
            return isinstance(cell, str) and norm.text(cell).replace(" ", "").startswith(SKIP_PREFIXES)
    return False


def _is_header_again(cells: list, table: Table) -> bool:
    name_cell = cells[table.columns["name"]]
    return isinstance(name_cell, str) and HEADER_FIELDS.get(normalise_header(name_cell)) == "name"


def member_rows(table: Table) -> tuple[list[int], list[list]]:
    """The rows that describe a person: not empty, not a title, footer, 小计/合计 or a repeated header."""
    name_at, id_at = table.columns["name"], table.columns["citizen_id"]
    width = len(table.header)
    person_at = [table.columns[f] for f in PERSON_FIELDS if f in table.columns]
    header_names = {text for text, name in HEADER_FIELDS.items() if name == "name"}
    header_names.add(str(table.header[name_at]))  # the header repeated as written (*姓 名)
    numbers, rows = [], []
    first = table.first_row
    for offset, cells in enumerate(table.rows):
        if len(cells) < width:
            cells = list(cells) + [""] * (width - len(cells))
        name_cell, id_cell = cells[name_at], cells[id_at]
        if name_cell.__class__ is str and id_cell.__class__ is str and name_cell and id_cell \
                and name_cell not in header_names and not name_cell.isspace() and not id_cell.isspace():
            pass  # the usual row: a name and an ID written as text
        elif _blank(name_cell) and _blank(id_cell):
            # no name and no ID: a footer, a spacer or a bordered empty row, unless it plainly holds a person
            if _is_footer(cells) or sum(not _blank(cells[i]) for i in person_at) < 2:
                continue
        elif (_blank(id_cell) and _is_footer(cells)) or _is_header_again(cells, table):
            continue
        numbers.append(first + offset)
        rows.append(cells)
    return numbers, rows


# ---- the plan ------------------------------------------------------------------------------------------

def _chunks(items: list, size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _batch_size() -> int:
    if connection.vendor == "sqlite":
        try:
            import sqlite3

            connection.ensure_connection()
            return min(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - 10, 20000)
        except (AttributeError, ImportError):
            return 900
    return 20000


def _existing_by_hash(hashes: list[str]) -> dict[str, dict]:
    """Registered members with these ID hashes (every member, in any union: a worker joins once)."""
    wanted = [digest for digest in hashes if digest]
    fields = ["id", "citizen_id_hash", "path", "union_id", "status", "transfer_to_path", "card_no"]
    found: dict[str, dict] = {}
    if not wanted:
        return found
    total = Member.objects.count()
    if total <= 2 * len(wanted):  # reading the whole (small) table beats probing the index per value
        wanted_set = set(wanted)
        for row in Member.objects.values_list(*fields).iterator(chunk_size=10000):
            if row[1] in wanted_set:
                found[row[1]] = dict(zip(fields, row, strict=True))
        return found
    for chunk in _chunks(wanted, _batch_size()):
        for row in Member.objects.filter(citizen_id_hash__in=chunk).values_list(*fields):
            found[row[1]] = dict(zip(fields, row, strict=True))
    return found


def _cards_in_use(cards: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    wanted = [card for card in set(cards) if card]
    if not wanted:
        return found
    if Member.objects.count() <= 2 * len(wanted):
        wanted_set = set(wanted)
        for card, pk in Member.objects.values_list("card_no", "id").iterator(chunk_size=10000):
            if card in wanted_set:
                found[card] = pk
        return found
    for chunk in _chunks(wanted, _batch_size()):
        found.update(Member.objects.filter(card_no__in=chunk).values_list("card_no", "id"))
    return found


def _named(nodes, what: str, report: Report, label: str, names: list[str]) -> dict[str, int]:
    """Match names (工作单位, 工会小组) to the union's own units or groups; unmatched ones are noted once each."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for pk, name in nodes:
        by_name[norm.key(name)].append(pk)
    matched: dict[str, int] = {}
    missing: Counter = Counter()
    for name, count in Counter(names).items():
        pks = by_name.get(norm.key(name), [])
        if len(pks) == 1:
            matched[name] = pks[0]
        else:
            missing[name] += count
    for name, count in sorted(missing.items(), key=lambda item: -item[1]):
        report.notes.append(_(
            "%(column)s “%(name)s” (%(count)d rows) is not one of this union's %(what)s: those members were "
            "imported without it."
        ) % {"column": label, "name": name, "count": count, "what": what})
    return matched


FIELDS = ("name", "name_pinyin", "name_initials", "citizen_id", "gender", "birth_date", "mobile", "ethnicity",
          "education", "political_status", "employment_type", "new_form_group", "is_front_line", "post", "unit",
          "group", "join_date", "card_no", "notes")


def plan(table: Table, union: OrgNode, *, progress=None, ciphers: bool = False) -> Plan:
    """Check every row and decide what the import would do; nothing is written. `ciphers`: also encrypt the
    IDs and mobiles, for the import that follows."""
    report = Report(sheet=table.sheet, header_row=table.header_row, header=list(table.header))
    numbers, rows = member_rows(table)
    n = len(rows)
    helper = start_helper(n)
    result = Plan(union=union, report=report, n=n, rownum=numbers)
    report.rows = n
    columns = table.columns
    problems: list[list | None] = [None] * n   # per row: [(field, cell, Problem)]
    values: dict[str, list] = {}

    def note(index: int, name: str, cell, problem) -> None:
        entry = problems[index]
        if entry is None:
            problems[index] = [(name, cell, problem)]
        else:
            entry.append((name, cell, problem))

    def column(name: str) -> list | None:
        at = columns.get(name)
        return None if at is None else [row[at] for row in rows]

    def run(name: str, function, cells: list, *, distinct: bool = False) -> list:
        """Apply a cell rule to a column; with `distinct`, once per distinct value (choices, dates, 岗位)."""
        mapping = None
        if distinct:
            try:
                mapping = {cell: function(cell) for cell in set(cells)}
            except TypeError:  # an unhashable cell: never from calamine or csv
                mapping = None
        if mapping is None:
            pairs = list(map(function, cells))
            for index in [i for i, pair in enumerate(pairs) if pair[-1] is not None]:
                note(index, name, cells[index], pairs[index][-1])
            return pairs
        bad = {cell for cell, pair in mapping.items() if pair[-1] is not None}
        if bad:
            for index in [i for i, cell in enumerate(cells) if cell in bad]:
                note(index, name, cells[index], mapping[cells[index]][-1])
        return list(map(mapping.__getitem__, cells))

    def firsts(pairs: list) -> list:
        return [pair[0] for pair in pairs]

    # 身份证号, and what it says about gender and birth date
    id_cells = column("citizen_id")
    ids = firsts(run("citizen_id", norm.citizen_id, id_cells))
    values["citizen_id"] = ids
    mobile_cells = column("mobile")
    values["mobile"] = firsts(run("mobile", norm.mobile, mobile_cells)) if mobile_cells is not None else [""] * n
    if helper is not None:  # hashes and ciphertexts on the other core while this one checks the rest
        helper.send(ids, values["mobile"], ciphers=ciphers)
    if progress:
        progress(n // 4)

    names = firsts(run("name", norm.person_name, column("name"), distinct=True))
    values["name"] = [entry[0] for entry in names]
    values["name_pinyin"] = [entry[1] for entry in names]
    values["name_initials"] = [entry[2] for entry in names]

    for name, chooser in norm.choice_columns().items():
        cells = column(name)
        values[name] = firsts(run(name, chooser, cells, distinct=True)) if cells is not None else (
            [Member._meta.get_field(name).default or ""] * n if name == "employment_type" else [""] * n)
    front = column("is_front_line")
    values["is_front_line"] = (firsts(run("is_front_line", norm.front_line, front, distinct=True))
                               if front is not None else [None] * n)
    for name, limit, label in (("post", 64, _("post")), ("notes", 200, _("notes"))):
        cells = column(name)
        values[name] = firsts(run(name, partial(norm.short_text, limit=limit, label=label), cells, distinct=True)
                              ) if cells is not None else [""] * n
    cards_cells = column("card_no")
    values["card_no"] = firsts(run("card_no", norm.card_no, cards_cells)) if cards_cells is not None else [""] * n
    if progress:
        progress(n // 2)

    # gender, birth date and join date, each checked against the ID
    gender_out = [("M" if number[16] in "13579" else "F") if number else "" for number in ids]
    born_on: dict[str, object] = {}
    for number in ids:
        if number and number[6:14] not in born_on:
            born_on[number[6:14]] = norm.birth_of(number)
    birth_out = [born_on[number[6:14]] if number else None for number in ids]
    genders = column("gender")
    if genders is not None:
        given = firsts(run("gender", lambda cell: norm.gender(cell) if not _blank(cell) else ("", None), genders,
                           distinct=True))
        for index in [i for i in range(n) if given[i] and ids[i] and given[i] != gender_out[i]]:
            note(index, "gender", genders[index], norm.Problem(_(
                "The gender does not match the ID number: its 17th digit says %(gender)s."
            ) % {"gender": "男" if gender_out[index] == "M" else "女"}))
    births = column("birth_date")
    if births is not None:
        read = norm.DateColumn()
        given = run("birth_date", lambda cell: read(cell) if not _blank(cell) else (None, False, None), births,
                    distinct=True)
        for index in range(n):
            day, month_only, _problem = given[index]
            born = birth_out[index]
            if day is not None and born is not None and (
                    (day.year, day.month) != (born.year, born.month) if month_only else day != born):
                note(index, "birth_date", births[index], norm.Problem(_(
                    "The birth date does not match the ID number, which says %(date)s."
                ) % {"date": born.isoformat()}))
    joins = column("join_date")
    join_out = [None] * n
    if joins is not None:
        read = norm.DateColumn()
        today = norm.today()
        given = run("join_date", lambda cell: read(cell) if not _blank(cell) else (None, False, None), joins,
                    distinct=True)
        join_out = [entry[0] for entry in given]
        for index in [i for i in range(n) if join_out[i] is not None and (
                join_out[i] > today or (birth_out[i] is not None and join_out[i] < birth_out[i]))]:
            joined = join_out[index]
            message = (_("The join date %(date)s is in the future.") if joined > today
                       else _("The join date %(date)s is before the birth date."))
            note(index, "join_date", joins[index], norm.Problem(message % {"date": joined.isoformat()}))
            join_out[index] = None
    values["gender"], values["birth_date"], values["join_date"] = gender_out, birth_out, join_out

    # which rows are rejected so far (warnings do not reject)
    rejected = [bool(entry) and any(p.level == norm.ERROR for _f, _c, p in entry) for entry in problems]

    # the same person twice in the file: the first occurrence counts
    first_at: dict[str, int] = {}
    for index, number in enumerate(ids):
        if not number:
            continue
        seen = first_at.get(number)
        if seen is None:
            first_at[number] = index
        else:
            note(index, "citizen_id", id_cells[index], norm.Problem(
                _("The same ID number is already in row %(row)d of this file.") % {"row": numbers[seen]}))
            rejected[index] = True

    # the registry: a member of this union is updated, anyone else's member is refused
    sealed = helper.result() if helper is not None else None
    if sealed is None:
        sealed = Sealer.from_settings().seal(ids, values["mobile"], ciphers=ciphers)
    result.sealed = sealed
    hashes = [digest if not rejected[index] else "" for index, digest in enumerate(sealed["id_hash"])]
    existing = _existing_by_hash(hashes)
    union_path = union.path
    for index, digest in enumerate(hashes):
        if not digest:
            continue
        member = existing.get(digest)
        if member is None:
            continue
        if member["path"].startswith(union_path):
            result.existing[index] = member
        elif member["status"] == Status.IN_TRANSFER and (member["transfer_to_path"] or "").startswith(union_path):
            note(index, "citizen_id", id_cells[index], norm.Problem(_(
                "This person is being transferred to this union: receive the transfer first, then import again.")))
            rejected[index] = True
        else:
            note(index, "citizen_id", id_cells[index], norm.Problem(_(
                "This person is already a member of another union. A worker joins once: their union transfers "
                "their membership here (转出), and this union receives it.")))
            rejected[index] = True
    if progress:
        progress(3 * n // 4)

    # 会员证号: unique in the file and in the registry
    cards = values["card_no"]
    card_first: dict[str, int] = {}
    for index, card in enumerate(cards):
        if not card or rejected[index]:
            continue
        seen = card_first.get(card)
        if seen is None:
            card_first[card] = index
        else:
            note(index, "card_no", cards_cells[index], norm.Problem(
                _("The member card number %(card)s is already used in row %(row)d of this file.")
                % {"card": card, "row": numbers[seen]}))
            rejected[index] = True
    in_use = _cards_in_use(list(card_first))
    for card, index in card_first.items():
        owner = in_use.get(card)
        if owner is None or rejected[index]:
            continue
        own = result.existing.get(index)
        if own is None or own["id"] != owner:
            note(index, "card_no", cards_cells[index], norm.Problem(
                _("The member card number %(card)s already belongs to another member.") % {"card": card}))
            rejected[index] = True

    # 工作单位 and 工会小组 by name, among this union's own
    for name, what, nodes in (
        ("unit", _("covered units"), Unit.objects.filter(path__under=union_path)),
        ("group", _("union groups"), OrgNode.objects.filter(path__under=union_path, level=Level.UNION_GROUP)),
    ):
        cells = column(name)
        if cells is None:
            values[name] = [None] * n
            continue
        cleaned = norm.CachedColumn(norm.text)
        texts = list(map(cleaned, cells))
        matched = _named(nodes.values_list("id", "name"), what, report, table.label(name),
                         [cell for index, cell in enumerate(texts) if cell and not rejected[index]])
        values[name] = [matched.get(cell) for cell in texts]

    result.values, result.hashes, result.rejected = values, hashes, rejected
    _fill_report(result, table, problems)
    return result


def _fill_report(result: Plan, table: Table, problems: list) -> None:
    report = result.report
    labels = {name: table.label(name) or name for name in [*list(table.columns), "citizen_id", "name"]}
    for index, entry in enumerate(problems):
        if not entry:
            continue
        reasons = []
        for name, cell, problem in entry:
            item = {"row": result.rownum[index], "column": labels.get(name, name), "value": norm.display(cell),
                    "message": problem.message}
            if problem.level == norm.ERROR:
                report.errors.append(item)
                reasons.append(f"{item['column']}：{problem.message}")
            else:
                report.warnings.append(item)
        if result.rejected[index]:
            report.bad_rows.append([result.rownum[index], None, "；".join(reasons)])
    rejected = sum(result.rejected)
    updates = sum(1 for index in result.existing if not result.rejected[index])
    report.rejected = rejected
    report.updated = updates
    report.created = result.n - rejected - updates


def bad_row_cells(result: Plan, table: Table) -> None:
    """Attach each rejected row's original cells (for the error workbook)."""
    wanted = {row[0]: row for row in result.report.bad_rows}
    first = table.first_row
    for offset, cells in enumerate(table.rows):
        row = wanted.get(first + offset)
        if row is not None:
            row[1] = list(cells)


# ---- writing -------------------------------------------------------------------------------------------

def _adapted(kind: str, values: list) -> list:
    """Dates or datetimes as the database driver wants them, each distinct value adapted once."""
    adapt = connection.ops.adapt_datefield_value if kind == "date" else connection.ops.adapt_datetimefield_value
    mapping = {value: adapt(value) for value in set(values) if value is not None}
    mapping[None] = None
    return [mapping[value] for value in values]


def _columns(model, names: list[str]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(quote(model._meta.get_field(name).column) for name in names)


def _next_ids(count: int) -> list[int] | None:
    """Primary keys for `count` new members, taken inside the write transaction; None: let the database number."""
    table = Member._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # the transaction holds SQLite's write lock: no one else can take these numbers meanwhile
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            highest = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(highest, row[0] if row else 0) + 1
            return list(range(start, start + count))
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
    return None


BULK_CACHE_KIB = 131072


@contextmanager
def checkpoint_after():
    """On SQLite in WAL mode: the large import's commit without the automatic checkpoint that would follow it
    in this thread (copying the whole write-ahead log into the database file and syncing it, about 0.15 s for
    100,000 members); the checkpoint runs instead in a thread of its own, on its own connection, right after the
    commit. The commit itself is unchanged (with synchronous=NORMAL the log is synced at the checkpoint either
    way); the connection's checkpoint setting is restored afterwards, also on an error."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        wal = cursor.fetchone()[0].lower() == "wal"
        cursor.execute("PRAGMA wal_autocheckpoint")
        every = cursor.fetchone()[0]
        database = connection.settings_dict["NAME"]
        if not wal or not every or connection.is_in_memory_db():
            wal = False
        else:
            cursor.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        if wal:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA wal_autocheckpoint = {int(every)}")
            threading.Thread(target=_checkpoint, args=(str(database),), daemon=True,
                             name="gonghui-import-checkpoint").start()


def _checkpoint(database: str) -> None:
    import sqlite3

    try:
        with closing(sqlite3.connect(database, timeout=5)) as own:
            own.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error:  # busy or gone: the next commit's automatic checkpoint does it
        pass


class _BulkIndexes:
    """On SQLite, loading many rows into a table with fewer rows than that: drop the table's secondary indexes,
    insert, and build them again from their own definitions, all inside the import's transaction (a failure
    rolls the indexes back with the rows). Building an index once from sorted keys is several times faster
    than growing it by 100,000 random inserts. Indexes behind UNIQUE constraints stay and check every row."""

    def __init__(self, model, adding: int) -> None:
        self.table = model._meta.db_table
        self.adding = adding
        self.definitions: list[tuple[str, str]] = []

    def __enter__(self):
        self.cache_size = None
        if connection.vendor != "sqlite" or self.adding < 5000:
            return self
        with connection.cursor() as cursor:
            # a page cache large enough for the load (128 MB instead of the default 2 MB), for this load only
            cursor.execute("PRAGMA cache_size")
            self.cache_size = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
            cursor.execute(f'SELECT COUNT(*) FROM "{self.table}"')
            if cursor.fetchone()[0] > self.adding:
                return self
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                           "AND sql IS NOT NULL", [self.table])
            self.definitions = cursor.fetchall()
            for name, _sql in self.definitions:
                cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, kind, error, traceback) -> None:
        with connection.cursor() as cursor:
            if kind is None and self.definitions:
                for _name, sql in self.definitions:
                    cursor.execute(sql)
            if self.cache_size is not None:
                cursor.execute(f"PRAGMA cache_size = {int(self.cache_size)}")


def _insert_many(cursor, target: str, rows: list[tuple]) -> None:
    """INSERT the rows: one prepared statement run per row on SQLite (its fastest way), COPY on PostgreSQL
    (psycopg 3; eight times faster there than statements of many rows), else statements of many rows."""
    if not rows:
        return
    width = len(rows[0])
    one = f"({', '.join(['%s'] * width)})"
    if connection.vendor == "sqlite":
        cursor.executemany(f"INSERT INTO {target} VALUES {one}", rows)
        return
    raw = getattr(cursor, "cursor", None)
    if connection.vendor == "postgresql" and hasattr(raw, "copy"):
        table, columns = target.split(" ", 1)
        with raw.copy(f"COPY {table} {columns} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    per_statement = max(1, min(1000, 60000 // width))
    for chunk in _chunks(rows, per_statement):
        cursor.execute(f"INSERT INTO {target} VALUES {', '.join([one] * len(chunk))}",
                       [value for row in chunk for value in row])


def _generated_cards(union: OrgNode, count: int, taken: set[str]) -> list[str]:
    from gonghui.members.services import last_generated_card

    out: list[str] = []
    numbers = card_numbers(union.code, last_generated_card(union.code))
    while len(out) < count:
        batch = [number for number in islice(numbers, count - len(out)) if number not in taken]
        used = _cards_in_use(batch)
        out.extend(number for number in batch if number not in used)
    return out


CREATE_FIELDS = ["created_at", "updated_at", "name", "name_pinyin", "name_initials", "gender", "ethnicity",
                 "birth_date", "citizen_id", "citizen_id_hash", "mobile", "mobile_hash", "education",
                 "political_status", "employment_type", "new_form_group", "is_front_line", "post", "unit", "union",
                 "group", "path", "join_date", "card_no", "status", "status_since", "retain_reason",
                 "transfer_to_path", "notes"]
# the order of the SELECT in write(): the member's id first
EVENT_FIELDS = ["member", "kind", "on", "to_node", "status_before", "status_after", "reason", "actor",
                "actor_name", "at"]
UPDATE_FIELDS = ["updated_at", "name", "name_pinyin", "name_initials", "mobile", "mobile_hash", "ethnicity",
                 "education", "political_status", "employment_type", "new_form_group", "is_front_line", "post",
                 "unit", "group", "path", "join_date", "card_no", "notes"]


def write(result: Plan, *, actor, reason: str) -> tuple[int, int]:
    """Create and update the members of a plan's valid rows. Call inside transaction.atomic()."""
    assert connection.in_atomic_block, "an import is written in one transaction"
    union, v, n = result.union, result.values, result.n
    creates = [i for i in range(n) if not result.rejected[i] and i not in result.existing]
    updates = [i for i in range(n) if not result.rejected[i] and i in result.existing]
    now = timezone.now()
    stamp = _adapted("datetime", [now])[0]
    today = _adapted("date", [timezone.localdate()])[0]
    sealed = result.sealed if "id_cipher" in result.sealed else Sealer.from_settings().seal(v["citizen_id"],
                                                                                             v["mobile"])
    group_paths = dict(OrgNode.objects.filter(pk__in={g for g in v["group"] if g}).values_list("id", "path"))
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    actor_name = (actor.get_full_name() or actor.get_username()) if actor_id else ""

    if creates:
        count = len(creates)
        if count == n:  # no row rejected or matched: every column as it is
            def take(values: list) -> list:
                return values
        elif count == 1:
            def take(values: list) -> list:
                return [values[creates[0]]]
        else:
            take = itemgetter(*creates)  # one C call per column instead of a Python loop

        def pick(name: str) -> list:
            return take(v[name])

        cards = pick("card_no")
        missing = cards.count("")
        if missing:
            generated = iter(_generated_cards(union, missing, {card for card in v["card_no"] if card}))
            cards = [card or next(generated) for card in cards]
        groups = pick("group")
        union_pk, union_path = union.pk, union.path
        employment_default = Member._meta.get_field("employment_type").default
        employment_default = getattr(employment_default, "value", employment_default)
        columns = [
            [stamp] * count, [stamp] * count, pick("name"), pick("name_pinyin"), pick("name_initials"),
            pick("gender"), pick("ethnicity"), _adapted("date", pick("birth_date")),
            take(sealed["id_cipher"]), take(result.hashes), take(sealed["mobile_cipher"]), take(sealed["mobile_hash"]),
            pick("education"), pick("political_status"),
            [value or employment_default for value in pick("employment_type")], pick("new_form_group"),
            list(map(bool, pick("is_front_line"))), pick("post"), pick("unit"), [union_pk] * count,
            groups, [group_paths[group] if group else union_path for group in groups] if any(groups)
            else [union_path] * count,
            _adapted("date", pick("join_date")), cards, [Status.ACTIVE.value] * count, [today] * count, [""] * count,
            [""] * count, pick("notes"),
        ]
        pks = _next_ids(count)
        table = connection.ops.quote_name(Member._meta.db_table)
        # the members' secondary indexes rebuilt once at the end (SQLite); the history table keeps its indexes:
        # its keys arrive in order (increasing member ids, one union, one kind), cheaper than rebuilding them
        with connection.cursor() as cursor, _BulkIndexes(Member, count):
            if pks is not None:
                _insert_many(cursor, f"{table} (id, {_columns(Member, CREATE_FIELDS)})",
                             list(zip(pks, *columns, strict=True)))
            else:
                _insert_many(cursor, f"{table} ({_columns(Member, CREATE_FIELDS)})", list(zip(*columns, strict=True)))
                by_hash = dict(Member.objects.filter(union=union).values_list("citizen_id_hash", "id"))
                pks = [by_hash[result.hashes[i]] for i in creates]
            # the history entries in one statement: no per-row round trip through Python
            events = connection.ops.quote_name(MembershipEvent._meta.db_table)
            if pks == list(range(pks[0], pks[-1] + 1)):
                where, where_params = "id BETWEEN %s AND %s", [pks[0], pks[-1]]
            elif connection.vendor == "postgresql":
                where, where_params = "id = ANY(%s)", [pks]
            else:
                where, where_params = "union_id = %s AND created_at = %s", [union_pk, stamp]
            cursor.execute(
                f"INSERT INTO {events} ({_columns(MembershipEvent, EVENT_FIELDS)}) "
                f"SELECT id, %s, %s, %s, %s, %s, %s, %s, %s, %s FROM {table} WHERE {where}",
                [EventKind.IMPORTED, today, union_pk, "", Status.ACTIVE, reason[:200], actor_id, actor_name,
                 stamp, *where_params],
            )

    if updates:
        _write_updates(result, updates, sealed, stamp, group_paths)
    return len(creates), len(updates)


def _write_updates(result: Plan, updates: list[int], sealed: dict, stamp, group_paths: dict) -> None:
    """Registered members of this union: the roster's non-empty cells replace what is stored."""
    v = result.values
    member_ids = [result.existing[i]["id"] for i in updates]
    names = [f for f in UPDATE_FIELDS if f != "updated_at"]
    current: dict[int, dict] = {}
    for chunk in _chunks(member_ids, _batch_size()):
        for row in Member.objects.filter(pk__in=chunk).values("id", *names):
            current[row["id"]] = row
    rows = []
    for i in updates:
        old = current[result.existing[i]["id"]]
        new = dict(old)
        for name in ("name", "name_pinyin", "name_initials", "ethnicity", "education", "political_status",
                     "employment_type", "new_form_group", "post", "unit", "group", "join_date", "card_no", "notes"):
            value = v[name][i]
            if value not in ("", None):
                new[name] = value
        if v["is_front_line"][i] is not None:
            new["is_front_line"] = v["is_front_line"][i]
        if v["mobile"][i] and sealed["mobile_hash"][i] != old["mobile_hash"]:
            new["mobile"], new["mobile_hash"] = sealed["mobile_cipher"][i], sealed["mobile_hash"][i]
        if v["group"][i]:
            new["path"] = group_paths[v["group"][i]]
        if new == old:
            continue  # the same roster again: nothing to write for this member
        rows.append([stamp, *(new[f] for f in names), old["id"]])
    if not rows:
        return
    join_at = 1 + names.index("join_date")
    for row, joined in zip(rows, _adapted("date", [row[join_at] for row in rows]), strict=True):
        row[join_at] = joined
    table = connection.ops.quote_name(Member._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(Member._meta.get_field(f).column)} = %s"
                            for f in UPDATE_FIELDS)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)
