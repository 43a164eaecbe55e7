"""The models the rules' examples and the lessons import (`from .models import ...`)."""

from django.db import connection, models
from modelcluster.fields import ParentalManyToManyField
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BodyBlock

# What receivers and model methods saw, for the tests to read.
CALLS = []


class Tag(models.Model):
    name = models.CharField(max_length=50)


class PlantSpecies(models.Model):
    name = models.CharField(max_length=100)


class BlogPost(models.Model):
    """A plain model: ORM001/ORM002/ORM003's examples (their models.py declares a subset)."""

    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, related_name="posts")
    # Post (the proxy below): ORM010's and DRF001's examples.
    published = models.BooleanField(default=False)
    created = models.DateTimeField(null=True, blank=True)


class BlogPostPlantSpecies(models.Model):
    """An ordered link from a post to a species (`related_plant_species` on BlogPost)."""

    post = models.ForeignKey(BlogPost, on_delete=models.CASCADE, related_name="related_plant_species")
    species = models.ForeignKey(PlantSpecies, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)


class Comment(models.Model):
    post = models.ForeignKey(BlogPost, on_delete=models.CASCADE, related_name="comments")
    text = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField()
    # ORM011 and DRF001.
    approved = models.BooleanField(default=False)
    author = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.CASCADE)


class BlogPostPage(Page):
    """A Wagtail page: the signal rules, WAG001/WAG002 and the lessons."""

    featured_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    related_plant_species = ParentalManyToManyField(PlantSpecies, blank=True, related_name="blog_posts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="blog_post_pages")

    api_fields = [APIField("featured_image")]

    def invalidate_cache(self):
        CALLS.append(("invalidate_cache", self.pk))

    def update_search_index(self):
        CALLS.append(("update_search_index", self.pk))


class Order(models.Model):
    """DJ013's example: `refresh_totals()` records whether it ran inside a transaction."""

    total = models.IntegerField(default=0)
    # ORM012 and ORM013.
    status = models.CharField(max_length=20, default="open")
    due = models.DateField(null=True, blank=True)
    customer = models.ForeignKey("Customer", null=True, blank=True, on_delete=models.CASCADE)

    def refresh_totals(self):
        CALLS.append(("refresh_totals", connection.in_atomic_block))


class FeaturedBlogPostPage(BlogPostPage):
    """A proxy of BlogPostPage: model signals send it as `sender` (SIG002)."""

    class Meta:
        proxy = True


# The round-2 rules' examples and lessons 7-9 (CACHE020-022, ORM010-014, DRF001-002,
# WAG010-017).


class Post(BlogPost):
    """ORM010, ORM011, DRF001: a post with `published`, `created`, `comments` and `likes`."""

    class Meta:
        proxy = True


class Like(models.Model):
    post = models.ForeignKey(BlogPost, on_delete=models.CASCADE, related_name="likes")


class Article(models.Model):
    title = models.CharField(max_length=200, blank=True)


class Product(models.Model):
    """CACHE021 and lesson 7 (price, on_sale), DRF002 (active, in_stock)."""

    name = models.CharField(max_length=100, blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    on_sale = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    in_stock = models.BooleanField(default=True)


class Customer(models.Model):
    name = models.CharField(max_length=100, blank=True)


class Account(models.Model):
    balance = models.IntegerField(default=0)


class BlogPage(Page):
    """WAG011, WAG014, WAG017 and lesson 8. The examples' `search_fields` and `api_fields`
    replace these for their test (conftest.load_files)."""

    summary = models.CharField(max_length=250, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(max_length=50, blank=True)
    body = StreamField(BodyBlock(), blank=True)

    search_fields = Page.search_fields + [index.SearchField("body"), index.FilterField("category")]
    api_fields = [APIField("body")]

    def card_context(self):
        """What WAG010's `child.specific.card_context()` reads."""
        return {"title": self.title, "summary": self.summary}
