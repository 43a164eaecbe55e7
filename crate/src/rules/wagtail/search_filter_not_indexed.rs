//! WAG014: a queryset filtered on a field that its model's `search_fields` do not index
//! as a `FilterField`, then searched: Wagtail raises `FilterFieldError`.

use crate::context::FileContext;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::project::facts::{RuleFacts, Search};
use crate::project::models::PAGE_ROOTS;
use crate::project::{ClassId, FileFacts, Project, ProjectIndex};
use crate::rule::{Check, Rule};
use crate::rules::modules::is_test_module;
use crate::rules::querysets::Querysets;

pub static RULE: Rule = Rule {
    id: "WAG014",
    name: "search-filter-not-indexed",
    severity: Severity::Blocker,
    category: Category::Wagtail,
    message: "Search results filtered on a field that is not an `index.FilterField` of the model: Wagtail raises `FilterFieldError`",
    explanation: crate::rule::explanation!("search_filter_not_indexed.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::ProjectFacts { facts, run: check },
};

const BAD: &str = r#"# file: blog/models.py
from django.db import models
from wagtail.models import Page
from wagtail.search import index


class BlogPage(Page):
    category = models.CharField(max_length=50)
    body = models.TextField()

    search_fields = Page.search_fields + [index.SearchField("body")]
# file: blog/views.py
from django.shortcuts import render

from .models import BlogPage


def search(request):
    posts = BlogPage.objects.live().filter(category=request.GET.get("category", "news"))
    results = posts.search(request.GET.get("q", ""))
    return render(request, "blog/search.html", {"results": results})
"#;

const FIXED: &str = r#"# file: blog/models.py
from django.db import models
from wagtail.models import Page
from wagtail.search import index


class BlogPage(Page):
    category = models.CharField(max_length=50)
    body = models.TextField()

    search_fields = Page.search_fields + [
        index.SearchField("body"),
        index.FilterField("category"),
    ]
# file: blog/views.py
from django.shortcuts import render

from .models import BlogPage


def search(request):
    posts = BlogPage.objects.live().filter(category=request.GET.get("category", "news"))
    results = posts.search(request.GET.get("q", ""))
    return render(request, "blog/search.html", {"results": results})
"#;

/// `Page.search_fields`' filter fields (`wagtail/models/pages.py`, Wagtail 8.0.1:
/// `AbstractPage` plus `DefaultBasePageMixin`'s `show_in_menus`).
const PAGE_FILTER_FIELDS: &[&str] = &[
    "title",
    "id",
    "live",
    "owner",
    "content_type",
    "path",
    "depth",
    "locked",
    "show_in_menus",
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
    "locale",
    "translation_key",
];

/// Lookups that end a filter keyword (`date__gte`): the part before them is the field.
/// A keyword with another second part spans a relation (`category__slug`), which needs
/// `index.RelatedFields`: not judged here.
const LOOKUPS: &[&str] = &[
    "exact",
    "iexact",
    "in",
    "gt",
    "gte",
    "lt",
    "lte",
    "isnull",
    "range",
    "contains",
    "icontains",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "year",
    "month",
    "day",
    "date",
];

/// How far `search_fields` are followed through bases and `X.search_fields + [...]`.
const MAX_DEPTH: usize = 12;

/// The filter fields of a class's `search_fields`, when every part of them is known: its
/// own assignment (or, without one, the first base that has one, as Python's attribute
/// lookup finds it), `Page.search_fields` from Wagtail, and project classes'.
fn filter_fields(index: &ProjectIndex, id: ClassId, depth: usize) -> Option<Vec<String>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let class = index.class_fact(id)?;
    let page = |name: &str| PAGE_ROOTS.contains(&name);
    let page_fields = || PAGE_FILTER_FIELDS.iter().map(|f| f.to_string()).collect();
    let Some(own) = &class.search_fields else {
        for base in &class.bases {
            if page(base) {
                return Some(page_fields());
            }
            let project_base = index
                .class_qualified(id.file, base, 0)
                .filter(|b| *b != id)?;
            let base_fact = index.class_fact(project_base)?;
            let declares = base_fact.search_fields.is_some();
            match filter_fields(index, project_base, depth + 1) {
                Some(fields) => return Some(fields),
                // A base that has no search fields of its own and none from its bases:
                // look at the next one.
                None if !declares && base_fact.bases.iter().all(|b| !page(b)) => continue,
                None => return None,
            }
        }
        return None;
    };
    if !own.complete {
        return None;
    }
    let mut fields = own.filter_fields.clone();
    for extended in &own.extends {
        if page(extended) {
            fields.extend(page_fields());
            continue;
        }
        let base = index.class_qualified(id.file, extended, 0)?;
        fields.extend(filter_fields(index, base, depth + 1)?);
    }
    Some(fields)
}

