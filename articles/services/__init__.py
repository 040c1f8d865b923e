"""Every editorial and content write, in one place: the admin, the API, the importer and the scheduler
all come through here (``editorial``: the articles' flags, scores, schedules and content; ``stories``:
what editors decide about stories)."""

from .editorial import (
    LOGGED_ARTICLES,
    EditorialResult,
    article_publish,
    article_schedule_publication,
    article_set_quality,
    article_unpublish,
    articles_content_update,
    articles_follow_files,
    articles_publish,
    articles_publish_due,
    articles_set_quality,
    articles_unpublish,
    audit_time,
    editor_create,
    editorial_changes_record,
    editors_group_ensure,
    validate_quality,
)
from .stories import (
    StaleStory,
    article_move_to_story,
    article_split_from_story,
    stories_merge,
    story_publish_lead_only,
    story_set_headline,
    story_set_lead,
)

__all__ = [
    "LOGGED_ARTICLES",
    "EditorialResult",
    "StaleStory",
    "article_move_to_story",
    "article_publish",
    "article_schedule_publication",
    "article_set_quality",
    "article_split_from_story",
    "article_unpublish",
    "articles_content_update",
    "articles_follow_files",
    "articles_publish",
    "articles_publish_due",
    "articles_set_quality",
    "articles_unpublish",
    "audit_time",
    "editor_create",
    "editorial_changes_record",
    "editors_group_ensure",
    "stories_merge",
    "story_publish_lead_only",
    "story_set_headline",
    "story_set_lead",
    "validate_quality",
]
