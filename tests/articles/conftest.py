"""Fixtures for the admin tests, and a catalogue for the API's orderings."""

import pytest

from articles.models import Article
from tests.factories import make_editor


@pytest.fixture
def desk_editor():
    """A staff user in the Editors group."""
    return make_editor()


@pytest.fixture
def editor_client(client, desk_editor):
    client.force_login(desk_editor)
    return client


@pytest.fixture
def mixed_catalogue(build_catalogue, make_article):
    """Ties, and missing dates and scores, to make every ordering say what it does."""
    articles = build_catalogue(5)
    articles += [
        make_article(is_published=True, title="Story 001", published_at=articles[1].published_at, quality=3, heat=10),
        make_article(is_published=True, title="Undated", published_at=None, quality=None, heat=-1),
        make_article(is_published=True, title="Also undated", published_at=None, quality=None, heat=-1),
    ]
    return Article.objects.filter(pk__in=[a.pk for a in articles])
