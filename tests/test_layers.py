"""The import graph of bot/ and actions/: no cycle, and each layer imports only those below it.

Every import counts, those under `if TYPE_CHECKING:` and inside functions included: a cycle
hidden from the interpreter is still two modules that cannot be understood one without the other.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "actions")
# What may import the composition root: the commands that start a bot.
RUNTIME_USERS = {"bot.runtime", "bot.cli", "bot.commands", "bot.__main__"}
# The plain types lean on these value types of the NLU, and they on nothing above them.
TYPES_LEAVES = {"bot.nlu.danger", "bot.nlu.situation"}


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {
        _name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def _resolve(target: str) -> str | None:
    """The module of ours `target` names: itself, or its longest known prefix (`a.b.Name`)."""
    modules = _modules()
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _imports(module: str) -> set[str]:
    """Our modules `module` imports anywhere in its body."""
    path = _modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from bot import texts` imports the module bot.texts, `from bot.x import Y` bot.x.
            targets = [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            resolved = _resolve(target)
            if resolved is not None and resolved != module:
                found.add(resolved)
    return found


@cache
def _graph() -> dict[str, frozenset[str]]:
    return {module: frozenset(_imports(module)) for module in _modules()}


def _cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _reach(module: str) -> set[str]:
    """Every module `module` imports, directly or through others."""
    graph, seen, todo = _graph(), set[str](), [module]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_graph_is_read() -> None:
    # Guards the parser: a test that read no imports would pass on any code.
    graph = _graph()
    assert "bot.chat" in graph and "bot.types" in graph["bot.chat"]
    assert "bot.texts" in graph["bot.dialogue.core"]  # `from bot import texts`
    assert _cycles({"a": frozenset({"b"}), "b": frozenset({"a"}), "c": frozenset()}) == [["a", "b"]]


def test_no_import_cycle() -> None:
    assert _cycles(_graph()) == []


def test_types_stand_on_leaves_only() -> None:
    direct = {m for m in _graph()["bot.types"] if _within(m, "bot")}
    assert direct <= TYPES_LEAVES
    # Nothing above the plain types is reached through the leaves either.
    above = ("bot.chat", "bot.dialogue", "bot.handoff", "bot.channels", "bot.web", "bot.storage")
    assert not [m for m in _reach("bot.types") if _within(m, *above)]


@pytest.mark.parametrize("layer", ["bot.handoff", "bot.dialogue"])
def test_services_know_no_channel(layer: str) -> None:
    """The handoff and dialogue services never import the chat service, a channel or the web."""
    wrong = {
        (module, target)
        for module, targets in _graph().items()
        if _within(module, layer)
        for target in targets
        if _within(target, "bot.chat", "bot.channels", "bot.web", "bot.runtime")
    }
    assert wrong == set()


def test_handoff_ports_need_only_types() -> None:
    allowed = {"bot.types", "bot.storage.models"}
    assert {m for m in _graph()["bot.handoff.ports"] if _within(m, "bot")} <= allowed


def test_only_the_commands_import_the_runtime() -> None:
    users = {m for m, targets in _graph().items() if "bot.runtime" in targets}
    assert users <= RUNTIME_USERS


def _libraries(module: str) -> set[str]:
    """The top-level names of what `module` imports from outside our packages."""
    path = _modules()[module]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found - set(PACKAGES)


def test_the_channel_registry_is_light() -> None:
    """Privacy and the chat service read the registry: it brings in no channel's adapter."""
    reached = {"bot.channels.registry", *_reach("bot.channels.registry")}
    assert not [m for m in reached if _within(m, "bot.chat", "bot.web", "bot.handoff")]
    assert "bot.channels.telegram" not in reached
    heavy = {"telegram", "aiohttp", "sqlalchemy"}
    assert not {m: heavy & _libraries(m) for m in reached if heavy & _libraries(m)}
