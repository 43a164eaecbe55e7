"""The serializers examples import: ORM001's `BlogPostSerializer` (on the list it reads the
bounded `to_attr` list) and DRF002's `ProductSerializer`."""

from rest_framework import serializers

from .models import BlogPost, Product


class BlogPostSerializer(serializers.ModelSerializer):
    plant_species = serializers.SerializerMethodField()

    class Meta:
        model = BlogPost
        fields = ["id", "title", "plant_species"]

    def get_plant_species(self, post):
        # A sliced Prefetch stores its rows under to_attr; without it, the whole related set.
        rows = getattr(post, "listed_plant_species", None)
        if rows is None:
            rows = post.related_plant_species.all()
        return [row.species_id for row in rows]


class ProductSerializer(serializers.ModelSerializer):
    """DRF002's `from .serializers import ProductSerializer`."""

    class Meta:
        model = Product
        fields = ["id", "name"]
