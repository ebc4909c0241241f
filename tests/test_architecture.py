"""The shape of the code (docs/decisions/0002-app-layers.md): no import cycle between any two modules of dtbd, imports
inside functions counted too; no import of a dtbd module inside a function without a comment giving its reason; the
app layers of pyproject.toml hold (lint-imports, which `make test` also runs)."""
import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import dtbd

PACKAGE = Path(dtbd.__file__).parent
ROOT = PACKAGE.parent


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("dtbd", include_external_packages=False)


def strongly_connected(nodes, edges):
    """Tarjan's algorithm, iterative: the components of more than one node (or with a self-loop)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    found.append(sorted(component))
    return found


def test_strongly_connected_finds_a_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(sorted(edges), edges) == [["a", "b", "c"]]
    assert strongly_connected(["x", "y"], {"x": {"y"}, "y": set()}) == []


def test_no_import_cycle_between_modules_of_dtbd(graph):
    modules = sorted(graph.modules)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in modules}
    cycles = strongly_connected(modules, edges)
    details = []
    for cycle in cycles:
        members = set(cycle)
        for importer in cycle:
            for imported in sorted(edges[importer] & members):
                lines = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
                details.append(f"{importer} -> {imported} (line {', '.join(map(str, lines))})")
    assert not cycles, "Import cycles:\n" + "\n".join(details)


def local_imports_without_reason(path):
    """Imports of dtbd modules (absolute or relative) inside a function without a comment: on the statement's lines,
    or just above the group of imports it belongs to."""
    source = path.read_text()
    lines = source.splitlines()
    found = []

    def ours(node):
        if isinstance(node, ast.ImportFrom):
            return node.level > 0 or (node.module or "").split(".")[0] == "dtbd"
        return any(alias.name.split(".")[0] == "dtbd" for alias in node.names)

    def check(function):
        imports = [n for n in ast.walk(function) if isinstance(n, ast.Import | ast.ImportFrom)]
        in_import = {line for n in imports for line in range(n.lineno, n.end_lineno + 1)}
        for node in imports:
            if not ours(node):
                continue
            above = node.lineno - 1
            while above in in_import or (above > 0 and not lines[above - 1].strip()):
                above -= 1
            said = lines[node.lineno - 1: node.end_lineno] + ([lines[above - 1]] if above > 0 else [])
            if not any("#" in line for line in said):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {lines[node.lineno - 1].strip()}")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            check(node)
    return sorted(set(found), key=lambda item: int(item.split(":")[1]))


def test_local_import_check_sees_an_unexplained_import(tmp_path):
    sample = tmp_path / "dtbd_sample.py"
    sample.write_text(
        "def f():\n    from dtbd.core import text\n\n"
        "def g():\n    # Django loads models after the app registry\n    from .models import X\n\n"
        "def h():\n    import json\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert local_imports_without_reason(sample) == ["dtbd_sample.py:2: from dtbd.core import text"]
    finally:
        ROOT = saved


def test_no_unexplained_import_of_dtbd_inside_a_function():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            found += local_imports_without_reason(path)
    assert not found, "Imports inside functions without a reason (hoist them, or say why):\n" + "\n".join(found)


def test_app_layers_hold():
    """lint-imports with the contracts of pyproject.toml (layers over the apps; core imports no domain app)."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
