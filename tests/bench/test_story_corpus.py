"""The story benchmark's own parts: the labelled sets it generates and reads, and how it scores groupings.

No database: the corpus module is pure, and a wrong score here would make every figure the benchmark
prints wrong without anything failing.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from bench import story_corpus as corpus


def test_bcubed_of_a_perfect_grouping_is_one_whatever_the_group_names():
    truth = {"a": 1, "b": 1, "c": 2}
    found = {"a": "x", "b": "x", "c": "y"}

    assert corpus.bcubed(truth, found) == (1.0, 1.0, 1.0)


def test_bcubed_of_everything_in_one_group():
    truth = {"a": 1, "b": 1, "c": 2, "d": 3}
    found = dict.fromkeys(truth, 0)

    precision, recall, f1 = corpus.bcubed(truth, found)

    assert precision == pytest.approx((2 / 4 + 2 / 4 + 1 / 4 + 1 / 4) / 4)
    assert recall == 1.0
    assert f1 == pytest.approx(2 * precision / (precision + 1))


def test_bcubed_of_all_singletons():
    truth = {"a": 1, "b": 1, "c": 1, "d": 2}
    found = {item: item for item in truth}

    precision, recall, _ = corpus.bcubed(truth, found)

    assert precision == 1.0
    assert recall == pytest.approx((1 / 3 * 3 + 1) / 4)


def test_bcubed_worked_example():
    # truth {a,b,c} {d,e}; found {a,b} {c,d,e}
    truth = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}
    found = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 2}

    precision, recall, _ = corpus.bcubed(truth, found)

    assert precision == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)


def test_bcubed_is_symmetric_in_f1():
    first = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3}
    second = {"a": 1, "b": 2, "c": 2, "d": 2, "e": 2}

    assert corpus.bcubed(first, second)[2] == pytest.approx(corpus.bcubed(second, first)[2])


def test_generation_is_the_same_for_the_same_seed_and_differs_for_another():
    assert corpus.labelled_articles(corpus.generate(5, 50)) == corpus.labelled_articles(corpus.generate(5, 50))
    assert corpus.labelled_articles(corpus.generate(5, 50)) != corpus.labelled_articles(corpus.generate(6, 50))


def test_generated_events_have_1_to_12_articles_from_distinct_providers_within_48_hours():
    events = corpus.generate(3, 2000)

    assert len(events) == 2000
    sizes = [len(event.articles) for event in events]
    assert min(sizes) == 1 and max(sizes) == 12
    assert sum(size <= 3 for size in sizes) > len(sizes) / 2
    assert sum(size >= 8 for size in sizes) > len(sizes) / 20
    for event in events:
        assert len({article.provider_domain for article in event.articles}) == len(event.articles)
        for article in event.articles:
            assert timedelta(0) <= article.published - event.facts["moment"] < timedelta(hours=48)


def test_generated_articles_of_one_event_are_worded_differently():
    events = [event for event in corpus.generate(4, 500) if len(event.articles) >= 6]

    assert events
    for event in events:
        assert len({article.title for article in event.articles}) >= len(event.articles) // 2


def test_hard_negatives_really_differ_in_place_or_date_or_actor():
    events = corpus.generate(8, 3000)
    by_id = {event.id: event for event in events}
    negatives = [event for event in events if event.facts["negative_of"]]

    kinds = {"other place, same day": 0, "weeks later": 0, "other actor and place": 0}
    assert len(negatives) > 300
    for negative in negatives:
        original, mine = by_id[negative.facts["negative_of"]].facts, negative.facts
        if "other place, same day" in negative.note:
            kinds["other place, same day"] += 1
            assert (mine["actor"], mine["action"]) == (original["actor"], original["action"])
            assert mine["place"] != original["place"]
            assert abs(mine["day"] - original["day"]) < 1
        elif "weeks later" in negative.note:
            kinds["weeks later"] += 1
            assert (mine["actor"], mine["place"]) == (original["actor"], original["place"])
            assert 14 <= mine["day"] - original["day"] <= 56
        else:
            kinds["other actor and place"] += 1
            assert mine["action"] == original["action"]
            assert mine["actor"] != original["actor"] and mine["place"] != original["place"]
    assert all(count > 50 for count in kinds.values()), kinds


def test_a_fixed_daily_rate_spreads_a_larger_set_over_more_days():
    small, large = corpus.generate(9, 300, per_day=100), corpus.generate(9, 3000, per_day=100)

    def span(events):
        days = [event.facts["day"] for event in events if not event.facts["negative_of"]]
        return max(days) - min(days)

    assert span(small) == pytest.approx(3, abs=0.5)
    assert span(large) == pytest.approx(30, abs=1)


def test_the_tree_has_one_file_per_article_and_labels_cover_every_file(tmp_path):
    events = corpus.generate(10, 200)

    paths = corpus.write_tree(events, tmp_path)

    labels = json.loads((tmp_path / "labels.json").read_text())
    assert len(paths) == len(labels) == sum(len(event.articles) for event in events)
    assert sorted(tmp_path.rglob("*.txt")) == sorted(paths)
    event_ids = {event.id for event in events}
    for path in paths:
        front, _, _ = path.read_text(encoding="utf-8").removeprefix("---\n").partition("\n---\n")
        data = yaml.load(front, Loader=yaml.CSafeLoader)
        assert labels[data["webUrl"]] in event_ids
        assert data["webUrl"].split("/")[2] == data["provider"]["domain"]
        assert data["type"] == "article" and data["title"] and data["excerpt"]


def test_a_shuffled_tree_holds_the_same_labels_in_another_order(tmp_path):
    events = corpus.generate(11, 100)

    sorted_paths = corpus.write_tree(events, tmp_path / "sorted")
    shuffled_paths = corpus.write_tree(events, tmp_path / "shuffled", order_seed=1)

    def walk(paths):
        return [yaml.load(path.read_text().split("---\n")[1], Loader=yaml.CSafeLoader)["webUrl"] for path in paths]

    assert (tmp_path / "sorted" / "labels.json").read_text() != (tmp_path / "shuffled" / "labels.json").read_text()
    assert json.loads((tmp_path / "sorted" / "labels.json").read_text()) == json.loads(
        (tmp_path / "shuffled" / "labels.json").read_text()
    )
    assert walk(sorted_paths) != walk(shuffled_paths)
    assert sorted(walk(sorted_paths)) == sorted(walk(shuffled_paths))


def test_load_written_reads_the_labelled_layout(tmp_path):
    path = tmp_path / "sample.yaml"
    path.write_text(
        """
