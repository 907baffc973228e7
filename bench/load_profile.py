"""Where the web workers' CPU goes, from a py-spy profile of the running server taken during a load run:

    py-spy record --pid GUNICORN_MASTER --subprocesses --nonblocking --rate 40 --duration 30 --format raw -o P.txt
    .venv/bin/python bench/load_profile.py P.txt

(bench/load.py --py-spy PATH does both.) py-spy samples only the threads that are running, so a sample is CPU
time (or the GIL) rather than a wait for the database. Prints the samples per view, then per part of the work
(SQL execution in the driver, turning rows into model objects, template rendering, …) and the hottest
functions by own time and by time including callees (the project's code only).
"""

from __future__ import annotations

import argparse
import collections
import re

FRAME = re.compile(r"^(?P<function>.+?) \((?P<file>[^():]+)(?::(?P<line>\d+))?\)$")

# part of the work → a frame that marks it (checked from the leaf up; the first found names the part)
PARTS = [
    ("SQL: driver and database round trip", ("psycopg/", "sqlite3/", "backends/utils.py", "backends/sqlite3/",
                                            "backends/postgresql/")),
    ("ORM: building SQL", ("db/models/sql/compiler.py", "db/models/sql/query.py", "db/models/sql/where.py",
                           "db/models/expressions.py", "db/models/lookups.py")),
    ("ORM: rows into objects", ("db/models/query.py", "db/models/base.py", "db/models/fields/")),
    ("templates", ("django/template/", "templatetags/")),
    ("translation (gettext)", ("utils/translation/", "gettext.py")),
    ("password hashing", ("argon2", "hashers.py")),
    ("request log", ("core/requestlog.py", "logging/")),
    ("sessions and auth", ("contrib/sessions/", "contrib/auth/", "axes/")),
    ("gunicorn / WSGI", ("gunicorn/", "core/handlers/")),
]


def parse(path: str):
    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if stack and count.isdigit():
                yield stack.split(";"), int(count)


def short(frame: str) -> str:
    match = FRAME.match(frame)
    if not match:
        return frame
    file = match["file"]
    for marker in ("gonghui/", "django/", "site-packages/"):
        if marker in file:
            file = file[file.index(marker) + (len(marker) if marker == "site-packages/" else 0):]
            break
    return f"{match['function']} ({file}:{match['line']})" if match["line"] else f"{match['function']} ({file})"


def view_of(frames: list[str]) -> str | None:
    for frame in frames:
        match = FRAME.match(frame)
        if match and "gonghui/" in match["file"] and re.search(r"(views|_views)\.py$", match["file"]):
            return f"{match['function']} ({match['file'].split('gonghui/', 1)[1]})"
    return None


def part_of(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, markers in PARTS:
            if any(marker in frame for marker in markers):
                return name
    return "other Python"


def summarise(path: str, top: int = 25) -> None:
    views, parts, own, inclusive = (collections.Counter() for _ in range(4))
    total = requests = 0
    for frames, count in parse(path):
        if not any("WSGIHandler.__call__" in frame for frame in frames):
            continue  # gunicorn's own loops, the master
        requests += count
        views[view_of(frames) or "(outside a view: middleware, login, static)"] += count
        parts[part_of(frames)] += count
        own[short(frames[-1])] += count
        for frame in dict.fromkeys(frames):  # each function once per stack
            if "gonghui/" in frame:
                inclusive[short(frame)] += count
        total += count
    if not requests:
        print("no samples inside a request")
        return
    print(f"{requests} samples inside requests")

    def table(title: str, counter: collections.Counter, limit: int) -> None:
        print(f"\n{title}")
        for name, count in counter.most_common(limit):
            print(f"  {count / requests * 100:5.1f}%  {name}")

    table("per view (share of the request samples):", views, top)
    table("per part of the work:", parts, len(PARTS) + 1)
    table("hottest functions, own time:", own, top)
    table("hottest project functions, including what they call:", inclusive, top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", help="py-spy's raw output (--format raw)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    summarise(args.profile, args.top)


if __name__ == "__main__":
    main()
