"""Add Chinese translations to the zh_Hans catalogue and recompile it, safely while others do the same.

    .venv/bin/python scripts/po_add.py translations.json

The JSON file maps English msgids to their Chinese text (a msgid with a context is written
"context\u0004msgid"). Existing entries are updated, new ones added; the file is locked while it is
rewritten, and the .mo is compiled with polib, so no gettext tools are needed. `make messages` later
re-extracts every msgid from the source and keeps these translations.
"""

import fcntl
import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "src/gonghui/locale/zh_Hans/LC_MESSAGES/django.po"


def main(path: str) -> None:
    pairs = json.loads(Path(path).read_text(encoding="utf-8"))
    with open(PO.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        catalogue = polib.pofile(str(PO), wrapwidth=79)
        added = changed = 0
        for key, text in pairs.items():
            context, _, msgid = key.rpartition("\u0004")
            entry = catalogue.find(msgid, msgctxt=context or False)
            if entry is None:
                catalogue.append(polib.POEntry(msgid=msgid, msgstr=text, msgctxt=context or None))
                added += 1
            elif entry.msgstr != text or "fuzzy" in entry.flags:
                entry.msgstr = text
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                changed += 1
        catalogue.save(str(PO))
        catalogue.save_as_mofile(str(PO.with_suffix(".mo")))
    print(f"{added} added, {changed} changed in {PO.name}")


if __name__ == "__main__":
    main(sys.argv[1])
