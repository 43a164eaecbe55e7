"""ORM001/ORM002/ORM003 and lesson 2: what the list and detail actions load, and how many
queries they take, on SQLite with the project's models."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from conftest import example, example_files, example_modules, lesson, lesson_code, load, load_files, without_to_attr

pytestmark = pytest.mark.django_db
TAGS_PER_POST = 8
COMMENTS_PER_POST = 25


def make_posts(count):
    from apps.blog.models import BlogPost, Comment, Tag

    tags = [Tag.objects.create(name=f"tag {i:02}") for i in range(TAGS_PER_POST)]
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    for n in range(count):
        post = BlogPost.objects.create(title=f"post {n}", body="...")
        post.tags.set(tags)
        for c in range(COMMENTS_PER_POST):
            Comment.objects.create(post=post, created=start + datetime.timedelta(hours=c))
    return tags


def queryset_for(viewset_class, action):
    view = viewset_class()
    view.action = action
    return view.get_queryset()


def call(viewset_class, action, **kwargs):
    """Runs the viewset through DRF (as_view, dispatch): (response data, queries)."""
    view = viewset_class.as_view({"get": action})
    with CaptureQueriesContext(connection) as queries:
        response = view(APIRequestFactory().get("/"), **kwargs)
        response.render()
    assert response.status_code == 200, response.data
    return response.data, len(queries)


def test_orm001_bad_list_prefetches_what_it_never_shows():
    views = example_modules("ORM001", "bad")["views.py"]
    make_posts(6)
    data, queries = call(views.BlogPostViewSet, "list")
    assert [set(item) for item in data] == [{"id", "title"}] * 6  # no tags shown...
    assert queries == 2  # ...yet every post's tags were loaded
    posts = list(queryset_for(views.BlogPostViewSet, "list"))
    assert all(len(post._prefetched_objects_cache["tags"]) == TAGS_PER_POST for post in posts)


def test_orm001_fixed_list_loads_the_posts_only():
    views = example_modules("ORM001", "fixed")["views.py"]
    make_posts(6)
    data, queries = call(views.BlogPostViewSet, "list")
    assert len(data) == 6 and queries == 1
    detail, queries = call(views.BlogPostViewSet, "retrieve", pk=data[0]["id"])
    assert len(detail["tags"]) == TAGS_PER_POST and queries == 2  # the detail keeps its prefetch


def test_orm002_bad_list_loads_every_tag_to_show_three():
    views = example_modules("ORM002", "bad")["views.py"]
    make_posts(6)
    data, _ = call(views.BlogPostViewSet, "list")
    assert [len(item["first_tags"]) for item in data] == [3] * 6
    posts = list(queryset_for(views.BlogPostViewSet, "list"))
    assert all(len(post._prefetched_objects_cache["tags"]) == TAGS_PER_POST for post in posts)


def test_orm002_fixed_list_keeps_n_rows_per_post_in_constant_queries():
    views = example_modules("ORM002", "fixed")["views.py"]
    limit = views.MAX_LISTED_TAGS
    tags = make_posts(6)
    data, queries_6 = call(views.BlogPostViewSet, "list")
    assert [item["first_tags"] for item in data] == [[t.name for t in tags[:limit]]] * 6
    posts = list(queryset_for(views.BlogPostViewSet, "list"))
    assert all(len(post.listed_tags) == limit for post in posts)  # N rows per post, loaded
    make_posts(6)
    data, queries_12 = call(views.BlogPostViewSet, "list")
    assert len(data) == 12 and queries_12 == queries_6 == 2
    detail, _ = call(views.BlogPostViewSet, "retrieve", pk=data[0]["id"])
    assert len(detail["tags"]) == TAGS_PER_POST  # the detail view gets the whole set


def test_orm002_fixed_without_to_attr_raises():
    """The mistake the examples used to teach: the fixed code minus its `to_attr`."""
    make_posts(2)
    files = example_files("ORM002", "fixed")
    files = {path: without_to_attr(code) if path.endswith("views.py") else code
             for path, code in files.items()}
    views = load_files(files, "ORM002 fixed without to_attr")["blog/views.py"]
    with pytest.raises(TypeError, match="Cannot filter a query once a slice has been taken"):
        list(queryset_for(views.BlogPostViewSet, "list"))


@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_orm003_prefetch_keeps_the_latest_per_post(kind):
    make_posts(3)
    module = load(example("ORM003", kind), f"ORM003 {kind}")
    with CaptureQueriesContext(connection) as queries:
        recent = [post.recent_comments for post in module.posts.all()]
    assert len(queries) == 2
    for comments in recent:
        assert len(comments) == 20
        assert [c.created for c in comments] == sorted((c.created for c in comments), reverse=True)


def test_orm003_without_to_attr_raises():
    make_posts(2)
    module = load(without_to_attr(example("ORM003", "fixed")), "ORM003 fixed without to_attr")
    with pytest.raises(TypeError, match="Cannot filter a query once a slice has been taken"):
        list(module.posts)


# Lesson 2: BlogPostPage / PlantSpecies viewsets, with the lesson's own serializers.


def make_pages(count, species):
    from wagtail.models import Site

    from apps.blog.models import BlogPostPage

    home = Site.objects.get(is_default_site=True).root_page
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    for n in range(count):
        number = BlogPostPage.objects.count()
        page = home.add_child(instance=BlogPostPage(
            title=f"post {number}", slug=f"post-{number}",
            first_published_at=start + datetime.timedelta(days=number)))
        page.related_plant_species.set(species)
        page.save()


def listing_queries():
    """Queries of the viewsets' base queryset alone (`.public()` reads view restrictions)."""
    from apps.blog.models import BlogPostPage

    with CaptureQueriesContext(connection) as queries:
        list(BlogPostPage.objects.live().public())
    return len(queries)


