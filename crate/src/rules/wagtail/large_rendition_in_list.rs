//! WAG001: the list branch asks for image renditions wider than a thumbnail.

use crate::context::FileContext;
use crate::diagnostic::{Category, Hit, Severity};
use crate::grammar::Field;
use crate::project::viewsets::in_list_branch;
use crate::rule::{Check, Rule};

pub static RULE: Rule = Rule {
    id: "WAG001",
    name: "large-rendition-in-list",
    severity: Severity::Warning,
    category: Category::Wagtail,
    message:
        "The list branch asks for a rendition wider than 600 px: use a thumbnail-sized filter spec",
    explanation: crate::rule::explanation!("large_rendition_in_list.md"),
    bad: BAD,
    fixed: FIXED,
    fix: None,
    check: Check::File(check),
};

const BAD: &str = r#"from django.db.models import Prefetch
from rest_framework import viewsets
from wagtail.images import get_image_model

from .models import BlogPostPage


class BlogPostViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        queryset = BlogPostPage.objects.live()
        if self.action == "list":
            images = get_image_model().objects.prefetch_renditions("fill-800x600", "width-1200")
            queryset = queryset.prefetch_related(Prefetch("featured_image", queryset=images))
        return queryset
"#;

const FIXED: &str = r#"from django.db.models import Prefetch
from rest_framework import viewsets
from wagtail.images import get_image_model

from .models import BlogPostPage


class BlogPostViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        queryset = BlogPostPage.objects.live()
        if self.action == "list":
            images = get_image_model().objects.prefetch_renditions("fill-400x300")
            queryset = queryset.prefetch_related(Prefetch("featured_image", queryset=images))
        elif self.action == "retrieve":
            images = get_image_model().objects.prefetch_renditions("fill-800x600", "width-1200")
            queryset = queryset.prefetch_related(Prefetch("featured_image", queryset=images))
        return queryset
"#;

/// Widest rendition still fine for a list (a thumbnail or card image).
const MAX_LIST_WIDTH: u32 = 600;

/// Methods that take filter specs: `ImageQuerySet.prefetch_renditions(*filters)`,
/// `AbstractImage.get_rendition(filter)` and `get_renditions(*filters)`
/// (wagtail/images/models.py).
const RENDITION_METHODS: &[&str] = &["prefetch_renditions", "get_rendition", "get_renditions"];

/// How wide a filter spec's renditions can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Width {
    /// No resizing operation (`original`, `format-webp`): the original image's width.
    Original,
    /// At most (or, for `min-`, at least) this many pixels.
    Pixels(u32),
    /// Depends on the image (`height-N`, `scale-N`, custom operations).
    Unknown,
}

/// The width of a filter spec such as `fill-800x600|jpegquality-60`, operation by
/// operation as `Filter.operations` splits it (on `|`, then `-`). None for a spec that
/// does not parse.
fn spec_width(spec: &str) -> Option<Width> {
    let mut width = Width::Original;
    for operation in spec.split('|') {
        let mut parts = operation.trim().split('-');
        let name = parts.next()?;
        let size = parts.next();
        let first_number =
            |size: Option<&str>| -> Option<u32> { size?.split('x').next()?.parse::<u32>().ok() };
        width = match name {
            // Never wider than N (Wagtail does not upscale), nor than before.
            "width" | "max" => {
                let n = first_number(size)?;
                match width {
                    Width::Pixels(current) => Width::Pixels(current.min(n)),
                    _ => Width::Pixels(n),
                }
            }
            // Cropped to W wide (`fill`), or covering W (`min`).
            "fill" | "min" => Width::Pixels(first_number(size)?),
            // Operations that keep the size (wagtail/images/wagtail_hooks.py).
            "original" | "format" | "jpegquality" | "webpquality" | "avifquality" | "bgcolor"
            | "preserve" => width,
            // `height-N`, `scale-N`, and operations a project registers itself.
            _ => Width::Unknown,
        };
    }
    Some(width)
}

/// Why `spec` is too wide for a list, if it is.
fn too_wide(spec: &str) -> Option<String> {
    match spec_width(spec)? {
        Width::Original => Some(format!(
            "`{spec}` renders images at their original size in the list branch: use a thumbnail-sized filter spec"
        )),
        Width::Pixels(n) if n > MAX_LIST_WIDTH => Some(format!(
            "`{spec}` renders images {n} px wide in the list branch: use a thumbnail-sized filter spec (at most {MAX_LIST_WIDTH} px)"
        )),
        _ => None,
    }
}

fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {
    for (call, _, method) in ctx.method_calls(RENDITION_METHODS) {
        // `prefetch_renditions()` without specs loads every rendition of each image.
        if method == "prefetch_renditions"
            && call
                .field("arguments")
                .is_some_and(|a| a.named_child_count() == 0)
        {
            if in_list_branch(ctx, call) {
                hits.push(Hit::node(call).with_message(
                    "`prefetch_renditions()` without filter specs loads every rendition of each image, at every size: name the thumbnail specs the list needs",
                ));
            }
            continue;
        }
        let wide: Vec<_> = ctx
            .positional_args(call)
            .into_iter()
            .chain(ctx.keyword_arg(call, "filter"))
            .filter_map(|a| {
                let spec = ctx.string_value(a)?;
                too_wide(&spec).map(|message| (a, message))
            })
            .collect();
        if wide.is_empty() || !in_list_branch(ctx, call) {
            continue;
        }
        for (node, message) in wide {
            hits.push(Hit::node(node).with_message(message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_filter_specs() {
        use Width::*;
        assert_eq!(spec_width("width-1200"), Some(Pixels(1200)));
        assert_eq!(spec_width("fill-800x600"), Some(Pixels(800)));
        assert_eq!(spec_width("fill-800x600-c100"), Some(Pixels(800)));
        assert_eq!(spec_width("max-1000x800"), Some(Pixels(1000)));
        assert_eq!(spec_width("min-700x100"), Some(Pixels(700)));
        assert_eq!(spec_width("fill-800x600|jpegquality-60"), Some(Pixels(800)));
        assert_eq!(spec_width("format-webp|fill-400x300"), Some(Pixels(400)));
        assert_eq!(spec_width("width-1200|max-400x400"), Some(Pixels(400)));
        assert_eq!(spec_width("original"), Some(Original));
        assert_eq!(spec_width("format-webp"), Some(Original));
        assert_eq!(spec_width("height-1000"), Some(Unknown));
        assert_eq!(spec_width("scale-50"), Some(Unknown));
        assert_eq!(spec_width("width-abc"), None);
        assert_eq!(spec_width("fill-"), None);
    }

    #[test]
    fn flags_only_wide_specs() {
        for spec in [
            "width-1200",
            "fill-800x600",
            "max-1000x800",
            "original",
            "min-601x1",
        ] {
            assert!(too_wide(spec).is_some(), "{spec}");
        }
        for spec in [
            "width-600",
            "fill-400x300",
            "height-2000",
            "max-600x2000",
            "bogus-1",
        ] {
            assert!(too_wide(spec).is_none(), "{spec}");
        }
    }
}
