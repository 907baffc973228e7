"""Where the server's time goes, from its JSON request log (one line per request, gonghui.core.requestlog):
per route, the requests, their total time and its share, mean and p95 time, mean database time and queries.

    .venv/bin/python bench/load_log.py var/bench_load/load_server.log [--since 2026-11-24T04:10]
"""

from __future__ import annotations

import argparse
import collections
import json


def summarise(lines, since: str = "") -> list[dict]:
    routes: dict[str, dict] = collections.defaultdict(lambda: {"ms": [], "db_ms": 0.0, "queries": 0})
    for line in lines:
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("logger") != "gonghui.request" or "ms" not in entry or entry.get("time", "") < since:
            continue
        route = routes[f"{entry.get('method', '')} {entry.get('route') or entry.get('path')}"]
        route["ms"].append(entry["ms"])
        route["db_ms"] += entry.get("db_ms") or 0
        route["queries"] += entry.get("queries") or 0
    total = sum(sum(r["ms"]) for r in routes.values()) or 1
    rows = []
    for name, route in routes.items():
        times = sorted(route["ms"])
        count = len(times)
        rows.append({"route": name, "requests": count, "total_s": sum(times) / 1000, "share": sum(times) / total,
                     "mean_ms": sum(times) / count, "p95_ms": times[min(count - 1, int(count * 0.95))],
                     "db_ms": route["db_ms"] / count, "queries": route["queries"] / count})
    return sorted(rows, key=lambda row: -row["total_s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("log")
    parser.add_argument("--since", default="", help="only requests logged at or after this ISO time")
    args = parser.parse_args()
    with open(args.log, encoding="utf-8", errors="replace") as lines:
        rows = summarise(lines, args.since)
    print(f"{'route':<42}{'requests':>9}{'total s':>9}{'share':>7}{'mean ms':>9}{'p95 ms':>8}{'db ms':>8}"
          f"{'queries':>8}")
    for row in rows:
        print(f"{row['route'][:42]:<42}{row['requests']:>9}{row['total_s']:>9.1f}{row['share'] * 100:>6.1f}%"
              f"{row['mean_ms']:>9.1f}{row['p95_ms']:>8.0f}{row['db_ms']:>8.1f}{row['queries']:>8.1f}")


if __name__ == "__main__":
    main()