events:
  - id: rates-up
    note: "the base event"
    articles:
      - provider: {name: "BBC News", domain: "bbc.co.uk"}
        published: "2024-03-05T09:40:00Z"
        title: "Bank of England raises rates"
        excerpt: "The Bank of England raised interest rates on Tuesday."
        topics: ["Finance"]
      - provider: {name: "Reuters", domain: "Reuters.com"}
        published: 2024-03-05T10:00:00
        title: "BoE lifts borrowing costs"
        excerpt: "Threadneedle Street lifted borrowing costs."
        body: "A longer paragraph."
""",
        encoding="utf-8",
    )

    [event] = corpus.load_written(path)

    assert event.id == "rates-up" and event.note == "the base event"
    first, second = event.articles
    assert first.published == datetime(2024, 3, 5, 9, 40, tzinfo=UTC)
    assert second.published == datetime(2024, 3, 5, 10, 0, tzinfo=UTC)
    assert second.provider_domain == "reuters.com" and second.body == "A longer paragraph."
    assert first.topics == ("Finance",)


def test_load_written_refuses_an_event_id_used_twice(tmp_path):
    path = tmp_path / "twice.yaml"
    article = {"provider": {"name": "A", "domain": "a.example"}, "published": "2024-01-01T00:00:00Z", "title": "T"}
    path.write_text(yaml.safe_dump({"events": [{"id": "x", "articles": [article]}] * 2}), encoding="utf-8")

    with pytest.raises(ValueError, match="used twice"):
        corpus.load_written(path)


def test_the_baseline_joins_close_wordings_within_72_hours_only():
    start = datetime(2024, 1, 1, tzinfo=UTC)
    articles = [
        ("a", start, "Bank of England raises interest rates to record level"),
        ("b", start + timedelta(hours=5), "Bank of England raises interest rates, record level"),
        ("c", start + timedelta(hours=100), "Bank of England raises interest rates to record level"),
        ("d", start + timedelta(hours=1), "Storm floods coastal villages overnight"),
    ]

    grouping = corpus.baseline(articles, [0.3])[0.3]

    assert grouping["a"] == grouping["b"]
    assert grouping["c"] != grouping["a"]
    assert grouping["d"] not in (grouping["a"], grouping["c"])


def test_the_baseline_scores_below_perfect_on_generated_events():
    events = corpus.generate(12, 400)
    items = corpus.labelled_articles(events)
    truth = {url: event_id for url, event_id, _ in items}

    groupings = corpus.baseline([(url, a.published, f"{a.title} {a.excerpt}") for url, _, a in items], [0.15, 0.35])

    f1 = {threshold: corpus.bcubed(truth, grouping)[2] for threshold, grouping in groupings.items()}
    assert 0 < f1[0.15] < f1[0.35] < 1
