"""Add Chinese translations to the zh_Hans catalogue and recompile it, safely while others do the same.

    .venv/bin/python scripts/po_add.py translations.json

The JSON file maps English msgids to their Chinese text (a msgid with a context is written
"context\u0004msgid", a plural one "singular\u0005plural"). Existing entries are updated, new ones added;
the file is locked while it is rewritten, and the .mo is compiled with polib, so no gettext tools are
needed. `make messages` later re-extracts every msgid from the source and keeps these translations.
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
            msgid, _, plural = msgid.partition("\u0005")
            # None: only the entry without a context (polib's default, False, would match any context)
            entry = catalogue.find(msgid, msgctxt=context or None)
            if entry is None:
                entry = polib.POEntry(msgid=msgid, msgctxt=context or None)
                if plural:
                    entry.msgid_plural, entry.msgstr_plural = plural, {0: text}
                else:
                    entry.msgstr = text
                catalogue.append(entry)
                added += 1
            elif entry.msgid_plural and entry.msgstr_plural.get(0) != text:
                entry.msgstr_plural = {0: text}
                changed += 1
            elif not entry.msgid_plural and (entry.msgstr != text or "fuzzy" in entry.flags):
                entry.msgstr = text
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                changed += 1
        catalogue.save(str(PO))
        catalogue.save_as_mofile(str(PO.with_suffix(".mo")))
    print(f"{added} added, {changed} changed in {PO.name}")


if __name__ == "__main__":
    main(sys.argv[1])
