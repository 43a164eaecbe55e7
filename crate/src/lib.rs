//! wagcheck: a Django/Wagtail pattern checker on tree-sitter.
//!
//! The engine takes a set of files (path + text) and a config, and returns
//! diagnostics with optional fixes. It has no threads, files or clocks of its own
//! beyond rayon on native targets, so the same code runs in WebAssembly.

pub mod config;
pub mod context;
pub mod diagnostic;
pub mod docs;
pub mod engine;
pub mod examples;
pub mod fix;
pub mod grammar;
pub mod imports;
pub mod index;
pub mod js;
pub mod order;
pub mod parse;
pub mod project;
pub mod reparse;
pub mod rule;
pub mod rules;
pub mod semantic;
pub mod source;
pub mod suppress;
pub mod syntax_tree;
#[cfg(feature = "team")]
pub mod team;
#[cfg(feature = "team")]
pub mod team_rule;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use config::Config;
pub use diagnostic::{Applicability, Category, Diagnostic, Edit, Fix, Hit, Severity, SyntaxError};
pub use engine::{check, check_with, fix_files, FileError, FixOutcome, Report};
pub use rule::Rule;
pub use source::SourceFile;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
