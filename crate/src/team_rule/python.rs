//! Python as ast-grep sees it: our tree-sitter grammar, and `µ` standing in for `$` in
//! patterns, since `$X` is not a Python identifier and would not parse (ast-grep's own
//! Python support makes the same substitution).

use ast_grep_core::matcher::{Pattern, PatternBuilder, PatternError};
use ast_grep_core::tree_sitter::{LanguageExt, StrDoc, TSLanguage};
use ast_grep_core::Language;
use std::borrow::Cow;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Python;

/// What `$` becomes inside a pattern before it is parsed: a letter Python accepts in
/// identifiers and real code almost never uses.
const EXPANDO: char = 'µ';

impl Language for Python {
    fn pre_process_pattern<'q>(&self, query: &'q str) -> Cow<'q, str> {
        if query.contains('$') {
            Cow::Owned(query.replace('$', &EXPANDO.to_string()))
        } else {
            Cow::Borrowed(query)
        }
    }

    fn expando_char(&self) -> char {
        EXPANDO
    }

    fn kind_to_id(&self, kind: &str) -> u16 {
        self.get_ts_language().id_for_node_kind(kind, true)
    }

    fn field_to_id(&self, field: &str) -> Option<u16> {
        crate::grammar::field_id(field)
    }

    fn build_pattern(&self, builder: &PatternBuilder) -> Result<Pattern, PatternError> {
        builder.build(|src| StrDoc::try_new(src, *self))
    }
}

impl LanguageExt for Python {
    fn get_ts_language(&self) -> TSLanguage {
        tree_sitter_python::LANGUAGE.into()
    }
}
