"""Project-wide pytest hooks."""

import os


def pytest_sessionfinish(session, exitstatus):
    # In CI every test must run: a test skipped for a missing service is a failure.
    if os.environ.get("CI") or os.environ.get("NEWSDESK_FORBID_SKIPS"):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
        if skipped and session.exitstatus == 0:
            reporter.write_line(f"{skipped} test(s) were skipped; CI forbids skips.", red=True)
            session.exitstatus = 1
