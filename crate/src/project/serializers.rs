//! DRF serializers in the index: what a serializer reads of the object it renders.
//!
//! DRF's `ModelSerializer.get_field_names` (`rest_framework/serializers.py`) renders
//! the names in `Meta.fields` (`"__all__"`: the model's forward fields and relations,
//! `exclude`: those minus the excluded), each read through its declared field's
//! `source` (first segment of a dotted `source`; `"*"` passes the whole object) or by
//! its own name; a `SerializerMethodField` calls `get_<name>(obj)`. What a name reads
//! is only known when the model says it is a field or relation: a property or method
//! of the model may read anything.
use serde::{Deserialize, Serialize};

use super::classes::{last_segment, ClassFact, FieldDecl, Value};
use super::{ClassId, ProjectIndex};
use crate::context::nodes_within;
use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use tree_sitter::Node;

const MAX_BASE_DEPTH: usize = 16;

/// Serializer methods that change which fields exist or how they are read.
const DYNAMIC_METHODS: &[&str] = &[
    "to_representation",
    "get_fields",
    "get_field_names",
    "build_field",
    "__init__",
];

/// What `get_<name>(self, obj)` reads of `obj`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodReads {
    pub method: String,
    /// Attribute names read on `obj`, each with whether every read of it is a slice of
    /// its related set (`obj.tags.all()[:3]`).
    pub reads: Vec<(String, bool)>,
    /// False when `obj` escapes (passed to a call, returned, stored): then anything
    /// may be read.
    pub complete: bool,
    /// Names read as a whole related set, `obj.<name>.all()` not sliced: one query per
    /// object unless the queryset prefetches it (DRF003).
    #[serde(default)]
    pub iterated: Vec<String>,
}

/// Reads the `get_*` methods of a class body.
pub fn method_reads<'a>(ctx: &FileContext<'a>, methods: &[Node<'a>]) -> Vec<MethodReads> {
    methods
        .iter()
        .filter(|m| ctx.definition_name(**m).starts_with("get_"))
        .filter_map(|m| {
            let params = ctx.parameter_names(*m);
            let object = *params.get(1)?;
            Some(reads_of(ctx, *m, object))
        })
        .collect()
}

fn reads_of<'a>(ctx: &FileContext<'a>, method: Node<'a>, object: &str) -> MethodReads {
    let mut out = MethodReads {
        method: ctx.definition_name(method).to_string(),
        reads: Vec::new(),
        complete: true,
        iterated: Vec::new(),
    };
    let Some(body) = method.field("body") else {
        return out;
    };
    for &ident in nodes_within(ctx, "identifier", body)
        .collect::<Vec<_>>()
        .iter()
    {
        if ctx.text(ident) != object {
            continue;
        }
        let Some(parent) = ctx.parent(ident) else {
            continue;
        };
        let name = if parent.kind_name() == "attribute"
            && parent.field("object").is_some_and(|o| o.id() == ident.id())
        {
            parent.field("attribute").map(|a| ctx.text(a).to_string())
        } else {
            getattr_name(ctx, parent, ident)
        };
        let Some(name) = name else {
            out.complete = false;
            continue;
        };
        let sliced = parent.kind_name() == "attribute" && is_sliced_all(ctx, parent);
        if parent.kind_name() == "attribute"
            && !sliced
            && all_call(ctx, parent).is_some()
            && !out.iterated.contains(&name)
        {
            out.iterated.push(name.clone());
        }
        match out.reads.iter_mut().find(|(n, _)| *n == name) {
            Some((_, all_sliced)) => *all_sliced &= sliced,
            None => out.reads.push((name, sliced)),
        }
    }
    out
}

/// `getattr(obj, "name"[, default])`: the name, when `ident` is its first argument.
fn getattr_name<'a>(ctx: &FileContext<'a>, parent: Node<'a>, ident: Node<'a>) -> Option<String> {
    let call = ctx.parent(parent).filter(|c| c.kind_name() == "call")?;
    let callee = ctx.callee(call)?;
    if ctx.text(callee) != "getattr" {
        return None;
    }
    let args = ctx.positional_args(call);
    if args.first()?.id() != ident.id() {
        return None;
    }
    ctx.string_value(*args.get(1)?)
}

/// `obj.rel.all()`: the call, when `attribute` is `obj.rel`.
fn all_call<'a>(ctx: &FileContext<'a>, attribute: Node<'a>) -> Option<Node<'a>> {
    let outer = ctx
        .parent(attribute)
        .filter(|p| p.kind_name() == "attribute")?;
    if outer
        .field("attribute")
        .is_none_or(|a| ctx.text(a) != "all")
    {
        return None;
    }
    ctx.parent(outer).filter(|p| p.kind_name() == "call")
}

