"""The structure ARCHITECTURE.md promises, checked on the code: imports go one way with no cycles, no module
reaches into another object's private names, and code outside a capability's package uses only its face.

There is no line cap: cohesion decides where a module splits, not its length."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "connectors", "indexing", "assistant", "evals", "ui")
LAYER = {"core": 0, "connectors": 1, "indexing": 2, "assistant": 3, "evals": 4}
# Capability packages: each holds its whole path from reading to answering; code outside one imports only the
# package itself (its ``__init__``, the face), never a module inside it.
CAPABILITIES = ("assistant.tasks", "assistant.validity", "assistant.tthc", "assistant.warehouse", "assistant.documents",
                "assistant.correspondence.drafting", "assistant.correspondence.incoming",
                "assistant.service.directory")
# Names a module may use on objects that are not its own (the standard library's and third parties' own
# conventions, not ours): namedtuple helpers, sys internals and the like.
FOREIGN_PRIVATE_OK = {"_asdict", "_replace", "_fields", "_exit", "_getframe", "_meipass"}


def modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


def imports_of(tree: ast.AST, name: str, is_package: bool) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def project_graph() -> dict[str, set[str]]:
    names = {name for name, _ in modules()}
    graph: dict[str, set[str]] = {}
    for name, path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = {t for t in imports_of(tree, name, path.name == "__init__.py") if t in names and t != name}
        graph[name] = targets
    return graph


def test_no_import_cycles_inside_the_project():
    graph = project_graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not cycles, "import cycles: " + "; ".join(" → ".join(c) for c in cycles[:5])


def test_imports_go_downwards_and_the_ui_only_speaks_http():
    wrong = []
    for name, targets in project_graph().items():
        top = name.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if top == "ui" and other != "ui":
                wrong.append(f"{name} → {target} (the UI is an HTTP client)")
            elif top in LAYER and other in LAYER and LAYER[other] > LAYER[top]:
                wrong.append(f"{name} → {target}")
    # The command line may reach the eval commands (``assistant eval``): the one allowed upward edge.
    wrong = [w for w in wrong if not w.startswith("assistant.cli ") or "→ evals.cli" not in w]
    assert not wrong, "imports against the layering: " + "; ".join(sorted(wrong))


def test_no_module_reaches_into_another_objects_private_names():
    offences = []
    for name, path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        offences.append(f"{name}: from {node.module} import {alias.name}")
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                owner = node.value
                if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                    continue
                if node.attr in FOREIGN_PRIVATE_OK:
                    continue
                offences.append(f"{name}:{node.lineno}: .{node.attr}")
            elif isinstance(node, ast.Attribute) and node.attr == "__dict__":
                offences.append(f"{name}:{node.lineno}: .__dict__")
    assert not offences, "private access across objects: " + "; ".join(offences)


def test_code_outside_a_capability_uses_only_its_face():
    wrong = []
    for name, targets in project_graph().items():
        for capability in CAPABILITIES:
            if name == capability or name.startswith(capability + "."):
                continue
            wrong += [f"{name} → {t}" for t in targets if t.startswith(capability + ".")]
    assert not wrong, "imports past a capability's face: " + "; ".join(sorted(wrong))


def test_every_capability_has_a_face_that_names_what_it_offers():
    for capability in CAPABILITIES:
        init = REPO / capability.replace(".", "/") / "__init__.py"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{capability} has no docstring saying what it holds"
        assert any(isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)
                   for n in tree.body), f"{capability} names no __all__"


def test_assistant_top_level_names_the_path():
    """``assistant/`` shows the path a question takes (search → answer → service, with its api and cli faces)
    and the office capabilities; a new module or a domain-prefixed file at the top level would hide a missing
    package again."""
    pipeline = {"search", "answer", "service", "api", "cli"}
    capabilities = {c.split(".")[1] for c in CAPABILITIES}
    entries = {p.name for p in (REPO / "assistant").iterdir() if p.name != "__pycache__"}
    assert entries - {"__init__.py"} <= pipeline | capabilities, sorted(entries - pipeline - capabilities)
    assert len(entries) <= 12, sorted(entries)
