"""Each benchmark in bench/ still runs from start to end and prints its figures, at a tiny size.

Not a measurement (the figures at these sizes mean nothing): the benchmarks are run by hand, and
a change to the settings or the schema once broke two of them unnoticed for a session.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_tool

PROJECT = Path(__file__).resolve().parents[2]
BENCH = PROJECT / "bench"
# A developer's shell: none of the suite's own settings (pyproject.toml's env, the suite's database).
OWN_SETTINGS = re.compile(r"^(DJANGO_|NEWSDESK_|DATABASE_|REDIS_URL|GUNICORN_|PYTEST|API_BENCH)")
LOAD_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsdesk_load_smoke"

BENCHMARKS = {
    "import": (
        ["import_bench.py", "--n", "60"],
        {},
        ["floor (CSafeLoader", "import_articles, unchanged tree:", "ratio re-import / import:"],
    ),
    "admin": (["admin_bench.py", "--small", "20", "--large", "40", "--runs", "1"], {}, ["default list:"]),
    "search": (["search_bench.py", "--articles", "200", "--repeat", "1", "--directory", "{tmp}"], {}, ["overall"]),
    "api": (
        ["api_bench.py", "--articles", "200", "--duration", "1", "--rounds", "1"],
        {},
        ["list / ceiling:", "ceiling"],
    ),
    "stories": (
        ["story_bench.py", "--scale", "200", "--no-written"],
        {},
        ["procedural 100", "ratio on / off:", "ratio 1,000 / 50:"],
    ),
    "load": (
        ["load.py", "--n", "200", "--import-n", "50", "--seconds", "6"],
        {"DATABASE_URL": LOAD_DATABASE_URL},
        ["3: Redis killed", "import during the run: finished"],
    ),
}

LOADED_WITH_WRK = {"api", "load"}


@pytest.mark.parametrize("name", BENCHMARKS)
def test_the_benchmark_runs_and_prints_its_figures(name, tmp_path):
    arguments, extra_environment, expected = BENCHMARKS[name]
    if name in LOADED_WITH_WRK:
        require_tool(shutil.which("wrk") is not None, "Debian's wrk")
    environment = {key: value for key, value in os.environ.items() if not OWN_SETTINGS.match(key)}
    command = [sys.executable, str(BENCH / arguments[0]), *(a.format(tmp=tmp_path) for a in arguments[1:])]

    finished = subprocess.run(
        command, cwd=tmp_path, env={**environment, **extra_environment}, capture_output=True, text=True, timeout=600
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    for line in expected:
        assert line in finished.stdout, finished.stdout[-3000:]
    assert "Traceback" not in finished.stderr
    if name == "load":  # what it checks besides speed: no unpublished or withdrawn article served
        assert re.findall(r"leaks +(\d+) +stale +(\d+)", finished.stdout) == [("0", "0")] * 4, finished.stdout
