"""The imports inside fhirtrial/: no cycles, and the layers docs/architecture.md describes.

No cycle: every module can be read (and loaded) after the modules it imports. Layers: each
package imports exactly the packages its row of the document's import-rules table lists, the
rows form no cycle, and no module imports another package's private names. Counted are all
imports, also those inside functions and under TYPE_CHECKING: a cycle or an upward import hidden
there is still one that a reader has to untangle."""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "fhirtrial"
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"


def module_files() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    """Module → the fhirtrial modules it imports (`from package import module` counts as the
    module, `from module import name` as the module)."""
    modules = module_files()
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names if alias.name in modules}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                for alias in node.names:
                    if f"{base}.{alias.name}" in modules:
                        imported.add(f"{base}.{alias.name}")
                    elif base in modules:
                        imported.add(base)
        graph[name] = imported - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_checker_sees_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_is_read_from_the_package():
    graph = import_graph()
    assert "fhirtrial.ctgov.origin" in graph["fhirtrial.ctgov.errors"]
    assert "fhirtrial.catalog.sources" in graph["fhirtrial.catalog.importer"]


def test_fhirtrial_has_no_import_cycle():
    assert cycles(import_graph()) == []


# ---- layers: the package-level graph against docs/architecture.md


def package_of(module: str) -> str:
    """`fhirtrial.store.batch` → `store`, `fhirtrial.cli` → `cli`, `fhirtrial` → `fhirtrial`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def documented_rules(text: str) -> dict[str, set[str]]:
    """Package → the packages it may import, from the import-rules table of the document."""
    block = text.split("<!-- import-rules: begin")[1].split("<!-- import-rules: end -->")[0]
    rules = {}
    for line in block.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("`"):
            rules[cells[0].strip("`")] = set(re.findall(r"`([^`]+)`", cells[1]))
    return rules


def package_edges(graph: dict[str, set[str]]) -> dict[tuple[str, str], list[str]]:
    """(package, imported package) → the module imports that make that edge."""
    edges: dict[tuple[str, str], list[str]] = {}
    for module, imported in graph.items():
        for target in imported:
            edge = (package_of(module), package_of(target))
            if edge[0] != edge[1]:
                edges.setdefault(edge, []).append(f"{module} -> {target}")
    return edges


def undocumented_imports(graph: dict[str, set[str]], rules: dict[str, set[str]]) -> list[str]:
    """The module imports that cross into a package their package's row does not list."""
    return sorted(
        line
        for (source, target), lines in package_edges(graph).items()
        if target not in rules.get(source, set())
        for line in lines
    )


def private_imports() -> list[str]:
    """Imports of another package's `_private` names or modules (dunders such as `__version__`
    are public)."""

    def private(name: str) -> bool:
        return name.startswith("_") and not name.endswith("__")

    found = []
    for module, path in module_files().items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [(node.module, alias.name) for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [(alias.name, "") for alias in node.names]
            else:
                continue
            for target, name in targets:
                if not target.startswith("fhirtrial") or package_of(target) == package_of(module):
                    continue
                if private(name) or any(private(part) for part in target.split(".")):
                    found.append(f"{module}: {target} {name}".rstrip())
    return sorted(found)


def rules() -> dict[str, set[str]]:
    return documented_rules(ARCHITECTURE.read_text("utf-8"))


def test_the_checker_sees_an_undocumented_import():
    graph = {"fhirtrial.a.x": {"fhirtrial.b.y", "fhirtrial.a.z"}, "fhirtrial.b.y": set()}
    assert undocumented_imports(graph, {"a": set(), "b": set()}) == [
        "fhirtrial.a.x -> fhirtrial.b.y"
    ]
    assert undocumented_imports(graph, {"a": {"b"}, "b": set()}) == []


def test_the_rules_are_read_from_the_document():
    documented = rules()
    assert documented["patient"] == {"errors", "lru"}
    assert documented["errors"] == set()
    assert "api" in documented["cli"]


def test_every_package_has_a_row_in_the_document():
    packages = {package_of(module) for module in module_files()}
    assert sorted(packages - rules().keys()) == []
    assert sorted(rules().keys() - packages) == []


def test_packages_import_only_what_the_document_allows():
    assert undocumented_imports(import_graph(), rules()) == []


def test_the_document_allows_no_import_that_is_not_made():
    made = set(package_edges(import_graph()))
    allowed = {(source, target) for source, targets in rules().items() for target in targets}
    assert sorted(allowed - made) == []


def test_the_documented_layers_have_no_cycle():
    assert cycles(rules()) == []


def test_no_module_imports_another_packages_private_names():
    assert private_imports() == []
