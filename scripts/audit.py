"""pip-audit over both environments' pinned requirements; a known vulnerability fails.

    .venv/bin/python scripts/audit.py [--strict]

Each file in requirements/ is audited with pip-audit against PyPI's advisories. A
vulnerability fails the run unless security/accepted-vulnerabilities.txt lists its id
with the reason it is accepted. Packages the service could not look up are counted and
named; when it could look up none at all (a machine without access to PyPI's JSON API),
that is said plainly, and only `--strict` turns it into a failure.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = (ROOT / "requirements" / "bot.txt", ROOT / "requirements" / "rasa.txt")
ACCEPTED = ROOT / "security" / "accepted-vulnerabilities.txt"
PYPI = "https://pypi.org/pypi/pip/json"


class BadAcceptedList(ValueError):
    """A line of the accepted list without an id or without a reason."""


def accepted(text: str) -> dict[str, str]:
    """The accepted list: `ID  reason…` per line, `#` comments; id → reason."""
    reasons: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise BadAcceptedList(f"line {number}: {vuln_id} needs a reason after its id")
        reasons[vuln_id] = reason.strip()
    return reasons


@dataclass
class Findings:
    """What the audit of one requirements file found."""

    name: str
    packages: int = 0
    unchecked: list[str] = field(default_factory=list)
    # (package, version, id, fixed in) of vulnerabilities nobody accepted
    failing: list[tuple[str, str, str, str]] = field(default_factory=list)
    # (package, id, reason)
    excused: list[tuple[str, str, str]] = field(default_factory=list)
    error: str | None = None


def judge(name: str, report: dict[str, Any], allowed: dict[str, str]) -> Findings:
    """Sort pip-audit's JSON report into failing, accepted and unchecked."""
    found = Findings(name)
    for dep in report.get("dependencies", []):
        found.packages += 1
        if dep.get("skip_reason"):
            found.unchecked.append(dep["name"])
            continue
        for vuln in dep.get("vulns", []):
            ids = [vuln["id"], *vuln.get("aliases", [])]
            reason = next((allowed[i] for i in ids if i in allowed), None)
            if reason is not None:
                found.excused.append((dep["name"], vuln["id"], reason))
            else:
                fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
                found.failing.append((dep["name"], dep.get("version", "?"), vuln["id"], fixed))
    return found


def reachable(url: str = PYPI) -> str | None:
    """None when PyPI's JSON API answers; else why not (a hung network costs seconds)."""
    try:
        with urllib.request.urlopen(url, timeout=10):  # noqa: S310 (a fixed https URL)
            return None
    except (OSError, ValueError) as exc:
        return f"{url}: {exc}"


def audit(requirements: Path) -> dict[str, Any] | str:
    """pip-audit's JSON report for a pinned requirements file, or why there is none."""
    command = [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--no-deps",
               "--disable-pip", "--progress-spinner", "off", "--timeout", "10",
               "-f", "json"]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
    except subprocess.TimeoutExpired:
        return "pip-audit took more than 300 s"
    try:
        report: dict[str, Any] = json.loads(result.stdout)
    except ValueError:
        return (result.stderr.strip().splitlines() or ["pip-audit gave no report"])[-1]
    return report


def show(found: Findings) -> None:
    """Print one file's findings."""
    if found.error is not None:
        print(f"{found.name}: pip-audit could not run: {found.error}")
        return
    checked = found.packages - len(found.unchecked)
    print(f"{found.name}: {checked} of {found.packages} packages checked,"
          f" {len(found.failing)} known vulnerabilities,"
          f" {len(found.excused)} accepted")  # fmt: skip
    for package, vuln_id, reason in found.excused:
        print(f"  accepted {vuln_id} in {package}: {reason}")
    for package, version, vuln_id, fixed in found.failing:
        print(f"  VULNERABLE {package} {version}: {vuln_id} (fixed in {fixed})")
    if found.unchecked and checked:
        print(f"  not found by the service: {', '.join(found.unchecked)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="fail when nothing could be checked")
    args = parser.parse_args(argv)
    try:
        allowed = accepted(ACCEPTED.read_text(encoding="utf-8")) if ACCEPTED.exists() else {}
    except BadAcceptedList as exc:
        print(f"error: {ACCEPTED.relative_to(ROOT)}: {exc}", file=sys.stderr)
        return 2
    results = []
    unreachable = reachable()
    for requirements in REQUIREMENTS:
        name = str(requirements.relative_to(ROOT))
        report = unreachable or audit(requirements)
        found = (
            Findings(name, error=report)
            if isinstance(report, str)
            else judge(name, report, allowed)
        )
        show(found)
        results.append(found)
    if any(found.failing for found in results):
        print(f"audit: FAIL (upgrade, or accept with a reason in {ACCEPTED.relative_to(ROOT)})")
        return 1
    if all(found.error or len(found.unchecked) == found.packages for found in results):
        print("audit: NOTHING CHECKED: the advisory service (PyPI's JSON API per release) is out"
              " of reach from this machine; no package could be looked up")  # fmt: skip
        return 1 if args.strict else 0
    print("audit: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
