//! CACHE012: hashing text that depends on a dict's insertion order.

use super::hashes::is_hash_constructor;
use crate::context::nodes_within;
use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use crate::semantic::bindings::{assigned_value, assigns_to, names_within, only_plain_assignments};
use crate::semantic::loops::for_in_clauses;
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
    /// A dict with keys fixed by the source holding a mapping whose order varies: sorting
    /// the top level would not help.
    Nested,
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
        Mapping::Nested => "a dict holding a mapping",
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

/// What is known of `node` as a mapping whose text follows an insertion order that can
/// vary: a dict literal or comprehension, `dict(...)`, `vars(x)`, `x.__dict__`,
/// `QueryDict.dict()`, `request.GET`, a `**kwargs` parameter, a parameter annotated
/// `dict`/`Mapping`, or a name last assigned one of these in the same function. None when
/// nothing says it is a dict, and for a dict whose key order is fixed (`fixed_order`).
fn mapping<'a>(ctx: &FileContext<'a>, node: Node<'a>, depth: usize) -> Option<Mapping> {
    let node = ctx.unparenthesize(node);
    if fixed_order(ctx, node, depth) {
        return None;
    }
    kind(ctx, node, depth)
}

/// How deep `mapping` and `fixed_order` follow names and nested values.
const MAX_DEPTH: usize = 3;

/// What `node` is as a mapping, whatever its order.
fn kind<'a>(ctx: &FileContext<'a>, node: Node<'a>, depth: usize) -> Option<Mapping> {
    let node = ctx.unparenthesize(node);
    match node.kind_name() {
        "dictionary" => Some(if holds_unordered(ctx, node, depth) {
            Mapping::Nested
        } else if literal_str_keys(ctx, node) {
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
                    "copy" if depth < MAX_DEPTH => mapping(ctx, receiver, depth + 1),
                    _ => None,
                };
            }
            match ctx.call_name(node).as_deref() {
                Some("dict") => {
                    let only_keywords = ctx.positional_args(node).is_empty()
                        && node
                            .field("arguments")
                            .is_some_and(|a| a.named_child_count() > 0);
                    Some(if holds_unordered(ctx, node, depth) {
                        Mapping::Nested
                    } else if only_keywords {
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
            if depth >= MAX_DEPTH {
                return None;
            }
            if let Some(value) = assigned_value(ctx, name, node) {
                return kind(ctx, value, depth + 1);
            }
            if is_annotated_parameter(ctx, node, name) || !named_like_mapping(name) {
                return None;
            }
            Some(Mapping::Named)
        }
        _ => None,
    }
}

/// Whether `node` is a dict whose keys come in one order for every equal mapping it can
/// hold, so its text is the same for equal dicts:
/// - built from sorted pairs: `dict(sorted(...))`, `OrderedDict(sorted(...))`, a dict
///   comprehension over `sorted(...)` (the fix this rule offers, applied before);
/// - with constant keys written in the source: `{"page": page, "tag": tag}`,
///   `dict(page=page, tag=tag)` (no `**` unpacking), unless a value is itself a mapping
///   whose order varies (its text is part of the dict's);
/// - `.copy()` of one of these, or a name whose every assignment reaching this point is
///   one of these and which is not changed in place before (`d[k] = v`, `d.update(...)`).
fn fixed_order<'a>(ctx: &FileContext<'a>, node: Node<'a>, depth: usize) -> bool {
    let node = ctx.unparenthesize(node);
    if depth > MAX_DEPTH {
        return false;
    }
    match node.kind_name() {
        "dictionary" => {
            let mut cursor = node.walk();
            let constant = node
                .named_children(&mut cursor)
                .filter(|c| c.kind_name() != "comment")
                .all(|pair| {
                    pair.kind_name() == "pair"
                        && pair.field("key").is_some_and(|k| is_constant(ctx, k))
                });
            constant && !holds_unordered(ctx, node, depth)
        }
        "dictionary_comprehension" => matches!(
            for_in_clauses(node).as_slice(),
            [clause] if clause.field("right").is_some_and(|r| is_sorted(ctx, r, depth))
        ),
        "call" => {
            if let Some((receiver, method)) = ctx.method_call(node) {
                return match method {
                    "copy" => fixed_order(ctx, receiver, depth + 1),
                    "OrderedDict" => sorted_pairs_call(ctx, node, depth),
                    _ => false,
                };
            }
            match ctx.call_name(node).as_deref() {
                Some("dict") => {
                    sorted_pairs_call(ctx, node, depth)
                        || (keywords_only(node) && !holds_unordered(ctx, node, depth))
                }
                Some(name) if name == "OrderedDict" || name.ends_with(".OrderedDict") => {
                    sorted_pairs_call(ctx, node, depth)
                }
                _ => false,
            }
        }
        "identifier" => {
            let name = ctx.text(node);
            reaching_values(ctx, name, node).is_some_and(|values| {
                values.iter().all(|v| fixed_order(ctx, *v, depth + 1))
                    && !changed_in_place(ctx, name, node)
            })
        }
        _ => false,
    }
}

/// `dict(sorted(...))`: one argument, the sorted pairs.
fn sorted_pairs_call<'a>(ctx: &FileContext<'a>, call: Node<'a>, depth: usize) -> bool {
    let Some(args) = call.field("arguments") else {
        return false;
    };
    let mut cursor = args.walk();
    let inner: Vec<Node> = args
        .named_children(&mut cursor)
        .filter(|c| c.kind_name() != "comment")
        .collect();
    matches!(inner.as_slice(), [one] if is_sorted(ctx, *one, depth))
}

