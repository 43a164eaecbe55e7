"""DRF001 and DRF002 through DRF's own machinery: a list serialized with the bad and the fixed
serializer, and a generic view answering two requests."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from conftest import example, load

pytestmark = pytest.mark.django_db


def add_posts(count):
    from apps.blog.models import Comment, Like, Post

    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    for n in range(count):
        post = Post.objects.create(title=f"post {n}")
        for c in range(3):
            Comment.objects.create(post=post, text=f"c{c}", approved=c != 1, created=start)
        for _ in range(n % 3):
            Like.objects.create(post=post)


def view_queryset(code):
    """The fixed example names its view's queryset in a comment: that code, evaluated."""
    from django.db.models import Count, Prefetch

    from apps.blog.models import Comment, Post

    lines = re.search(r"# The view's queryset:\n((?:\s*#   .*\n)+)", code).group(1)
    source = "\n".join(line.strip()[len("#   "):] for line in lines.splitlines())
    return eval(source, {"Post": Post, "Comment": Comment, "Count": Count, "Prefetch": Prefetch})


def serialize(kind):
    from apps.blog.models import Post

    code = example("DRF001", kind)
    serializer = load(code, f"DRF001 {kind}").PostSerializer
    posts = Post.objects.order_by("pk") if kind == "bad" else view_queryset(code).order_by("pk")
    with CaptureQueriesContext(connection) as queries:
        data = serializer(posts, many=True).data
    return [dict(item) for item in data], len(queries)


def test_drf001_method_fields_query_per_row():
    add_posts(3)
    bad_3, bad_queries_3 = serialize("bad")
    fixed_3, fixed_queries_3 = serialize("fixed")
    add_posts(3)
    bad_6, bad_queries_6 = serialize("bad")
    fixed_6, fixed_queries_6 = serialize("fixed")
    assert bad_3 == fixed_3 and bad_6 == fixed_6  # the same JSON...
    assert bad_6[4]["approved_comments"] == ["c0", "c2"] and [p["likes"] for p in bad_6] == [0, 1, 2] * 2
    assert (bad_queries_3, bad_queries_6) == (1 + 2 * 3, 1 + 2 * 6)  # ...two queries per post
    assert fixed_queries_3 == fixed_queries_6 == 2  # posts with their count, approved comments


def as_viewset(code):
    """The example's view as a viewset: the same `list()`, served the way routers serve it."""
    viewset = code.replace("from rest_framework import generics", "from rest_framework import viewsets")
    viewset = viewset.replace("(generics.ListAPIView)", "(viewsets.GenericViewSet)")
    assert "generics" not in viewset
    return viewset


def two_requests(view, kind):
    """What the view lists on two requests, with a product added between them."""
    from apps.blog.models import Product

    seen = []
    for new in ("lily", "iris"):
        with CaptureQueriesContext(connection) as queries:
            response = view(APIRequestFactory().get("/products/"))
        seen.append(([item["name"] for item in response.data], len(queries)))
        Product.objects.create(name=f"{new} ({kind})")
    return seen


@pytest.fixture
def products():
    from apps.blog.models import Product

    Product.objects.create(name="rose")
    Product.objects.create(name="tulip", in_stock=False)


def test_drf002_bad_generic_view_raises_on_every_request(products):
    """DRF's APIView.as_view() makes evaluating the class queryset raise (DRF 3.18.3)."""
    view = load(example("DRF002", "bad"), "DRF002 bad").ProductList.as_view()
    for _ in range(2):
        with pytest.raises(RuntimeError, match="Do not evaluate the `.queryset` attribute directly"):
            view(APIRequestFactory().get("/products/"))


def test_drf002_bad_as_a_viewset_serves_the_first_requests_rows(products):
    code = as_viewset(example("DRF002", "bad"))
    view = load(code, "DRF002 bad as a viewset").ProductList.as_view({"get": "list"})
    assert two_requests(view, "bad") == [(["rose"], 1), (["rose"], 0)]  # cached, forever


@pytest.mark.parametrize("viewset", [False, True])
def test_drf002_fixed_reads_the_table_on_each_request(viewset, products):
    code = example("DRF002", "fixed")
    module = load(as_viewset(code) if viewset else code, "DRF002 fixed")
    view = module.ProductList.as_view(*([{"get": "list"}] if viewset else []))
    assert two_requests(view, "fixed") == [(["rose"], 1), (["rose", "lily (fixed)"], 1)]


def test_drf001_which_related_manager_calls_a_prefetch_serves():
    """The explanation's list (and ORM011's "never adds a query"): all(), count(), exists()
    read the prefetch; filter() and first() on the unordered relation run a query."""
    from apps.blog.models import Post

    add_posts(2)
    posts = list(Post.objects.prefetch_related("comments"))
    served = {}
    for name, call in (("all", lambda p: list(p.comments.all())), ("count", lambda p: p.comments.count()),
                       ("exists", lambda p: p.comments.exists()),
                       ("filter", lambda p: list(p.comments.filter(approved=True))),
                       ("first", lambda p: p.comments.first())):
        served[name] = counted_queries(call, posts[0])
    assert served == {"all": 0, "count": 0, "exists": 0, "filter": 1, "first": 1}


def counted_queries(call, *args):
    with CaptureQueriesContext(connection) as queries:
        call(*args)
    return len(queries)
