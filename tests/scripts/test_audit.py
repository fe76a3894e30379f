import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit.py"
spec = importlib.util.spec_from_file_location("audit", SCRIPT)
assert spec is not None and spec.loader is not None
audit = importlib.util.module_from_spec(spec)
sys.modules["audit"] = audit  # its dataclasses look their module up there
spec.loader.exec_module(audit)

REPORT = {
    "dependencies": [
        {"name": "aiohttp", "version": "3.9.5", "vulns": [
            {"id": "PYSEC-2024-24", "aliases": ["CVE-2024-23334", "GHSA-5h86-8mv2-jq9f"],
             "fix_versions": ["3.9.2"]},
            {"id": "GHSA-7gpw-8wmc-pm8g", "aliases": [], "fix_versions": []},
        ]},
        {"name": "jinja2", "version": "3.1.6", "vulns": []},
        {"name": "private-pkg", "skip_reason": "Dependency not found on PyPI"},
    ]
}  # fmt: skip


def test_a_vulnerability_fails_unless_accepted_under_any_of_its_names():
    allowed = audit.accepted("CVE-2024-23334 no symlinked static files\n")
    found = audit.judge("rasa.txt", REPORT, allowed)
    assert found.packages == 3 and found.unchecked == ["private-pkg"]
    assert found.excused == [("aiohttp", "PYSEC-2024-24", "no symlinked static files")]
    assert found.failing == [("aiohttp", "3.9.5", "GHSA-7gpw-8wmc-pm8g", "no fixed release")]


def test_an_accepted_entry_needs_a_reason():
    with pytest.raises(audit.BadAcceptedList, match="line 2"):
        audit.accepted("# comment\nPYSEC-2024-24\n")


def test_the_run_fails_on_a_vulnerability_and_says_when_nothing_could_be_checked(
    monkeypatch, capsys
):
    monkeypatch.setattr(audit, "reachable", lambda: None)
    monkeypatch.setattr(audit, "audit", lambda requirements: REPORT)
    assert audit.main([]) == 1
    assert "VULNERABLE aiohttp 3.9.5: GHSA-7gpw-8wmc-pm8g" in capsys.readouterr().out

    skipped = {"dependencies": [{"name": "x", "skip_reason": "not found"}]}
    monkeypatch.setattr(audit, "audit", lambda requirements: skipped)
    assert audit.main([]) == 0
    assert "NOTHING CHECKED" in capsys.readouterr().out
    assert audit.main(["--strict"]) == 1


def test_an_unreachable_service_is_said_and_pip_audit_not_run(monkeypatch, capsys):
    monkeypatch.setattr(audit, "reachable", lambda: "https://pypi.org/pypi/pip/json: timed out")
    monkeypatch.setattr(audit, "audit", lambda requirements: pytest.fail("pip-audit ran"))
    assert audit.main([]) == 0
    out = capsys.readouterr().out
    assert "could not run: https://pypi.org/pypi/pip/json: timed out" in out
    assert "NOTHING CHECKED" in out
