//! The classes of a file as the index keeps them: name, bases, class-level attributes
//! and field declarations, methods, the nested `Meta`, and the facts the model,
//! serializer and viewset parts read from the class body while the tree is at hand.
use serde::{Deserialize, Serialize};

use super::models::{self, SearchFields};
use super::serializers::{self, MethodReads};
use super::viewsets::{self, ViewsetFacts};
use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use std::ops::Range;
use tree_sitter::Node;

/// A class-level value the index can use without the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    /// A name or dotted name, resolved through the file's imports.
    Name(String),
    Str(String),
    Bool(bool),
    Int(i64),
    /// A list or tuple of string literals.
    Strings(Vec<String>),
    /// A list or tuple of names or dotted names, each resolved through the file's imports
    /// (`permission_classes = [IsAuthenticated, HasEditorAccess]`).
    Names(Vec<String>),
    /// A dict literal of string keys to names (`{"list": ListSerializer}`).
    Dict(Vec<(String, String)>),
    /// Anything else (a call, an expression, a list with non-literals).
    Other,
}

/// `name = value` in a class body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attr {
    pub name: String,
    pub value: Value,
    pub range: Range<usize>,
}

/// `name = Callee(args...)` in a class body: a model field, a serializer field.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FieldDecl {
    pub name: String,
    /// The callee's dotted name, resolved through the file's imports.
    pub callee: String,
    /// The first positional argument (the others are not kept).
    pub first: Option<Value>,
    /// The keyword arguments the index uses (`to`, `related_name`, `parent_link`,
    /// `source`, `method_name`, `many`, `write_only`).
    pub keywords: Vec<(String, Value)>,
}

