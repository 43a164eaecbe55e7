use super::{known_classes, receiver_of, receivers, KnownClass};
use crate::context::FileContext;
use crate::diagnostic::{Edit, Hit};
use crate::rule::{Applicability, Category, Check, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "SIG001",
    name: "hasattr-model-check-in-receiver",
    severity: Severity::Blocker,
    category: Category::Signals,
    message: "`hasattr(obj, \"<model name>\")` used as a type test in a signal receiver: use `isinstance()`",
    explanation: include_str!("hasattr_model_check_in_receiver.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"from django.dispatch import receiver
from wagtail.signals import page_published

from .models import BlogPostPage
from .services import BlogCacheService


@receiver(page_published)
def invalidate_blog_cache(sender, instance, **kwargs):
    if not hasattr(instance, "blogpostpage"):
        return
    BlogCacheService.invalidate_blog_post(instance.slug)
"#;

const FIXED: &str = r#"from django.dispatch import receiver
from wagtail.signals import page_published

from .models import BlogPostPage
from .services import BlogCacheService


@receiver(page_published)
def invalidate_blog_cache(sender, instance, **kwargs):
    if not isinstance(instance, BlogPostPage):
        return
    BlogCacheService.invalidate_blog_post(instance.slug)
"#;

/// Whether an attribute name reads as a reverse one-to-one accessor of a Wagtail page
/// model (`blogpostpage`): all lowercase letters and digits, ending in `page`, longer
/// than `page` itself (a plain `page` is usually a foreign key).
fn is_page_model_accessor(name: &str) -> bool {
    name.len() > "page".len()
        && name.ends_with("page")
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !ctx.mentions("hasattr") {
        return;
    }
    let receivers = receivers(ctx);
    if receivers.is_empty() {
        return;
    }
    let mut classes: Option<Vec<KnownClass>> = None;
    for &call in ctx.nodes("call") {
        let Some(callee) = ctx.callee(call) else {
            continue;
        };
        if callee.kind() != "identifier" || ctx.text(callee) != "hasattr" {
            continue;
        }
        let args = ctx.positional_args(call);
        let [object, attr] = args.as_slice() else {
            continue;
        };
        let Some(attr_name) = ctx.string_value(*attr) else {
            continue;
        };
        if receiver_of(ctx, &receivers, call).is_none() {
            continue;
        }
        let classes = classes.get_or_insert_with(|| known_classes(ctx));
        let matching: Vec<&KnownClass> = classes
            .iter()
            .filter(|k| k.name.to_ascii_lowercase() == attr_name)
            .collect();
        if matching.is_empty() && !is_page_model_accessor(&attr_name) {
            continue;
        }
        let class_name = matching.first().map_or("<the model class>", |k| k.name);
        let object_text = ctx.text(*object);
        let mut hit = Hit::node(call).with_message(format!(
            "`hasattr({object_text}, \"{attr_name}\")` is not a type test: it queries the reverse one-to-one link and hides errors; use `isinstance({object_text}, {class_name})`"
        ));
        let visible = matching.iter().find(|k| k.visible_at(ctx, call));
        if let Some(class) = visible.filter(|_| !call.has_error()) {
            let replacement = format!("isinstance({object_text}, {})", class.binding);
            hit = hit.with_fix(
                format!("Replace with `{replacement}`"),
                vec![Edit::replace(call.byte_range(), replacement)],
            );
        }
        hits.push(hit);
    }
}

#[cfg(test)]
mod tests {
    use super::is_page_model_accessor;
    use crate::engine::check_with;
    use crate::source::SourceFile;

    /// The fix of each SIG001 hit in `text`, as its replacement text.
    fn fixes(text: &str) -> Vec<Option<String>> {
        let files = vec![SourceFile::new("t.py", text)];
        let report = check_with(&files, &|_, r| r.id == "SIG001");
        report
            .diagnostics
            .iter()
            .map(|d| d.fix.as_ref().map(|f| f.edits[0].content.clone()))
            .collect()
    }

    #[test]
    fn fixes_only_with_a_class_visible_in_the_receiver() {
        let text = r#"
from .models import EventPage as Event

def elsewhere():
    from .models import BlogPostPage

@receiver(page_published)
def a(sender, instance, **kwargs):
    return hasattr(instance, "blogpostpage") or hasattr(instance.specific, "eventpage")

@receiver(page_published)
def b(sender, instance, **kwargs):
    if hasattr(instance, "authorpage"):
        from .models import AuthorPage
    return hasattr(instance, "recipepage")
"#;
        assert_eq!(
            fixes(text),
            vec![
                None,
                Some("isinstance(instance.specific, Event)".to_string()),
                None,
                None,
            ]
        );
    }

    #[test]
    fn page_model_accessors() {
        assert!(is_page_model_accessor("blogpostpage"));
        assert!(is_page_model_accessor("blogindexpage2page"));
        assert!(!is_page_model_accessor("page"));
        assert!(!is_page_model_accessor("blog_post_page"));
        assert!(!is_page_model_accessor("BlogPostPage"));
        assert!(!is_page_model_accessor("get_absolute_url"));
        assert!(!is_page_model_accessor("slug"));
    }
}
