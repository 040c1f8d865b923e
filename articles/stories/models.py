"""Stories: the articles that report one real-world event, from however many providers.

Every article belongs to exactly one story; an article no other matches is a story of one. The
importer places articles (``articles.stories.placement``); editors merge, move, split and choose
the lead and headline (``articles.services``), and what they decide stays decided.
"""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse


class StoryQuerySet(models.QuerySet):
    def published(self):
        """Stories readers may see: those with at least one published article."""
        return self.filter(published_size__gt=0)

    def visible_to(self, user):
        """Every story for a user who may view unpublished articles, the published ones for anyone else."""
        from ..permissions import can_view_unpublished

        return self if can_view_unpublished(user) else self.published()

    def with_others(self):
        """Stories of more than one article."""
        return self.filter(size__gt=1)


# Newest first by the latest published article, undated stories last; the index below serves it.
STORIES_NEWEST_FIRST = (F("last_published_at").desc(nulls_last=True), F("id").desc())
STORIES_LARGEST_FIRST = (F("published_size").desc(), F("id").desc())


class Story(models.Model):
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the story's page address.")
    headline = models.CharField(max_length=500, blank=True, help_text="The lead's title unless an editor chose one.")
    headline_set_by_editor = models.BooleanField(default=False)
    lead = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The article that stands for the story in listings: an editor's choice, else the best published one.",
    )
    lead_set_by_editor = models.BooleanField(default=False)
    edited_by_editor = models.BooleanField(
        default=False, help_text="An editor merged, split, moved into or out of it: imports never merge it."
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The story it was merged into: its address leads there.",
    )
    size = models.PositiveIntegerField(default=0, help_text="Articles in the story, published or not.")
    published_size = models.PositiveIntegerField(default=0, help_text="Published articles in the story.")
    provider_count = models.PositiveIntegerField(default=0, help_text="Providers of its published articles.")
    first_seen_at = models.DateTimeField(null=True, blank=True, help_text="Its earliest article's source date.")
    last_seen_at = models.DateTimeField(null=True, blank=True, help_text="Its latest article's source date.")
    last_published_at = models.DateTimeField(
        null=True, blank=True, help_text="Its latest published article's source date (the public order)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        ordering = STORIES_NEWEST_FIRST
        indexes = [
            # On PostgreSQL its date column is built DESC NULLS LAST (migration 0012), as the order says.
            models.Index(
                fields=["-last_published_at", "-id"], condition=Q(published_size__gt=0), name="story_public_newest_idx"
            ),
            models.Index(
                fields=["-published_size", "-id"], condition=Q(published_size__gt=0), name="story_public_largest_idx"
            ),
            models.Index(fields=["-last_seen_at", "-id"], name="story_newest_idx"),
            models.Index(fields=["-size", "-id"], name="story_size_idx"),
        ]

    def __str__(self) -> str:
        return self.headline or self.slug

    def get_absolute_url(self) -> str:
        return reverse("articles:story_detail", args=[self.slug])


class StoryKey(models.Model):
    """One candidate key of an article: a distinctive word on the day of its source date.

    A new article looks up its own words on the days around its date, so finding the stories it
    may belong to is an index lookup whose cost depends on the day's volume, not the catalogue's.
    """

    key = models.BigIntegerField()
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["key", "article"], name="story_key_idx")]

    def __str__(self) -> str:
        return f"{self.key} → {self.article_id}"
