"""The models the rules' examples and the lessons import (`from .models import ...`)."""

from django.db import connection, models
from modelcluster.fields import ParentalManyToManyField
from wagtail.api import APIField
from wagtail.models import Page

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


class BlogPostPlantSpecies(models.Model):
    """An ordered link from a post to a species (`related_plant_species` on BlogPost)."""

    post = models.ForeignKey(BlogPost, on_delete=models.CASCADE, related_name="related_plant_species")
    species = models.ForeignKey(PlantSpecies, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)


class Comment(models.Model):
    post = models.ForeignKey(BlogPost, on_delete=models.CASCADE, related_name="comments")
    text = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField()


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

    def refresh_totals(self):
        CALLS.append(("refresh_totals", connection.in_atomic_block))


class FeaturedBlogPostPage(BlogPostPage):
    """A proxy of BlogPostPage: model signals send it as `sender` (SIG002)."""

    class Meta:
        proxy = True
