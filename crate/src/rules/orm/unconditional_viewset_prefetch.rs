//! ORM001: a viewset prefetches, for every action, a relation that its list serializer
//! never reads while its detail serializer does. Decided from the project index: the
//! serializer each action gets, what each serializer reads, and where the prefetch runs.

use crate::diagnostic::{Category, Hit, Severity};
use crate::project::viewsets::{PrefetchOrigin, Reach, ViewsetKind};
use crate::project::{ClassId, Project, ProjectIndex};
use crate::rule::{Check, Rule};

pub static RULE: Rule = Rule {
    id: "ORM001",
    name: "unconditional-viewset-prefetch",
    severity: Severity::Blocker,
    category: Category::Orm,
    message: "The viewset prefetches for every action a relation its list serializer never reads: prefetch it for the detail only",
    explanation: crate::rule::explanation!("unconditional_viewset_prefetch.md"),
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
    body = models.TextField()
    tags = models.ManyToManyField(Tag, related_name="posts")
# file: blog/serializers.py
from rest_framework import serializers

from .models import BlogPost


class BlogPostListSerializer(serializers.ModelSerializer):
    class Meta:
        model = BlogPost
        fields = ["id", "title"]


class BlogPostSerializer(serializers.ModelSerializer):
    class Meta:
        model = BlogPost
        fields = ["id", "title", "body", "tags"]
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
        return BlogPost.objects.prefetch_related("tags")
"#;

const FIXED: &str = r#"# file: blog/models.py
from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=50)


class BlogPost(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField()
    tags = models.ManyToManyField(Tag, related_name="posts")
# file: blog/serializers.py
from rest_framework import serializers

from .models import BlogPost


class BlogPostListSerializer(serializers.ModelSerializer):
    class Meta:
        model = BlogPost
        fields = ["id", "title"]


class BlogPostSerializer(serializers.ModelSerializer):
    class Meta:
        model = BlogPost
        fields = ["id", "title", "body", "tags"]
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
        if self.action != "list":
            queryset = queryset.prefetch_related("tags")
        return queryset
"#;

/// The relation a lookup starts with: `tags` for `tags__category`.
pub(crate) fn relation_of(lookup: &str) -> &str {
    lookup.split("__").next().unwrap_or(lookup)
}

/// The short name of a project class, for messages.
pub(crate) fn class_name(index: &ProjectIndex, id: ClassId) -> &str {
    index.class_fact(id).map_or("?", |c| c.name.as_str())
}

fn check(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let index = &project.index;
    for (file, facts) in index.files() {
        for (class, fact) in facts.classes.iter().enumerate() {
            if fact.viewset.is_none() {
                continue;
            }
            let id = ClassId { file, class };
            let Some(viewset) = index.viewset(id) else {
                continue;
            };
            // A base from outside DRF may override `list()` or the serializer choice.
            if viewset.kind != ViewsetKind::Drf
                || !viewset.bases_known
                || !fact.viewset.as_ref().is_some_and(|v| v.may_list)
                || viewset.mro.iter().any(|(_, c)| c.has_method("list"))
            {
                continue;
            }
            let sites = index.prefetches(&viewset);
            if !sites
                .iter()
                .any(|(_, s)| s.reach.iter().all(|r| *r == Reach::Yes))
            {
                continue;
            }
            let (Some(list), Some(detail)) = (
                index.serializer_for(&viewset, "list"),
                index.serializer_for(&viewset, "retrieve"),
            ) else {
                continue;
            };
            if list == detail {
                continue;
            }
            let (Some(list_reads), Some(detail_reads)) =
                (index.serializer_reads(list), index.serializer_reads(detail))
            else {
                continue;
            };
            if !list_reads.complete {
                continue;
            }
            for (owner, site) in sites {
                if !site.reach.iter().all(|r| *r == Reach::Yes) {
                    continue;
                }
                let Some(owner_facts) = index.file(owner.file) else {
                    continue;
                };
                for (lookup, range, _) in &site.lookups {
                    let relation = relation_of(lookup);
                    if list_reads.get(relation).is_some() || detail_reads.get(relation).is_none() {
                        continue;
                    }
                    let place = match site.origin {
                        PrefetchOrigin::GetQueryset => "`get_queryset`",
                        PrefetchOrigin::ClassQueryset => "The class-level `queryset`",
                    };
                    let mut hit = Hit::at(range.clone()).with_message(format!(
                        "{place} prefetches `{lookup}` for every action of `{}`, but its list serializer `{}` never reads `{relation}` (only `{}` does): prefetch it when `self.action` is not `\"list\"`",
                        fact.name,
                        class_name(index, list),
                        class_name(index, detail),
                    ));
                    if !owner_facts.fixes_trusted {
                        hit.fix = None;
                    }
                    hits.push((owner.file, hit));
                }
            }
        }
    }
}