/// The filters of each searched `Model.objects...` chain in the file, read in the per-file
/// pass; the model's indexed fields are the index's to say.
fn facts(ctx: &FileContext, _: &FileFacts, facts: &mut RuleFacts) {
    // Tests raise `FilterFieldError` on purpose (`assertRaises`).
    if !ctx.mentions(".search(")
        || is_test_module(ctx.path)
        || !ctx.mentions("objects")
        || !(ctx.mentions("filter(") || ctx.mentions("exclude("))
    {
        return;
    }
    let querysets = Querysets::new(ctx);
    for (_, _, queryset, model) in querysets.method_calls_on_model(&["search"]) {
        let mut filters = Vec::new();
        for step in &queryset.steps {
            if !matches!(step.method, "filter" | "exclude") {
                continue;
            }
            let Some(args) = step.node.field("arguments") else {
                continue;
            };
            let mut cursor = args.walk();
            for arg in args.named_children(&mut cursor) {
                if arg.kind_name() != "keyword_argument" {
                    continue;
                }
                let Some(name) = arg.field("name").map(|n| ctx.text(n)) else {
                    continue;
                };
                let mut parts = name.split("__");
                let field = parts.next().unwrap_or(name);
                let rest: Vec<&str> = parts.collect();
                if rest.len() > 1 || rest.first().is_some_and(|l| !LOOKUPS.contains(l)) {
                    continue;
                }
                // The primary key is handled by the backend itself.
                if matches!(field, "pk" | "id") || field.ends_with("_ptr") {
                    continue;
                }
                let field = field.strip_suffix("_id").unwrap_or(field);
                filters.push((arg.byte_range(), field.to_string()));
            }
        }
        if !filters.is_empty() {
            facts.searches.push(Search {
                model: model.to_string(),
                filters,
            });
        }
    }
}

fn check(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    // Only a project with searchable models (its own `search_fields`, or pages) can have
    // a hit; Django's own code has `re.search(` everywhere and no such model.
    let searchable = project.index.files().any(|(_, facts)| {
        facts.classes.iter().any(|c| {
            c.search_fields.is_some() || c.bases.iter().any(|b| PAGE_ROOTS.contains(&b.as_str()))
        })
    });
    if !searchable {
        return;
    }
    for (file, facts) in project.index.files() {
        for search in &facts.rules.searches {
            let model_name = search.model.as_str();
            let Some(model) = project.index.model_named(file, model_name) else {
                continue;
            };
            let Some(indexed) = filter_fields(&project.index, model.id, 0) else {
                continue;
            };
            for (range, field) in &search.filters {
                if indexed.iter().any(|f| f == field) {
                    continue;
                }
                hits.push((
                    file,
                    Hit::at(range.clone()).with_message(format!(
                        "`{field}` is not an `index.FilterField` in `{model_name}.search_fields`: searching this queryset raises `FilterFieldError`; add `index.FilterField(\"{field}\")` to them"
                    )),
                ));
            }
        }
    }
}
