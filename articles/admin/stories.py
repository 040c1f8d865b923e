"""The stories admin: find the stories, and on a story's page curate it (its lead, headline and articles).

Every write is a call into ``articles.services`` (merge, move, split, lead, headline, publish the lead
only), each audited on the articles it touches. The story row itself is never saved through a form:
everyone who may see unpublished articles reads stories here, and only those who may curate
(``permissions.can_curate``) act on them, through the page's buttons and the list's merge action.

A page acted on after the story changed (merged meanwhile, an article moved) gets the service's
``StaleStory`` message and a redirect, never an error page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html

from .. import services
from ..models import OLDEST_FIRST, Article, EditorialChange, Story
from ..permissions import can_curate, can_view_unpublished
from .changelist import CappedCountAdminMixin, ValidatedChangeListMixin
from .filters import StoryTopicFilter

# The story page lists this many articles; a larger story says how many more it holds.
ARTICLES_SHOWN = 200
# A merge names its stories one by one: more than a page of them is not an editor's decision.
MERGE_LIMIT = 100


class StoryOperationForm(forms.Form):
    """One button of the story page: what to do, to which article, with which slug or headline."""

    OPERATIONS = ["set_lead", "split", "move", "headline", "publish_lead_only", "merge"]

    operation = forms.ChoiceField(choices=[(name, name) for name in OPERATIONS])
    article = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    slug = forms.SlugField(required=False, max_length=120)
    headline = forms.CharField(required=False, strip=True, max_length=Story._meta.get_field("headline").max_length)

    def clean(self):
        cleaned = super().clean()
        operation = cleaned.get("operation")
        if operation in ("set_lead", "split", "move") and not cleaned.get("article"):
            raise forms.ValidationError("Choose an article.")
        if operation in ("move", "merge") and not cleaned.get("slug"):
            raise forms.ValidationError("Give the address (slug) of the other story.")
        return cleaned


class MergeForm(forms.Form):
    into = forms.IntegerField(min_value=1, help_text="The story the others are merged into.")


@admin.register(Story)
class StoryAdmin(ValidatedChangeListMixin, CappedCountAdminMixin, admin.ModelAdmin):
    list_display = ["headline_column", "size", "providers", "time_span", "lead_column", "published"]
    list_display_links = ["headline_column"]
    list_filter = [StoryTopicFilter, ("last_seen_at", admin.DateFieldListFilter)]
    list_select_related = ["lead", "lead__provider"]
    list_per_page = 50
    # Orders the story indexes serve.
    sortable_by = ["size", "time_span"]
    ordering = ["-last_seen_at", "-id"]
    search_fields = ["headline"]
    search_help_text = "Searches headlines."
    actions = ["merge_selected"]
    change_form_template = "admin/articles/story/change_form.html"
    # The public story page is not served yet.
    view_on_site = False
    fieldsets = [
        (None, {"fields": ["headline", "headline_set_by_editor", "slug", "lead", "lead_set_by_editor"]}),
        (
            "Coverage",
            {
                "fields": [
                    "size",
                    "published_size",
                    "provider_count",
                    "first_seen_at",
                    "last_seen_at",
                    "edited_by_editor",
                ]
            },
        ),
    ]

    class Media:
        css = {"all": ["newsdesk_admin/admin.css"]}

    # Permissions: read by editors, acted on only through the services by curators.

    def has_view_permission(self, request, obj=None):
        return can_view_unpublished(request.user)

    def has_curate_permission(self, request, obj=None) -> bool:
        return can_curate(request.user)

    def has_add_permission(self, request):
        # Stories come from the importer, and from splitting an article out.
        return False

    def has_change_permission(self, request, obj=None):
        # No form saves a story: each decision is a service call (see ``curate_view``).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # A merged story leads to its target, an empty one is on its way out: neither is listed.
        return super().get_queryset(request).filter(merged_into__isnull=True, size__gt=0)

    def get_object(self, request, object_id, from_field=None):
        # The page of a merged story still opens (to say where it went); see ``change_view``.
        try:
            return Story.objects.select_related("lead", "lead__provider").get(pk=int(object_id))
        except (ValueError, OverflowError, Story.DoesNotExist):
            return None

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # List columns

    @admin.display(description="headline")
    def headline_column(self, story):
        return story.headline or story.slug

    @admin.display(description="providers")
    def providers(self, story):
        return story.provider_count

    @admin.display(description="published")
    def published(self, story):
        return story.published_size

    @admin.display(description="time span", ordering="last_seen_at")
    def time_span(self, story):
        if not story.first_seen_at:
            return "—"
        first, last = (timezone.localtime(moment) for moment in (story.first_seen_at, story.last_seen_at))
        start = formats.date_format(first, "SHORT_DATETIME_FORMAT")
        if last == first:
            return start
        return f"{start} – {formats.date_format(last, 'SHORT_DATETIME_FORMAT')}"

    @admin.display(description="lead")
    def lead_column(self, story):
        lead = story.lead
        if lead is None:
            return "—"
        url = reverse("admin:articles_article_change", args=[lead.pk])
        return format_html('<a href="{}">{}</a> <span class="nd-provider">({})</span>', url, lead.title, lead.provider)

    # The story page

    def get_urls(self):
        curate = path(
            "<path:object_id>/curate/",
            self.admin_site.admin_view(self.curate_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_curate",
        )
        return [curate, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        story = self.get_object(request, object_id)
        if story is not None and story.merged_into_id and self.has_view_permission(request, story):
            self.message_user(request, "This story was merged into the one shown here.", messages.INFO)
            return HttpResponseRedirect(_change_url(story.merged_into_id))
        context = {**(extra_context or {})}
        if story is not None:
            articles = list(
                Article.objects.filter(story=story)
                .select_related("provider")
                .order_by(*OLDEST_FIRST)[: ARTICLES_SHOWN + 1]
            )
            context.update(
                story_articles=articles[:ARTICLES_SHOWN],
                story_articles_more=max(story.size - ARTICLES_SHOWN, 0) if len(articles) > ARTICLES_SHOWN else 0,
                may_curate=self.has_curate_permission(request, story),
                curate_url=reverse("admin:articles_story_curate", args=[story.pk]),
                editor_headline=story.headline if story.headline_set_by_editor else "",
            )
        return super().change_view(request, object_id, form_url, context)

    def curate_view(self, request, object_id):
        """One decision from the story page; its message, then back to the page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_curate_permission(request):
            raise PermissionDenied
        story = self.get_object(request, object_id)
        if story is None:
            self.message_user(request, "This story no longer exists.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_story_changelist"))
        form = StoryOperationForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                for error in errors:
                    self.message_user(request, error if field == "__all__" else f"{field}: {error}", messages.ERROR)
            return HttpResponseRedirect(_change_url(story.pk))
        try:
            message = self._curate(request, story, form.cleaned_data)
        except services.StaleStory as stale:
            self.message_user(request, str(stale), messages.ERROR)
        else:
            self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(_change_url(story.pk))

    def _curate(self, request, story: Story, data: dict) -> str:
        user, via = request.user, EditorialChange.Via.ADMIN
        operation = data["operation"]
        if operation == "headline":
            story = services.story_set_headline(story=story, headline=data["headline"], user=user, via=via)
            return (
                f"Headline set to “{story.headline}”." if data["headline"] else "The headline follows the lead again."
            )
        if operation == "publish_lead_only":
            services.story_publish_lead_only(story=story, user=user, via=via)
            return "Published the lead; the story's other articles are held back."
        if operation == "merge":
            other = _story_by_slug(data["slug"])
            moved = services.stories_merge(stories=[other], into=story, user=user, via=via)
            return f"Merged “{other}” into this story ({moved} article{'s' if moved != 1 else ''} moved)."
        article = Article.objects.filter(pk=data["article"]).first()
        if article is None:
            raise services.StaleStory("This article no longer exists; reload the page.")
        if operation == "set_lead":
            services.story_set_lead(story=story, article=article, user=user, via=via)
            return f"“{article.title}” leads the story."
        if operation == "split":
            new = services.article_split_from_story(article=article, expected_story=story, user=user, via=via)
            return format_html(
                '“{}” is now a story of its own: <a href="{}">{}</a>.', article.title, _change_url(new.pk), new.slug
            )
        target = _story_by_slug(data["slug"])
        services.article_move_to_story(article=article, story=target, expected_story=story, user=user, via=via)
        return format_html('“{}” moved to <a href="{}">{}</a>.', article.title, _change_url(target.pk), target)

    # Bulk action

    @admin.action(description="Merge selected stories…", permissions=["curate"])
    def merge_selected(self, request, queryset):
        """Into the story the editor picks: the one with most articles unless told otherwise."""
        stories = list(queryset.order_by("-size", "-id")[: MERGE_LIMIT + 1])
        if len(stories) < 2:
            self.message_user(request, "Select at least two stories to merge.", messages.WARNING)
            return None
        if len(stories) > MERGE_LIMIT:
            self.message_user(request, f"Merge at most {MERGE_LIMIT} stories at once.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            into = next((story for story in stories if story.pk == form.cleaned_data["into"]), None)
            if into is None:
                self.message_user(request, "Choose one of the selected stories to merge into.", messages.ERROR)
                return None
            try:
                moved = services.stories_merge(
                    stories=stories, into=into, user=request.user, via=EditorialChange.Via.BULK
                )
            except services.StaleStory as stale:
                self.message_user(request, str(stale), messages.ERROR)
                return None
            self.message_user(
                request,
                f"Merged {len(stories) - 1} stories into “{into}” ({moved} article{'s' if moved != 1 else ''} moved).",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge the selected stories",
            "opts": self.opts,
            "stories": stories,
            "largest": stories[0],
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across") == "1",
            "action": "merge_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/story/merge.html", context)


def _change_url(pk: int) -> str:
    return reverse("admin:articles_story_change", args=[pk])


def _story_by_slug(slug: str) -> Story:
    story = Story.objects.filter(slug=slug).first()
    if story is None:
        raise services.StaleStory(f"No story has the address “{slug}”.")
    return story