/// `sorted(...)`, or a name whose every assignment reaching here is one and that is not
/// changed in place (`items.append(...)`).
fn is_sorted<'a>(ctx: &FileContext<'a>, node: Node<'a>, depth: usize) -> bool {
    let node = ctx.unparenthesize(node);
    match node.kind_name() {
        "call" => ctx.call_name(node).as_deref() == Some("sorted"),
        "identifier" if depth < MAX_DEPTH => {
            let name = ctx.text(node);
            reaching_values(ctx, name, node).is_some_and(|values| {
                values.iter().all(|v| is_sorted(ctx, *v, depth + 1))
                    && !changed_in_place(ctx, name, node)
            })
        }
        _ => false,
    }
}

/// `dict(a=1, b=2)` (or `dict()`): keyword arguments only, no `**` unpacking.
fn keywords_only(call: Node) -> bool {
    let Some(args) = call.field("arguments") else {
        return false;
    };
    let mut cursor = args.walk();
    let all = args
        .named_children(&mut cursor)
        .all(|a| matches!(a.kind_name(), "keyword_argument" | "comment"));
    all
}

/// Whether a value of the dict literal (or of `dict(k=v)`) is a mapping whose order varies.
fn holds_unordered<'a>(ctx: &FileContext<'a>, dict: Node<'a>, depth: usize) -> bool {
    if depth >= MAX_DEPTH {
        return false;
    }
    let container = if dict.kind_name() == "call" {
        match dict.field("arguments") {
            Some(args) => args,
            None => return false,
        }
    } else {
        dict
    };
    let mut cursor = container.walk();
    let found = container.named_children(&mut cursor).any(|c| {
        matches!(c.kind_name(), "pair" | "keyword_argument")
            && c.field("value")
                .is_some_and(|v| mapping(ctx, v, depth + 1).is_some())
    });
    found
}

/// A constant key: a string, number, `True`, `False` or `None` literal.
fn is_constant<'a>(ctx: &FileContext<'a>, key: Node<'a>) -> bool {
    matches!(
        key.kind_name(),
        "integer" | "float" | "true" | "false" | "none"
    ) || ctx.string_value(key).is_some()
}

