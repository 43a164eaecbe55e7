//! Django models in the index: which classes are models, their fields and relations,
//! the accessors relations add to the other side, multi-table and Wagtail `Page`
//! inheritance, abstract bases, and `search_fields`.
//!
//! Django's rules, from `django/db/models/fields/related.py` and `base.py`: a
//! `ForeignKey` or `ManyToManyField` adds `<model>_set` to the target (or its
//! `related_name`; `"+"` adds none), a `OneToOneField` adds `<model>`; a concrete model
//! whose parent is a concrete model (multi-table inheritance) gets a parent link, and
//! the parent the reverse accessor `<child>` (lower-cased class name). Wagtail page
//! types are such children of `wagtail.models.Page`.
use serde::{Deserialize, Serialize};

use super::classes::{last_segment, ClassFact, FieldDecl, Value};
use super::{ClassId, ProjectIndex};
use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use tree_sitter::Node;

/// How far base classes are followed.
const MAX_BASE_DEPTH: usize = 16;

/// The bases that make a class a model, written as imports resolve them.
const MODEL_ROOTS: &[&str] = &[
    "django.db.models.Model",
    "django.db.models.base.Model",
    "models.Model",
];

/// Wagtail's `Page` (2.x `wagtail.core.models`, 1.x `wagtail.wagtailcore.models`): a
/// concrete model, so page types are multi-table children of it.
pub const PAGE_ROOTS: &[&str] = &[
    "wagtail.models.Page",
    "wagtail.core.models.Page",
    "wagtail.wagtailcore.models.Page",
];

/// The fields a Wagtail page inherits from `Page` (Wagtail 8.0: `wagtail/models/pages.py`
/// with treebeard's `MP_Node`, `TranslatableMixin`, `RevisionMixin`, `DraftStateMixin`,
/// `LockableMixin`, and their foreign keys' `_id` columns). A name missing here is taken for
/// a property, which makes a reader's answer unknown: the safe side.
const PAGE_FIELDS: &[&str] = &[
    "id",
    "page_ptr",
    "page_ptr_id",
    "path",
    "depth",
    "numchild",
    "translation_key",
    "locale",
    "locale_id",
    "latest_revision",
    "latest_revision_id",
    "live",
    "has_unpublished_changes",
    "first_published_at",
    "last_published_at",
    "live_revision",
    "live_revision_id",
    "go_live_at",
    "expire_at",
    "expired",
    "locked",
    "locked_at",
    "locked_by",
    "locked_by_id",
    "title",
    "draft_title",
    "slug",
    "content_type",
    "content_type_id",
    "url_path",
    "owner",
    "owner_id",
    "seo_title",
    "show_in_menus",
    "search_description",
    "latest_revision_created_at",
    "alias_of",
    "alias_of_id",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// `ForeignKey`, `ParentalKey`: to-one forward, to-many reverse.
    ForeignKey,
    OneToOne,
    /// `ManyToManyField`, `ParentalManyToManyField`, taggit's managers: to-many both ways.
    ManyToMany,
    /// `GenericRelation`: to-many forward, no reverse accessor.
    Generic,
}

impl Relation {
    fn of(kind: &str) -> Option<Self> {
        Some(match kind {
            "ForeignKey" | "ParentalKey" => Relation::ForeignKey,
            "OneToOneField" => Relation::OneToOne,
            "ManyToManyField"
            | "ParentalManyToManyField"
            | "TaggableManager"
            | "ClusterTaggableManager" => Relation::ManyToMany,
            "GenericRelation" => Relation::Generic,
            _ => return None,
        })
    }

    /// Whether the forward side holds many rows.
    pub fn forward_many(self) -> bool {
        matches!(self, Relation::ManyToMany | Relation::Generic)
    }
}

/// Whether a field declaration's callee is a Django model field (or a relation field
/// from modelcluster/taggit): `models.CharField`, `ForeignKey`, `ParentalKey`.
fn is_model_field(field: &FieldDecl) -> bool {
    let kind = field.kind();
    Relation::of(kind).is_some()
        || kind.ends_with("Field") && !field.callee.starts_with("rest_framework")
}

/// A model's field as the index knows it.
#[derive(Debug, Clone)]
pub struct ModelField {
    pub name: String,
    /// The declaration's callee, last segment (`ForeignKey`, `TaggableManager`); empty
    /// for the fields a Wagtail page inherits.
    pub kind: String,
    pub relation: Option<Relation>,
    /// The related model, when the relation's target resolves to a project model.
    pub target: Option<ClassId>,
    /// `related_name` as written (None: Django's default).
    pub related_name: Option<String>,
    pub parent_link: bool,
    /// The field class's dotted name, resolved through the file's imports (empty for the
    /// fields `Page` brings).
    pub callee: String,
}

