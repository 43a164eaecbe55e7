//! Import aliases of a file, so rules recognise `from hashlib import md5 as h` as
//! `hashlib.md5` and `from django.core.cache import cache as c` as the cache.

use crate::grammar::{Field, KindName};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tree_sitter::Node;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Imports {
    /// Local name -> fully qualified dotted name.
    aliases: HashMap<String, String>,
    /// Every module named by an import statement, as written (relative ones keep
    /// their dots): `apps.blog.signals`, `.signals`.
    pub modules: Vec<ImportedModule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedModule {
    /// `from X import a, b` gives module X with names [a, b]; `import X` gives X, no names.
    pub module: String,
    pub names: Vec<String>,
    /// Byte range of the import statement.
    pub range: std::ops::Range<usize>,
}

impl Imports {
    /// Builds the aliases from the file's import statements (found by the caller).
    pub fn from_statements<'t>(statements: impl Iterator<Item = Node<'t>>, text: &str) -> Self {
        let mut imports = Imports::default();
        let mut statements: Vec<Node> = statements.collect();
        // Later imports rebind earlier ones, as at run time.
        crate::order::sort_by_key(&mut statements, |n| [n.start_byte(), 0, 0, 0]);
        for node in statements {
            match node.kind_name() {
                "import_statement" => imports.add_import(node, text),
                _ => imports.add_from_import(node, text),
            }
        }
        imports
    }

    fn add_import(&mut self, node: Node, text: &str) {
        let mut cursor = node.walk();
        for child in node.children_by_field_name("name", &mut cursor) {
            match child.kind_name() {
                "dotted_name" => {
                    let module = &text[child.byte_range()];
                    let first = module.split('.').next().unwrap_or(module);
                    self.aliases.insert(first.to_string(), first.to_string());
                    self.push_module(module, Vec::new(), node);
                }
                "aliased_import" => {
                    let (Some(name), Some(alias)) = (child.field("name"), child.field("alias"))
                    else {
                        continue;
                    };
                    let module = &text[name.byte_range()];
                    self.aliases
                        .insert(text[alias.byte_range()].to_string(), module.to_string());
                    self.push_module(module, Vec::new(), node);
                }
                _ => {}
            }
        }
    }

    fn add_from_import(&mut self, node: Node, text: &str) {
        let Some(module_node) = node.field("module_name") else {
            return;
        };
        let module = &text[module_node.byte_range()];
        let mut names = Vec::new();
        let mut cursor = node.walk();
        for child in node.children_by_field_name("name", &mut cursor) {
            let (name, alias) = match child.kind_name() {
                "dotted_name" => (&text[child.byte_range()], &text[child.byte_range()]),
                "aliased_import" => {
                    let (Some(n), Some(a)) = (child.field("name"), child.field("alias")) else {
                        continue;
                    };
                    (&text[n.byte_range()], &text[a.byte_range()])
                }
                _ => continue,
            };
            names.push(name.to_string());
            let qualified = if module.ends_with('.') {
                format!("{module}{name}")
            } else {
                format!("{module}.{name}")
            };
            self.aliases.insert(alias.to_string(), qualified);
        }
        self.push_module(module, names, node);
    }

    fn push_module(&mut self, module: &str, names: Vec<String>, node: Node) {
        self.modules.push(ImportedModule {
            module: module.to_string(),
            names,
            range: node.byte_range(),
        });
    }

    /// What a local name was imported as (`hashlib.md5` for `md5` after `from hashlib
    /// import md5`), without building a string.
    pub fn target(&self, local: &str) -> Option<&str> {
        self.aliases.get(local).map(String::as_str)
    }

    /// The local names imported as something whose last segment is `last` (`P` after
    /// `from django.db.models import Prefetch as P`, for `Prefetch`).
    pub fn locals_named<'s>(&'s self, last: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.aliases
            .iter()
            .filter(move |(_, target)| target.rsplit('.').next() == Some(last))
            .map(|(local, _)| local.as_str())
    }

    /// Resolves the first segment of a dotted name through the aliases:
    /// `h.sha1` with `import hashlib as h` -> `hashlib.sha1`. Unknown names stay as they are.
    pub fn resolve(&self, dotted: &str) -> String {
        let (first, rest) = match dotted.split_once('.') {
            Some((f, r)) => (f, Some(r)),
            None => (dotted, None),
        };
        match (self.aliases.get(first), rest) {
            (Some(q), Some(r)) => format!("{q}.{r}"),
            (Some(q), None) => q.clone(),
            (None, _) => dotted.to_string(),
        }
    }
}
