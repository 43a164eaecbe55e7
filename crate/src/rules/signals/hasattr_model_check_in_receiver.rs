use super::{known_classes, KnownClass};
use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::KindName;
use crate::project::facts::{HasattrTest, RuleFacts};
use crate::project::models::Accessor;
use crate::project::{FileFacts, Project};
use crate::rule::{Check, Rule};
use crate::source::text_contains;

pub static RULE: Rule = Rule {
    id: "SIG001",
    name: "hasattr-model-check-in-receiver",
    severity: Severity::Blocker,
    category: Category::Signals,
    message: "`hasattr(obj, \"<child model>\")` used as a type test in a signal receiver: use `isinstance()`",
    explanation: crate::rule::explanation!("hasattr_model_check_in_receiver.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::ProjectFacts { facts, run: check },
};

const BAD: &str = r#"# file: blog/models.py
from wagtail.models import Page


class BlogPostPage(Page):
    pass
# file: blog/signals.py
from django.dispatch import receiver
from wagtail.signals import page_published

from .models import BlogPostPage
from .services import BlogCacheService


@receiver(page_published)
def invalidate_blog_cache(sender, instance, **kwargs):
    if not hasattr(instance, "blogpostpage"):
        return
    BlogCacheService.invalidate_blog_post(instance.slug)
"#;

const FIXED: &str = r#"# file: blog/models.py
from wagtail.models import Page


class BlogPostPage(Page):
    pass
# file: blog/signals.py
from django.dispatch import receiver
from wagtail.signals import page_published

from .models import BlogPostPage
from .services import BlogCacheService


@receiver(page_published)
def invalidate_blog_cache(sender, instance, **kwargs):
    if not isinstance(instance, BlogPostPage):
        return
    BlogCacheService.invalidate_blog_post(instance.slug)
"#;

/// The `hasattr(obj, "name")` calls inside the file's receivers, read in the per-file pass;
/// whether `name` is a page type's accessor is the index's to say.
fn facts(ctx: &FileContext, file: &FileFacts, facts: &mut RuleFacts) {
    // Only a `hasattr` inside a receiver counts.
    let in_receiver = file.receivers.iter().any(|r| {
        ctx.text
            .get(r.range.clone())
            .is_some_and(|body| text_contains(body, "hasattr"))
    });
    if !in_receiver {
        return;
    }
    let mut classes: Option<Vec<KnownClass>> = None;
    for &call in ctx.nodes("call") {
        let Some(callee) = ctx.callee(call) else {
            continue;
        };
        if callee.kind_name() != "identifier" || ctx.text(callee) != "hasattr" {
            continue;
        }
        let args = ctx.positional_args(call);
        let [object, attr] = args.as_slice() else {
            continue;
        };
        let Some(attr) = ctx.string_value(*attr) else {
            continue;
        };
        let in_receiver = ctx
            .ancestors(call)
            .filter(|a| a.kind_name() == "function_definition")
            .any(|f| file.receivers.iter().any(|r| r.range == f.byte_range()));
        if !in_receiver {
            continue;
        }
        // The classes a fix may name here, by the name they are bound to.
        let classes = classes.get_or_insert_with(|| known_classes(ctx));
        let visible = classes
            .iter()
            .filter(|k| k.visible_at(ctx, call))
            .map(|k| (k.name.to_string(), k.binding.to_string()))
            .collect();
        facts.hasattr_tests.push(HasattrTest {
            range: call.byte_range(),
            object: ctx.text(*object).to_string(),
            attr,
            visible,
            fixable: !call.has_error(),
        });
    }
}

fn check(project: &Project, hits: &mut Vec<(usize, Hit)>) {
    let index = &project.index;
    for (file, facts) in index.files() {
        for test in &facts.rules.hasattr_tests {
            // Only the accessor of a multi-table child (a page type below `Page`) is a type
            // test. A one-to-one from another model (`user.profile`) is an existence test,
            // which `hasattr` answers correctly (Django's reverse one-to-one raises
            // `RelatedObjectDoesNotExist`, an `AttributeError`); a name the index cannot
            // place is left alone.
            let attr_name = &test.attr;
            let accessors = index.accessors_named(attr_name);
            if accessors.is_empty() || !accessors.iter().all(|a| matches!(a, Accessor::Child(_))) {
                continue;
            }
            let mut children: Vec<&str> = accessors
                .iter()
                .filter_map(|a| match a {
                    Accessor::Child(id) => index.class_fact(*id).map(|c| c.name.as_str()),
                    _ => None,
                })
                .collect();
            children.dedup();
            let class_name = match children.as_slice() {
                [one] => *one,
                _ => "<the model class>",
            };
            let object_text = &test.object;
            let mut hit = Hit::at(test.range.clone()).with_message(format!(
                "`hasattr({object_text}, \"{attr_name}\")` is not a type test: it queries the parent-to-child link of `{class_name}` and hides errors; use `isinstance({object_text}, {class_name})`"
            ));
            let visible = test
                .visible
                .iter()
                .filter(|_| children.len() == 1)
                .find(|(name, _)| name == class_name);
            if let Some((_, binding)) = visible.filter(|_| facts.fixes_trusted && test.fixable) {
                let replacement = format!("isinstance({object_text}, {binding})");
                hit = hit.with_fix(
                    format!("Replace with `{replacement}`"),
                    vec![Edit::replace(test.range.clone(), replacement)],
                );
            }
            hits.push((file, hit));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::check_with;
    use crate::source::SourceFile;

    const MODELS: &str = "from wagtail.models import Page\nfrom django.db import models\nclass BlogPostPage(Page): pass\nclass EventPage(Page): pass\nclass AuthorPage(Page): pass\nclass RecipePage(Page): pass\n";

    /// The fix of each SIG001 hit in `text` (beside the models above), as its replacement text.
    fn fixes(text: &str) -> Vec<Option<String>> {
        let files = vec![
            SourceFile::new("app/models.py", MODELS),
            SourceFile::new("app/signals.py", text),
        ];
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
}
