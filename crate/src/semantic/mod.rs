//! What Python code means inside one file, beyond its syntax: the facts several rule families
//! ask, answered once here (as Ruff keeps them in `ruff_python_semantic`).
//!
//! - [`bindings`]: which value reaches a name at a point of a function, whether a name is only
//!   ever bound by plain assignments, and where a name is read after a point;
//! - [`loops`]: loops and comprehensions, and what they iterate;
//! - [`exceptions`]: which `except` clauses and `contextlib.suppress(...)` blocks swallow an
//!   exception;
//! - [`queryset_api`]: the queryset methods and manager attributes Django and Wagtail define.
//!
//! It stands above the file context (`context.rs`) and below the project index and the rules
//! (README, "The order of the core").

pub mod bindings;
pub mod exceptions;
pub mod loops;
pub mod queryset_api;
