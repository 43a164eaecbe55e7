//! What project rules read of each file in the per-file pass, while its tree is held there
//! (`Check::ProjectFacts`): the project pass joins these facts with the index instead of
//! parsing the file a second time (on the Django, DRF and Wagtail corpus those second
//! parses were 7% of the whole check; reading the facts costs a tenth of that). Each rule
//! fills its own field, from its own file, and
//! reads it back in its check; a fact is what the rule would report once the index answers
//! the questions only other files can (is this class a page type, does a receiver
//! invalidate this model's cache). Positions are byte ranges in the file's text.
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Every project rule's facts of one file (`FileFacts::rules`). Most files have none: empty
/// lists are left out of the CLI's cache.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RuleFacts {
    /// WAG013: page listings shown to visitors with no `.live()` in their chain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub page_queries: Vec<PageQuery>,
    /// WAG013: methods that narrow what the same method of their base returns to published
    /// pages (`super().get_queryset().live()`), as (class, method).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub live_overrides: Vec<(String, String)>,
    /// CACHE021: the file's receivers (`FileFacts::receivers`, by range) that touch the
    /// cache.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cache_receivers: Vec<Range<usize>>,
    /// CACHE021: bulk writes on `Model.objects...` in a function that does not invalidate
    /// the cache after them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bulk_writes: Vec<BulkWrite>,
    /// SIG002: class tests by identity or name inside receivers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub type_tests: Vec<TypeTest>,
    /// WAG014: searched `Model.objects...` chains and the fields they filter on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub searches: Vec<Search>,
    /// WAG017: the fields Wagtail API viewsets list by default (`listing_default_fields`),
    /// by name, with each name's range.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listed_fields: Vec<(String, Range<usize>)>,
    /// WAG017: the heavy fields models expose through `api_fields`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heavy_fields: Vec<HeavyField>,
    /// SIG001: `hasattr(obj, "name")` inside receivers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hasattr_tests: Vec<HasattrTest>,
    /// DRF001: method-field methods that query for each object, by serializer class.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub method_field_queries: Vec<MethodFieldQuery>,
    /// DRF001: where the file names a serializer class (`...Serializer`) and how it serializes
    /// with it: many objects, one, or in a way not told.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub serializer_uses: Vec<SerializerUse>,
    /// CACHE001: the `delete_pattern()` calls nothing protects (the hits' ranges).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delete_patterns: Vec<Range<usize>>,
    /// CACHE001: the cache backends the file's settings name, `None` for one not written
    /// out (`project::settings::cache_backends`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cache_backends: Vec<Option<String>>,
}

/// WAG013: a queryset shown to a visitor (looped over, returned, put in a template
/// context, paginated) that may list pages and has no `.live()` in its chain, in code that
/// may serve the public. A hit once the index says it lists pages and who serves it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageQuery {
    /// The chain's root (`BlogPage.objects`, `self.get_children()`): the hit's range.
    pub root: Range<usize>,
    /// How its rows reach the visitor: "looped over", "returned", ...
    pub how: String,
    /// What it lists.
    pub lists: PageListing,
    /// What serves the function showing it, unless `serves_if_page` applies.
    pub serves: Option<String>,
    /// A page's (or block's) serving method (`serve`, `get_context`): its class's name, and
    /// what serves it when that class is a page type of the project.
    pub serves_if_page: Option<(String, String)>,
    /// Whether the chain starts in the function that shows it (where `.live()` goes).
    pub fix: bool,
    /// For a method of a module-level class: the class's name and the method's. The index
    /// says whether the class or a project base lets only some users in
    /// (`permission_classes`, `get_permissions`, a sign-in mixin), and whether a project
    /// subclass narrows the method to published pages (`super().get_queryset().live()`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<(String, String)>,
}

/// Whether a queryset lists Wagtail pages, or what the index must say first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum PageListing {
    /// `Page.objects...`: Wagtail's own page models.
    Pages,
    /// `Name.objects...`: when `Name` is a page type of the project.
    Model(String),
    /// A page tree's children, descendants or siblings: when the file works with pages.
    Tree,
}

/// CACHE021: `Model.objects....update()` or `bulk_update()`. A hit when the index finds a
/// `post_save` receiver of `Model` that touches the cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BulkWrite {
    /// The call: the hit's range.
    pub call: Range<usize>,
    /// `Model` as written.
    pub model: String,
    /// `bulk_update()` rather than `QuerySet.update()`.
    pub bulk_update: bool,
}

/// SIG002: `sender == Model`, `type(instance) is Model`, `sender.__name__ == "Model"` in a
/// receiver. A hit when one of the receivers around it takes every sender of signals that
/// send the model class (the index joins `connect` calls in other files).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeTest {
    /// The comparison: the hit's range.
    pub range: Range<usize>,
    /// By the class's name rather than its identity.
    pub by_name: bool,
    /// The receivers (`FileFacts::receivers`, by range) around it, innermost first.
    pub receivers: Vec<Range<usize>>,
}

/// WAG014: `Model.objects.filter(field=...)....search(...)`. A hit for each field the
/// index does not find among the model's `index.FilterField`s.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Search {
    /// `Model` as written.
    pub model: String,
    /// Each filter keyword (the hit's range) and the field it names (`category` for
    /// `category_id__in`).
    pub filters: Vec<(Range<usize>, String)>,
}

/// WAG017: a StreamField or RichTextField that a model exposes through `api_fields`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeavyField {
    pub name: String,
    /// The model's class name.
    pub model: String,
    /// `StreamField` or `RichTextField`.
    pub kind: String,
}

/// SIG001: `hasattr(obj, "name")` in a receiver. A hit when the index finds `name` only as
/// the accessor of multi-table children (page types).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HasattrTest {
    /// The call: the hit's range.
    pub range: Range<usize>,
    /// `obj` as written.
    pub object: String,
    /// `name`.
    pub attr: String,
    /// The classes visible at the call (own name, name bound to), in the order the fix
    /// looks for them.
    pub visible: Vec<(String, String)>,
    /// Whether the call itself parsed without errors (a fix may replace it).
    pub fixable: bool,
}

/// DRF001: a `SerializerMethodField`'s method that runs a query for each object. A hit
/// unless the project shows the serializer used only for one object at a time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MethodFieldQuery {
    /// The query: the hit's range.
    pub range: Range<usize>,
    pub message: String,
    /// The serializer class's name.
    pub serializer: String,
}

/// DRF001: one place that names a serializer class.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SerializerUse {
    pub name: String,
    pub how: SerializerUseKind,
}

/// How a place uses a serializer class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SerializerUseKind {
    /// Many objects: `X(qs, many=True)`, the `serializer_class` of a view with a list.
    Many,
    /// One object: `X(obj)` in a function, the `serializer_class` of a retrieve-only view, a
    /// `get_serializer_class()` branch the list action never takes.
    One,
    /// A field of the serializer class named here (`author = X()`): as often as that one.
    Within(String),
    /// The base of the class named here: that class's uses serialize with it too.
    Subclass(String),
    /// Any other use (passed on, kept in a dict, an annotation): not told.
    Other,
}
