"""WAG001, WAG002 and lesson 6 against Wagtail's API (WagtailAPIRouter, PagesAPIViewSet)."""

import sys
import types

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path

from conftest import example, lesson_code, load

pytestmark = pytest.mark.django_db
LESSON6 = "apps/blog/api/pages.py"


def urlconf_for(viewset):
    from wagtail.api.v2.router import WagtailAPIRouter

    router = WagtailAPIRouter("wagtailapi")
    router.register_endpoint("pages", viewset)
    module = types.ModuleType(f"wagcheck_urls_{id(viewset)}")
    module.urlpatterns = [path("api/v2/", router.urls)]
    sys.modules[module.__name__] = module
    return module


def api(viewset, url, method="get"):
    """The response, and how many queries read the image table (Wagtail caches the site's
    root paths after the first request, so the total varies by one between calls)."""
    with override_settings(ROOT_URLCONF=urlconf_for(viewset)):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(Client(), method)(url)
    return response, sum('FROM "wagtailimages_image"' in q["sql"] for q in queries.captured_queries)


def make_pages(count, with_image=True, image_size=(64, 48)):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Site

    from apps.blog.models import BlogPostPage

    home = Site.objects.get(is_default_site=True).root_page
    for n in range(count):
        image = None
        if with_image:
            image = get_image_model().objects.create(title=f"image {n}", file=get_test_image_file(size=image_size))
        start = BlogPostPage.objects.count()
        home.add_child(instance=BlogPostPage(title=f"post {start}", slug=f"post-{start}", featured_image=image))


def spy_on(monkeypatch, cls, name):
    calls = []
    original = getattr(cls, name)

    def spy(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, spy)
    return calls


@pytest.mark.parametrize("kind,runs", [("bad", False), ("fixed", True)])
def test_wag002_list_branch(kind, runs, monkeypatch):
    from wagtail.query import PageQuerySet

    make_pages(2, with_image=False)
    viewset = load(example("WAG002", kind), f"WAG002 {kind}").BlogPagesAPIViewSet
    calls = spy_on(monkeypatch, PageQuerySet, "defer_streamfields")
    response, _ = api(viewset, "/api/v2/pages/")
    assert response.status_code == 200
    assert response.json()["meta"]["total_count"] >= 2
    assert bool(calls) is runs  # the "list" branch never runs on a Wagtail endpoint


def test_wagtail_api_actions_per_method():
    from wagtail.api.v2.views import PagesAPIViewSet

    seen = []

    class Recording(PagesAPIViewSet):
        def initial(self, request, *args, **kwargs):
            seen.append((request.method, self.action))
            return super().initial(request, *args, **kwargs)

    make_pages(1, with_image=False)
    for method in ("get", "head", "options"):
        assert api(Recording, "/api/v2/pages/", method)[0].status_code == 200
    assert seen == [("GET", "listing_view"), ("HEAD", "listing_view"), ("OPTIONS", "metadata")]
    assert api(Recording, "/api/v2/pages/", "post")[0].status_code == 405


def lesson6(kind):
    return load(lesson_code("6-wagtail-api-actions", kind, LESSON6), f"lesson 6 {kind}",
                package="apps.blog.api").BlogPagesAPIViewSet


BLOG_LISTING = "/api/v2/pages/?type=blog.BlogPostPage&fields=featured_image"


def test_lesson6_bug_queries_each_image():
    viewset = lesson6("bug")
    make_pages(3)
    response, queries_3 = api(viewset, BLOG_LISTING)
    assert response.status_code == 200 and len(response.json()["items"]) == 3
    make_pages(3)
    response, queries_6 = api(viewset, BLOG_LISTING)
    assert len(response.json()["items"]) == 6
    assert (queries_3, queries_6) == (3, 6)  # one query per post for its image


def test_lesson6_solution_prefetches_and_keeps_the_default_listing():
    viewset = lesson6("solution")
    make_pages(3)
    response, queries_3 = api(viewset, BLOG_LISTING)
    assert response.status_code == 200
    assert all(item["featured_image"] for item in response.json()["items"])
    make_pages(3)
    response, queries_6 = api(viewset, BLOG_LISTING)
    assert len(response.json()["items"]) == 6 and queries_6 == queries_3 == 1
    # The default listing holds plain Page objects: the guard keeps it working.
    response, _ = api(viewset, "/api/v2/pages/")
    assert response.status_code == 200 and response.json()["meta"]["total_count"] >= 6
    response, _ = api(viewset, "/api/v2/pages/?type=blog.BlogPostPage,wagtailcore.Page")
    assert response.status_code == 200


def test_lesson6_solution_without_the_guard_breaks_the_default_listing():
    code = lesson_code("6-wagtail-api-actions", "solution", LESSON6)
    unguarded = code.replace(' and issubclass(queryset.model, BlogPostPage)', "")
    assert unguarded != code
    viewset = load(unguarded, "lesson 6 solution without the guard", package="apps.blog.api").BlogPagesAPIViewSet
    make_pages(1)
    with pytest.raises(AttributeError, match="featured_image"):
        api(viewset, "/api/v2/pages/")


@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_wag001_renditions_in_the_list(kind):
    from wagtail.images import get_image_model

    from apps.blog.models import BlogPostPage

    viewset = load(example("WAG001", kind), f"WAG001 {kind}").BlogPostViewSet
    make_pages(4, image_size=(1600, 1200))
    specs = ("fill-400x300",) if kind == "fixed" else ("fill-800x600", "width-1200")
    for image in get_image_model().objects.all():
        for spec in specs:
            image.get_rendition(spec)
    view = viewset()
    view.action = "list"
    with CaptureQueriesContext(connection) as queries:
        pages = list(view.get_queryset())
    prefetch_queries = len(queries)
    with CaptureQueriesContext(connection) as queries:
        renditions = [page.featured_image.get_rendition(specs[0]) for page in pages]
    assert len(pages) == 4 and len(queries) == 0  # prefetched: no query per image
    assert prefetch_queries == 3  # pages, images, renditions
    assert {r.width for r in renditions} == ({400} if kind == "fixed" else {800})
    assert BlogPostPage.objects.count() == 4
