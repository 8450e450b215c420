"""The package's layers (docs/architecture.md, "The map"): each module imports only
from its own layer and those below it, and the three pages none of one another.

Every import statement counts, those inside functions too: an import put off to
run time is still a dependency, and the usual way to hide a cycle.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "timeline"

# Top to bottom. A layer of several parts (the pages) keeps them apart: none may
# import another. The package itself (`timeline/__init__.py`) is at the bottom.
LAYERS = (
    ("timeline.__main__",),
    ("timeline.folder.site",),
    ("timeline.app_factory", "timeline.cli"),
    ("timeline.folder.editors_list", "timeline.folder.export"),
    ("timeline.folder.renaming",),
    ("timeline.folder.new_timeline",),
    ("timeline.explorer", "timeline.embed", "timeline.editor"),
    ("timeline.folder",),
    ("timeline.engine",),
    ("timeline.serving",),
    ("timeline.data_store",),
    ("timeline.view",),
    ("timeline.data",),
    ("timeline.addresses",),
    ("timeline.config", "timeline.memory", "timeline"),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    return imports_in(path.read_text(encoding="utf-8"), module_name(path),
                      is_package=path.name == "__init__.py")


def imports_in(source: str, module: str, is_package: bool = False) -> set[str]:
    """The timeline modules `source` (module `module`) imports, anywhere in it;
    `from timeline.x import y` counts as timeline.x.y (y may be a module)."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source_module = ".".join(base + ([node.module] if node.module else []))
            else:
                source_module = node.module or ""
            found |= {f"{source_module}.{alias.name}" for alias in node.names}
    return {name for name in found if name == "timeline" or name.startswith("timeline.")}


def place(module: str) -> tuple[int, str]:
    """The layer (0 at the top) and the part of it that `module` belongs to."""
    best = None
    for depth, parts in enumerate(LAYERS):
        for part in parts:
            inside = module == part or module.startswith(part + ".")
            if inside and (best is None or len(part) > len(best[1])):
                best = (depth, part)
    assert best is not None, f"{module} is in no layer: add it to LAYERS and to the map"
    return best


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    for path in MODULES:
        place(module_name(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: module_name(path))
def test_imports_go_down_only(path: Path):
    importer = module_name(path)
    depth, part = place(importer)
    against = []
    for imported in sorted(imported_modules(path)):
        their_depth, their_part = place(imported)
        if their_depth < depth or (their_depth == depth and their_part != part):
            against.append(f"{importer} imports {imported}")
    assert not against, "imports against the layers (docs/architecture.md):\n" + "\n".join(against)


def test_no_module_imports_itself_back():
    """No cycles among modules, within a layer too (one hides behind an import in a
    function: Python allows it, a reader cannot follow it)."""
    graph = {module_name(path): imported_modules(path) for path in MODULES}

    def as_module(name: str) -> str:  # timeline.x.y, where y is a name in module timeline.x
        return name if name in graph else as_module(name.rpartition(".")[0])

    graph = {module: {as_module(m) for m in imports} - {module}
             for module, imports in graph.items()}
    cycles = []

    def visit(module: str, trail: list[str]):
        for imported in graph[module]:
            if imported in trail:
                cycles.append(" -> ".join(trail[trail.index(imported):] + [imported]))
            elif imported not in seen:
                seen.add(imported)
                visit(imported, trail + [imported])

    for start in graph:
        seen = {start}
        visit(start, [start])
    assert not cycles, "import cycles:\n" + "\n".join(sorted(set(cycles)))


def test_the_check_sees_imports_inside_functions_and_relative_ones():
    source = ("import os\n"
              "def later():\n    from timeline.editor.access import EDIT_PREFIX\n"
              "from ..data import schema\n")
    found = imports_in(source, "timeline.serving.request_guard")
    assert found == {"timeline.editor.access.EDIT_PREFIX", "timeline.data.schema"}
    pages = next(depth for depth, parts in enumerate(LAYERS) if "timeline.editor" in parts)
    assert place("timeline.editor.access.EDIT_PREFIX") == (pages, "timeline.editor")
    store = LAYERS.index(("timeline.data_store",))
    assert place("timeline.data_store") == (store, "timeline.data_store")  # not timeline.data
    # The longest part wins: the folder's site is above the app it builds.
    assert place("timeline.folder.site")[0] < place("timeline.app_factory")[0] \
        < place("timeline.folder.catalogue")[0]
