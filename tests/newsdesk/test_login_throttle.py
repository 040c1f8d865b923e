"""The admin login refuses password guessing: five wrong passwords for a user name from one address lock
that pair out for the cool-off, the right password included, with a clear page; the lockout is
logged and recorded. The address is the trusted proxies' client address; the suite's own logins
(force_login, the test client's login()) are not counted."""

import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import PASSWORD, make_editor

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
WRONG = "not-the-password"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def desk(fast_hashing):
    return make_editor("desk", password=PASSWORD)


def log_in(client, password: str, *, username: str = "desk", **headers):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **headers)


def test_five_wrong_passwords_lock_the_account_out_even_for_the_right_one(client, desk, caplog):
    caplog.set_level(logging.WARNING, logger="axes")
    for _ in range(4):
        assert log_in(client, WRONG).status_code == 200  # the login form again, with its error
    locked = log_in(client, WRONG)
    assert locked.status_code == 429

    refused = log_in(client, PASSWORD)

    assert refused.status_code == 429
    assert SESSION_KEY not in client.session
    page = refused.content.decode()
    assert "Too many failed logins" in page
    assert "Logging in as “desk” from your address is locked" in page
    assert "for 15 minutes" in page
    assert refused["Retry-After"] == str(15 * 60)
    assert "Newsdesk" in page  # the admin's own page, not a bare error
    assert client.get("/admin/").status_code == 302  # still not signed in

    # Audited: the running count, every failure with its address, and a log line for the lockout.
    attempt = AccessAttempt.objects.get(username="desk")
    assert (attempt.ip_address, attempt.failures_since_start) == ("127.0.0.1", 6)
    assert AccessFailureLog.objects.filter(username="desk", ip_address="127.0.0.1").count() == 6
    assert AccessFailureLog.objects.filter(username="desk", locked_out=True).exists()
    assert any("Locking out" in record.getMessage() and "desk" in record.getMessage() for record in caplog.records)
    assert WRONG not in attempt.post_data and PASSWORD not in attempt.post_data


def test_a_successful_login_clears_the_count(client, desk):
    for _ in range(4):
        log_in(client, WRONG)
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        assert log_in(client, WRONG).status_code == 200
    assert log_in(client, PASSWORD).status_code == 302


def test_the_lock_holds_one_user_name_at_one_address_behind_the_trusted_proxies(client, desk, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    guesser = {"HTTP_X_FORWARDED_FOR": "198.51.100.9, 203.0.113.5", "REMOTE_ADDR": "10.0.0.2"}
    # The same load balancer in front; what a client writes before its entry is not trusted.
    editor = {"HTTP_X_FORWARDED_FOR": "203.0.113.5, 203.0.113.77", "REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        log_in(client, WRONG, **guesser)
    assert log_in(client, PASSWORD, **guesser).status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"

    assert log_in(client, PASSWORD, **editor).status_code == 302


def test_the_limit_and_cool_off_come_from_the_settings(client, desk, settings):
    settings.AXES_FAILURE_LIMIT = 2
    log_in(client, WRONG)
    assert log_in(client, WRONG).status_code == 429


def test_the_suites_own_logins_are_not_counted(client, desk, admin_client):
    assert admin_client.get("/admin/").status_code == 200  # force_login
    assert client.login(username="desk", password=PASSWORD)
    assert not client.login(username="desk", password=WRONG)
    assert AccessAttempt.objects.count() == 0


def test_its_tables_are_migrated():
    assert AccessAttempt.objects.count() == AccessFailureLog.objects.count() == 0