/// An accessor a relation adds to the model on its other side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accessor {
    /// The parent's accessor to a multi-table child (`page.blogpostpage`).
    Child(ClassId),
    /// A reverse one-to-one from an unrelated model (`user.profile`).
    OneToOne(ClassId),
    /// A reverse foreign key or many-to-many (`blog.entry_set`).
    Many(ClassId),
}

/// The model an accessor is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    Model(ClassId),
    /// Wagtail's `Page`.
    Page,
    /// A target the index cannot resolve (`settings.AUTH_USER_MODEL`, an installed app).
    Unknown,
}

/// An accessor, the model it is on, and its name.
#[derive(Debug, Clone)]
pub struct AccessorEntry {
    pub on: On,
    pub name: String,
    pub accessor: Accessor,
}

/// `search_fields = [...]` of a model, as far as it can be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchFields {
    /// Names given to `index.FilterField(...)`.
    pub filter_fields: Vec<String>,
    /// Names given to the other index fields (`SearchField`, `AutocompleteField`, ...).
    pub other_fields: Vec<String>,
    /// `Base.search_fields + [...]`: the classes whose search fields are added.
    pub extends: Vec<String>,
    /// False when part of the value is not a literal list of index fields.
    pub complete: bool,
}

/// Reads a `search_fields` value (`Page.search_fields + [index.FilterField("date")]`).
pub fn search_fields<'a>(ctx: &FileContext<'a>, value: Node<'a>) -> SearchFields {
    let mut out = SearchFields {
        complete: true,
        ..SearchFields::default()
    };
    read_search_fields(ctx, value, &mut out, 0);
    out
}

fn read_search_fields<'a>(
    ctx: &FileContext<'a>,
    node: Node<'a>,
    out: &mut SearchFields,
    depth: usize,
) {
    let node = ctx.unparenthesize(node);
    if depth > 32 {
        out.complete = false;
        return;
    }
    match node.kind_name() {
        "binary_operator" => {
            for side in [node.field("left"), node.field("right")]
                .into_iter()
                .flatten()
            {
                read_search_fields(ctx, side, out, depth + 1);
            }
        }
        "list" | "tuple" => {
            let mut cursor = node.walk();
            for item in node.named_children(&mut cursor) {
                let name = (item.kind_name() == "call")
                    .then(|| ctx.argument(item, 0, "field_name"))
                    .flatten()
                    .and_then(|a| ctx.string_value(a));
                match (ctx.call_simple_name(item), name) {
                    (Some("FilterField"), Some(name)) => out.filter_fields.push(name),
                    (Some(_), Some(name)) => out.other_fields.push(name),
                    _ if item.kind_name() == "comment" => {}
                    _ => out.complete = false,
                }
            }
        }
        "attribute" => match ctx.dotted_name(node) {
            Some(name) if name.ends_with(".search_fields") => {
                let class = name.trim_end_matches(".search_fields");
                out.extends.push(ctx.imports.resolve(class));
            }
            _ => out.complete = false,
        },
        _ => out.complete = false,
    }
}

/// What the index says about one model class.
#[derive(Debug, Clone)]
pub struct Model {
    pub id: ClassId,
    pub abstract_: bool,
    pub proxy: bool,
    /// The concrete parents it inherits from by multi-table inheritance: project models,
    /// or Wagtail's `Page` (None).
    pub concrete_parents: Vec<Option<ClassId>>,
    /// Whether every base is known (a project model, `Model`, `Page`): when not, fields
    /// may come from a base the index cannot see.
    pub bases_known: bool,
}

impl ProjectIndex {
    /// The project class `name` written in `file` refers to, if it is a model.
    pub fn model_named(&self, file: usize, name: &str) -> Option<Model> {
        self.model(self.class(file, name)?)
    }

    /// The model facts of a class, or None when it is not known to be a model.
    pub fn model(&self, id: ClassId) -> Option<Model> {
        self.model_at(id, 0)
    }