/// The values of every assignment of the plain name `name` that reaches `at` in its
/// function: walking back from `at`, the assignments up to and including the first one in
/// a block that holds `at` (it runs on every path to `at`), and those after `at` in a loop
/// holding `at`. None when no assignment runs on every path (the name may be a parameter,
/// a global or unbound there), outside a function, or when the name is also bound another
/// way (unpacking, a loop target, `+=`, `global`...).
fn reaching_values<'a>(ctx: &FileContext<'a>, name: &str, at: Node<'a>) -> Option<Vec<Node<'a>>> {
    let function = ctx.enclosing_function(at)?;
    if !only_plain_assignments(ctx, function, name) {
        return None;
    }
    let assignments: Vec<Node<'a>> = nodes_within(ctx, "assignment", function)
        .filter(|a| assigns_to(ctx, *a, name))
        .filter(|a| ctx.enclosing_function(*a).map(|f| f.id()) == Some(function.id()))
        .collect();
    let mut values = Vec::new();
    let mut every_path = false;
    for assignment in assignments
        .iter()
        .rev()
        .filter(|a| a.end_byte() <= at.start_byte())
    {
        values.push(assignment.field("right")?);
        let block = ctx
            .parent(*assignment)
            .filter(|s| s.kind_name() == "expression_statement")
            .and_then(|s| ctx.parent(s));
        if block.is_some_and(|b| ctx.is_within(at, b)) {
            every_path = true;
            break;
        }
    }
    if !every_path {
        return None;
    }
    let loops: Vec<Node<'a>> = ctx
        .ancestors(at)
        .take_while(|a| a.id() != function.id())
        .filter(|a| matches!(a.kind_name(), "for_statement" | "while_statement"))
        .collect();
    for assignment in assignments
        .iter()
        .filter(|a| a.end_byte() > at.start_byte())
    {
        if loops.iter().any(|l| ctx.is_within(*assignment, *l)) {
            values.push(assignment.field("right")?);
        }
    }
    Some(values)
}

/// Methods that add keys or items to a dict or a list, or move one.
const ADDING_METHODS: &[&str] = &[
    "update",
    "setdefault",
    "__setitem__",
    "move_to_end",
    "append",
    "extend",
    "insert",
];

/// Whether `name` gets keys or items added in place (`d[k] = v`, `d[k] += v`,
/// `d.update(...)`, `items.append(...)`) in the function before `at`, or anywhere in the
/// function when `at` is in a loop.
fn changed_in_place<'a>(ctx: &FileContext<'a>, name: &str, at: Node<'a>) -> bool {
    let Some(function) = ctx.enclosing_function(at) else {
        return true;
    };
    let in_loop = ctx
        .ancestors(at)
        .take_while(|a| a.id() != function.id())
        .any(|a| matches!(a.kind_name(), "for_statement" | "while_statement"));
    let found = names_within(ctx, name, function)
        .filter(|use_| in_loop || use_.start_byte() < at.start_byte())
        .any(|use_| {
            let Some(parent) = ctx.parent(use_) else {
                return false;
            };
            let is_object = |field: &str| parent.field(field).is_some_and(|o| o.id() == use_.id());
            match parent.kind_name() {
                "subscript" if is_object("value") => is_assignment_target(ctx, parent),
                "attribute" if is_object("object") => {
                    parent
                        .field("attribute")
                        .is_some_and(|a| ADDING_METHODS.contains(&ctx.text(a)))
                        && ctx.parent(parent).is_some_and(|c| c.kind_name() == "call")
                }
                _ => false,
            }
        });
    found
}

/// `target` is (part of) what an assignment or augmented assignment binds.
fn is_assignment_target<'a>(ctx: &FileContext<'a>, target: Node<'a>) -> bool {
    let mut node = target;
    for _ in 0..4 {
        let Some(parent) = ctx.parent(node) else {
            return false;
        };
        match parent.kind_name() {
            "assignment" | "augmented_assignment" => {
                return parent.field("left").is_some_and(|l| l.id() == node.id());
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "expression_list" | "tuple"
            | "list" => node = parent,
            _ => return false,
        }
    }
    false
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
