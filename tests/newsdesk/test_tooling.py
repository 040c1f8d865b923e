"""The suite's own set-up: the fast password hasher, and the markers that make test-fast relies on."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import get_hasher

PROJECT = Path(__file__).resolve().parents[2]


def test_the_suite_hashes_passwords_with_a_fast_hasher():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert get_hasher().algorithm == "md5"


def collected(*options: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *options],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_make_test_fast_leaves_out_the_browser_and_slow_tests_only():
    everything = collected()
    fast = collected("-m", "not browser and not slow")
    left_out = set(everything) - set(fast)

    assert fast and left_out
    assert all(
        node.startswith(("tests/browser/", "tests/bench/", "tests/articles/test_import_scale.py")) for node in left_out
    )
    assert any(node.startswith("tests/browser/") for node in left_out)
    assert any(node.startswith("tests/bench/") for node in left_out)
