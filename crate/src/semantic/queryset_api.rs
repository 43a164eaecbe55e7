//! Django's (and Wagtail's) queryset API by name: the manager attributes, the methods that
//! return a new queryset and those that end a chain with a read. Plain data, so the project
//! index (which reads viewsets' querysets) and the rules (`rules::querysets`) share one list.

/// Manager attributes every model has (`django/db/models/base.py`, `ModelBase`; Django 5.2).
pub const MANAGERS: &[&str] = &["objects", "_default_manager", "_base_manager"];

/// Methods of `QuerySet` that end a chain with a read: they run a query and return a
/// value (a row, a number, a dict) rather than a queryset.
pub const READS: &[&str] = &[
    "get",
    "first",
    "last",
    "count",
    "exists",
    "aggregate",
    "latest",
    "earliest",
    "in_bulk",
];

/// Methods of `QuerySet` (Django 5.2 `django/db/models/query.py`) and of Wagtail's
/// `PageQuerySet`/`TreeQuerySet` and image querysets (Wagtail 6/7) that return a new,
/// unevaluated queryset.
pub const CHAINED: &[&str] = &[
    // Django
    "all",
    "filter",
    "exclude",
    "order_by",
    "reverse",
    "distinct",
    "values",
    "values_list",
    "dates",
    "datetimes",
    "none",
    "union",
    "intersection",
    "difference",
    "select_related",
    "prefetch_related",
    "extra",
    "annotate",
    "alias",
    "defer",
    "only",
    "using",
    "select_for_update",
    // Wagtail's PageQuerySet and TreeQuerySet
    "live",
    "not_live",
    "public",
    "not_public",
    "private",
    "specific",
    "defer_streamfields",
    "in_menu",
    "not_in_menu",
    "in_site",
    "page",
    "not_page",
    "type",
    "not_type",
    "exact_type",
    "not_exact_type",
    "descendant_of",
    "not_descendant_of",
    "child_of",
    "not_child_of",
    "ancestor_of",
    "not_ancestor_of",
    "parent_of",
    "not_parent_of",
    "sibling_of",
    "not_sibling_of",
    "translation_of",
    "not_translation_of",
    // Wagtail's image queryset (Wagtail 4.0+)
    "prefetch_renditions",
];

/// Page-tree methods of treebeard's `MP_Node` and Wagtail's `Page` that return querysets.
pub const PAGE_TREE: &[&str] = &[
    "get_children",
    "get_descendants",
    "get_siblings",
    "get_ancestors",
];
