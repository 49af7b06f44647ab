"""The shape CONTRIBUTING.md describes, checked on the source itself.

- the layers and the absence of cycles (import-linter, `.importlinter`);
- no import hidden inside a function to dodge a cycle;
- every access decision in `xuncha.access`: no role check, no `may_*`/`can_*` predicate elsewhere,
  no role logic in templates;
- every status field changed only through `xuncha.core.transitions`, and each has its workflow.

Tests, migrations, the demo data and the benchmark are outside these rules: they build rows directly.
"""

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from xuncha.core.transitions import WORKFLOWS

ROOT = Path(settings.BASE_DIR)
APPS = ["xuncha", "rounds", "teams", "people", "clues", "rectification", "dashboards", "archive"]
OUR_APP_LABELS = {
    "accounts",
    "core",
    "notifications",
    "rounds",
    "teams",
    "people",
    "clues",
    "rectification",
    "dashboards",
    "archive",
}

ROLE_PREDICATES = {
    "is_office",
    "is_leader",
    "has_role",
    "sees_all_rounds",
    "is_supervisor",
    "is_receiver",
    "is_sysadmin",
    "is_secadmin",
    "is_auditor",
}


def _is_exempt(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return "migrations" in parts or "tests" in parts or parts[0] in ("demo", "bench", "tests")


def production_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if not _is_exempt(path):
                yield path


def _parse(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


# --- layers and cycles ----------------------------------------------------------------------------


def test_layers_and_cycles_hold():
    """The import-linter contracts: core at the bottom, apps in their order, demo and bench on top,
    and no two sibling modules (or packages) importing each other."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


PROJECT_PACKAGES = (
    "xuncha",
    "rounds",
    "teams",
    "people",
    "clues",
    "rectification",
    "dashboards",
    "demo",
    "bench",
)


def test_no_project_import_hides_inside_a_function():
    # bench/ is exempt: its scripts configure Django first and import the models after django.setup().
    hidden = []
    for path in [*production_sources(), *sorted((ROOT / "demo").rglob("*.py"))]:
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for func in ast.walk(_parse(path)):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if path.name == "apps.py" and func.name == "ready":
                continue  # AppConfig.ready(): Django's place for what needs the loaded models
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom):
                    module = node.module or ""
                    if node.level or module.split(".")[0] in PROJECT_PACKAGES:
                        hidden.append(_where(path, node))
                elif isinstance(node, ast.Import):
                    if any(alias.name.split(".")[0] in PROJECT_PACKAGES for alias in node.names):
                        hidden.append(_where(path, node))
    assert not hidden, "imports inside functions (move them up, or fix the layering):\n" + "\n".join(hidden)


# --- access ---------------------------------------------------------------------------------------


def test_role_checks_live_only_in_the_access_package():
    found = []
    for path in production_sources():
        if path.is_relative_to(ROOT / "xuncha" / "access") or path.is_relative_to(
            ROOT / "xuncha" / "accounts"
        ):
            continue
        for node in ast.walk(_parse(path)):
            if isinstance(node, ast.Name) and node.id in ROLE_PREDICATES:
                found.append(f"{_where(path, node)} {node.id}")
            elif isinstance(node, ast.Attribute) and node.attr in ROLE_PREDICATES:
                found.append(f"{_where(path, node)} .{node.attr}")
            elif isinstance(node, ast.alias) and node.name in ROLE_PREDICATES | {"roles_of"}:
                found.append(f"{path.relative_to(ROOT)} imports {node.name}")
            elif isinstance(node, ast.FunctionDef) and re.match(r"(may|can)_", node.name):
                found.append(f"{_where(path, node)} def {node.name} (an access predicate: xuncha.access)")
    assert not found, "access decisions outside xuncha.access:\n" + "\n".join(found)


TEMPLATE_ROLE_LOGIC = re.compile(
    r"user\.groups|user\.is_superuser|user\.is_staff|\bperms\.|request\.user\.role"
)


def test_templates_receive_decisions_and_make_none():
    found = []
    for path in sorted(ROOT.glob("**/templates/**/*.html")):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "{%" in line and TEMPLATE_ROLE_LOGIC.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "role logic in templates:\n" + "\n".join(found)


# --- status changes -------------------------------------------------------------------------------


def status_fields() -> dict[str, set[str]]:
    """{field name: {model labels}} of every status field of the project's models: a field with choices
    whose name is `status`, ends in `_status`, or is the lead's acceptance scope. Audit rows' from/to
    columns record a transition; they are written once, at creation, by `after=`."""
    fields: dict[str, set[str]] = {}
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APP_LABELS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField) or not field.choices:
                continue
            if field.name in ("from_status", "to_status"):
                continue
            if (
                field.name == "status"
                or field.name.endswith("_status")
                or (model._meta.label_lower == "clues.lead" and field.name == "scope")
            ):
                fields.setdefault(field.name, set()).add(model._meta.label_lower)
    return fields


def test_no_code_assigns_a_status_but_the_transitions_helper():
    names = set(status_fields())
    helper = ROOT / "xuncha" / "core" / "transitions.py"
    found = []
    for path in production_sources():
        if path == helper:
            continue
        for node in ast.walk(_parse(path)):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in names
                    and not (isinstance(target.value, ast.Name) and target.value.id == "self")
                ):
                    found.append(f"{_where(path, node)} assigns .{target.attr}")
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == "update" and any(k.arg in names for k in node.keywords):
                    found.append(f"{_where(path, node)} .update() of a status")
                if called == "setattr" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    if node.args[1].value in names:
                        found.append(f"{_where(path, node)} setattr of a status")
                if called == "bulk_update":
                    for arg in [*node.args[1:], *(k.value for k in node.keywords)]:
                        if isinstance(arg, ast.List | ast.Tuple) and any(
                            isinstance(e, ast.Constant) and e.value in names for e in arg.elts
                        ):
                            found.append(f"{_where(path, node)} bulk_update of a status")
    assert not found, "status changed outside xuncha.core.transitions.transition():\n" + "\n".join(found)


def _import_all_services():
    for app in APPS[1:]:
        package = importlib.import_module(f"{app}.services")
        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{app}.services.{info.name}")
    for module in ("xuncha.core.documents", "xuncha.notifications.services"):
        importlib.import_module(module)


def test_every_status_field_has_a_workflow():
    _import_all_services()
    missing = [
        f"{label}.{name}"
        for name, labels in status_fields().items()
        for label in sorted(labels)
        if (label, name) not in WORKFLOWS
    ]
    assert not missing, "status fields without a Workflow: " + ", ".join(missing)


@pytest.mark.parametrize("name", ["status"])
def test_the_status_scan_knows_the_models(name):
    """The scans above would pass vacuously if they found no status field at all."""
    assert "rounds.round" in status_fields()[name]
    assert "clues.finding" in status_fields()[name]
