"""One writer per app, recognisable by name (docs/ARCHITECTURE.md, issue 18).

Rows are written only in an app's `services.py` or `services/` package, and rows are locked
(`select_for_update`) only in its `locks.py`; an app never writes another app's models. Read
from the source with `ast`, so a new write anywhere else fails `make test`:

- a write is a call of `save` (no positional argument: an image's `save(buffer)` is not the
  ORM), `delete` (no arguments: a cache's or Redis's `delete(key)` is not the ORM),
  `create`/`update` (keyword arguments only: `dict.update(other)` and a hash's `update(data)`
  are not the ORM), `get_or_create`, `update_or_create`, `bulk_create`, `bulk_update`, or a
  string holding SQL that inserts, updates or deletes; calls on a name that holds a dict
  (`ctx.update(error=...)`) and on `request.session` (Django's session store) are not writes;
- a lock is a call of `select_for_update`;
- a write through `Model.objects` (or `Model(...).save()`) of a model imported from another
  app's `models` is a cross-app write wherever it is.

Migrations, tests, `conftest.py`, admin modules (Django's admin saves what staff edit; core's
`AuditedAdmin` logs each change) and demo data (`demo*.py`, `seed_demo`: fixtures of a fresh
database) are outside the rule. Everything else that breaks it is listed in `EXCEPTIONS` with
its reason; the list only shrinks: an exception that no longer matches a write fails the test.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import walletdesk

ROOT = Path(walletdesk.__file__).resolve().parent

WRITE_METHODS = {"get_or_create", "update_or_create", "bulk_create", "bulk_update"}
LOCK_METHODS = {"select_for_update"}
# SQL keywords in capitals (the project's SQL is written so; English text is not)
SQL_WRITE = re.compile(r'\b(INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+"?\w+"?\s+SET)\b')


# (module path relative to the package, kind) -> reason. kind is "write" (a write outside the
# app's services), "lock" (a row lock outside its locks.py) or "cross:<app>" (a write of
# another app's model).
EXCEPTIONS: dict[tuple[str, str], str] = {
    # Not a request path's write.
    ("notify/providers.py", "write"): "the development SMS provider keeps what it 'sends' in the "
                                      "development outbox (never in production); notify.services loads "
                                      "the providers, so calling back into it would be an import cycle",
    ("wallet/network/simulator.py", "write"): "the development payment network is the outside "
                                              "system, not the wallet: NetworkOperation is its own "
                                              "memory (the wallet never reads it), written behind "
                                              "the PaymentNetwork interface a real provider replaces",
    ("accounts/models.py", "write"): "the user manager's create_user, Django's contract "
                                     "(createsuperuser, the admin)",
    ("accounts/locks.py", "write"): "a guard row is created on first use by the helper that locks it "
                                    "(created, then selected under the lock, race-free)",
    ("wallet/management/commands/bench_ledger.py", "write"): "bench_ledger fills its scratch database",
    ("wallet/management/commands/bench_ledger.py", "cross:accounts"): "bench_ledger creates the users "
                                                                      "of its scratch database",
    ("bench/management/commands/bench_api.py", "write"): "bench_api turns the velocity rules off on "
                                                         "the database it loads (a benchmark, never a "
                                                         "request path)",
    ("bench/management/commands/bench_api.py", "cross:risk"): "the same: bench_api's set-up",
    ("bench/management/commands/bench_forecast.py", "write"): "bench_forecast fills a scratch "
                                                              "PostgreSQL database with history",
    ("bench/management/commands/bench_forecast.py", "cross:support"): "the same: its generated "
                                                                      "conversations",
}


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the package, posix
    line: int
    kind: str  # "write", "lock" or "cross:<app>"
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.what}"


def _exempt(rel: str) -> bool:
    parts = rel.split("/")
    name = parts[-1]
    return (
        "tests" in parts
        or "migrations" in parts
        or name == "conftest.py"
        or name == "admin.py"
        or name.startswith("demo")
        or name == "seed_demo.py"
    )


def _app(rel: str) -> str | None:
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 else None


def _writer_place(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) >= 2 and (parts[1] == "services.py" or parts[1] == "services")


def _lock_place(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) == 2 and parts[1] == "locks.py"


def _docstrings(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _model_imports(tree: ast.AST) -> dict[str, str]:
    """Names bound to a model imported from an app's models module -> that app."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            m = re.fullmatch(r"walletdesk\.([a-z_]+)\.models", node.module)
            if m:
                for alias in node.names:
                    names[alias.asname or alias.name] = m.group(1)
    return names


