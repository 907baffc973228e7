"""A process and all its descendants, read from /proc (Linux): CPU seconds and memory, for bench/load.py."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces: split after its closing parenthesis
    return text[text.rindex(")") + 2:].split()


class ProcessTree:
    def __init__(self, root: int):
        self.root = root

    def pids(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                fields = _stat(int(entry.name))
                if fields:
                    children.setdefault(int(fields[1]), []).append(int(entry.name))
        found, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def cpu_seconds(self) -> float:
        """User + system time of the live processes, plus that of the children they have reaped (gunicorn's
        master reaps the workers it replaces), so a recycled worker's time is not lost."""
        total = 0
        for pid in self.pids():
            fields = _stat(pid)
            if fields:  # fields[11:15]: utime stime cutime cstime (stat fields 14-17)
                total += sum(int(value) for value in fields[11:15])
        return total / TICKS

    def memory_mb(self) -> tuple[float, float]:
        """(sum of RSS, sum of PSS) in MB. RSS counts the pages the forked workers share with the master once per
        process; PSS divides each shared page among the processes that map it."""
        rss = pss = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
            except OSError:
                continue
        return rss / 1024, pss / 1024

    def describe(self) -> list[tuple[int, str]]:
        rows = []
        for pid in self.pids():
            try:
                rows.append((pid, Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:100]))
            except OSError:
                continue
        return rows


def machine_busy_seconds() -> float:
    """CPU seconds all the machine's cores have spent busy (not idle, not waiting for I/O) since boot."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS


def parent_of(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None
