"""Fill the zh-Hans catalogue from JSON files of translations, after `make messages`.

    uv run python scripts/po_fill.py --todo              # list entries still untranslated or fuzzy
    uv run python scripts/po_fill.py a.json [b.json ...]  # {"English msgid": "中文", ...}; then compiles

Only empty or fuzzy entries are filled (an existing translation is never overwritten), so several people
can keep their own JSON file and run this in any order. The .mo is compiled by `make messages`; this
script compiles it again after filling.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[1] / "src/kesu/locale/zh_Hans/LC_MESSAGES/django.po"


def main(argv: list[str]) -> int:
    po = polib.pofile(str(PO), wrapwidth=0)
    if argv == ["--todo"]:
        for e in po:
            if e.obsolete:
                continue
            if not e.msgstr and not any(e.msgstr_plural.values()) or "fuzzy" in e.flags:
                print(json.dumps(e.msgid, ensure_ascii=False))
        return 0
    table: dict[str, str] = {}
    for name in argv:
        table.update(json.loads(Path(name).read_text(encoding="utf-8")))
    filled = 0
    for e in po:
        if e.obsolete or e.msgid not in table:
            continue
        empty = not e.msgstr and not any(e.msgstr_plural.values())
        if not empty and "fuzzy" not in e.flags:
            continue
        if e.msgid_plural:
            e.msgstr_plural = {0: table[e.msgid]}
        else:
            e.msgstr = table[e.msgid]
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
            e.previous_msgid = e.previous_msgid_plural = e.previous_msgctxt = None
        filled += 1
    po.save(str(PO))
    po.save_as_mofile(str(PO.with_suffix(".mo")))
    print(f"filled {filled} entries; {len([e for e in po if not e.obsolete and not e.translated()])} left")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
