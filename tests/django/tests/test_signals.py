"""SIG001, SIG002, SIG003, SIG004, DJ013 and lesson 4: the signals sent for real, by
Django's model saves and deletes and by Wagtail's publishing."""

import gc
import subprocess
import sys
import textwrap

import pytest
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from wagtail.signals import page_published

from conftest import example, example_files, example_modules, lesson, load, load_files

def home():
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True).root_page


def new_page(cls=None, slug="hello"):
    from apps.blog.models import BlogPostPage

    return home().add_child(instance=(cls or BlogPostPage)(title=slug, slug=slug))


@pytest.mark.django_db
def test_sig001_what_hasattr_answers_on_each_signal():
    """The table in SIG001's explanation: hasattr(instance, "blogpostpage") on a real
    BlogPostPage, per signal, and isinstance beside it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.blog.models import BlogPostPage

    seen = {}

    def probe(signal_name):
        def receiver(sender, instance, **kwargs):
            if not isinstance(instance, BlogPostPage):
                return
            with CaptureQueriesContext(connection) as queries:
                answer = hasattr(instance, "blogpostpage")
            seen.setdefault(signal_name, []).append((answer, len(queries)))
        return receiver

    receivers = {name: probe(name) for name in ("pre_save", "post_save", "page_published", "post_delete")}
    pre_save.connect(receivers["pre_save"])
    post_save.connect(receivers["post_save"])
    page_published.connect(receivers["page_published"])
    post_delete.connect(receivers["post_delete"])

    page = new_page()  # created: pre_save and post_save of a new page
    assert seen.pop("pre_save") == [(False, 0)]  # no primary key yet
    assert seen.pop("post_save") == [(False, 0)]  # the failed lookup is cached
    page = BlogPostPage.objects.get(pk=page.pk)
    page.save_revision().publish()
    assert seen["page_published"] == [(True, 0)]  # passes (the published object has it cached)
    fresh = BlogPostPage.objects.get(pk=page.pk)
    with CaptureQueriesContext(connection) as queries:
        assert hasattr(fresh, "blogpostpage")
    assert len(queries) == 1  # on an object loaded from the database: one query per test
    seen.clear()
    BlogPostPage.objects.get(pk=page.pk).delete()
    assert seen["post_delete"] == [(False, 1)]  # the row is gone
    # A base Page instance of a blog post answers True; the specific object is a BlogPostPage.
    from wagtail.models import Page

    other = new_page(slug="other")
    assert hasattr(Page.objects.get(pk=other.pk), "blogpostpage")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_sig001_example_on_page_published(kind):
    from apps.blog.models import CALLS, BlogPostPage

    example_modules("SIG001", kind)
    page = BlogPostPage.objects.get(pk=new_page().pk)
    page.save_revision().publish()
    assert CALLS == [("invalidate_blog_post", "hello")]  # both pass here (see the table)


@pytest.mark.django_db
@pytest.mark.parametrize("kind,invalidated", [("bug", False), ("solution", True)])
def test_lesson4_post_delete(kind, invalidated):
    from apps.blog.models import CALLS, BlogPostPage

    load_files(lesson("4-signal-receivers")[kind], f"lesson 4 {kind}")
    page = new_page()
    CALLS.clear()
    BlogPostPage.objects.get(pk=page.pk).delete()
    expected = [("invalidate_blog_post", "hello"), ("invalidate_blog_lists", None)]
    assert CALLS == (expected if invalidated else [])


@pytest.mark.django_db
@pytest.mark.parametrize("kind,for_proxy", [("bad", False), ("fixed", True)])
def test_sig002_proxy_sender(kind, for_proxy):
    from apps.blog.models import CALLS, BlogPostPage, FeaturedBlogPostPage

    load(example("SIG002", kind), f"SIG002 {kind}")
    page = new_page()
    assert CALLS == [("invalidate_cache", page.pk)]  # sender is BlogPostPage: both match
    CALLS.clear()
    proxy = FeaturedBlogPostPage.objects.get(pk=page.pk)
    proxy.save()  # post_save is sent with sender=FeaturedBlogPostPage
    assert CALLS == ([("invalidate_cache", page.pk)] if for_proxy else [])
    assert isinstance(proxy, BlogPostPage)


@pytest.mark.django_db
def test_m2m_changed_sends_the_through_model():
    from apps.blog.models import BlogPost, Tag

    senders = []
    m2m_changed.connect(lambda sender, **kwargs: senders.append(sender), weak=False)
    post = BlogPost.objects.create(title="hello")
    post.tags.add(Tag.objects.create(name="rose"))
    assert senders and set(senders) == {BlogPost.tags.through}


@pytest.mark.django_db
def test_sig003_custom_signal_without_instance():
    from apps.blog.models import CALLS, BlogPostPage
    from apps.blog.signals import content_changed

    bad = load(example("SIG003", "bad"), "SIG003 bad")
    with pytest.raises(AttributeError, match="NoneType"):
        content_changed.send(sender=None)
    content_changed.disconnect(bad.refresh_search_index)
    load(example("SIG003", "fixed"), "SIG003 fixed")
    content_changed.send(sender=None)  # no instance: returns quietly
    content_changed.send(sender=BlogPostPage, instance=BlogPostPage(pk=7))
    assert CALLS == [("update_search_index", 7)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind,atomic", [("bad", False), ("fixed", True)])
def test_dj013_decorator_order(kind, atomic):
    from apps.blog.models import CALLS, Order

    load(example("DJ013", kind), f"DJ013 {kind}")
    Order.objects.create(total=1)
    assert CALLS == [("refresh_totals", atomic)]  # bad: @transaction.atomic never applied


DROPS_REFERENCE = '''
def transaction_atomic(func):
    """An outer decorator that keeps no reference to the function it was given."""
    name = func.__name__

    def replacement(*args, **kwargs):
        raise AssertionError(f"{name} called by name")

    return replacement
'''


@pytest.mark.django_db(transaction=True)
def test_dj013_weak_receiver_is_collected():
    from apps.blog.models import CALLS, Order

    code = example("DJ013", "bad").replace("@transaction.atomic", "@transaction_atomic")
    code = code.replace("\n\n@transaction_atomic", DROPS_REFERENCE + "\n\n@transaction_atomic", 1)
    assert "@transaction_atomic\n@receiver" in code
    load(code, "DJ013 bad, outer decorator without a reference")
    gc.collect()
    Order.objects.create(total=1)
    assert CALLS == []  # the receiver was garbage-collected: nothing ran at all


SIG004_CHECK = """
import django
from django.conf import settings

settings.configure(INSTALLED_APPS=["apps.blog"])
django.setup()
from wagtail.signals import page_published


class Page:
    def invalidate_cache(self):
        print("invalidated")


page_published.send(sender=Page, instance=Page())
print("sent")
"""


@pytest.mark.parametrize("kind,connected", [("bad", False), ("fixed", True)])
def test_sig004_receivers_connected_by_ready(kind, connected, tmp_path):
    """The example's app, alone in a fresh interpreter: Django imports apps.py, never signals.py."""
    for path, code in example_files("SIG004", kind).items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code)
    for package in ("apps", "apps/blog"):
        (tmp_path / package / "__init__.py").touch()
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(SIG004_CHECK)], cwd=tmp_path,
                            capture_output=True, text=True, env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == (["invalidated", "sent"] if connected else ["sent"])