def lesson2(kind):
    modules = load_files(lesson("2-viewset-prefetch")[kind], f"lesson 2 {kind}")
    views = modules["apps/blog/api/viewsets.py"]
    return views.BlogPostViewSet, views.PlantSpeciesViewSet


@pytest.fixture
def species():
    from apps.blog.models import PlantSpecies

    return [PlantSpecies.objects.create(name=f"species {i:02}") for i in range(4)]


def test_lesson2_bug(species):
    posts, plants = lesson2("bug")
    make_pages(7, species)
    data, queries = call(posts, "list")
    assert len(data) == 7 and "related_plant_species" not in data[0]
    assert queries == listing_queries() + 1  # the species of every post, loaded for nothing
    data, _ = call(plants, "list")
    assert [item["recent_posts"] for item in data] == [["post 0", "post 1", "post 2"]] * 4
    loaded = [len(s._prefetched_objects_cache["blog_posts"]) for s in queryset_for(plants, "list")]
    assert loaded == [7] * 4  # every post of every species, to show three


def test_lesson2_solution(species):
    posts, plants = lesson2("solution")
    make_pages(7, species)
    data, queries = call(posts, "list")
    assert len(data) == 7 and queries == listing_queries()
    detail, _ = call(posts, "retrieve", pk=data[0]["id"])
    assert len(detail["related_plant_species"]) == 4
    data, queries_7 = call(plants, "list")
    newest = ["post 6", "post 5", "post 4"]
    assert [item["recent_posts"] for item in data] == [newest] * 4  # three per species
    make_pages(7, species)
    data, queries_14 = call(plants, "list")
    assert queries_14 == queries_7 == 2
    assert data[0]["recent_posts"] == ["post 13", "post 12", "post 11"]


# Lesson 10: raw SQL built with an f-string (the team rule ACME003 of examples/team-rules).
def lesson10_search(kind, q):
    import json

    from django.test import RequestFactory

    views = load(lesson_code("10-raw-sql-search", kind, "apps/blog/views.py"), f"lesson 10 {kind}")
    response = views.search(RequestFactory().get("/search", {"q": q}))
    return json.loads(response.content)["titles"]


@pytest.fixture
def searchable_posts():
    from apps.blog.models import BlogPost

    BlogPost.objects.create(title="Don't prune in spring")
    BlogPost.objects.create(title="Roses in winter")


def test_lesson10_bug(searchable_posts):
    from django.db import OperationalError

    assert lesson10_search("bug", "Roses") == ["Roses in winter"]
    # An apostrophe in the search ends the SQL string: a syntax error, a server error.
    with pytest.raises(OperationalError):
        lesson10_search("bug", "Don't")
    # A condition written by the visitor: every post matches.
    # (`--` comments out the rest, the ORDER BY too: compare sorted.)
    assert sorted(lesson10_search("bug", "zzz' OR 1=1 --")) == ["Don't prune in spring", "Roses in winter"]


def test_lesson10_solution(searchable_posts):
    assert lesson10_search("solution", "Roses") == ["Roses in winter"]
    assert lesson10_search("solution", "Don't") == ["Don't prune in spring"]
    assert lesson10_search("solution", "zzz' OR 1=1 --") == []