impl FieldDecl {
    pub fn keyword(&self, name: &str) -> Option<&Value> {
        self.keywords
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The callee's last segment (`ForeignKey` for `models.ForeignKey`).
    pub fn kind(&self) -> &str {
        last_segment(&self.callee)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ClassFact {
    pub name: String,
    pub range: Range<usize>,
    /// Base classes' dotted names resolved through the file's imports; `?` for a base
    /// that is not a name (a call, a subscript).
    pub bases: Vec<String>,
    pub attrs: Vec<Attr>,
    pub fields: Vec<FieldDecl>,
    /// The methods of [`KNOWN_METHODS`] the class body defines (the others are not
    /// kept: on a large project their names alone would cost megabytes).
    #[serde(with = "known_methods")]
    pub methods: Vec<&'static str>,
    /// The nested `class Meta:`: its attributes and bases.
    pub meta: Option<Box<(Vec<Attr>, Vec<String>)>>,
    /// A class-level `name = Callable(...)` that is not kept as a field declaration (a
    /// custom field class named otherwise): what it declares is unknown.
    pub undeclared_calls: bool,
    /// Models: the class-level `search_fields`, if assigned.
    pub search_fields: Option<Box<SearchFields>>,
    /// Serializers: what each `get_<name>(self, obj)` method reads of `obj`.
    pub method_reads: Vec<MethodReads>,
    /// Viewsets (classes with `get_queryset`, `get_serializer_class` or a `queryset`).
    pub viewset: Option<Box<ViewsetFacts>>,
}

impl ClassFact {
    pub fn attr(&self, name: &str) -> Option<&Value> {
        self.attrs
            .iter()
            .rev()
            .find(|a| a.name == name)
            .map(|a| &a.value)
    }

    pub fn meta_attr(&self, name: &str) -> Option<&Value> {
        let (attrs, _) = &**self.meta.as_ref()?;
        attrs
            .iter()
            .rev()
            .find(|a| a.name == name)
            .map(|a| &a.value)
    }

    pub fn field(&self, name: &str) -> Option<&FieldDecl> {
        self.fields.iter().rev().find(|f| f.name == name)
    }

    /// Whether the class defines `name`, one of [`KNOWN_METHODS`].
    pub fn has_method(&self, name: &str) -> bool {
        debug_assert!(KNOWN_METHODS.contains(&name), "{name} is not kept");
        self.methods.contains(&name)
    }
}

/// The methods whose presence the index keeps: what viewsets and serializers override.
pub const KNOWN_METHODS: &[&str] = &[
    "get_queryset",
    "get_serializer_class",
    "get_serializer",
    "list",
    "retrieve",
    "listing_view",
    "detail_view",
    "to_representation",
    "get_fields",
    "get_field_names",
    "build_field",
    "__init__",
    "save",
    "delete",
    "paginate_queryset",
    "filter_queryset",
    "get_permissions",
];

/// Class attributes kept even when their value is not readable (`queryset =
/// Model.objects.filter(...)`): whether they are set is what counts.
const KEPT_OPAQUE_ATTRS: &[&str] = &[
    "queryset",
    "serializer_class",
    "model",
    "list_serializer_class",
    "permission_classes",
];

/// The keyword arguments of a field declaration the index keeps.
const KNOWN_KEYWORDS: &[&str] = &[
    "to",
    "related_name",
    "parent_link",
    "source",
    "method_name",
    "many",
    "write_only",
];

pub fn last_segment(dotted: &str) -> &str {
    dotted.rsplit('.').next().unwrap_or(dotted)
}

/// Whether a class definition is at module level (possibly under `if`/`try`/`with`).
fn at_module_level<'a>(ctx: &FileContext<'a>, class: Node<'a>) -> bool {
    !ctx.ancestors(class).any(|a| {
        matches!(
            a.kind_name(),
            "function_definition" | "class_definition" | "lambda"
        )
    })
}

/// The statements of a class body, with decorated definitions unwrapped.
pub fn body_statements<'a>(ctx: &FileContext<'a>, class: Node<'a>) -> Vec<Node<'a>> {
    let Some(body) = class.field("body") else {
        return Vec::new();
    };
    ctx.named_children(body)
        .map(|c| match c.kind_name() {
            "decorated_definition" => c.field("definition").unwrap_or(c),
            _ => c,
        })
        .collect()
}

pub fn extract(ctx: &FileContext) -> Vec<ClassFact> {
    ctx.nodes("class_definition")
        .iter()
        .filter(|c| at_module_level(ctx, **c))
        .map(|c| read_class(ctx, *c))
        .collect()
}

fn read_class<'a>(ctx: &FileContext<'a>, class: Node<'a>) -> ClassFact {
    let mut fact = ClassFact {
        name: ctx.definition_name(class).to_string(),
        range: class.byte_range(),
        bases: bases(ctx, class),
        ..ClassFact::default()
    };
    let mut methods = Vec::new();
    for statement in body_statements(ctx, class) {
        match statement.kind_name() {
            "function_definition" => {
                let name = ctx.definition_name(statement);
                if let Some(known) = KNOWN_METHODS.iter().find(|m| **m == name) {
                    fact.methods.push(known);
                }
                methods.push(statement);
            }
            "class_definition" if ctx.definition_name(statement) == "Meta" => {
                let attrs = body_statements(ctx, statement)
                    .into_iter()
                    .filter_map(|s| read_attr(ctx, s))
                    .collect();
                fact.meta = Some(Box::new((attrs, bases(ctx, statement))));
            }
            _ => {
                let Some(assignment) = ctx.assignment_in(statement) else {
                    continue;
                };
                let Some(left) = assignment
                    .field("left")
                    .filter(|l| l.kind_name() == "identifier")
                else {
                    continue;
                };
                let Some(right) = assignment.field("right") else {
                    continue;
                };
                let name = ctx.text(left);
                if name == "search_fields" {
                    fact.search_fields = Some(Box::new(models::search_fields(ctx, right)));
                }
                if right.kind_name() == "call" {
                    match read_field(ctx, name, right) {
                        Some(field) => fact.fields.push(field),
                        None => fact.undeclared_calls = true,
                    }
                }
                // A value the index cannot read is kept only where its presence matters.
                let value = value(ctx, right);
                if value != Value::Other || KEPT_OPAQUE_ATTRS.contains(&name) {
                    fact.attrs.push(Attr {
                        name: name.to_string(),
                        value,
                        range: right.byte_range(),
                    });
                }
            }
        }
    }
    // Method fields live on serializers: a class with a base named like one, or one
    // declaring a method field.
    let serializer_like = fact
        .bases
        .iter()
        .any(|b| last_segment(b).contains("Serializer"))
        || fact
            .fields
            .iter()
            .any(|f| f.kind() == "SerializerMethodField");
    if serializer_like {
        fact.method_reads = serializers::method_reads(ctx, &methods);
    }
    fact.viewset = viewsets::facts(ctx, class, &fact, &methods).map(Box::new);
    fact
}

fn bases<'a>(ctx: &FileContext<'a>, class: Node<'a>) -> Vec<String> {
    let Some(list) = class.field("superclasses") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|b| b.kind_name() != "keyword_argument" && b.kind_name() != "comment")
        .map(|b| {
            // A generic base (`ModelSerializer[Project]`, django-stubs' style) is its class.
            let b = match b.kind_name() {
                "subscript" => b.field("value").unwrap_or(b),
                _ => b,
            };
            ctx.dotted_name(b)
                .map_or_else(|| "?".to_string(), |n| ctx.imports.resolve(&n))
        })
        .collect()
}

