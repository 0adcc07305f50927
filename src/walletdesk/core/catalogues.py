"""The translation catalogues: generate zh_Hant from zh_Hans, compile every .po to .mo, and
check that the committed .mo files say what their .po files say.

Pure Python (Babel + OpenCC), no GNU gettext. ``python -m walletdesk.core.catalogues`` does
what ``make messages`` does: regenerate zh_Hant, then compile everything;
``--check`` only reports stale or missing files (exit status 1).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from . import hant

PACKAGE = Path(__file__).resolve().parents[1]
SOURCE, HANT = "zh_Hans", "zh_Hant"
STABLE_DATE = datetime(2026, 1, 1, tzinfo=UTC)
HEADER = ("# Traditional Chinese (Hong Kong) catalogue of walletdesk, GENERATED from the zh_Hans\n"
          "# catalogue by `walletdesk make_zh_hant` (OpenCC s2hk + the phrase table in\n"
          "# walletdesk/core/hant.py). Do not edit: change zh_Hans or the table and regenerate.")


def po_files(root: Path = PACKAGE, locale: str | None = None) -> list[Path]:
    pattern = f"*/locale/{locale or '*'}/LC_MESSAGES/django.po"
    return sorted(root.glob(pattern))


def _read_po(path: Path, locale: str | None = None) -> Catalog:
    raw = path.read_bytes()
    catalog = read_po(io.BytesIO(raw), locale=locale)
    if b"POT-Creation-Date:" not in raw:  # Babel would put "now" there: keep the output stable
        catalog.creation_date = STABLE_DATE
    return catalog


def _convert(value: object) -> str | tuple[str, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(hant.convert(str(v)) for v in value)
    return hant.convert(str(value or ""))


def hant_catalog(source: Catalog) -> Catalog:
    """The zh_Hant catalogue for one zh_Hans catalogue (same ids, contexts, flags, places)."""
    out = Catalog(locale=HANT, domain="django", header_comment=HEADER, project="walletdesk",
                  version=None, msgid_bugs_address="", creation_date=source.creation_date,
                  revision_date=source.revision_date, fuzzy=False,
                  last_translator="walletdesk make_zh_hant", language_team="zh_Hant (generated)")
    for msg in source:
        if not msg.id:
            continue
        out[msg.id] = Message(msg.id, _convert(msg.string), locations=list(msg.locations),
                              flags=set(msg.flags) - {"fuzzy"}, auto_comments=list(msg.auto_comments),
                              user_comments=list(msg.user_comments), context=msg.context)
    return out


def _po_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, include_previous=False)
    return buf.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def make_zh_hant(root: Path = PACKAGE) -> list[Path]:
    """Write every app's zh_Hant/django.po from its zh_Hans one; returns the files changed."""
    changed = []
    for src in po_files(root, SOURCE):
        target = src.parents[2] / HANT / "LC_MESSAGES" / "django.po"
        data = _po_bytes(hant_catalog(_read_po(src)))
        if not target.exists() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed.append(target)
    return changed


def _locale_of(po: Path) -> str:
    return po.parts[-3]


def compile_po(po: Path) -> bytes:
    return _mo_bytes(_read_po(po, locale=_locale_of(po)))


def compile_all(root: Path = PACKAGE) -> list[Path]:
    """Compile every .po to the .mo beside it (only the files whose content changes)."""
    changed = []
    for po in po_files(root):
        mo, data = po.with_suffix(".mo"), compile_po(po)
        if not mo.exists() or not same_messages(mo.read_bytes(), data):
            mo.write_bytes(data)
            changed.append(mo)
    return changed


def _messages(mo_data: bytes) -> dict[tuple[str, str | None], object]:
    cat = read_mo(io.BytesIO(mo_data))
    return {(str(m.id), m.context): m.string for m in cat if m.id}


def same_messages(a: bytes, b: bytes) -> bool:
    """Two .mo files hold the same translations (compared parsed, not byte for byte)."""
    return _messages(a) == _messages(b)


def stale(root: Path = PACKAGE) -> list[str]:
    """Problems that a fresh ``make messages`` would fix: a zh_Hant catalogue that differs from
    what the generator writes, or a .mo that is missing or says something else than its .po."""
    problems = []
    for src in po_files(root, SOURCE):
        target = src.parents[2] / HANT / "LC_MESSAGES" / "django.po"
        expected = hant_catalog(_read_po(src))
        if not target.exists():
            problems.append(f"{target.relative_to(root)}: missing")
        elif _messages(_mo_bytes(_read_po(target, locale=HANT))) != _messages(_mo_bytes(expected)):
            problems.append(f"{target.relative_to(root)}: not generated from the current zh_Hans")
    for po in po_files(root):
        mo = po.with_suffix(".mo")
        if not mo.exists():
            problems.append(f"{mo.relative_to(root)}: missing")
        elif not same_messages(mo.read_bytes(), compile_po(po)):
            problems.append(f"{mo.relative_to(root)}: differs from a fresh compile of its .po")
    return problems


def main(argv: Iterable[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--check" in args:
        problems = stale()
        for p in problems:
            print(p)
        return 1 if problems else 0
    for path in make_zh_hant() + compile_all():
        print(f"wrote {path.relative_to(PACKAGE)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
