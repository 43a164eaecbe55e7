"""CACHE001/002/003/010/011/012 and lessons 1 and 3, on Django's locmem backend and on
django-redis against a real redis-server."""

import pytest

from conftest import example, lesson_code, load

LESSON1 = "apps/blog/services/blog_cache_service.py"
LESSON3 = "apps/blog/services/cache_keys.py"


def run_cache001(kind):
    module = load(example("CACHE001", kind), f"CACHE001 {kind}")
    from django.core.cache import cache

    cache.set("blog:list:1", "page 1")
    cache.set("blog:list:2", "page 2")
    cache.set("blog:other", "kept")
    if kind == "fixed":
        cache.set(module.TRACKED_KEYS, {"blog:list:1", "blog:list:2"})
    module.invalidate_blog_lists()
    return cache


def test_cache001_bad_raises_attribute_error_on_locmem():
    with pytest.raises(AttributeError, match="delete_pattern"):
        run_cache001("bad")


def test_cache001_bad_works_on_django_redis(redis_cache):
    cache = run_cache001("bad")
    assert cache.get("blog:list:1") is None and cache.get("blog:list:2") is None
    assert cache.get("blog:other") == "kept"


@pytest.mark.parametrize("backend", ["locmem", "redis"])
def test_cache001_fixed_invalidates_on_every_backend(backend, request):
    if backend == "redis":
        request.getfixturevalue("redis_cache")
    cache = run_cache001("fixed")
    assert cache.get("blog:list:1") is None and cache.get("blog:list:2") is None
    assert cache.get("blog:other") == "kept"


def test_django_backends_have_no_delete_pattern():
    from django.core.cache.backends import base, db, dummy, filebased, locmem, memcached, redis

    backends = [base.BaseCache, db.DatabaseCache, dummy.DummyCache, filebased.FileBasedCache,
                locmem.LocMemCache, memcached.PyMemcacheCache, redis.RedisCache]
    assert not [b for b in backends if hasattr(b, "delete_pattern")]
    from django_redis.cache import RedisCache

    assert hasattr(RedisCache, "delete_pattern")


def run_cache003(kind):
    module = load(example("CACHE003", kind), f"CACHE003 {kind}")
    from django.core.cache import cache

    cache.set("blog:post:hello:detail", "stale")
    cache.set("blog:post:hello:_keys", {"blog:post:hello:detail"})
    module.invalidate_post("hello")
    return cache


def test_cache003_bad_silently_keeps_stale_entries_on_locmem():
    cache = run_cache003("bad")  # no exception...
    assert cache.get("blog:post:hello:detail") == "stale"  # ...and nothing invalidated


def test_cache003_fixed_invalidates_on_locmem():
    assert run_cache003("fixed").get("blog:post:hello:detail") is None


@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_cache003_both_invalidate_on_django_redis(kind, redis_cache):
    assert run_cache003(kind).get("blog:post:hello:detail") is None


@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_cache002_registry(kind):
    module = load(example("CACHE002", kind), f"CACHE002 {kind}")
    from django.core.cache import cache

    for _ in range(5):  # the same key cached again and again
        module.cache_blog_list("blog:list:1", "data")
    module.cache_blog_list("blog:list:2", "data")
    tracked = cache.get(module.TRACKED_KEYS)
    if kind == "bad":
        assert tracked == ["blog:list:1"] * 5 + ["blog:list:2"]  # grows with every set
    else:
        assert tracked == {"blog:list:1", "blog:list:2"}


def test_cache010_fixed_keeps_the_whole_digest():
    bad = load(example("CACHE010", "bad"), "CACHE010 bad")
    fixed = load(example("CACHE010", "fixed"), "CACHE010 fixed")
    from django.core.cache import cache

    cache.set("probe", 1)
    for module in (bad, fixed):
        assert module.get_blog_list(1, {"tag": "x"}) is None  # runs, a miss
    keys = []
    for module in (bad, fixed):
        seen = []
        module.cache = type("Spy", (), {"get": lambda self, key: seen.append(key)})()
        module.get_blog_list(1, {"tag": "x"})
        keys.append(seen[0].rsplit(":", 1)[1])
    assert len(keys[0]) == 8 and len(keys[1]) == 64


