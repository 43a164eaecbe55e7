//! WAG016: a StreamField block's `clean()` override that never calls the parent's.

use crate::context::FileContext;
use crate::diagnostic::{Applicability, Category, Edit, Hit, Severity};
use crate::grammar::{Field, KindName};
use crate::rule::{Check, Rule};
use tree_sitter::Node;

pub static RULE: Rule = Rule {
    id: "WAG016",
    name: "block-clean-without-super",
    severity: Severity::Warning,
    category: Category::Wagtail,
    message: "Block `clean()` never calls `super().clean(value)`: the parent block's validation and cleaning are skipped",
    explanation: crate::rule::explanation!("block_clean_without_super.md"),
    bad: BAD,
    fixed: FIXED,
    fix: Some(Applicability::Unsafe),
    check: Check::File(check),
};

const BAD: &str = r#"from django.core.exceptions import ValidationError
from wagtail import blocks


class EventBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    start = blocks.DateBlock()
    end = blocks.DateBlock(required=False)

    def clean(self, value):
        if value["end"] and value["end"] < value["start"]:
            raise ValidationError("The event ends before it starts.")
        return value
"#;

const FIXED: &str = r#"from django.core.exceptions import ValidationError
from wagtail import blocks


class EventBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    start = blocks.DateBlock()
    end = blocks.DateBlock(required=False)

    def clean(self, value):
        value = super().clean(value)
        if value["end"] and value["end"] < value["start"]:
            raise ValidationError("The event ends before it starts.")
        return value
"#;

/// How far base classes defined in the same file are followed.
const MAX_BASE_DEPTH: usize = 8;

/// The base (as written) that makes `class` a block with a `clean()` worth calling:
/// a base whose name ends in `Block` other than `Block` itself, whose `clean()` only
/// returns the value (`wagtail/blocks/base.py`). Bases defined in the same file are
/// followed, so a project's `BaseCardBlock(blocks.StructBlock)` counts and a
/// `MyBlock(Block)` does not.
fn block_base<'a>(ctx: &FileContext<'a>, class: Node<'a>, depth: usize) -> Option<String> {
    for base in ctx.class_bases(class) {
        if !base.contains('.') && depth < MAX_BASE_DEPTH {
            let local = ctx.classes_named(&base).find(|c| c.id() != class.id());
            if let Some(local) = local {
                if block_base(ctx, local, depth + 1).is_some() {
                    return Some(base);
                }
                continue;
            }
        }
        let qualified = ctx.imports.resolve(&base);
        let last = qualified.rsplit('.').next().unwrap_or(&qualified);
        if last.ends_with("Block") && last != "Block" {
            return Some(base);
        }
    }
    None
}

/// Whether the method reaches the parent's `clean` (`super().clean`, `super(C, self).clean`,
/// `Base.clean(self, ...)` for one of the class's bases) or cleans the child blocks itself
/// (`self.child_blocks["image"].clean(...)`, `self.child_block.clean(...)`): Wagtail's
/// own `ImageBlock` does the latter, because its value is an image, not a `StructValue`.
fn calls_parent_clean<'a>(ctx: &FileContext<'a>, method: Node<'a>, class: Node<'a>) -> bool {
    let bases = ctx.class_bases(class);
    let attrs = ctx.nodes("attribute");
    let first = attrs.partition_point(|a| a.start_byte() < method.start_byte());
    attrs[first..]
        .iter()
        .take_while(|a| a.start_byte() < method.end_byte())
        .filter(|a| a.field("attribute").is_some_and(|n| ctx.text(n) == "clean"))
        .filter_map(|a| a.field("object"))
        .any(|object| match object.kind_name() {
            "call" => ctx.call_simple_name(object) == Some("super"),
            "subscript" | "attribute" if ctx.text(object).starts_with("self.child_block") => true,
            _ => ctx
                .dotted_name(object)
                .is_some_and(|name| bases.contains(&name)),
        })
}

/// Where the fix inserts `value = super().clean(value)`: before the first statement
/// after any docstring, when the body starts on its own line.
fn insertion<'a>(ctx: &FileContext<'a>, body: Node<'a>) -> Option<(usize, &'a str)> {
    let mut cursor = body.walk();
    let mut statements = body
        .named_children(&mut cursor)
        .filter(|s| s.kind_name() != "comment")
        .peekable();
    let first = *statements.peek()?;
    let is_docstring = first.kind_name() == "expression_statement"
        && first
            .named_child(0)
            .is_some_and(|s| s.kind_name() == "string");
    let target = if is_docstring {
        statements.nth(1)?
    } else {
        first
    };
    let indent = ctx.line_indent(target)?;
    Some((target.start_byte() - indent.len(), indent))
}

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    if !ctx.mentions("Block") || !ctx.mentions("def clean") {
        return;
    }
    for &function in ctx.nodes("function_definition") {
        if ctx.definition_name(function) != "clean" {
            continue;
        }
        let params = ctx.parameter_names(function);
        let [_, value] = params[..] else {
            continue;
        };
        let Some(class) = ctx.method_class(function) else {
            continue;
        };
        let Some(base) = block_base(ctx, class, 0) else {
            continue;
        };
        if calls_parent_clean(ctx, function, class) {
            continue;
        }
        let Some(name) = function.field("name") else {
            continue;
        };
        let mut hit = Hit::node(name).with_message(format!(
            "`clean()` overrides `{base}.clean()` without calling it: the parent block's validation and cleaning of `{value}` are skipped; call `super().clean({value})` and use its result"
        ));
        if let Some((at, indent)) = function.field("body").and_then(|b| insertion(ctx, b)) {
            let line = format!("{indent}{value} = super().clean({value}){}", ctx.newline());
            hit = hit.with_fix(
                format!("Call `super().clean({value})` first"),
                vec![Edit::insert(at, line)],
            );
        }
        hits.push(hit);
    }
}

#[cfg(test)]
mod tests {
    fn fixed(code: &str) -> String {
        crate::engine::fixed_by("WAG016", code)
    }

    #[test]
    fn fix_calls_the_parent_first_after_a_docstring() {
        assert_eq!(fixed(super::BAD), super::FIXED);
        assert_eq!(
            fixed("class B(CharBlock):\r\n\tdef clean(self, text):\r\n\t\t\"\"\"Lower.\"\"\"\r\n\t\treturn text.lower()\r\n"),
            "class B(CharBlock):\r\n\tdef clean(self, text):\r\n\t\t\"\"\"Lower.\"\"\"\r\n\t\ttext = super().clean(text)\r\n\t\treturn text.lower()\r\n"
        );
    }

    #[test]
    fn no_fix_on_one_line() {
        let code = "class B(CharBlock):\n    def clean(self, value): return value\n";
        assert_eq!(fixed(code), code);
    }
}
