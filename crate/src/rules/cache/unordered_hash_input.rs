//! CACHE012: hashing text that depends on a dict's insertion order.

use super::hashes::is_hash_constructor;
use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::semantic::bindings::assigned_value;
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "CACHE012",
    name: "unordered-hash-input",
    severity: Severity::Warning,
    category: Category::Cache,
    message: "Hashed text depends on the dict's insertion order: equal dicts built in another \
              order hash differently",
    explanation: crate::rule::explanation!("unordered_hash_input.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Safe),
    check: Check::File(check),
};

const BAD: &str = r#"import hashlib
import json


def filters_fingerprint(request):
    filters = request.GET.dict()
    return hashlib.sha256(json.dumps(filters).encode()).hexdigest()


def options_fingerprint(**options):
    return hashlib.sha256(str(options).encode()).hexdigest()
"#;

const FIXED: &str = r#"import hashlib
import json


def filters_fingerprint(request):
    filters = request.GET.dict()
    return hashlib.sha256(json.dumps(filters, sort_keys=True).encode()).hexdigest()


def options_fingerprint(**options):
    return hashlib.sha256(str(sorted(options.items())).encode()).hexdigest()
"#;

/// What is known of a value that is a mapping.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mapping {
    /// A dict whose keys are all strings: sorting them cannot fail.
    StrKeys,
    /// A dict (or `.items()` of a mapping) whose keys may not sort together.
    Dict,
    /// A `QueryDict` (`request.GET`): its text also depends on order, but
    /// `sorted(q.items())` would drop repeated values.
    QueryDict,
    /// Nothing in the code says, but the name does: an unannotated parameter (or a name
    /// not assigned in the function) called `filters`, `params`, `options`, ...
    Named,
}

fn check<'a>(ctx: &FileContext<'a>, hits: &mut Vec<Hit>) {
    for call in ctx.calls_named(&["join", "str", "repr", "dumps"]) {
        if ctx.method_call(call).is_some_and(|(_, m)| m == "join") {
            if is_hashed(ctx, call) {
                join_hit(ctx, call, hits);
            }
            continue;
        }
        if !matches!(ctx.call_simple_name(call), Some("str" | "repr" | "dumps")) {
            continue;
        }
        let Some(name) = ctx.call_name(call) else {
            continue;
        };
        let is_json = matches!(name.as_str(), "json.dumps" | "simplejson.dumps");
        if !(is_json || name == "str" || name == "repr") {
            continue;
        }
        let args = ctx.positional_args(call);
        let [arg] = args.as_slice() else {
            continue;
        };
        let arg = *arg;
        if !is_hashed(ctx, call) {
            continue;
        }
        if is_json {
            json_hit(ctx, call, arg, hits);
        } else {
            text_hit(ctx, call, arg, &name, hits);
        }
    }
}

/// `json.dumps(d)` (or `sort_keys=False`) of a known dict.
fn json_hit<'a>(ctx: &FileContext<'a>, call: Node<'a>, arg: Node<'a>, hits: &mut Vec<Hit>) {
    let sort_keys = ctx.keyword_arg(call, "sort_keys");
    // `json.dumps(d, **options)`: `sort_keys` may be among the options.
    let has_splat = call.field("arguments").is_some_and(|args| {
        let mut cursor = args.walk();
        let found = args
            .named_children(&mut cursor)
            .any(|a| a.kind_name() == "dictionary_splat");
        found
    });
    if has_splat && sort_keys.is_none() {
        return;
    }
    if sort_keys.is_some_and(|v| ctx.text(v) != "False") {
        return;
    }
    let Some(kind) = mapping(ctx, arg, 0) else {
        return;
    };
    let mut hit = Hit::node(call).with_message(
        "`json.dumps()` without `sort_keys=True` is hashed: equal dicts built in another order \
         give another hash",
    );
    // `sort_keys=True` fails only on keys of mixed types; a guessed mapping (by its
    // name, e.g. `filters`) gets the fix too: if it is not a dict at all, sorting the
    // keys of the dicts inside it is harmless.
    if kind == Mapping::StrKeys || kind == Mapping::Named {
        let edit = match sort_keys {
            Some(value) => Edit::replace(value.byte_range(), "True"),
            None => match last_argument(call) {
                Some(last) => Edit::insert(last.end_byte(), ", sort_keys=True"),
                None => return,
            },
        };
        hit = hit.with_fix("Add `sort_keys=True`", vec![edit]);
    }
    hits.push(hit);
}