def test_cache011_fixed_uses_sha256():
    import hashlib

    for kind, algorithm in (("bad", hashlib.md5), ("fixed", hashlib.sha256)):
        module = load(example("CACHE011", kind), f"CACHE011 {kind}")
        seen = []
        module.cache = type("Spy", (), {"get": lambda self, key: seen.append(key)})()
        module.search_results("roses")
        assert seen == ["search:" + algorithm(b"roses").hexdigest()]


def test_cache012_fixed_hashes_equal_dicts_alike():
    from django.test import RequestFactory

    factory = RequestFactory()
    a, b = factory.get("/?page=1&tag=x"), factory.get("/?tag=x&page=1")
    bad = load(example("CACHE012", "bad"), "CACHE012 bad")
    fixed = load(example("CACHE012", "fixed"), "CACHE012 fixed")
    assert bad.filters_fingerprint(a) != bad.filters_fingerprint(b)
    assert fixed.filters_fingerprint(a) == fixed.filters_fingerprint(b)
    assert bad.options_fingerprint(page=1, tag="x") != bad.options_fingerprint(tag="x", page=1)
    assert fixed.options_fingerprint(page=1, tag="x") == fixed.options_fingerprint(tag="x", page=1)


def fill_lesson1(service):
    service.BlogCacheService.set_blog_list(1, 10, "list page 1")
    service.BlogCacheService.set_blog_list(2, 10, "list page 2")
    service.BlogCacheService.set_blog_post("hello", "post")


def test_lesson1_bug_on_locmem():
    service = load(lesson_code("1-cache-invalidation", "bug", LESSON1), "lesson 1 bug")
    from django.core.cache import cache

    fill_lesson1(service)
    with pytest.raises(AttributeError):
        service.BlogCacheService.invalidate_blog_lists()
    service.BlogCacheService.invalidate_blog_post("hello")  # "works"...
    assert cache.get("blog:post:hello:detail") == "post"  # ...and invalidates nothing


@pytest.mark.parametrize("backend", ["locmem", "redis"])
def test_lesson1_solution_invalidates_on_every_backend(backend, request):
    if backend == "redis":
        request.getfixturevalue("redis_cache")
    service = load(lesson_code("1-cache-invalidation", "solution", LESSON1), "lesson 1 solution")
    from django.core.cache import cache

    fill_lesson1(service)
    fill_lesson1(service)  # setting a key twice records it once
    assert cache.get("blog:list:_keys") == {"blog:list:1:10", "blog:list:2:10"}
    service.BlogCacheService.invalidate_blog_lists()
    assert cache.get("blog:list:1:10") is None and cache.get("blog:list:2:10") is None
    assert cache.get("blog:post:hello:detail") == "post"
    service.BlogCacheService.invalidate_blog_post("hello")
    assert cache.get("blog:post:hello:detail") is None
    assert cache.get("blog:list:_keys") is None and cache.get("blog:post:hello:_keys") is None


def test_lesson3_keys():
    bug = load(lesson_code("3-cache-keys", "bug", LESSON3), "lesson 3 bug")
    solution = load(lesson_code("3-cache-keys", "solution", LESSON3), "lesson 3 solution")
    a, b = {"tag": "x", "family": "rosaceae"}, {"family": "rosaceae", "tag": "x"}
    assert bug.blog_list_cache_key(1, 10, a) != bug.blog_list_cache_key(1, 10, b)
    assert solution.blog_list_cache_key(1, 10, a) == solution.blog_list_cache_key(1, 10, b)
    digest = solution.blog_list_cache_key(1, 10, a).rsplit(":", 1)[1]
    assert len(digest) == 64 and len(bug.blog_list_cache_key(1, 10, a).rsplit(":", 1)[1]) == 8
    nested = [{"f": {"b": 1, "a": 2}}, {"f": {"a": 2, "b": 1}}]
    assert len({solution.blog_list_cache_key(1, 10, n) for n in nested}) == 1
