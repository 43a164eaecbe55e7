//! Hash constructors (`hashlib`, Wagtail's `safe_md5`).

use crate::context::FileContext;
use tree_sitter::Node;

/// A `hashlib` constructor call (`hashlib.sha256(...)`, `md5(...)` imported from
/// hashlib, `hashlib.new(...)`), or Wagtail's `safe_md5(...)`.
pub fn is_hash_constructor<'a>(ctx: &FileContext<'a>, call: Node<'a>) -> bool {
    ctx.call_name(call).is_some_and(|n| {
        (n.starts_with("hashlib.") && n != "hashlib.file_digest" && n != "hashlib.pbkdf2_hmac")
            || n == "wagtail.coreutils.safe_md5"
    })
}