/// `str(d)`, `repr(d)`, `str(d.items())` of a known mapping.
fn text_hit<'a>(
    ctx: &FileContext<'a>,
    call: Node<'a>,
    arg: Node<'a>,
    func: &str,
    hits: &mut Vec<Hit>,
) {
    let arg = ctx.unparenthesize(arg);
    // `str(d.items())`: the mapping is the receiver of `.items()`.
    let (items_of, kind) = match items_receiver(ctx, arg) {
        Some(receiver) => (
            Some(receiver),
            mapping(ctx, receiver, 0).unwrap_or(Mapping::Dict),
        ),
        None => match mapping(ctx, arg, 0) {
            Some(kind) => (None, kind),
            None => return,
        },
    };
    let what = match kind {
        Mapping::QueryDict => "a QueryDict",
        Mapping::Named => "a mapping (judging by its name)",
        _ => "a dict",
    };
    let mut hit = Hit::node(call).with_message(format!(
        "`{func}()` of {what} is hashed: its text follows insertion order, so equal mappings \
         built in another order give another hash"
    ));
    if kind == Mapping::StrKeys {
        let replacement = match items_of {
            Some(_) => format!("sorted({})", ctx.text(arg)),
            None if arg.kind_name() == "identifier" || arg.kind_name() == "attribute" => {
                format!("sorted({}.items())", ctx.text(arg))
            }
            None => format!("sorted(({}).items())", ctx.text(arg)),
        };
        hit = hit.with_fix(
            "Hash the sorted items",
            vec![Edit::replace(arg.byte_range(), replacement)],
        );
    }
    hits.push(hit);
}

/// `"&".join(f"{k}={v}" for k, v in d.items())` over a known mapping, unsorted: the
/// joined text follows insertion order like `str(d)` does.
fn join_hit<'a>(ctx: &FileContext<'a>, call: Node<'a>, hits: &mut Vec<Hit>) {
    let Some(args) = call.field("arguments") else {
        return;
    };
    let comprehension = if args.kind_name() == "generator_expression" {
        args
    } else {
        let mut cursor = args.walk();
        let inner: Vec<Node> = args.named_children(&mut cursor).collect();
        match inner.as_slice() {
            [one]
                if matches!(
                    one.kind_name(),
                    "generator_expression" | "list_comprehension"
                ) =>
            {
                *one
            }
            _ => return,
        }
    };
    let mut cursor = comprehension.walk();
    let clauses: Vec<Node> = comprehension
        .named_children(&mut cursor)
        .filter(|c| c.kind_name() == "for_in_clause")
        .collect();
    let [clause] = clauses.as_slice() else {
        return;
    };
    let Some(iterable) = clause.field("right").map(|r| ctx.unparenthesize(r)) else {
        return;
    };
    let Some(receiver) = items_receiver(ctx, iterable) else {
        return;
    };
    if mapping(ctx, receiver, 0).is_none() {
        return;
    }
    hits.push(Hit::node(call).with_message(
        "Text joined from `.items()` of a dict is hashed: it follows insertion order, so equal \
         mappings built in another order give another hash; join `sorted(...)` items",
    ));
}

fn last_argument(call: Node) -> Option<Node> {
    let args = call.field("arguments")?;
    let mut cursor = args.walk();
    let last = args
        .named_children(&mut cursor)
        .filter(|c| c.kind_name() != "comment")
        .last();
    last
}

