"""DRF003: the list's serializer renders `tags` with a nested serializer (`many=True`). Without
`prefetch_related("tags")` the list runs one query per post; with it, two queries whatever
the page size. Run through DRF's own dispatch on SQLite with the project's models."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from conftest import example_modules

pytestmark = pytest.mark.django_db
TAGS_PER_POST = 3


def make_posts(count):
    from apps.blog.models import BlogPost, Tag

    tags = [Tag.objects.create(name=f"tag {i}") for i in range(TAGS_PER_POST)]
    for n in range(count):
        BlogPost.objects.create(title=f"post {n}").tags.set(tags)


def list_queries(viewset_class):
    """The list through DRF (as_view, dispatch): (response data, queries run)."""
    view = viewset_class.as_view({"get": "list"})
    with CaptureQueriesContext(connection) as queries:
        response = view(APIRequestFactory().get("/"))
        response.render()
    assert response.status_code == 200, response.data
    return response.data, len(queries)


@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_drf003_both_render_every_tag(kind):
    views = example_modules("DRF003", kind)["views.py"]
    make_posts(4)
    data, _ = list_queries(views.BlogPostViewSet)
    assert len(data) == 4
    assert all([t["name"] for t in item["tags"]] == [f"tag {i}" for i in range(TAGS_PER_POST)]
               for item in data)


def test_drf003_bad_list_runs_one_query_per_post():
    views = example_modules("DRF003", "bad")["views.py"]
    make_posts(5)
    _, queries_5 = list_queries(views.BlogPostViewSet)
    make_posts(5)
    _, queries_10 = list_queries(views.BlogPostViewSet)
    assert queries_5 == 1 + 5 and queries_10 == 1 + 10  # the posts, then the tags of each


def test_drf003_fixed_list_runs_two_queries_whatever_the_page():
    views = example_modules("DRF003", "fixed")["views.py"]
    make_posts(5)
    _, queries_5 = list_queries(views.BlogPostViewSet)
    make_posts(5)
    _, queries_10 = list_queries(views.BlogPostViewSet)
    assert queries_5 == queries_10 == 2  # the posts, then every post's tags at once
