"""The serializers lesson 2's viewsets import (`from .serializers import ...`)."""

from rest_framework import serializers

from ..models import BlogPostPage, PlantSpecies


class BlogPostSerializer(serializers.ModelSerializer):
    plant_species = serializers.SerializerMethodField()

    class Meta:
        model = BlogPostPage
        fields = ["id", "title", "plant_species"]

    def get_plant_species(self, page):
        rows = getattr(page, "listed_plant_species", None)  # the list's bounded Prefetch
        if rows is None:
            rows = page.related_plant_species.all()
        return [species.name for species in rows]


class PlantSpeciesSerializer(serializers.ModelSerializer):
    blog_posts = serializers.SerializerMethodField()

    class Meta:
        model = PlantSpecies
        fields = ["id", "name", "blog_posts"]

    def get_blog_posts(self, species):
        rows = getattr(species, "listed_blog_posts", None)
        if rows is None:
            rows = species.blog_posts.all()
        return [page.title for page in rows]
