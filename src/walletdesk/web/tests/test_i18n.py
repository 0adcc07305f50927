"""Every catalogue is complete: no untranslated or fuzzy entry in zh-hans."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_there_are_catalogues() -> None:
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"core", "wallet", "web"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_complete(path: Path) -> None:
    with path.open("rb") as fh:
        catalog = read_po(fh)
    assert not catalog.fuzzy, f"{path}: the header is marked fuzzy (pybabel would skip it)"
    missing = [m.id for m in catalog if m.id and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not missing, f"{path}: untranslated {missing[:5]}"
    assert not fuzzy, f"{path}: fuzzy {fuzzy[:5]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_compiled(path: Path) -> None:
    mo = path.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= path.stat().st_mtime, (
        f"{mo} is missing or older than its .po: run `make messages`")
