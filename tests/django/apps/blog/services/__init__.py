"""`BlogCacheService` as the signal examples use it: records what it was asked to invalidate."""

from ..models import CALLS


class BlogCacheService:
    @staticmethod
    def invalidate_blog_post(slug):
        CALLS.append(("invalidate_blog_post", slug))

    @staticmethod
    def invalidate_blog_lists():
        CALLS.append(("invalidate_blog_lists", None))
