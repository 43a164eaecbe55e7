//! DRF003: a viewset's list renders a relation through its serializer (a nested
//! serializer, a related field with `many=True`, a dotted `source`, a method field
//! iterating `obj.<relation>.all()`) that its queryset neither prefetches nor selects.
//! Decided from the project index: the list's serializer and what it renders, the
//! model's relations, and how the viewset builds its queryset.

use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::project::classes::{last_segment, ClassFact};
use crate::project::models::Model;
use crate::project::viewsets::{PrefetchSite, QuerysetBuild, QuerysetRoot, Reach, ResolvedViewset};
use crate::project::{ClassId, Project, ProjectIndex};
use crate::rule::{Check, Rule};
use crate::rules::orm::unconditional_viewset_prefetch::{class_name, relation_of};
use std::collections::HashSet;

pub static RULE: Rule = Rule {
    id: "DRF003",
    name: "serialized-relation-not-prefetched",
    severity: Severity::Warning,
    category: Category::Drf,
    message: "The list's serializer renders a relation the viewset's queryset neither prefetches nor selects: one query per row",
    explanation: crate::rule::explanation!("serialized_relation_not_prefetched.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
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

from .models import BlogPost, Tag


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name"]


class BlogPostSerializer(serializers.ModelSerializer):
    tags = TagSerializer(many=True, read_only=True)

    class Meta:
        model = BlogPost
        fields = ["id", "title", "tags"]
# file: blog/views.py
from rest_framework import viewsets

from .models import BlogPost
from .serializers import BlogPostSerializer


class BlogPostViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = BlogPost.objects.order_by("-id")
    serializer_class = BlogPostSerializer
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

from .models import BlogPost, Tag


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name"]


class BlogPostSerializer(serializers.ModelSerializer):
    tags = TagSerializer(many=True, read_only=True)

    class Meta:
        model = BlogPost
        fields = ["id", "title", "tags"]
# file: blog/views.py
from rest_framework import viewsets

from .models import BlogPost
from .serializers import BlogPostSerializer


class BlogPostViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = BlogPost.objects.order_by("-id").prefetch_related("tags")
    serializer_class = BlogPostSerializer
"#;

/// Viewset methods that may change what the list evaluates or renders: a `list()` of
/// its own, a `get_serializer()` passing other fields, pagination or filtering that may
/// prefetch on the page (`prefetch_related_objects`).
const OVERRIDES: &[&str] = &[
    "list",
    "get_serializer",
    "paginate_queryset",
    "filter_queryset",
];

/// Managers whose `get_queryset()` is Django's own (no prefetch of their own).
const PLAIN_MANAGERS: &[&str] = &["django.db.models.Manager", "models.Manager"];

/// How far a model's project bases are followed for its managers.
const MAX_MODEL_DEPTH: usize = 16;

fn check(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let index = &project.index;
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    for viewset in index.drf_viewsets(true) {
        let Some(viewset_name) = index.class_fact(viewset.id).map(|c| &c.name) else {
            continue;
        };
        if viewset
            .mro
            .iter()
            .any(|(_, c)| OVERRIDES.iter().any(|m| c.has_method(m)))
        {
            continue;
        }
        let Some(serializer) = index.serializer_for(&viewset, "list") else {
            continue;
        };
        let Some((model, relations)) = index.serializer_relations(serializer) else {
            continue;
        };
        if relations.is_empty() {
            continue;
        }
        let Some((owner, build)) = list_queryset(index, &viewset, &model) else {
            continue;
        };
        // Sites that may run for the list (an unknown condition counts).
        let runs = |sites: Vec<(ClassId, PrefetchSite)>| -> Vec<PrefetchSite> {
            sites
                .into_iter()
                .map(|(_, s)| s)
                .filter(|s| s.reach.first() != Some(&Reach::No))
                .collect()
        };
        let prefetched = runs(index.prefetches(&viewset));
        let selected = runs(index.selects(&viewset));
        if prefetched.iter().any(|s| s.opaque) {
            continue;
        }
        let covers = |sites: &[PrefetchSite], relation: &str| {
            sites
                .iter()
                .any(|s| s.lookups.iter().any(|(l, _, _)| relation_of(l) == relation))
        };
        let missing: Vec<_> = relations
            .into_iter()
            .filter(|read| {
                !covers(&prefetched, &read.relation)
                    && (read.many
                        || !covers(&selected, &read.relation) && !selected.iter().any(|s| s.opaque))
            })
            .collect();
        // One hit per queryset (hits at one place are one diagnostic), naming each
        // relation; viewsets sharing a base's queryset report it once.
        if missing.is_empty() || !seen.insert((owner.file, build.range.start)) {
            continue;
        }
        let list = |many: bool| {
            missing
                .iter()
                .filter(|r| r.many == many)
                .map(|r| format!("\"{}\"", r.relation))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut calls = Vec::new();
        for (many, method) in [(true, "prefetch_related"), (false, "select_related")] {
            let names = list(many);
            if !names.is_empty() {
                calls.push(format!(".{method}({names})"));
            }
        }
        let renders: Vec<String> = missing
            .iter()
            .map(|r| {
                format!(
                    "`{}` through `{}.{}` ({})",
                    r.relation,
                    class_name(index, serializer),
                    r.field,
                    r.how
                )
            })
            .collect();
        let mut hit = Hit::at(build.range.clone()).with_message(format!(
            "The list of `{}` renders {}, but this queryset does not prefetch or select {}: one query per row of the page for each relation; add `{}`",
            viewset_name,
            renders.join(", "),
            if missing.len() == 1 { "it" } else { "them" },
            calls.concat(),
        ));
        let fixes_trusted = index.file(owner.file).is_some_and(|f| f.fixes_trusted);
        if let Some(at) = build.fix_at.filter(|_| fixes_trusted) {
            hit = hit.with_fix(
                format!("Add `{}`", calls.concat()),
                vec![Edit::insert(at, calls.concat())],
            );
        }
        hits.push((owner.file, hit));
    }
}

/// The queryset the list starts from, and the class whose code builds it: the nearest
/// `get_queryset(self)` when the index can read what it returns, else the class-level
/// `queryset`. None unless it is known to be a queryset of `model` through a manager
/// with no queryset logic of its own.
fn list_queryset<'i>(
    index: &'i ProjectIndex,
    viewset: &ResolvedViewset<'i>,
    model: &Model,
) -> Option<(ClassId, &'i QuerysetBuild)> {
    let class_queryset = || {
        let (id, class) = viewset
            .mro
            .iter()
            .find(|(_, c)| c.attrs.iter().any(|a| a.name == "queryset"))?;
        Some((*id, class.viewset.as_ref()?.class_queryset.as_ref()?))
    };
    let built = match viewset
        .mro
        .iter()
        .find(|(_, c)| c.has_method("get_queryset"))
    {
        Some((id, class)) => (*id, class.viewset.as_ref()?.get_queryset.as_ref()?),
        None => class_queryset()?,
    };
    let (root_owner, root) = match &built.1.root {
        QuerysetRoot::Base => {
            let (id, base) = class_queryset()?;
            (id, &base.root)
        }
        root => (built.0, root),
    };
    match root {
        QuerysetRoot::Manager {
            model: name,
            manager,
        } => {
            if index.class_qualified(root_owner.file, name, 0)? != model.id
                || custom_manager(index, model.id, manager, 0)
            {
                return None;
            }
        }
        // A related manager's class derives from the model's default manager's
        // (`create_reverse_many_to_one_manager(related_model._default_manager.__class__,
        // ...)`, Django 5.2.19), so its `get_queryset()` runs too.
        QuerysetRoot::Related { name } => {
            let models = index.related_set_models(name);
            if models.is_empty()
                || models.iter().any(|m| *m != Some(model.id))
                || custom_manager(index, model.id, "_default_manager", 0)
            {
                return None;
            }
        }
        QuerysetRoot::Base => return None,
    }
    if !model.bases_known {
        return None;
    }
    Some(built)
}

/// Whether `manager` of the model (or its default manager) may be a custom one, whose
/// `get_queryset()` could prefetch: declared in the model or a project base as anything
/// but a plain `models.Manager()`, or a class-level call the index does not keep.
fn custom_manager(index: &ProjectIndex, id: ClassId, manager: &str, depth: usize) -> bool {
    if depth > MAX_MODEL_DEPTH {
        return true;
    }
    let Some(class) = index.class_fact(id) else {
        return true;
    };
    if declares_manager(class, manager) {
        return true;
    }
    class.bases.iter().any(|base| {
        index
            .class_qualified(id.file, base, 0)
            .is_some_and(|parent| parent != id && custom_manager(index, parent, manager, depth + 1))
    })
}

/// `objects = PostManager()` (for `objects`), or any manager but a plain one (for
/// `_default_manager`/`_base_manager`, which may be the first declared), or a
/// class-level call the index does not keep (`objects = PostQuerySet.as_manager()`).
fn declares_manager(class: &ClassFact, manager: &str) -> bool {
    class.undeclared_calls
        || class.attrs.iter().any(|a| a.name == manager)
        || class.fields.iter().any(|f| {
            (f.name == manager || manager != "objects")
                && last_segment(&f.callee).ends_with("Manager")
                // Taggit's `TaggableManager` is a field, not a model manager.
                && !last_segment(&f.callee).ends_with("TaggableManager")
                && !PLAIN_MANAGERS.contains(&f.callee.as_str())
        })
}
