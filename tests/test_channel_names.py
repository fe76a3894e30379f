"""No channel name outside bot/channels/: the rest of the bot reads names from the registry.

A channel is added by its own module; a name or a conversation-id prefix written out in
the statistics, privacy, the console, the desk or handoff would be one more file to touch.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.channels.registry import CHANNELS

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("bot", "actions")
OWN = ROOT / "bot" / "channels"
TEMPLATES = ROOT / "bot" / "web" / "templates"
# Strings that look like a channel's but are not: each says what it is instead.
NOT_CHANNELS = {
    # The web desk's operators are keyed `web:<member id>`: staff accounts, not a conversation.
    ("bot/handoff/operator.py", "web:"),
}


def _names() -> set[str]:
    return {info.name for info in CHANNELS}


def _prefixes() -> tuple[str, ...]:
    return tuple(f"{info.prefix}:" for info in CHANNELS)


def _channel_like(value: str) -> bool:
    return value in _names() or value.startswith(_prefixes())


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of docstring nodes: prose may name a channel."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def literals(source: str, relative: str) -> list[str]:
    """The channel names and prefixes written out in Python source, as `file:line: value`.

    Every string constant counts, the parts of f-strings included; docstrings do not.
    """
    tree = ast.parse(source, relative)
    docs = _docstrings(tree)
    return [
        f"{relative}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docs and _channel_like(node.value)
        if (relative, node.value) not in NOT_CHANNELS
    ]


def template_literals(path: Path) -> list[str]:
    """Quoted channel names in a template (the dashboard's channel filter)."""
    relative = path.relative_to(ROOT).as_posix()
    quoted = re.compile(r"""(["'])([^"'\n]*)\1""")
    return [
        f"{relative}:{n}: {m.group(2)!r}"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for m in quoted.finditer(line)
        if _channel_like(m.group(2))
    ]


def _python_files() -> list[Path]:
    return [
        path
        for package in SCANNED
        for path in sorted((ROOT / package).rglob("*.py"))
        if OWN not in path.parents and "__pycache__" not in path.parts
    ]


def test_the_registry_knows_both_channels() -> None:
    # Guards the scan: with no names to look for it would pass on any code.
    assert {"telegram", "web"} <= _names()
    assert {"tg:", "web:"} <= set(_prefixes())


@pytest.mark.parametrize(
    "source",
    [
        'CHANNEL = "web"',
        "x = {'tg': 'telegram'}",
        'conversation = f"tg:{chat_id}"',
        'if citizen.startswith("web:"): pass',
    ],
)
def test_the_scan_finds_a_written_out_name(source: str) -> None:
    probe = f'"""A probe: the telegram channel named in prose is fine."""\n{source}\n'
    assert len(literals(probe, "bot/probe.py")) == 1


def test_no_channel_name_outside_the_channels() -> None:
    found = [
        hit
        for path in _python_files()
        for hit in literals(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    ]
    assert found == []


def test_no_channel_name_in_the_templates() -> None:
    found = [hit for path in sorted(TEMPLATES.rglob("*.html")) for hit in template_literals(path)]
    assert found == []
