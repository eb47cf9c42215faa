"""The floors of the house: which app may import which (issue 12, "Tenancy at the bottom").

Every module of ``samverka`` is read with ``ast``: its imports at module level AND inside
functions (an import hidden in a function still ties two apps together), leaving out only
what sits under ``if TYPE_CHECKING:`` (annotations, never run). Modules map to apps by their
first package under ``samverka``; ``samverka.lib`` and ``samverka.analysis`` are libraries at
the bottom. Tests and migrations are not part of the structure (migrations are history).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "samverka"

# Apps that may import nothing of the domain: the bottom floor.
BOTTOM = {"lib", "analysis"}
TENANCY_MAY_IMPORT = {"tenancy", "lib"}
# The top floor: the shell (start page, layout, middleware, admin site) and the demo.
# No domain app imports them.
TOP = {"shell", "demo"}


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, path: Path) -> Iterator[tuple[str, str, int]]:
    """(imported module, names, line) for every import that runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(node: ast.AST) -> Iterator[tuple[str, str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    yield from visit_one(other)
                continue
            yield from visit_one(child)

    def visit_one(child: ast.AST) -> Iterator[tuple[str, str, int]]:
        if isinstance(child, ast.Import):
            for alias in child.names:
                yield alias.name, alias.name, child.lineno
        elif isinstance(child, ast.ImportFrom):
            if child.level:
                base = package.split(".")
                base = base[: len(base) - (child.level - 1)]
                target = ".".join(base + ([child.module] if child.module else []))
            else:
                target = child.module or ""
            names = ", ".join(alias.name for alias in child.names)
            # ``from samverka.x import models`` imports the module samverka.x.models.
            yield target, names, child.lineno
        yield from visit(child)

    yield from visit(tree)


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "samverka" or len(parts) < 2:
        return None
    return parts[1]


def app_graph() -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> the evidence (file:line: module (names))."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for module, path in _modules():
        source = app_of(module)
        if source is None:
            continue
        for target_module, names, line in _imports(module, path):
            target = app_of(target_module)
            if target is None:
                continue
            if target_module == "samverka" and names:
                # ``from samverka import x``
                for name in names.split(", "):
                    if name != source and (PACKAGE / name).exists():
                        graph[source][name].append(
                            f"{path.relative_to(ROOT)}:{line}: samverka ({name})"
                        )
                continue
            if target != source:
                graph[source][target].append(
                    f"{path.relative_to(ROOT)}:{line}: {target_module} ({names})"
                )
    return graph


def strongly_connected(graph: dict[str, dict[str, list[str]]]) -> list[set[str]]:
    """Tarjan's algorithm; the components with more than one app."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[set[str]] = []
    counter = 0
    nodes = set(graph) | {t for targets in graph.values() for t in targets}

    def connect(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(component)

    for node in sorted(nodes):
        if node not in index:
            connect(node)
    return result


def _describe(component: set[str], graph: dict[str, dict[str, list[str]]]) -> str:
    lines = [f"cycle between apps: {', '.join(sorted(component))}"]
    for source in sorted(component):
        for target in sorted(graph[source]):
            if target in component:
                lines.append(f"  {source} -> {target}:")
                lines.extend(f"    {evidence}" for evidence in graph[source][target])
    return "\n".join(lines)


def test_the_reader_sees_function_level_imports_and_skips_type_checking(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from samverka.lib import geo\n"
        "if TYPE_CHECKING:\n"
        "    from samverka.plans.models import Plan\n"
        "def f():\n"
        "    from samverka.agreements.models import Agreement\n"
        "    return Agreement\n",
        encoding="utf-8",
    )
    targets = {target for target, _, _ in _imports("samverka.shell.mod", source)}
    assert "samverka.agreements.models" in targets
    assert "samverka.lib" in targets
    assert "samverka.plans.models" not in targets


def test_the_cycle_finder_finds_a_cycle_and_names_its_files() -> None:
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    graph["a"]["b"].append("a.py:1: b (x)")
    graph["b"]["c"].append("b.py:2: c (y)")
    graph["c"]["a"].append("c.py:3: a (z)")
    graph["c"]["d"].append("c.py:4: d (w)")
    (component,) = strongly_connected(graph)
    assert component == {"a", "b", "c"}
    assert "c.py:3: a (z)" in _describe(component, graph)


def test_no_import_cycle_between_apps() -> None:
    """An import inside a function that hides a cycle counts as much as one at the top."""
    graph = app_graph()
    cycles = [_describe(component, graph) for component in strongly_connected(graph)]
    assert not cycles, "\n\n".join(cycles)


def test_the_bottom_floors_import_no_domain_app() -> None:
    graph = app_graph()
    wrong = []
    for app in BOTTOM:
        for target, evidence in graph.get(app, {}).items():
            if target not in BOTTOM:
                wrong.append(f"{app} -> {target}: {evidence}")
    for target, evidence in graph.get("tenancy", {}).items():
        if target not in TENANCY_MAY_IMPORT:
            wrong.append(f"tenancy -> {target}: {evidence}")
    assert not wrong, "\n".join(wrong)


def test_no_app_imports_the_shell_or_the_demo() -> None:
    graph = app_graph()
    wrong = [
        f"{source} -> {target}: {evidence}"
        for source, targets in graph.items()
        if source not in TOP | {"testing"}
        for target, evidence in targets.items()
        if target in TOP
    ]
    assert not wrong, "\n".join(wrong)


def test_analysis_imports_no_django() -> None:
    wrong = []
    for module, path in _modules():
        if app_of(module) != "analysis":
            continue
        for target, names, line in _imports(module, path):
            if target.split(".")[0] in {"django", "rules"}:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {target} ({names})")
    assert not wrong, "\n".join(wrong)
