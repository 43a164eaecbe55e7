"""CACHE020, CACHE021, CACHE022 and lesson 7: what the cache holds after a commit, after a
rollback and after a bulk write, and how many commands reach a real redis-server.

pytest-django runs each test inside a transaction, so "the commit" is the end of
`django_capture_on_commit_callbacks(execute=True)`: the callbacks `on_commit()` registered
run there, and those registered in a block that rolled back are dropped, as on a real
commit (Django removes them with the savepoint)."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from conftest import example, example_files, lesson, load, load_files

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def race(key, save, commit):
    """Saves a cached row in a transaction while "another request" reads it between the save
    and the commit: it misses the cache and caches the row as committed so far (`old`).
    Returns (what the cache held right after the save, what it holds after the commit)."""
    with commit(execute=True):
        with transaction.atomic():
            save()
            during = cache.get(key)
            if during is None:  # the other request: a miss, so it caches the old row again
                cache.set(key, "old")
    return during, cache.get(key)


def rollback(save, commit):
    with commit(execute=True):
        with pytest.raises(Rollback):
            with transaction.atomic():
                save()
                raise Rollback


def article():
    from apps.blog.models import Article

    row = Article.objects.create(title="old")
    key = f"article:{row.pk}"
    cache.set(key, "old")
    return row, key


def retitle(row, title):
    def save():
        row.title = title
        row.save()
    return save


@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_cache020_race_before_the_commit(kind, django_capture_on_commit_callbacks):
    load(example("CACHE020", kind), f"CACHE020 {kind}")
    row, key = article()
    during, after = race(key, retitle(row, "new"), django_capture_on_commit_callbacks)
    if kind == "bad":
        assert during is None  # deleted before the commit...
        assert after == "old"  # ...so the old row went back in, and stays after the commit
    else:
        assert during == "old"  # nothing happens until the commit...
        assert after is None  # ...which forgets the entry: the next read caches "new"


@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_cache020_rollback(kind, django_capture_on_commit_callbacks):
    load(example("CACHE020", kind), f"CACHE020 {kind}")
    row, key = article()
    rollback(retitle(row, "never committed"), django_capture_on_commit_callbacks)
    # A delete before a rollback costs one miss; on_commit drops the delete with the rollback.
    assert cache.get(key) == (None if kind == "bad" else "old")


@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_cache020_rollback_of_a_receiver_that_sets(kind, django_capture_on_commit_callbacks):
    """The explanation's other case: the receiver `set`s the new value (the example with
    `cache.set(key, instance.title)` for `cache.delete(key)`)."""
    code = example("CACHE020", kind)
    setting = code.replace('cache.delete(f"article:{instance.pk}")',
                           'cache.set(f"article:{instance.pk}", instance.title)')
    assert setting != code
    load(setting, f"CACHE020 {kind}, set")
    row, key = article()
    rollback(retitle(row, "never committed"), django_capture_on_commit_callbacks)
    row.refresh_from_db()
    assert row.title == "old"
    # bad: the cache serves a title the database never had; fixed: the set went with the rollback
    assert cache.get(key) == ("never committed" if kind == "bad" else "old")


def products(count, commit):
    from apps.blog.models import Product

    with commit(execute=True):
        rows = [Product.objects.create(name=f"p{n}", price=10, on_sale=True) for n in range(count)]
    for row in rows:
        cache.set(f"product:{row.pk}", {"on_sale": True})
    return rows


@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_cache021_update_sends_no_post_save(kind, django_capture_on_commit_callbacks):
    from django.db.models.signals import post_save

    from apps.blog.models import Product

    modules = load_files(example_files("CACHE021", kind), f"CACHE021 {kind}")
    rows = products(3, django_capture_on_commit_callbacks)
    saves = []
    post_save.connect(lambda sender, **kwargs: saves.append(sender), sender=Product, weak=False)
    with django_capture_on_commit_callbacks(execute=True):
        modules["shop/sales.py"].end_sale()
    assert not Product.objects.filter(on_sale=True).exists()  # the rows changed...
    assert saves == []  # ...with no post_save
    cached = [cache.get(f"product:{row.pk}") for row in rows]
    assert cached == ([{"on_sale": True}] * 3 if kind == "bad" else [None] * 3)
    # The receiver itself works: a save() does reach it.
    with django_capture_on_commit_callbacks(execute=True):
        rows[0].save()
    assert cache.get(f"product:{rows[0].pk}") is None and saves == [Product]


def test_cache021_bulk_update_sends_no_post_save_either(django_capture_on_commit_callbacks):
    from apps.blog.models import Product

    load_files(example_files("CACHE021", "bad"), "CACHE021 bad")
    rows = products(2, django_capture_on_commit_callbacks)
    for row in rows:
        row.on_sale = False
    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.bulk_update(rows, ["on_sale"])
    assert not Product.objects.filter(on_sale=True).exists()
    assert [cache.get(f"product:{row.pk}") for row in rows] == [{"on_sale": True}] * 2


BACKENDS = {"django": "django.core.cache.backends.redis.RedisCache",
            "django-redis": "django_redis.cache.RedisCache"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_cache022_round_trips_on_redis(backend, redis_url):
    """Commands the redis-server ran, per command name (INFO commandstats)."""
    import redis

    server = redis.Redis.from_url(redis_url)

    def commands(call, *args):
        before = server.info("commandstats")
        result = call(*args)
        after = server.info("commandstats")
        ran = {name[len("cmdstat_"):]: stats["calls"] - before.get(name, {}).get("calls", 0)
               for name, stats in after.items()}
        ran["info"] -= 1  # the first INFO itself
        return result, {name: n for name, n in ran.items() if n}

    ids = list(range(10))
    settings = {"default": {"BACKEND": BACKENDS[backend], "LOCATION": redis_url}}
    with override_settings(CACHES=settings):
        results = {}
        for kind in ("bad", "fixed"):
            module = load(example("CACHE022", kind), f"CACHE022 {kind}")
            cache.clear()
            cache.set_many({f"price:{n}": n * 100 for n in ids[:5]})
            prices, ran = commands(module.cached_prices, ids)
            assert ran == ({"get": 10} if kind == "bad" else {"mget": 1})
            results[kind] = prices
            _, ran = commands(module.forget_prices, ids)
            assert ran == ({"del": 10} if kind == "bad" else {"del": 1})
            assert cache.get_many([f"price:{n}" for n in ids]) == {}
        assert results["bad"] == results["fixed"] == {n: (n * 100 if n < 5 else None) for n in ids}
        cache.clear()


# Lesson 7: the same race on the shop's products.
LESSON7 = "shop/signals.py"


@pytest.mark.parametrize("kind", ["bug", "solution"])
def test_lesson7_cache_rollback(kind, django_capture_on_commit_callbacks):
    from apps.blog.models import Product

    load_files({LESSON7: lesson("7-cache-rollback")[kind][LESSON7]}, f"lesson 7 {kind}")
    row = Product.objects.create(name="rose", price=10)
    key = f"product:{row.pk}"
    cache.set(key, "old")

    def reprice():
        row.price = 12
        row.save()

    during, after = race(key, reprice, django_capture_on_commit_callbacks)
    assert (during, after) == ((None, "old") if kind == "bug" else ("old", None))
    cache.set(key, "old")
    rollback(reprice, django_capture_on_commit_callbacks)
    assert cache.get(key) == (None if kind == "bug" else "old")
