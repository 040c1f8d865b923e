"""`.ci/test-machine`, the set-up `make test` and CI start with: what it does on a machine that lacks a tool.

Nothing is uninstalled: the script runs with a PATH of its own, a copy of this machine's without
the commands a test takes away (and with a stand-in ``id`` for a user who is not root).
"""

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_tool

PROJECT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT / ".ci" / "test-machine"
BASH = "/bin/bash"


def path_without(tmp_path: Path, *removed: str, non_root: bool = False) -> str:
    """A one-directory PATH holding every command of this machine's PATH but ``removed``."""
    commands = tmp_path / "bin"
    commands.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            target = commands / name
            if name not in removed and not target.exists() and os.access(os.path.join(directory, name), os.X_OK):
                target.symlink_to(os.path.join(directory, name))
    if non_root:
        (commands / "id").unlink(missing_ok=True)
        (commands / "id").write_text("#!/bin/sh\necho 1000\n")
        (commands / "id").chmod(0o755)
    return str(commands)


def run(*arguments: str, path: str | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PATH": path or os.environ["PATH"]}
    return subprocess.run([BASH, str(SCRIPT), *arguments], env=environment, capture_output=True, text=True, timeout=60)


def test_this_machine_has_everything_the_suite_needs():
    result = run("--check")
    assert (result.returncode, result.stderr) == (0, "")


def test_check_names_a_missing_package_in_one_line_and_fails(tmp_path):
    result = run("--check", path=path_without(tmp_path, "wrk"))

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr == (
        "test machine: Debian packages missing: wrk (apt-get install --no-install-recommends wrk)\n"
    )


def test_check_names_everything_missing_in_the_same_line(tmp_path):
    result = run("--check", path=path_without(tmp_path, "wrk", "npm", "pg_isready", "redis-cli"))

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "packages missing: wrk npm (apt-get install --no-install-recommends wrk npm)" in result.stderr
    assert "PostgreSQL is not answering on 127.0.0.1:5432" in result.stderr
    assert "Redis is not answering on 127.0.0.1:6379" in result.stderr


@pytest.mark.parametrize(
    ("removed", "non_root"),
    [pytest.param(("wrk",), True, id="not-root"), pytest.param(("wrk", "apt-get"), False, id="no-apt-get")],
)
def test_without_a_way_to_install_it_stops_at_once_with_one_line_saying_what_to_install(tmp_path, removed, non_root):
    result = run(path=path_without(tmp_path, *removed, non_root=non_root))

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "test machine: the test suite needs Debian's wrk: install them "
        "(sudo apt-get install --no-install-recommends wrk), then run make test again\n"
    )


@pytest.mark.parametrize("target", ["test", "test-postgres"])
def test_make_test_sets_the_machine_up_first_and_forbids_skips(target):
    # As a developer's shell runs it, also when the suite itself runs under make (make test).
    env = {name: value for name, value in os.environ.items() if name not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    commands = subprocess.run(
        ["make", "--no-print-directory", "-n", target], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60
    ).stdout.splitlines()
    assert commands[0] == "bash .ci/test-machine"
    assert commands[-1].startswith("NEWSDESK_FORBID_SKIPS=1 ") and commands[-1].endswith(".venv/bin/pytest")


def test_ci_uses_the_same_set_up_then_make_test():
    ci = (PROJECT / ".ci" / "run").read_text()
    assert "bash .ci/test-machine" in ci and "apt-get" not in ci
    assert ci.index("bash .ci/test-machine") < ci.index("make test\n")


def test_a_test_needing_a_missing_tool_fails_instead_of_skipping():
    with pytest.raises(pytest.fail.Exception, match=r"Debian's wrk is not installed: `make test` installs it"):
        require_tool(False, "Debian's wrk")