def _receiver_model(call: ast.Call) -> str | None:
    """`Model` of `Model.objects....write()` or `Model(...).save()`, if the receiver is one."""
    node = call.func
    assert isinstance(node, ast.Attribute)
    node = node.value
    while True:
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                return node.func.id
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr == "objects" and isinstance(node.value, ast.Name):
                return node.value.id
            node = node.value
        else:
            return None


def _dict_names(tree: ast.AST) -> set[str]:
    """Names that hold a dict: `**kwargs` parameters, `x = {...}` / `dict(...)`, `x: dict[...]`."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.arguments) and node.kwarg:
            names.add(node.kwarg.arg)
        elif isinstance(node, ast.Assign) and (
                isinstance(node.value, ast.Dict | ast.DictComp)
                or (isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                    and node.value.func.id == "dict")):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            ann = node.annotation
            base = ann.value if isinstance(ann, ast.Subscript) else ann
            if isinstance(base, ast.Name) and base.id == "dict":
                names.add(node.target.id)
    return names


def _is_write(call: ast.Call, dicts: set[str]) -> str | None:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    name = func.attr
    receiver = func.value
    if isinstance(receiver, ast.Name) and receiver.id in dicts:
        return None
    if isinstance(receiver, ast.Attribute) and receiver.attr == "session":
        return None  # request.session: Django's session store
    if name in WRITE_METHODS:
        return name
    if name == "save":
        # an image's or a file's save(buffer, ...) takes the target first
        return name if not call.args else None
    if name == "delete":
        return name if not call.args and not call.keywords else None
    if name in ("create", "update"):
        return name if not call.args and call.keywords else None
    return None


def scan_source(rel: str, source: str) -> list[Finding]:
    tree = ast.parse(source)
    docs = _docstrings(tree)
    models = _model_imports(tree)
    dicts = _dict_names(tree)
    app = _app(rel)
    found: list[Finding] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            what = _is_write(node, dicts)
            if node.func.attr in LOCK_METHODS:
                found.append(Finding(rel, node.lineno, "lock", node.func.attr))
            elif what:
                found.append(Finding(rel, node.lineno, "write", what))
                model = _receiver_model(node)
                owner = models.get(model or "")
                if owner and owner != app:
                    found.append(Finding(rel, node.lineno, f"cross:{owner}", f"{model}.{what}"))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
              and SQL_WRITE.search(node.value)):
            found.append(Finding(rel, node.lineno, "write", "SQL: " + node.value.strip()[:40]))
    return found


def scan_tree() -> list[Finding]:
    """Every write, lock and cross-app write that breaks the rule (exceptions included)."""
    out: list[Finding] = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if _exempt(rel) or _app(rel) is None:
            continue
        for f in scan_source(rel, path.read_text(encoding="utf-8")):
            if f.kind == "write" and _writer_place(rel):
                continue
            if f.kind == "lock" and _lock_place(rel):
                continue
            out.append(f)
    return out


def test_rows_are_written_by_services_and_locked_by_locks():
    found = scan_tree()
    broken = [f for f in found if (f.path, f.kind) not in EXCEPTIONS]
    assert not broken, (
        "Rows written or locked outside the app's services/locks (move the write into "
        "<app>/services, the lock into <app>/locks.py, or call the owning app's service):\n"
        + "\n".join(map(str, broken))
    )


def test_every_exception_still_exists():
    found = {(f.path, f.kind) for f in scan_tree()}
    stale = sorted(set(EXCEPTIONS) - found)
    assert not stale, f"These exceptions no longer match a write: remove them from EXCEPTIONS: {stale}"


def test_the_check_sees_each_kind_of_write():
    """The detector itself: each kind of write and lock is found, the look-alikes are not."""
    src = '''
from walletdesk.wallet.models import Transaction
from walletdesk.accounts.models import User

def f(user, qs, cache, h, d, img, buf):
    user.save(update_fields=["name"])
    User.objects.create(username="x")
    User.objects.filter(pk=1).update(name="y")
    qs.delete()
    qs.bulk_create([])
    Transaction.objects.get_or_create(pk=1)
    Transaction(amount=1).save()
    qs.select_for_update().get()
    cursor.execute("UPDATE wallet_hold SET state = %s")
    cursor.execute("""
        INSERT INTO support_message (body) VALUES (%s)""")
    cache.delete("key")
    h.update(b"data")
    d.update(other)
    ctx = {"a": 1}
    ctx.update(b=2)
    request.session.save()
    img.save(buf, format="PNG")
    text = "Please update your card"
'''
    found = scan_source("accounts/views.py", src)
    kinds = [(f.line, f.kind, f.what) for f in found]
    assert [k for k in kinds if k[1] == "write"] == [
        (6, "write", "save"),
        (7, "write", "create"),
        (8, "write", "update"),
        (9, "write", "delete"),
        (10, "write", "bulk_create"),
        (11, "write", "get_or_create"),
        (12, "write", "save"),
        (14, "write", "SQL: UPDATE wallet_hold SET state = %s"),
        (15, "write", "SQL: INSERT INTO support_message (body) VALUE"),
    ]
    assert [k for k in kinds if k[1] == "lock"] == [(13, "lock", "select_for_update")]
    assert [k for k in kinds if k[1].startswith("cross:")] == [
        (11, "cross:wallet", "Transaction.get_or_create"),
        (12, "cross:wallet", "Transaction.save"),
    ]


def _imports_outside_type_checking(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, module) of every import of a walletdesk module that runs (`if TYPE_CHECKING:`
    blocks only name types); relative imports are shown with their dots."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            if node.level or base.startswith("walletdesk"):
                names = [base + ("" if base.endswith(".") else ".") + a.name for a in node.names]
                found.extend((node.lineno, n if node.module is None else base) for n in names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names if a.name.startswith("walletdesk"))
    return found


def test_error_objects_have_no_side_effects():
    """An error module defines errors: it imports only other errors modules of the project
    (models only for type hints), so building or serializing an error cannot write, lock,
    publish or send (a refusal's own record is written by its caller, e.g. wallet.refusals)."""
    wrong = []
    for path in sorted(ROOT.glob("*/errors.py")):
        rel = path.relative_to(ROOT).as_posix()
        for line, module in _imports_outside_type_checking(ast.parse(path.read_text(encoding="utf-8"))):
            if module.rsplit(".", 1)[-1] != "errors":
                wrong.append(f"{rel}:{line}: imports {module}")
    assert not wrong, "Error modules that reach beyond errors:\n" + "\n".join(wrong)


def test_the_error_check_sees_a_reach_beyond_errors():
    src = '''
from typing import TYPE_CHECKING
from walletdesk.core.errors import DomainError
from . import review
if TYPE_CHECKING:
    from .models import RiskDecision
def as_dict(self):
    from walletdesk.risk.services import record_refusal
'''
    found = _imports_outside_type_checking(ast.parse(src))
    assert sorted(m for _line, m in found) == [".review", "walletdesk.core.errors",
                                               "walletdesk.risk.services"]
