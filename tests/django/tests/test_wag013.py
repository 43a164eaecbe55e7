"""WAG013 and lesson 10 against Wagtail's page tree: the bad listing shows an unpublished page,
the fixed one does not.

The examples declare page types with methods only (`class HomePage(Page)`). The project has no
table for them, so each is loaded as a proxy of Wagtail's `Page` (the same rows, the example's
methods): `get_children()` and `Page.objects` read the tree exactly as for a page type of its
own. The proxies are unregistered after each test, so the bad and fixed examples can both
declare `HomePage`.
"""

import ast
import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from conftest import example, lesson_code, load

pytestmark = pytest.mark.django_db


def as_proxies(code):
    """The code with `class Meta: proxy = True` added to every class that inherits `Page`
    (directly or through a class of the same code)."""
    tree = ast.parse(code)
    pages = {"Page"}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(
            isinstance(b, ast.Name) and b.id in pages for b in node.bases
        ):
            pages.add(node.name)
            assert not any(isinstance(s, ast.ClassDef) and s.name == "Meta" for s in node.body)
            assert not any(isinstance(s, (ast.Assign, ast.AnnAssign)) for s in node.body), (
                f"{node.name} declares fields: a proxy cannot hold them"
            )
            node.body.append(ast.parse("class Meta:\n    proxy = True").body[0])
    return ast.unparse(ast.fix_missing_locations(tree))


@pytest.fixture
def load_pages():
    """Loads page code as proxies; unregisters its models afterwards."""
    from django.apps import apps
    from wagtail.models import pages as wagtail_pages

    loaded = []

    def load_code(code, label):
        module = load(as_proxies(code), label)
        loaded.append(module)
        return module

    yield load_code
    for module in loaded:
        for value in vars(module).values():
            meta = getattr(value, "_meta", None)
            if meta is not None and getattr(value, "__module__", None) == module.__name__:
                apps.all_models[meta.app_label].pop(meta.model_name, None)
                if value in wagtail_pages.PAGE_MODEL_CLASSES:
                    wagtail_pages.PAGE_MODEL_CLASSES.remove(value)
    apps.clear_cache()


def home():
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True).root_page


def add_page(parent, title, live, published_days_ago=1):
    """A child page; an unpublished one keeps its first publication date, as
    `Page.unpublish()` leaves it."""
    from wagtail.models import Page

    when = timezone.now() - datetime.timedelta(days=published_days_ago)
    page = Page(title=title, slug=title.lower().replace(" ", "-"), live=live, first_published_at=when)
    return parent.add_child(instance=page)


def context_of(page_class, page):
    request = RequestFactory().get("/")
    return page_class.objects.get(pk=page.pk).get_context(request)


@pytest.mark.parametrize("kind,shows_draft", [("bad", True), ("fixed", False)])
def test_wag013_listing(kind, shows_draft, load_pages):
    root = home()
    add_page(root, "Published", live=True, published_days_ago=2)
    add_page(root, "Unpublished", live=False, published_days_ago=1)
    module = load_pages(example("WAG013", kind), f"WAG013 {kind}")
    titles = [p.title for p in context_of(module.HomePage, root)["latest"]]
    assert "Published" in titles
    assert ("Unpublished" in titles) is shows_draft


def lesson_pages(kind, load_pages):
    """The lesson's site: a news index under the home page with a published release and one an
    editor published too early and unpublished."""
    root = home()
    news = add_page(root, "News", live=True, published_days_ago=30)
    add_page(news, "Spring results", live=True, published_days_ago=3)
    add_page(news, "Merger announcement", live=False, published_days_ago=1)
    module = load_pages(lesson_code("10-draft-on-home-page", kind, "home/models.py"), f"lesson 10 {kind}")
    return module, root, news


@pytest.mark.parametrize("kind,shows_draft", [("bug", True), ("solution", False)])
def test_lesson10_home_page_teaser(kind, shows_draft, load_pages):
    module, root, _ = lesson_pages(kind, load_pages)
    titles = [p.title for p in context_of(module.HomePage, root)["latest_news"]]
    expected = ["Merger announcement", "Spring results"] if shows_draft else ["Spring results"]
    assert titles == expected


@pytest.mark.parametrize("kind", ["bug", "solution"])
def test_lesson10_news_index_was_right_all_along(kind, load_pages):
    module, _, news = lesson_pages(kind, load_pages)
    titles = [p.title for p in context_of(module.NewsIndexPage, news)["news"]]
    assert titles == ["Spring results"]