/// For `m.items()` (no arguments): `m`.
fn items_receiver<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> Option<Node<'a>> {
    if node.kind_name() != "call" {
        return None;
    }
    let (receiver, method) = ctx.method_call(node)?;
    let no_args = node
        .field("arguments")
        .is_some_and(|a| a.named_child_count() == 0);
    (method == "items" && no_args).then_some(receiver)
}

/// What is known of `node` as a mapping: a dict literal or comprehension, `dict(...)`,
/// `vars(x)`, `x.__dict__`, `QueryDict.dict()`, `request.GET`, a `**kwargs`
/// parameter, a parameter annotated `dict`/`Mapping`, or a name last assigned one of
/// these in the same function. None when nothing says it is a dict.
fn mapping<'a>(ctx: &FileContext<'a>, node: Node<'a>, depth: usize) -> Option<Mapping> {
    let node = ctx.unparenthesize(node);
    match node.kind_name() {
        "dictionary" => Some(if literal_str_keys(ctx, node) {
            Mapping::StrKeys
        } else {
            Mapping::Dict
        }),
        "dictionary_comprehension" => Some(Mapping::Dict),
        "call" => {
            if let Some((receiver, method)) = ctx.method_call(node) {
                return match method {
                    // QueryDict.dict(): str keys, the last value of each.
                    "dict" if is_query_dict(ctx, receiver) => Some(Mapping::StrKeys),
                    "copy" if depth < 3 => mapping(ctx, receiver, depth + 1),
                    _ => None,
                };
            }
            match ctx.call_name(node).as_deref() {
                Some("dict") => {
                    let only_keywords = ctx.positional_args(node).is_empty()
                        && node
                            .field("arguments")
                            .is_some_and(|a| a.named_child_count() > 0);
                    Some(if only_keywords {
                        Mapping::StrKeys
                    } else {
                        Mapping::Dict
                    })
                }
                Some("vars") => Some(Mapping::StrKeys),
                _ => None,
            }
        }
        "attribute" => {
            if is_query_dict(ctx, node) {
                return Some(Mapping::QueryDict);
            }
            let attr = node.field("attribute").map(|a| ctx.text(a));
            (attr == Some("__dict__")).then_some(Mapping::StrKeys)
        }
        "identifier" => {
            let name = ctx.text(node);
            if let Some(kind) = parameter_mapping(ctx, node, name) {
                return Some(kind);
            }
            if depth >= 3 {
                return None;
            }
            if let Some(value) = assigned_value(ctx, name, node) {
                return mapping(ctx, value, depth + 1);
            }
            if is_annotated_parameter(ctx, node, name) || !named_like_mapping(name) {
                return None;
            }
            Some(Mapping::Named)
        }
        _ => None,
    }
}

/// Words that name a mapping: `filters`, `params`, `query_params`, `options`,
/// `kwargs`, `extra_kwargs`, `data_dict`, `mapping`.
fn named_like_mapping(name: &str) -> bool {
    super::names::words(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "filters" | "params" | "kwargs" | "options" | "opts" | "dict" | "mapping"
        )
    })
}

/// `name` is a parameter of the enclosing function with a type annotation (whatever
/// it is: a `list[str]` is not a dict, and a dict one was handled before).
fn is_annotated_parameter<'a>(ctx: &FileContext<'a>, node: Node<'a>, name: &str) -> bool {
    let Some(params) = ctx
        .enclosing_function(node)
        .and_then(|f| f.field("parameters"))
    else {
        return false;
    };
    let mut cursor = params.walk();
    let found = params.named_children(&mut cursor).any(|p| {
        let ident = match p.kind_name() {
            "typed_default_parameter" => p.field("name"),
            "typed_parameter" => p.named_child(0),
            _ => None,
        };
        ident.is_some_and(|i| ctx.text(i) == name)
    });
    found
}

/// `request.GET`, `request.POST`, `self.request.query_params`.
fn is_query_dict<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> bool {
    node.kind_name() == "attribute"
        && node
            .field("attribute")
            .is_some_and(|a| matches!(ctx.text(a), "GET" | "POST" | "query_params"))
}