/// `obj.rel.all()[:n]`: `attribute` is `obj.rel`.
fn is_sliced_all<'a>(ctx: &FileContext<'a>, attribute: Node<'a>) -> bool {
    let Some(call) = all_call(ctx, attribute) else {
        return false;
    };
    ctx.parent(call).is_some_and(|s| {
        s.kind_name() == "subscript"
            && s.field("value").is_some_and(|v| v.id() == call.id())
            && s.field("subscript")
                .is_some_and(|i| i.kind_name() == "slice")
    })
}

/// How a serializer reads one name of the object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub name: String,
    /// Only as a slice of its related set, in method fields.
    pub sliced_only: bool,
}

/// What a serializer reads of each object it renders.
#[derive(Debug, Clone, Default)]
pub struct Reads {
    pub names: Vec<Read>,
    /// False when something may read more than `names`: a model property, a method
    /// field passing the object on, `source="*"`, a base the index cannot see.
    pub complete: bool,
}

impl Reads {
    pub fn get(&self, name: &str) -> Option<&Read> {
        self.names.iter().find(|r| r.name == name)
    }

    fn add(&mut self, name: &str, sliced_only: bool) {
        match self.names.iter_mut().find(|r| r.name == name) {
            Some(read) => read.sliced_only &= sliced_only,
            None => self.names.push(Read {
                name: name.to_string(),
                sliced_only,
            }),
        }
    }
}

/// What [`ProjectIndex::built_model_fields`] finds.
pub struct BuiltFields {
    pub model: ClassId,
    pub names: Vec<String>,
    pub meta_file: usize,
    pub listed: std::ops::Range<usize>,
}

