"""The conventions of STYLE.md that a machine can check (the rest is review)."""

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "kontorhaus"
MODULES = [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]
PRODUCTION = [p for p in MODULES if "tests" not in p.parts]
ORM_WRITES = {"save", "create", "bulk_create", "update", "delete", "get_or_create", "update_or_create", "bulk_update"}
# Where writes are allowed: services, core's own helpers (numbering, audit) and model methods.
WRITERS = re.compile(r"services[^/]*\.py$|/core/|/models\.py$")
DOMAIN = [p for p in PRODUCTION if "demo" not in p.parts]  # the demo draws random numbers


def rel(path: Path) -> str:
    return str(path.relative_to(SRC.parent))


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_no_module_over_500_lines(path):
    assert len(path.read_text().splitlines()) <= 500


def _orm_writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ORM_WRITES:
            receiver = ast.unparse(node.func.value)
            # .save()/.delete() without a positional argument is an ORM write (a model's save takes
            # keywords only; a PDF's or file's save takes the target); .update()/.create() also
            # exist on dicts and sets, so those count only on a manager or queryset.
            if (node.func.attr in {"save", "delete"} and not node.args) or "objects" in receiver:
                found.append(f"{rel(path)}:{node.lineno} {receiver}.{node.func.attr}()")
    return found


def test_orm_writes_happen_only_in_services():
    offenders = [w for p in PRODUCTION if not WRITERS.search(str(p)) for w in _orm_writes(p)]
    assert offenders == []


def test_one_clock_and_no_floats_or_ad_hoc_rounding_in_domain_code():
    offenders = []
    for path in DOMAIN:
        text = path.read_text()
        if "timezone.now(" in text or "datetime.now(" in text and path.name != "clock.py":
            offenders.append(f"{rel(path)}: reads the wall clock; use core.clock")
        if path.name != "money.py" and re.search(r"\bround\(|\.quantize\(|\bfloat\(", text):
            offenders.append(f"{rel(path)}: rounds or uses float; use core.money")
    assert offenders == []


def test_tasks_are_enqueued_through_the_business_transaction():
    allowed = {"core/tasks.py", "notifications/tasks.py"}  # the latter: a task scheduling its own retry
    offenders = [rel(p) for p in PRODUCTION if ".enqueue(" in p.read_text()
                 and not any(str(p).endswith(a) for a in allowed)]
    assert offenders == []
