//! The signals rules: Django/Wagtail signal receivers (`@receiver`, `signal.connect`).
//!
//! "Is this function a receiver" is decided once, in the project index
//! (`project::receivers`), and shared by SIG001-SIG003; DJ013 and SIG004 share
//! [`is_receiver_decorator`](crate::project::receivers::is_receiver_decorator).

use crate::context::FileContext;
use crate::grammar::{Field, KindName};
use crate::rule::Rule;
use tree_sitter::Node;

pub mod hasattr_model_check_in_receiver;
pub mod non_leading_receiver_decorator;
pub mod receivers_not_connected;
pub mod type_test_by_identity_or_name;
pub mod unguarded_signal_instance;

pub static RULES: &[&Rule] = &[
    &hasattr_model_check_in_receiver::RULE,
    &type_test_by_identity_or_name::RULE,
    &unguarded_signal_instance::RULE,
    &receivers_not_connected::RULE,
    &non_leading_receiver_decorator::RULE,
];

/// The name of the `**kwargs` parameter of a function, if it has one.
pub fn kwargs_parameter<'a>(ctx: &FileContext<'a>, function: Node<'a>) -> Option<&'a str> {
    let params = function.field("parameters")?;
    let mut cursor = params.walk();
    let splat = params
        .named_children(&mut cursor)
        .find(|p| p.kind_name() == "dictionary_splat_pattern")?;
    let mut cursor = splat.walk();
    let name = splat
        .named_children(&mut cursor)
        .find(|c| c.kind_name() == "identifier")?;
    Some(ctx.text(name))
}

/// A model class the file knows by name: defined in it, or imported into it with
/// `from ... import Name [as Alias]`.
#[derive(Debug, Clone)]
pub struct KnownClass<'a> {
    /// The class's own name (`BlogPostPage`).
    pub name: &'a str,
    /// The name it is bound to in the file (`BlogPostPage`, or the alias).
    pub binding: &'a str,
    /// The function the definition or import is in (None at module level).
    pub scope: Option<Node<'a>>,
    /// Where the binding starts.
    pub start: usize,
}

/// Classes defined in the file and capitalised names imported into it, at any depth.
pub fn known_classes<'a>(ctx: &FileContext<'a>) -> Vec<KnownClass<'a>> {
    let mut known = Vec::new();
    for &class in ctx.nodes("class_definition") {
        let name = ctx.definition_name(class);
        if !name.is_empty() {
            known.push(KnownClass {
                name,
                binding: name,
                scope: ctx.enclosing_function(class),
                start: class.start_byte(),
            });
        }
    }
    for &import in ctx.nodes("import_from_statement") {
        let mut cursor = import.walk();
        for child in import.children_by_field_name("name", &mut cursor) {
            let (name, binding) = match child.kind_name() {
                "dotted_name" => (child, child),
                "aliased_import" => match (child.field("name"), child.field("alias")) {
                    (Some(n), Some(a)) => (n, a),
                    _ => continue,
                },
                _ => continue,
            };
            let name = ctx.text(name);
            let name = name.rsplit('.').next().unwrap_or(name);
            if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                known.push(KnownClass {
                    name,
                    binding: ctx.text(binding),
                    scope: ctx.enclosing_function(import),
                    start: import.start_byte(),
                });
            }
        }
    }
    known
}

impl KnownClass<'_> {
    /// Whether the binding can be used at `at`: bound at module level, or earlier in
    /// a function that holds `at`.
    pub fn visible_at(&self, ctx: &FileContext, at: Node) -> bool {
        match self.scope {
            None => true,
            Some(scope) => self.start < at.start_byte() && ctx.is_within(at, scope),
        }
    }
}

/// A name that reads as a class: an identifier or dotted name whose last part starts
/// with an uppercase letter and is not an ALL_CAPS constant (`Page`, `models.Page`).
pub fn is_class_like(ctx: &FileContext, node: Node) -> bool {
    let Some(name) = ctx.dotted_name(node) else {
        return false;
    };
    let last = name.rsplit('.').next().unwrap_or(&name);
    last.starts_with(|c: char| c.is_ascii_uppercase()) && last.chars().any(|c| c.is_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_file;
    use crate::project::receivers::receivers;
    use crate::source::SourceFile;

    fn with_ctx(text: &str, f: impl FnOnce(&FileContext)) {
        let file = SourceFile::new("t.py", text);
        let parsed = parse_file(&file).expect("parses");
        let ctx = FileContext::new(&file.path, &file.text, &parsed.tree);
        f(&ctx);
    }

    fn receiver_names(text: &str) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        with_ctx(text, |ctx| {
            for r in receivers(ctx) {
                out.push((
                    ctx.definition_name(r.function).to_string(),
                    r.signals.iter().map(|s| ctx.text(*s).to_string()).collect(),
                ));
            }
        });
        out
    }

    #[test]
    fn finds_decorated_and_connected_receivers() {
        let text = "\
import django.dispatch
from django.dispatch import receiver as on
from django.db.models.signals import post_save, post_delete

@on([post_save, post_delete], sender=X)
def a(sender, **kwargs): pass

@django.dispatch.receiver(post_save)
def b(sender, **kwargs): pass

def c(sender, **kwargs): pass
post_save.connect(c, sender=X)
post_delete.connect(receiver=c)

def not_a_receiver(): pass
socket.connect(address)

def outer():
    def handler(sender, **kwargs): pass
    post_save.connect(handler)
";
        assert_eq!(
            receiver_names(text),
            vec![
                ("a".into(), vec!["post_save".into(), "post_delete".into()]),
                ("b".into(), vec!["post_save".into()]),
                ("c".into(), vec!["post_save".into(), "post_delete".into()]),
                ("handler".into(), vec!["post_save".into()]),
            ]
        );
    }

    #[test]
    fn a_receiver_imported_from_elsewhere_is_not_django_s() {
        let text = "from myapp.events import receiver\n@receiver(thing)\ndef a(): pass\n";
        assert!(receiver_names(text).is_empty());
    }

    #[test]
    fn known_classes_and_their_scope() {
        let text = "\
from .models import BlogPostPage, helper
from wagtail.models import Page as BasePage
class Local: pass
def f():
    from .models import EventPage
";
        with_ctx(text, |ctx| {
            let known: Vec<(&str, &str, bool)> = known_classes(ctx)
                .iter()
                .map(|k| (k.name, k.binding, k.scope.is_some()))
                .collect();
            assert_eq!(
                known,
                vec![
                    ("Local", "Local", false),
                    ("BlogPostPage", "BlogPostPage", false),
                    ("Page", "BasePage", false),
                    ("EventPage", "EventPage", true),
                ]
            );
        });
    }

    #[test]
    fn kwargs_parameter_name() {
        with_ctx(
            "def f(sender, *args, **kw): pass\ndef g(sender): pass\n",
            |ctx| {
                let names: Vec<Option<&str>> = ctx
                    .nodes("function_definition")
                    .iter()
                    .map(|f| kwargs_parameter(ctx, *f))
                    .collect();
                assert_eq!(names, vec![Some("kw"), None]);
            },
        );
    }
}
