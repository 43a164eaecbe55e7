//! The command-line interface (native only).

pub mod args;
pub mod cache;
pub mod files;
pub mod sarif;
pub mod settings;
pub mod team;
pub mod text;
pub mod write;
