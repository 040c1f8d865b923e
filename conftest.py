"""Project-wide pytest hooks."""

import os
from pathlib import Path

TESTS = Path(__file__).resolve().parent / "tests"
# Modules that start servers, benchmarks or several import processes: make test-fast leaves them out.
SLOW_MODULES = {TESTS / "bench" / "test_benchmarks_run.py", TESTS / "articles" / "test_import_scale.py"}


def pytest_configure(config):
    # Tests create many users; PBKDF2's deliberate slowness would be most of their time.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        path = Path(item.fspath)
        if TESTS / "browser" in path.parents:
            item.add_marker(pytest.mark.browser)
        if path in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


def pytest_sessionfinish(session, exitstatus):
    # In CI every test must run: a test skipped for a missing service is a failure.
    if os.environ.get("CI") or os.environ.get("NEWSDESK_FORBID_SKIPS"):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
        if skipped and session.exitstatus == 0:
            reporter.write_line(f"{skipped} test(s) were skipped; CI forbids skips.", red=True)
            session.exitstatus = 1