/// A serializer flattened through its project bases.
struct Flat<'i> {
    /// Declared fields, nearest class first.
    fields: Vec<(&'i FieldDecl, usize)>,
    methods: Vec<&'i MethodReads>,
    /// The nearest `Meta` and the file it is in.
    meta: Option<(&'i ClassFact, usize)>,
    known: bool,
    is_serializer: bool,
}

fn is_drf(base: &str) -> bool {
    base.starts_with("rest_framework.") || base.starts_with("serializers.")
}

impl ProjectIndex {
    fn flatten(&self, id: ClassId) -> Flat<'_> {
        let mut flat = Flat {
            fields: Vec::new(),
            methods: Vec::new(),
            meta: None,
            known: true,
            is_serializer: false,
        };
        let mut order = vec![(id, 0)];
        let mut seen = Vec::new();
        // Depth first, left to right: close enough to the MRO for the shapes serializers take.
        while let Some((id, depth)) = order.pop() {
            if seen.contains(&id) || depth > MAX_BASE_DEPTH {
                continue;
            }
            seen.push(id);
            let Some(class) = self.class_fact(id) else {
                continue;
            };
            flat.fields
                .extend(class.fields.iter().map(|f| (f, id.file)));
            flat.methods.extend(class.method_reads.iter());
            if flat.meta.is_none() && class.meta.is_some() {
                flat.meta = Some((class, id.file));
            }
            if class.undeclared_calls || DYNAMIC_METHODS.iter().any(|m| class.has_method(m)) {
                flat.known = false;
            }
            let mut bases = Vec::new();
            for base in &class.bases {
                if is_drf(base) {
                    if last_segment(base).ends_with("Serializer") {
                        flat.is_serializer = true;
                    }
                    if !matches!(
                        last_segment(base),
                        "Serializer" | "ModelSerializer" | "HyperlinkedModelSerializer"
                    ) {
                        flat.known = false;
                    }
                } else if let Some(parent) = self.class_qualified(id.file, base, 0) {
                    bases.push((parent, depth + 1));
                } else {
                    flat.known = false;
                    if last_segment(base).ends_with("Serializer") {
                        flat.is_serializer = true;
                    }
                }
            }
            order.extend(bases.into_iter().rev());
        }
        flat
    }

    /// Whether a project class is a serializer (its bases reach DRF's, or a base from
    /// elsewhere named like one).
    pub fn is_serializer(&self, id: ClassId) -> bool {
        self.flatten(id).is_serializer
    }

    /// What serializer `id` reads of each object; None when it is not a serializer.
    pub fn serializer_reads(&self, id: ClassId) -> Option<Reads> {
        let flat = self.flatten(id);
        if !flat.is_serializer {
            return None;
        }
        let mut reads = Reads {
            names: Vec::new(),
            complete: flat.known,
        };
        let meta = flat
            .meta
            .map(|(class, file)| (class, self.meta_model(class, file)));
        if meta
            .as_ref()
            .is_some_and(|(c, _)| c.meta_attr("list_serializer_class").is_some())
        {
            reads.complete = false;
        }
        let declared = |name: &str| flat.fields.iter().find(|(f, _)| f.name == name);
        let names = self.rendered_names(
            &flat,
            meta.as_ref().map(|(c, m)| (*c, m.as_ref())),
            &mut reads,
        );
        let model = meta.and_then(|(_, m)| m);
        for name in &names {
            match declared(name).filter(|(f, _)| is_serializer_field(f)) {
                Some((field, _)) => self.read_declared(field, &flat, model.as_ref(), &mut reads),
                None => self.read_attribute(name, model.as_ref(), &mut reads),
            }
        }
        Some(reads)
    }

    /// The names a serializer renders: `Meta.fields`, `"__all__"` or `exclude` through
    /// the model's fields, or the declared fields when `Meta` names none. Clears
    /// `reads.complete` when the names cannot all be read.
    fn rendered_names(
        &self,
        flat: &Flat,
        meta: Option<(&ClassFact, Option<&super::models::Model>)>,
        reads: &mut Reads,
    ) -> Vec<String> {
        match meta.map(|(c, m)| (c.meta_attr("fields"), c.meta_attr("exclude"), m)) {
            Some((Some(Value::Strings(names)), None, _)) => names.clone(),
            Some((Some(Value::Str(all)), None, Some(model))) if all == "__all__" => {
                self.all_fields(model, &[], flat, reads)
            }
            Some((None, Some(Value::Strings(excluded)), Some(model))) => {
                self.all_fields(model, excluded, flat, reads)
            }
            Some((None, None, _)) | None => {
                let mut names: Vec<String> = Vec::new();
                for (field, _) in &flat.fields {
                    if is_serializer_field(field) && !names.contains(&field.name) {
                        names.push(field.name.clone());
                    }
                }
                names
            }
            _ => {
                reads.complete = false;
                Vec::new()
            }
        }
    }

    /// The model fields a `ModelSerializer` builds for itself: the names `Meta.fields`
    /// (or `"__all__"`, `exclude`) renders that no class of the serializer declares, with
    /// the model and where its `Meta` lists them (file, range of the `fields`/`exclude`
    /// assignment). None when the serializer, its `Meta` or its model is not fully known.
    pub fn built_model_fields(&self, id: ClassId) -> Option<BuiltFields> {
        let flat = self.flatten(id);
        if !flat.is_serializer || !flat.known {
            return None;
        }
        let (meta, file) = flat.meta?;
        let (attrs, _) = &**meta.meta.as_ref()?;
        let listed = attrs
            .iter()
            .rev()
            .find(|a| a.name == "fields" || a.name == "exclude")?;
        let model = match meta.meta_attr("model") {
            Some(Value::Name(name)) => self
                .class_qualified(file, name, 0)
                .and_then(|c| self.model(c))?,
            _ => return None,
        };
        let names: Vec<String> = match (listed.name.as_str(), &listed.value) {
            ("fields", Value::Strings(names)) => names.clone(),
            ("fields", Value::Str(all)) if all == "__all__" => self
                .model_fields(&model)
                .0
                .into_iter()
                .map(|f| f.name)
                .collect(),
            ("exclude", Value::Strings(excluded)) => self
                .model_fields(&model)
                .0
                .into_iter()
                .map(|f| f.name)
                .filter(|n| !excluded.contains(n))
                .collect(),
            _ => return None,
        };
        let names = names
            .into_iter()
            .filter(|n| !flat.fields.iter().any(|(f, _)| &f.name == n))
            .collect();
        Some(BuiltFields {
            model: model.id,
            names,
            meta_file: file,
            listed: listed.range.clone(),
        })
    }

    /// `"__all__"` / `exclude`: the model's forward fields, plus declared fields.
    fn all_fields(
        &self,
        model: &super::models::Model,
        excluded: &[String],
        flat: &Flat,
        reads: &mut Reads,
    ) -> Vec<String> {
        let (fields, complete) = self.model_fields(model);
        reads.complete &= complete;
        let mut names: Vec<String> = fields
            .into_iter()
            .map(|f| f.name)
            .filter(|n| !excluded.contains(n))
            .collect();
        for (field, _) in &flat.fields {
            if is_serializer_field(field) && !names.contains(&field.name) {
                names.push(field.name.clone());
            }
        }
        names
    }

    fn read_declared(
        &self,
        field: &FieldDecl,
        flat: &Flat,
        model: Option<&super::models::Model>,
        reads: &mut Reads,
    ) {
        match field.kind() {
            "HiddenField" => {}
            "SerializerMethodField" => match method_of(field, flat) {
                Some(m) => {
                    reads.complete &= m.complete;
                    for (name, sliced) in &m.reads {
                        reads.add(name, *sliced);
                    }
                }
                None => reads.complete = false,
            },
            _ => match field.keyword("source") {
                Some(Value::Str(source)) if source == "*" => reads.complete = false,
                Some(Value::Str(source)) => {
                    let first = source.split('.').next().unwrap_or(source);
                    self.read_attribute(first, model, reads);
                }
                Some(_) => reads.complete = false,
                None => self.read_attribute(&field.name, model, reads),
            },
        }
    }

    /// A name read off the object: a field or relation of the model, or (a property,
    /// a method, unknown) something that may read anything.
    fn read_attribute(&self, name: &str, model: Option<&super::models::Model>, reads: &mut Reads) {
        reads.add(name, false);
        let known = model.and_then(|m| self.model_has_field(m, name));
        if known != Some(true) {
            reads.complete = false;
        }
    }
}