fn literal_str_keys<'a>(ctx: &FileContext<'a>, dict: Node<'a>) -> bool {
    let mut cursor = dict.walk();
    let all = dict.named_children(&mut cursor).all(|pair| {
        pair.kind_name() == "pair"
            && pair
                .field("key")
                .is_some_and(|k| ctx.string_value(k).is_some())
    });
    all
}

/// `name` as a parameter of the enclosing function: `**name` (str keys) or annotated
/// `dict[...]`/`Dict`/`Mapping`.
fn parameter_mapping<'a>(ctx: &FileContext<'a>, node: Node<'a>, name: &str) -> Option<Mapping> {
    let function = ctx.enclosing_function(node)?;
    let params = function.field("parameters")?;
    let mut cursor = params.walk();
    let found = params
        .named_children(&mut cursor)
        .find_map(|p| match p.kind_name() {
            "dictionary_splat_pattern" => {
                let ident = p.named_child(0)?;
                (ctx.text(ident) == name).then_some(Mapping::StrKeys)
            }
            "typed_parameter" | "typed_default_parameter" => {
                let ident = if p.kind_name() == "typed_default_parameter" {
                    p.field("name")?
                } else {
                    p.named_child(0)?
                };
                if ident.kind_name() == "dictionary_splat_pattern" {
                    let inner = ident.named_child(0)?;
                    return (ctx.text(inner) == name).then_some(Mapping::StrKeys);
                }
                if ctx.text(ident) != name {
                    return None;
                }
                let ty = ctx.text(p.field("type")?);
                let base = ty.split('[').next().unwrap_or(ty).trim();
                let base = base.rsplit('.').next().unwrap_or(base);
                matches!(base, "dict" | "Dict" | "Mapping" | "MutableMapping")
                    .then_some(Mapping::Dict)
            }
            _ => None,
        });
    // A later assignment in the function wins over the parameter.
    found.filter(|_| assigned_value(ctx, name, node).is_none())
}

/// The value of `call` is hashed: it is (through parentheses, `.encode()`,
/// `force_bytes()`, string concatenation or an f-string) the data of a `hashlib`
/// constructor, or of `.update()` on a hash object (one assigned from a hashlib
/// constructor, or any `.update()` given bytes made by `.encode()`).
fn is_hashed<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    let mut node = call;
    let mut encoded = false;
    for _ in 0..16 {
        let Some(parent) = ctx.parent(node) else {
            return false;
        };
        match parent.kind_name() {
            "parenthesized_expression" | "binary_operator" => {}
            "interpolation" => match ctx.parent(parent) {
                Some(string) => {
                    node = string;
                    continue;
                }
                None => return false,
            },
            "attribute" => {
                let is_encode = parent
                    .field("attribute")
                    .is_some_and(|a| ctx.text(a) == "encode");
                let Some(next) = ctx.parent(parent).filter(|c| c.kind_name() == "call") else {
                    return false;
                };
                if !is_encode {
                    return false;
                }
                encoded = true;
                node = next;
                continue;
            }
            "argument_list" => {
                let Some(next) = ctx.parent(parent).filter(|c| c.kind_name() == "call") else {
                    return false;
                };
                if is_hash_constructor(ctx, next) {
                    return true;
                }
                if let Some((receiver, "update")) = ctx.method_call(next) {
                    return encoded || is_hash_object(ctx, receiver);
                }
                let through = ctx
                    .call_name(next)
                    .is_some_and(|n| n.ends_with("force_bytes") || n == "bytes");
                if !through {
                    return false;
                }
                encoded = true;
                node = next;
                continue;
            }
            _ => return false,
        }
        node = parent;
    }
    false
}

fn is_hash_object<'a>(ctx: &FileContext<'a>, receiver: Node<'a>) -> bool {
    receiver.kind_name() == "identifier"
        && assigned_value(ctx, ctx.text(receiver), receiver)
            .is_some_and(|v| v.kind_name() == "call" && is_hash_constructor(ctx, v))
}