    fn model_at(&self, id: ClassId, depth: usize) -> Option<Model> {
        if depth > MAX_BASE_DEPTH {
            return None;
        }
        let class = self.class_fact(id)?;
        let mut is_model = false;
        let mut bases_known = true;
        let mut concrete_parents = Vec::new();
        for base in &class.bases {
            if MODEL_ROOTS.contains(&base.as_str()) {
                is_model = true;
            } else if PAGE_ROOTS.contains(&base.as_str()) {
                is_model = true;
                concrete_parents.push(None);
            } else if let Some(parent) = self
                .class_qualified(id.file, base, 0)
                .filter(|p| *p != id)
                .and_then(|p| self.model_at(p, depth + 1))
            {
                is_model = true;
                bases_known &= parent.bases_known;
                if !parent.abstract_ {
                    concrete_parents.push(Some(parent.id));
                }
            } else {
                // A mixin or a model from an installed package: fields may come from it.
                bases_known = false;
            }
        }
        // A class with model fields and an unknown base is a model of an installed
        // package's base (`TimeStampedModel`); its fields are then not all known.
        if !is_model && !class.fields.iter().any(is_model_field) {
            return None;
        }
        Some(Model {
            id,
            abstract_: class.meta_attr("abstract") == Some(&Value::Bool(true)),
            proxy: class.meta_attr("proxy") == Some(&Value::Bool(true)),
            concrete_parents,
            bases_known,
        })
    }

    /// Whether a class is a Wagtail page type: `Page` among its bases, or a project class
    /// that is one (abstract page bases included).
    pub fn is_page_model(&self, id: ClassId) -> bool {
        self.is_page_at(id, 0)
    }

    fn is_page_at(&self, id: ClassId, depth: usize) -> bool {
        let Some(class) = self.class_fact(id).filter(|_| depth <= MAX_BASE_DEPTH) else {
            return false;
        };
        class.bases.iter().any(|base| {
            PAGE_ROOTS.contains(&base.as_str())
                || self
                    .class_qualified(id.file, base, 0)
                    .filter(|b| *b != id)
                    .is_some_and(|b| self.is_page_at(b, depth + 1))
        })
    }

    /// The fields a model declares itself and inherits from project bases (abstract or
    /// concrete), and whether that is all of them.
    pub fn model_fields(&self, model: &Model) -> (Vec<ModelField>, bool) {
        let mut fields = Vec::new();
        let complete = model.bases_known;
        let mut pending = vec![(model.id, 0)];
        let mut seen = Vec::new();
        while let Some((id, depth)) = pending.pop() {
            if seen.contains(&id) || depth > MAX_BASE_DEPTH {
                continue;
            }
            seen.push(id);
            let Some(class) = self.class_fact(id) else {
                continue;
            };
            for field in class.fields.iter().filter(|f| is_model_field(f)) {
                fields.push(self.model_field(id, class, field));
            }
            for base in &class.bases {
                if PAGE_ROOTS.contains(&base.as_str()) {
                    if !fields.iter().any(|f: &ModelField| f.name == "path") {
                        fields.extend(PAGE_FIELDS.iter().map(|name| ModelField {
                            name: name.to_string(),
                            kind: String::new(),
                            relation: None,
                            target: None,
                            related_name: None,
                            parent_link: false,
                            callee: String::new(),
                        }));
                    }
                } else if let Some(parent) = self.class_qualified(id.file, base, 0) {
                    pending.push((parent, depth + 1));
                }
            }
        }
        (fields, complete)
    }

    fn model_field(&self, id: ClassId, class: &ClassFact, field: &FieldDecl) -> ModelField {
        let relation = Relation::of(field.kind());
        let target = relation.and_then(|_| {
            let target = field.first.as_ref().or_else(|| field.keyword("to"))?;
            self.relation_target(id, class, target)
        });
        let related_name = match field.keyword("related_name") {
            Some(Value::Str(name)) => Some(name.replace("%(class)s", &class.name.to_lowercase())),
            Some(_) => Some("?".to_string()),
            None => None,
        };
        ModelField {
            name: field.name.clone(),
            kind: field.kind().to_string(),
            relation,
            target,
            related_name,
            parent_link: field.keyword("parent_link") == Some(&Value::Bool(true)),
            callee: field.callee.clone(),
        }
    }

