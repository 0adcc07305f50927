"""Every catalogue is complete (zh-hans and the generated zh-hant): no untranslated or fuzzy
entry, the same placeholders as the English, and a committed .mo that says what its .po says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from walletdesk.core import catalogues

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
ALL = sorted(ROOT.glob("*/locale/zh_Han[st]/LC_MESSAGES/django.po"))
_ID = lambda p: f"{p.parts[-5]}-{p.parts[-3]}"  # noqa: E731
PERCENT = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]")
BRACE = re.compile(r"\{\w*\}")


def _read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


def test_there_are_catalogues() -> None:
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"core", "wallet", "web"} <= apps
    hant = {p.parts[-5] for p in ALL if p.parts[-3] == "zh_Hant"}
    assert hant == apps, f"apps without a generated zh_Hant catalogue: {apps - hant}"


@pytest.mark.parametrize("path", ALL, ids=_ID)
def test_catalogue_is_complete(path: Path) -> None:
    catalog = _read(path)
    assert not catalog.fuzzy, f"{path}: the header is marked fuzzy (pybabel would skip it)"
    missing = [m.id for m in catalog if m.id and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not missing, f"{path}: untranslated {missing[:5]}"
    assert not fuzzy, f"{path}: fuzzy {fuzzy[:5]}"


def _placeholders(text: str | list[str] | None, percent: bool) -> tuple[list[str], list[str]]:
    text = "" if text is None else text if isinstance(text, str) else "".join(text)
    return sorted(PERCENT.findall(text)) if percent else [], sorted(BRACE.findall(text))


@pytest.mark.parametrize("path", ALL, ids=_ID)
def test_placeholders_are_kept(path: Path) -> None:
    bad = []
    for m in _read(path):
        if not m.id:
            continue
        percent = "no-python-format" not in m.flags
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        want = _placeholders(ids[-1], percent)
        bad += [(m.id, s) for s in strings if _placeholders(s, percent) != want]
    assert not bad, f"{path}: placeholders differ {bad[:3]}"


def test_hant_is_generated_from_the_current_hans() -> None:
    """zh_Hant files are the generator's output for today's zh_Hans, and every .mo is a
    fresh compile of its .po (compared parsed, so Babel versions may differ in bytes)."""
    problems = catalogues.stale()
    assert not problems, "run `make messages` (walletdesk make_zh_hant):\n" + "\n".join(problems)


def test_generator_is_idempotent(tmp_path: Path) -> None:
    """Run on a copy of every zh_Hans catalogue: the first run writes exactly the committed
    zh_Hant files, the second changes nothing."""
    for src in CATALOGUES:
        copy = tmp_path / src.relative_to(ROOT)
        copy.parent.mkdir(parents=True)
        copy.write_bytes(src.read_bytes())
    first = catalogues.make_zh_hant(tmp_path)
    assert len(first) == len(CATALOGUES) and catalogues.make_zh_hant(tmp_path) == []
    for written in first:
        assert written.read_bytes() == (ROOT / written.relative_to(tmp_path)).read_bytes(), written
