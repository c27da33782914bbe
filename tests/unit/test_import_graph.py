"""No module of Smolny imports itself back, however far round.

The import-linter contracts in pyproject.toml say which layer may import which; this test
says the one thing they cannot: that the graph of imports between Smolny's modules has no
cycle at all. Imports inside functions count (a deferred import only hides a cycle from
Python's loader, not from the reader), and so do imports of a package's ``__init__``.
"""

from __future__ import annotations

import grimp


def import_cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """The strongly connected groups of two or more modules of *package* (Tarjan's
    algorithm, without recursion), each sorted, the groups sorted; a module importing
    itself counts as a group of one."""
    modules = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    inside = set(modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & inside) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges[node]
            if i < len(targets):
                work.append((node, i + 1))
                target = targets[i]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in edges[node]:
                    groups.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(groups)


def test_the_cycle_finder_finds_a_cycle_through_three_modules() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=importer, imported=imported)
    graph.add_module("p")
    assert import_cycles(graph, "p") == [["p.a", "p.b", "p.c"]]
    graph.remove_import(importer="p.c", imported="p.a")
    assert import_cycles(graph, "p") == []


def test_no_module_of_smolny_imports_itself_back() -> None:
    graph = grimp.build_graph("smolny", cache_dir=None)
    assert len(graph.modules) > 100  # the whole package was read
    assert import_cycles(graph, "smolny") == []