/// The method a `SerializerMethodField` calls: `method_name=`, its first argument, or
/// `get_<name>`; None when it cannot be read or the index does not have it.
fn method_of<'i>(field: &FieldDecl, flat: &Flat<'i>) -> Option<&'i MethodReads> {
    let method = match field.keyword("method_name").or(field.first.as_ref()) {
        Some(Value::Str(name)) => name.clone(),
        Some(_) => return None,
        None => format!("get_{}", field.name),
    };
    flat.methods.iter().copied().find(|m| m.method == method)
}

/// A class-level call that declares a serializer field: a DRF field or serializer, or
/// a class named like one.
fn is_serializer_field(field: &FieldDecl) -> bool {
    let kind = field.kind();
    kind.ends_with("Field") || kind.ends_with("Serializer") || kind.ends_with("Relation")
}

/// DRF's related fields (`rest_framework/relations.py`) that, with `many=True`, become a
/// `ManyRelatedField` reading the whole related set of each object.
const RELATED_FIELDS: &[&str] = &[
    "PrimaryKeyRelatedField",
    "SlugRelatedField",
    "StringRelatedField",
    "HyperlinkedRelatedField",
];

/// Related fields that read the related object itself even without `many` (no pk-only
/// optimisation: `use_pk_only_optimization()` is false for them in DRF 3.18.3).
const READS_RELATED_OBJECT: &[&str] = &["SlugRelatedField", "StringRelatedField"];

/// How a serializer renders one relation of its model, for DRF003.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationRead {
    /// The serializer field that renders it.
    pub field: String,
    /// The model attribute read: a relation of the serializer's model.
    pub relation: String,
    /// A to-many relation (its whole related set is read), or a to-one.
    pub many: bool,
    /// How it is read, for messages (`a nested serializer with many=True`).
    pub how: &'static str,
}

/// The kind of a relation of a model, from the serializer's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Forward many-to-many or generic relation, reverse foreign key or many-to-many.
    Many,
    /// Forward foreign key or one-to-one, reverse one-to-one.
    One,
}

impl ProjectIndex {
    /// The model a serializer's `Meta.model` names, if the index knows it.
    fn meta_model(&self, meta: &ClassFact, file: usize) -> Option<super::models::Model> {
        match meta.meta_attr("model") {
            Some(Value::Name(name)) => self
                .class_qualified(file, name, 0)
                .and_then(|c| self.model(c)),
            _ => None,
        }
    }

