"""Fixtures for the admin tests."""

import pytest

from .admin_support import make_editor


@pytest.fixture
def desk_editor():
    """A staff user in the Editors group."""
    return make_editor()


@pytest.fixture
def editor_client(client, desk_editor):
    client.force_login(desk_editor)
    return client