fn read_attr<'a>(ctx: &FileContext<'a>, statement: Node<'a>) -> Option<Attr> {
    let assignment = ctx.assignment_in(statement)?;
    let left = assignment
        .field("left")
        .filter(|l| l.kind_name() == "identifier")?;
    let right = assignment.field("right")?;
    Some(Attr {
        name: ctx.text(left).to_string(),
        value: value(ctx, right),
        range: right.byte_range(),
    })
}

/// Whether a callee's last segment names a model or serializer field, a nested
/// serializer or a relation manager: the calls the index keeps as field declarations.
fn declares_a_field(kind: &str) -> bool {
    ["Field", "Serializer", "Key", "Relation", "Manager"]
        .iter()
        .any(|end| kind.ends_with(end))
}

fn read_field<'a>(ctx: &FileContext<'a>, name: &str, call: Node<'a>) -> Option<FieldDecl> {
    let callee = ctx.dotted_name(ctx.callee(call)?)?;
    if !declares_a_field(last_segment(&callee)) {
        return None;
    }
    let args = call.field("arguments")?;
    let mut first = None;
    let mut keywords = Vec::new();
    let mut cursor = args.walk();
    for arg in args.named_children(&mut cursor) {
        match arg.kind_name() {
            "keyword_argument" => {
                if let (Some(k), Some(v)) = (arg.field("name"), arg.field("value")) {
                    let key = ctx.text(k);
                    if KNOWN_KEYWORDS.contains(&key) {
                        keywords.push((key.to_string(), value(ctx, v)));
                    }
                }
            }
            "comment" => {}
            // Only the first positional argument is kept (a relation's target, a method
            // field's method name).
            _ if first.is_some() => {}
            "list_splat" | "dictionary_splat" => first = Some(Value::Other),
            _ => first = Some(value(ctx, arg)),
        }
    }
    Some(FieldDecl {
        name: name.to_string(),
        callee: ctx.imports.resolve(&callee),
        first,
        keywords,
    })
}

/// What the index keeps of an expression.
pub fn value<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> Value {
    let node = ctx.unparenthesize(node);
    match node.kind_name() {
        "identifier" | "attribute" => ctx
            .dotted_name(node)
            .map_or(Value::Other, |n| Value::Name(ctx.imports.resolve(&n))),
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "integer" => ctx.text(node).parse().map_or(Value::Other, Value::Int),
        "string" | "concatenated_string" => ctx.string_value(node).map_or(Value::Other, Value::Str),
        "list" | "tuple" => {
            let mut cursor = node.walk();
            let items: Vec<Node> = node
                .named_children(&mut cursor)
                .filter(|c| c.kind_name() != "comment")
                .collect();
            if let Some(strings) = items.iter().map(|c| ctx.string_value(*c)).collect() {
                return Value::Strings(strings);
            }
            items
                .iter()
                .map(|c| {
                    let name = ctx.dotted_name(*c)?;
                    Some(ctx.imports.resolve(&name))
                })
                .collect::<Option<Vec<String>>>()
                .map_or(Value::Other, Value::Names)
        }
        "dictionary" => {
            let mut cursor = node.walk();
            let pairs: Option<Vec<(String, String)>> = node
                .named_children(&mut cursor)
                .filter(|c| c.kind_name() != "comment")
                .map(|pair| {
                    if pair.kind_name() != "pair" {
                        return None;
                    }
                    let key = ctx.string_value(pair.field("key")?)?;
                    let value = ctx.dotted_name(pair.field("value")?)?;
                    Some((key, ctx.imports.resolve(&value)))
                })
                .collect();
            pairs.map_or(Value::Other, Value::Dict)
        }
        _ => Value::Other,
    }
}

/// `ClassFact::methods` in the results cache: names of [`KNOWN_METHODS`], read back as
/// the same static names (a name this build does not know fails the read, and the file
/// is checked afresh).
mod known_methods {
    use super::KNOWN_METHODS;
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(methods: &[&'static str], s: S) -> Result<S::Ok, S::Error> {
        methods.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<&'static str>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|name| {
                KNOWN_METHODS
                    .iter()
                    .find(|m| **m == name)
                    .copied()
                    .ok_or_else(|| D::Error::custom(format!("unknown method {name}")))
            })
            .collect()
    }
}
