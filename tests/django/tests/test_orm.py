"""ORM001/ORM002/ORM003 and lesson 2: what the list and detail actions load, and how many
queries they take, on SQLite with the project's models."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from conftest import example, lesson_code, load, without_to_attr

pytestmark = pytest.mark.django_db
SPECIES_PER_POST = 8
COMMENTS_PER_POST = 25
LESSON2 = "apps/blog/api/viewsets.py"


def make_posts(count):
    from apps.blog.models import BlogPost, BlogPostPlantSpecies, Comment, PlantSpecies, Tag

    species = [PlantSpecies.objects.create(name=f"species {i}") for i in range(SPECIES_PER_POST)]
    tag = Tag.objects.create(name="garden")
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    for n in range(count):
        post = BlogPost.objects.create(title=f"post {n}")
        post.tags.add(tag)
        for position, s in enumerate(species):
            BlogPostPlantSpecies.objects.create(post=post, species=s, position=position)
        for c in range(COMMENTS_PER_POST):
            Comment.objects.create(post=post, created=start + datetime.timedelta(hours=c))


def queryset_for(viewset_class, action):
    view = viewset_class()
    view.action = action
    return view.get_queryset()


def call(viewset_class, action, **kwargs):
    """Runs the viewset through DRF (as_view, dispatch) and returns (data, queries). The rules'
    examples set no serializer: they get the project's `BlogPostSerializer`."""
    from apps.blog.serializers import BlogPostSerializer

    if not getattr(viewset_class, "serializer_class", None):
        viewset_class = type("WithSerializer", (viewset_class,), {"serializer_class": BlogPostSerializer})
    view = viewset_class.as_view({"get": action})
    with CaptureQueriesContext(connection) as queries:
        response = view(APIRequestFactory().get("/"), **kwargs)
        response.render()
    assert response.status_code == 200, response.data
    return response.data, len(queries)


@pytest.mark.parametrize("rule", ["ORM001", "ORM002"])
def test_bad_list_loads_every_related_row(rule):
    make_posts(6)
    viewset = load(example(rule, "bad"), f"{rule} bad").BlogPostViewSet
    data, _ = call(viewset, "list")
    assert [len(item["plant_species"]) for item in data] == [SPECIES_PER_POST] * 6
    with CaptureQueriesContext(connection) as queries:
        posts = list(queryset_for(viewset, "list"))
    loaded = sum(len(post._prefetched_objects_cache["related_plant_species"]) for post in posts)
    assert loaded == 6 * SPECIES_PER_POST  # every row, whatever the card shows


@pytest.mark.parametrize("rule", ["ORM001", "ORM002"])
def test_fixed_list_keeps_n_rows_per_post_in_constant_queries(rule):
    module = load(example(rule, "fixed"), f"{rule} fixed")
    limit = module.MAX_LISTED_PLANT_SPECIES
    make_posts(6)
    data, queries_6 = call(module.BlogPostViewSet, "list")
    assert [len(item["plant_species"]) for item in data] == [limit] * 6
    assert data[0]["plant_species"] == sorted(data[0]["plant_species"])[:limit]  # by position
    make_posts(6)
    data, queries_12 = call(module.BlogPostViewSet, "list")
    assert len(data) == 12 and queries_12 == queries_6 == 2
    # The detail view still gets the whole set.
    data, _ = call(module.BlogPostViewSet, "retrieve", pk=data[0]["id"])
    assert len(data["plant_species"]) == SPECIES_PER_POST


@pytest.mark.parametrize("rule", ["ORM001", "ORM002", "ORM003"])
def test_sliced_prefetch_without_to_attr_raises(rule):
    """The mistake the examples used to teach: the fixed code minus its `to_attr`."""
    make_posts(2)
    code = without_to_attr(example(rule, "fixed"))
    with pytest.raises(TypeError, match="Cannot filter a query once a slice has been taken"):
        module = load(code, f"{rule} fixed without to_attr")
        list(module.posts if rule == "ORM003" else queryset_for(module.BlogPostViewSet, "list"))


@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_orm003_prefetch_keeps_the_latest_per_post(kind):
    make_posts(3)
    module = load(example("ORM003", kind), f"ORM003 {kind}")
    with CaptureQueriesContext(connection) as queries:
        posts = list(module.posts.all())
        recent = [post.recent_comments for post in posts]
    assert len(queries) == 2
    for comments in recent:
        assert len(comments) == 20
        assert [c.created for c in comments] == sorted((c.created for c in comments), reverse=True)


# Lesson 2: BlogPostPage / PlantSpecies viewsets.


def make_pages(count, species):
    from wagtail.models import Site

    from apps.blog.models import BlogPostPage

    home = Site.objects.get(is_default_site=True).root_page
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    for n in range(count):
        page = home.add_child(instance=BlogPostPage(
            title=f"post {n}", slug=f"post-{n}-{BlogPostPage.objects.count()}",
            first_published_at=start + datetime.timedelta(days=n)))
        page.related_plant_species.set(species)


def lesson2(kind):
    module = load(lesson_code("2-viewset-prefetch", kind, LESSON2), f"lesson 2 {kind}",
                  package="apps.blog.api")
    return module.BlogPostViewSet, module.PlantSpeciesViewSet


@pytest.fixture
def species():
    from apps.blog.models import PlantSpecies

    return [PlantSpecies.objects.create(name=f"species {i:02}") for i in range(SPECIES_PER_POST)]


def test_lesson2_bug_lists_every_related_row(species):
    posts, plants = lesson2("bug")
    make_pages(7, species)
    data, _ = call(posts, "list")
    assert [len(item["plant_species"]) for item in data] == [SPECIES_PER_POST] * 7
    data, _ = call(plants, "list")
    assert [len(item["blog_posts"]) for item in data] == [7] * SPECIES_PER_POST


def test_lesson2_solution_bounds_the_list(species):
    posts, plants = lesson2("solution")
    make_pages(7, species)
    data, posts_queries = call(posts, "list")
    assert [item["plant_species"] for item in data] == [[s.name for s in species[:3]]] * 7
    data, plants_queries = call(plants, "list")
    newest = [f"post {n}" for n in range(6, 1, -1)]
    assert [item["blog_posts"] for item in data] == [newest] * SPECIES_PER_POST
    make_pages(7, species)
    assert call(posts, "list")[1] == posts_queries
    assert call(plants, "list")[1] == plants_queries
    detail, _ = call(posts, "retrieve", pk=_first_page_pk())
    assert len(detail["plant_species"]) == SPECIES_PER_POST


def _first_page_pk():
    from apps.blog.models import BlogPostPage

    return BlogPostPage.objects.order_by("pk").first().pk
