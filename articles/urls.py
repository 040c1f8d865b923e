from django.urls import path

from articles import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("stories/<slug:slug>/", views.story_detail, name="story_detail"),
    path("search/", views.search, name="search"),
    path("feeds/rss/", feeds.latest_rss, name="feed_rss"),
    path("feeds/atom/", feeds.latest_atom, name="feed_atom"),
    path("feeds/json/", feeds.latest_json, name="feed_json"),
    path("topics/<slug:slug>/feeds/rss/", feeds.topic_rss, name="topic_feed_rss"),
    path("topics/<slug:slug>/feeds/atom/", feeds.topic_atom, name="topic_feed_atom"),
    path("topics/<slug:slug>/feeds/json/", feeds.topic_json, name="topic_feed_json"),
    path("stories/<slug:slug>/feeds/rss/", feeds.story_rss, name="story_feed_rss"),
    path("stories/<slug:slug>/feeds/atom/", feeds.story_atom, name="story_feed_atom"),
    path("stories/<slug:slug>/feeds/json/", feeds.story_json, name="story_feed_json"),
    # Under /providers/ like the provider page; articles.provider_urls matches only "<slug>/", so these fall through to here.
    path("providers/<slug:slug>/feeds/rss/", feeds.provider_rss, name="provider_feed_rss"),
    path("providers/<slug:slug>/feeds/atom/", feeds.provider_atom, name="provider_feed_atom"),
    path("providers/<slug:slug>/feeds/json/", feeds.provider_json, name="provider_feed_json"),
]