    /// The relations of its model that serializer `id` renders by reading them off each
    /// object, with its model: nested serializers (`many=True` for to-many), related
    /// fields with `many=True`, `SlugRelatedField`/`StringRelatedField` on a to-one,
    /// a dotted `source="fk.name"`, a `SerializerMethodField` iterating
    /// `obj.<relation>.all()`, and the to-many relations `ModelSerializer` renders for
    /// names in `Meta.fields` itself (`PrimaryKeyRelatedField(many=True)`, nested with
    /// `Meta.depth`). None when any of that is not known for sure: the serializer or a
    /// base is not in the index, it overrides how fields are built or rendered, its model
    /// is unknown, or it sets a `list_serializer_class`.
    pub fn serializer_relations(
        &self,
        id: ClassId,
    ) -> Option<(super::models::Model, Vec<RelationRead>)> {
        let flat = self.flatten(id);
        if !flat.is_serializer || !flat.known {
            return None;
        }
        let (meta, meta_file) = flat.meta?;
        if meta.meta_attr("list_serializer_class").is_some() {
            return None;
        }
        let model = self.meta_model(meta, meta_file)?;
        let nested_depth = match meta.meta_attr("depth") {
            None => false,
            Some(Value::Int(depth)) => *depth >= 1,
            Some(_) => return None,
        };
        // `extra_kwargs` (or DRF 2's `write_only_fields`) may make a name write-only: the
        // index cannot read it, so the names `ModelSerializer` builds itself are not judged.
        let implicit_known = meta.meta_attr("extra_kwargs").is_none()
            && meta.meta_attr("write_only_fields").is_none();
        let mut unknown = Reads::default();
        let names = self.rendered_names(&flat, Some((meta, Some(&model))), &mut unknown);
        let (fields, _) = self.model_fields(&model);
        let accessors = self.accessors_of(model.id);
        let side = |name: &str| -> Option<Side> {
            if let Some(field) = fields.iter().find(|f| f.name == name) {
                return match field.relation? {
                    _ if field.parent_link => None,
                    r if r.forward_many() => Some(Side::Many),
                    _ => Some(Side::One),
                };
            }
            accessors
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, accessor)| match accessor {
                    super::models::Accessor::Many(_) => Some(Side::Many),
                    super::models::Accessor::OneToOne(_) => Some(Side::One),
                    super::models::Accessor::Child(_) => None,
                })
        };
        // Taggit's managers are not serialized by `ModelSerializer` (`serialize=False`):
        // a name in `fields` is then not a related field.
        let taggit = |name: &str| {
            fields
                .iter()
                .any(|f| f.name == name && f.kind.ends_with("TaggableManager"))
        };
        let declared = |name: &str| {
            flat.fields
                .iter()
                .find(|(f, _)| f.name == name)
                .map(|(f, _)| *f)
                .filter(|f| is_serializer_field(f))
        };
        let mut out = Vec::new();
        let mut push = |field: &str, relation: &str, many: bool, how: &'static str| {
            if !out.iter().any(|r: &RelationRead| r.relation == relation) {
                out.push(RelationRead {
                    field: field.to_string(),
                    relation: relation.to_string(),
                    many,
                    how,
                });
            }
        };
        for name in &names {
            let Some(field) = declared(name) else {
                if !implicit_known {
                    continue;
                }
                match side(name) {
                    Some(Side::Many) if !taggit(name) => push(
                        name,
                        name,
                        true,
                        if nested_depth {
                            "a nested serializer (`Meta.depth`)"
                        } else {
                            "`ModelSerializer`'s related field with `many=True`"
                        },
                    ),
                    Some(Side::One) if nested_depth && !taggit(name) => {
                        push(name, name, false, "a nested serializer (`Meta.depth`)")
                    }
                    _ => {}
                }
                continue;
            };
            // A write-only field is never rendered.
            if field
                .keyword("write_only")
                .is_some_and(|w| *w != Value::Bool(false))
            {
                continue;
            }
            let kind = field.kind();
            if kind == "SerializerMethodField" {
                for relation in method_of(field, &flat).map_or(&[][..], |m| &m.iterated) {
                    if side(relation) == Some(Side::Many) {
                        push(
                            name,
                            relation,
                            true,
                            "a `SerializerMethodField` iterating `.all()`",
                        );
                    }
                }
                continue;
            }
            let source = match field.keyword("source") {
                None => name.as_str(),
                Some(Value::Str(source)) if source != "*" => source.as_str(),
                Some(_) => continue,
            };
            let many = match field.keyword("many") {
                None | Some(Value::Bool(false)) => false,
                Some(Value::Bool(true)) => true,
                Some(_) => continue,
            };
            let (first, dotted) = match source.split_once('.') {
                Some((first, _)) => (first, true),
                None => (source, false),
            };
            let nested = kind.ends_with("Serializer");
            match side(first) {
                Some(Side::Many) if many && !dotted && nested => {
                    push(name, first, true, "a nested serializer with `many=True`")
                }
                Some(Side::Many) if many && !dotted && RELATED_FIELDS.contains(&kind) => {
                    push(name, first, true, "a related field with `many=True`")
                }
                Some(Side::One) if !many && nested => {
                    push(name, first, false, "a nested serializer")
                }
                Some(Side::One) if !many && !dotted && READS_RELATED_OBJECT.contains(&kind) => {
                    push(name, first, false, "a related field that reads the object")
                }
                Some(Side::One) if !many && dotted => push(name, first, false, "a dotted `source`"),
                _ => {}
            }
        }
        Some((model, out))
    }
}
