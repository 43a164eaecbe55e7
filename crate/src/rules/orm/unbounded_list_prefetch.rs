//! ORM002: the list branch of a viewset prefetches a whole related set that the list's
//! serializer shows only a slice of, or a relation it never reads. Decided from the
//! project index, like ORM001.

use super::unconditional_viewset_prefetch::{class_name, relation_of};
use crate::diagnostic::{Category, Hit, Severity};
use crate::project::viewsets::Reach;
use crate::project::Project;
use crate::rule::{Check, Rule};

pub static RULE: Rule = Rule {
    id: "ORM002",
    name: "unbounded-list-prefetch",
    severity: Severity::Warning,
    category: Category::Orm,
    message:
        "The list branch prefetches a relation its serializer shows only a slice of, or never reads",
    explanation: crate::rule::explanation!("unbounded_list_prefetch.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::Project(check),
};

const BAD: &str = r#"# file: blog/models.py
from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=50)


class BlogPost(models.Model):
    title = models.CharField(max_length=200)
    tags = models.ManyToManyField(Tag, related_name="posts")
# file: blog/serializers.py
from rest_framework import serializers

from .models import BlogPost

MAX_LISTED_TAGS = 3


class BlogPostListSerializer(serializers.ModelSerializer):
    first_tags = serializers.SerializerMethodField()

    class Meta:
        model = BlogPost
        fields = ["id", "title", "first_tags"]

    def get_first_tags(self, obj):
        return [tag.name for tag in obj.tags.all()[:MAX_LISTED_TAGS]]


class BlogPostSerializer(serializers.ModelSerializer):
    class Meta:
        model = BlogPost
        fields = ["id", "title", "tags"]
# file: blog/views.py
from rest_framework import viewsets

from .models import BlogPost
from .serializers import BlogPostListSerializer, BlogPostSerializer


class BlogPostViewSet(viewsets.ReadOnlyModelViewSet):
    def get_serializer_class(self):
        if self.action == "list":
            return BlogPostListSerializer
        return BlogPostSerializer

    def get_queryset(self):
        queryset = BlogPost.objects.all()
        if self.action == "list":
            queryset = queryset.prefetch_related("tags")
        else:
            queryset = queryset.prefetch_related("tags")
        return queryset
"#;

const FIXED: &str = r#"# file: blog/models.py
from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=50)


class BlogPost(models.Model):
    title = models.CharField(max_length=200)
    tags = models.ManyToManyField(Tag, related_name="posts")
# file: blog/serializers.py
from rest_framework import serializers

from .models import BlogPost


class BlogPostListSerializer(serializers.ModelSerializer):
    first_tags = serializers.SerializerMethodField()

    class Meta:
        model = BlogPost
        fields = ["id", "title", "first_tags"]

    def get_first_tags(self, obj):
        return [tag.name for tag in obj.listed_tags]


class BlogPostSerializer(serializers.ModelSerializer):
    class Meta:
        model = BlogPost
        fields = ["id", "title", "tags"]
# file: blog/views.py
from django.db.models import Prefetch
from rest_framework import viewsets

from .models import BlogPost, Tag
from .serializers import BlogPostListSerializer, BlogPostSerializer

MAX_LISTED_TAGS = 3


class BlogPostViewSet(viewsets.ReadOnlyModelViewSet):
    def get_serializer_class(self):
        if self.action == "list":
            return BlogPostListSerializer
        return BlogPostSerializer

    def get_queryset(self):
        queryset = BlogPost.objects.all()
        if self.action == "list":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "tags",
                    queryset=Tag.objects.order_by("name")[:MAX_LISTED_TAGS],
                    to_attr="listed_tags",
                )
            )
        else:
            queryset = queryset.prefetch_related("tags")
        return queryset
"#;

fn check(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let index = &project.index;
    // Bases from outside DRF may override `list()` or the serializer choice: not followed.
    for viewset in index.drf_viewsets(false) {
        if viewset.mro.iter().any(|(_, c)| c.has_method("list")) {
            continue;
        }
        // Sites that run for the list and not for the detail: the list branch.
        let sites: Vec<_> = index
            .prefetches(&viewset)
            .into_iter()
            .filter(|(_, s)| s.reach == [Reach::Yes, Reach::No])
            .collect();
        if sites.is_empty() {
            continue;
        }
        let Some(list) = index.serializer_for(&viewset, "list") else {
            continue;
        };
        let Some(reads) = index.serializer_reads(list).filter(|r| r.complete) else {
            continue;
        };
        let serializer = class_name(index, list);
        for (owner, site) in sites {
            for (lookup, range, plain) in &site.lookups {
                let relation = relation_of(lookup);
                let message = match reads.get(relation) {
                    None => format!(
                        "The list branch prefetches `{lookup}`, but the list's `{serializer}` never reads `{relation}`: the query runs on every list request for nothing"
                    ),
                    Some(read) if read.sliced_only && *plain && lookup == relation => format!(
                        "The list's `{serializer}` shows a slice of `{relation}`, but the list branch prefetches every `{relation}` row of every object: bound it with `Prefetch(\"{relation}\", queryset=...[:LIMIT], to_attr=...)` (Django 4.2+) and read the `to_attr`"
                    ),
                    Some(_) => continue,
                };
                hits.push((owner.file, Hit::at(range.clone()).with_message(message)));
            }
        }
    }
}
