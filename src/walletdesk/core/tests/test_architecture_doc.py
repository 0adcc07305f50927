"""docs/ARCHITECTURE.md quotes the import contracts of pyproject.toml verbatim (issue 18).

The section "Import contracts" holds one ```toml block: `[tool.importlinter]` and every
contract after it, exactly as pyproject.toml has them, so the document cannot drift from what
`lint-imports` checks.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def _quoted_contracts() -> str:
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text("utf-8")
    section = doc.split("\n## Import contracts\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```toml\n(.*?)^```$", section, flags=re.S | re.M)
    assert len(blocks) == 1, "the section quotes the contracts in one toml block"
    return blocks[0].rstrip("\n")


def _project_contracts() -> str:
    project = (ROOT / "pyproject.toml").read_text("utf-8")
    start = project.index("\n[tool.importlinter]\n") + 1
    rest = project[start:]
    # the contracts run to the next table that is not import-linter's (or to the end)
    following = re.search(r"^\[(?!\[?tool\.importlinter)", rest[1:], flags=re.M)
    return (rest[: following.start() + 1] if following else rest).rstrip("\n")


def test_architecture_quotes_the_import_contracts_verbatim():
    assert _quoted_contracts() == _project_contracts()


def test_the_quote_is_the_whole_importlinter_table():
    quoted = tomllib.loads(_quoted_contracts())["tool"]["importlinter"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    assert quoted == project
