"""`python -m bot evaluate FILE` against the session's Rasa server (through RASA_URL)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys

import pytest

pytestmark = pytest.mark.rasa


async def run_evaluate(project_root, rasa, settings, path):
    env = {
        **os.environ,
        "RASA_URL": rasa.url,
        "RASA_TOKEN": rasa.token,
        "DATABASE_URL": settings.database_url,
        "INDEX_DIR": str(settings.index_dir),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "evaluate", str(path),
        cwd=project_root, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    return process.returncode, out.decode(), err.decode()


async def test_evaluate_prints_matrix_scores_and_one_summary_line(
    project_root, rasa, settings, tmp_path
):
    cases = [
        {"text": "复议要交钱吗", "topic": "admin_review", "expect": ["不得向申请人收取任何费用"]},
        {"text": "调解协议签了对方不认怎么办", "topic": "mediation"},
        {"text": "你好", "topic": "other"},
    ]
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases), encoding="utf-8")
    code, out, err = await run_evaluate(project_root, rasa, settings, path)
    assert code == 0, err
    assert "confusion matrix" in out
    lines = out.strip().splitlines()
    assert re.fullmatch(
        r"macro_f1=\d\.\d{3} lenient_macro_f1=\d\.\d{3} answer_hit=(\d\.\d{3}|n/a) n=3", lines[-1]
    )
    assert rasa.token not in out + err


async def test_evaluate_names_the_bad_line(project_root, rasa, settings, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "x", "topic": "other"}\n{"text": "y"}\n', encoding="utf-8")
    code, _, err = await run_evaluate(project_root, rasa, settings, path)
    assert code == 2
    assert "bad.jsonl:2" in err