    /// The model a relation points to: a class name, `"self"`, `"Model"` or
    /// `"app_label.Model"` (found by class name when one project model has it).
    fn relation_target(&self, id: ClassId, class: &ClassFact, target: &Value) -> Option<ClassId> {
        match target {
            Value::Name(name) => self.class_qualified(id.file, name, 0),
            Value::Str(s) if s == "self" => Some(id),
            Value::Str(s) => {
                let name = last_segment(s);
                if name == class.name {
                    return Some(id);
                }
                if let Some(local) = self.class_qualified(id.file, name, 0) {
                    return Some(local);
                }
                let mut found = self.files().flat_map(|(file, facts)| {
                    facts
                        .classes
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.name == name)
                        .map(move |(class, _)| ClassId { file, class })
                });
                let first = found.next()?;
                found.next().is_none().then_some(first)
            }
            _ => None,
        }
    }

    /// Every accessor the relations and multi-table parents of the project's models add,
    /// built once per check.
    fn accessor_entries(&self) -> &[AccessorEntry] {
        self.accessors.get_or_init(|| {
            let mut out = Vec::new();
            for (file, facts) in self.files() {
                for (class, fact) in facts.classes.iter().enumerate() {
                    let id = ClassId { file, class };
                    let Some(model) = self.model(id) else {
                        continue;
                    };
                    if model.abstract_ {
                        continue;
                    }
                    let lower = fact.name.to_lowercase();
                    if !model.proxy {
                        for parent in &model.concrete_parents {
                            out.push(AccessorEntry {
                                on: parent.map_or(On::Page, On::Model),
                                name: lower.clone(),
                                accessor: Accessor::Child(id),
                            });
                        }
                    }
                    let (fields, _) = self.model_fields(&model);
                    for field in fields {
                        let Some(relation) = field.relation else {
                            continue;
                        };
                        let name = match (&field.related_name, relation) {
                            (Some(n), _) if n.ends_with('+') || n == "?" => continue,
                            (Some(n), _) => n.clone(),
                            (None, Relation::OneToOne) => lower.clone(),
                            (None, Relation::Generic) => continue,
                            (None, _) => format!("{lower}_set"),
                        };
                        let accessor = match relation {
                            Relation::OneToOne if field.parent_link => Accessor::Child(id),
                            Relation::OneToOne => Accessor::OneToOne(id),
                            _ => Accessor::Many(id),
                        };
                        out.push(AccessorEntry {
                            on: field.target.map_or(On::Unknown, On::Model),
                            name,
                            accessor,
                        });
                    }
                }
            }
            out
        })
    }

    /// The accessors relations of the project's models add to `model`, by name: reverse
    /// one-to-ones and foreign keys, and the links to multi-table children.
    pub fn accessors_of(&self, model: ClassId) -> Vec<(String, Accessor)> {
        self.accessor_entries()
            .iter()
            .filter(|e| e.on == On::Model(model))
            .map(|e| (e.name.clone(), e.accessor.clone()))
            .collect()
    }

    /// Every accessor named `name`, on whichever model: for SIG001, where the receiver's
    /// instance type is rarely known. A multi-table child's accessor (a page type below
    /// `Page`, `restaurant` on `Place`) or a one-to-one's (`profile`).
    pub fn accessors_named(&self, name: &str) -> Vec<Accessor> {
        self.accessor_entries()
            .iter()
            .filter(|e| e.name == name && !matches!(e.accessor, Accessor::Many(_)))
            .map(|e| e.accessor.clone())
            .collect()
    }

    /// The models whose rows a related manager named `name` may yield, on whichever
    /// model it is: the models with a foreign key or many-to-many whose reverse accessor
    /// is `name`, and the targets of forward many-to-manys named `name` (DRF003, for
    /// `self.request.event.items.all()`). Unknown targets are given as None.
    pub fn related_set_models(&self, name: &str) -> Vec<Option<ClassId>> {
        let mut out: Vec<Option<ClassId>> = self
            .accessor_entries()
            .iter()
            .filter(|e| e.name == name)
            .filter_map(|e| match e.accessor {
                Accessor::Many(id) => Some(Some(id)),
                _ => None,
            })
            .collect();
        for (file, facts) in self.files() {
            for (class, fact) in facts.classes.iter().enumerate() {
                if !fact.fields.iter().any(|f| f.name == name) {
                    continue;
                }
                let id = ClassId { file, class };
                let Some(model) = self.model(id) else {
                    continue;
                };
                let (fields, _) = self.model_fields(&model);
                for field in fields.iter().filter(|f| f.name == name) {
                    match field.relation {
                        Some(r) if r.forward_many() => out.push(field.target),
                        Some(_) => {}
                        // A field, property or manager of that name elsewhere: unknown.
                        None => out.push(None),
                    }
                }
            }
        }
        out
    }

    /// Whether `name` is an attribute the index knows `model` has from its fields and
    /// relations (`Some(true)`), knows it lacks (`Some(false)`: then it is a property
    /// or a method), or cannot tell (`None`: a base it cannot see).
    pub fn model_has_field(&self, model: &Model, name: &str) -> Option<bool> {
        if matches!(name, "pk" | "id") {
            return Some(true);
        }
        let (fields, complete) = self.model_fields(model);
        if fields.iter().any(|f| f.name == name) {
            return Some(true);
        }
        if self.accessors_of(model.id).iter().any(|(n, _)| n == name) {
            return Some(true);
        }
        complete.then_some(false)
    }
}
