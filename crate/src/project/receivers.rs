//! Signal receivers in the index: which functions are receivers (`@receiver(...)`, or
//! passed to `<signal>.connect(...)`), the signals they are connected to and the
//! senders they are limited to, across files (`post_save.connect(handler, sender=X)` in
//! an `apps.py` for a handler defined elsewhere).
//!
//! Django's `Signal.connect(receiver, sender=None, ...)` and `receiver(signal, **kwargs)`
//! (`django/dispatch/dispatcher.py`): a receiver connected with `sender=X` is called only
//! for that exact sender (compared by `id()`), one connected without it for every sender.
use crate::grammar::KindName;
use serde::{Deserialize, Serialize};

use super::{ClassId, ProjectIndex};
use crate::context::FileContext;
use std::ops::Range;
use tree_sitter::Node;

/// A signal receiver of a file: a function decorated with `@receiver(...)` or passed
/// by name to `<signal>.connect(...)` in the same file.
#[derive(Debug, Clone)]
pub struct Receiver<'a> {
    pub function: Node<'a>,
    /// The signal expressions it is connected to (`post_save`, `page_published`), as
    /// written: the first argument of each `@receiver` (list and tuple elements
    /// separately) and the object of each `.connect`. Empty when unknown.
    pub signals: Vec<Node<'a>>,
    /// The `sender=` expressions of each `@receiver` and `.connect` (list and tuple
    /// elements separately). Empty when it receives from every sender.
    pub senders: Vec<Node<'a>>,
}

/// Whether a decorator expression is Django's `receiver(...)`: the callee resolves to
/// `django.dispatch.receiver` (or `django.dispatch.dispatcher.receiver`) through the
/// file's imports, or is a bare `receiver` the file does not import from elsewhere
/// (a snippet that left out its imports).
pub fn is_receiver_decorator<'a>(ctx: &FileContext<'a>, decorator: Node<'a>) -> bool {
    if decorator.kind_name() != "call" {
        return false;
    }
    let Some(callee) = ctx.callee(decorator) else {
        return false;
    };
    let Some(qualified) = ctx.qualified_name(callee) else {
        return false;
    };
    matches!(
        qualified.as_str(),
        "django.dispatch.receiver" | "django.dispatch.dispatcher.receiver" | "receiver"
    )
}

/// Every receiver of the file, each function once, in source order.
pub fn receivers<'a>(ctx: &FileContext<'a>) -> Vec<Receiver<'a>> {
    let mut found: Vec<Receiver<'a>> = Vec::new();
    if !ctx.mentions("receiver") && !ctx.mentions("connect") {
        return found;
    }
    for &function in ctx.nodes("function_definition") {
        let mut signals = Vec::new();
        let mut senders = Vec::new();
        let mut decorated = false;
        for decorator in ctx.decorators(function) {
            if !is_receiver_decorator(ctx, decorator) {
                continue;
            }
            decorated = true;
            if let Some(signal) = ctx.argument(decorator, 0, "signal") {
                push_signals(ctx, signal, &mut signals);
            }
            if let Some(sender) = ctx.keyword_arg(decorator, "sender") {
                push_signals(ctx, sender, &mut senders);
            }
        }
        if decorated {
            found.push(Receiver {
                function,
                signals,
                senders,
            });
        }
    }
    for (call, signal, _) in ctx.method_calls(&["connect"]) {
        let Some(name) = ctx
            .argument(call, 0, "receiver")
            .filter(|a| a.kind_name() == "identifier")
            .map(|a| ctx.text(a))
        else {
            continue;
        };
        let Some(function) = function_named(ctx, name, call) else {
            continue;
        };
        let mut senders = Vec::new();
        if let Some(sender) = ctx.argument(call, 1, "sender") {
            push_signals(ctx, sender, &mut senders);
        }
        match found.iter_mut().find(|r| r.function.id() == function.id()) {
            Some(receiver) => {
                receiver.signals.push(signal);
                receiver.senders.extend(senders);
            }
            None => found.push(Receiver {
                function,
                signals: vec![signal],
                senders,
            }),
        }
    }
    crate::order::sort_by_key(&mut found, |r| [r.function.start_byte(), 0, 0, 0]);
    found
}

fn push_signals<'a>(ctx: &FileContext<'a>, signal: Node<'a>, out: &mut Vec<Node<'a>>) {
    let signal = ctx.unparenthesize(signal);
    if matches!(signal.kind_name(), "list" | "tuple") {
        out.extend(
            ctx.named_children(signal)
                .filter(|c| c.kind_name() != "comment"),
        );
    } else {
        out.push(signal);
    }
}

/// The `def name` that a bare `name` at `at` refers to: one defined in the same
/// function as `at`, else one at module level.
fn function_named<'a>(ctx: &FileContext<'a>, name: &str, at: Node) -> Option<Node<'a>> {
    let scope = ctx.enclosing_function(at).map(|f| f.id());
    let candidates = || {
        ctx.nodes("function_definition")
            .iter()
            .copied()
            .filter(move |f| ctx.definition_name(*f) == name)
            .filter(|f| ctx.method_class(*f).is_none())
    };
    let in_scope = |wanted: Option<usize>| {
        candidates()
            .filter(|f| ctx.enclosing_function(*f).map(|e| e.id()) == wanted)
            .last()
    };
    in_scope(scope).or_else(|| in_scope(None))
}

/// The receiver whose body holds `node` (the innermost function around it that is a
/// receiver).
pub fn receiver_of<'r, 'a>(
    ctx: &FileContext<'a>,
    receivers: &'r [Receiver<'a>],
    node: Node,
) -> Option<&'r Receiver<'a>> {
    if receivers.is_empty() {
        return None;
    }
    ctx.ancestors(node)
        .filter(|a| a.kind_name() == "function_definition")
        .find_map(|f| receivers.iter().find(|r| r.function.id() == f.id()))
}

/// What the index keeps of a receiver.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReceiverFact {
    pub function: String,
    /// The function definition's range.
    pub range: Range<usize>,
    /// The signals, resolved through the file's imports (`django.db.models.signals.post_save`);
    /// `?` for an expression that is not a name.
    pub signals: Vec<String>,
    /// The senders it is limited to, resolved likewise; empty when it takes every sender.
    pub senders: Vec<String>,
}

/// `<signal>.connect(<handler>, sender=...)`, whatever the handler is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConnectFact {
    pub signal: String,
    /// The handler's name, resolved through the file's imports.
    pub receiver: String,
    pub senders: Vec<String>,
}

fn qualified<'a>(ctx: &FileContext<'a>, node: Node<'a>) -> String {
    ctx.dotted_name(node)
        .map_or_else(|| "?".to_string(), |n| ctx.imports.resolve(&n))
}

pub fn extract(ctx: &FileContext) -> Vec<ReceiverFact> {
    receivers(ctx)
        .into_iter()
        .map(|r| ReceiverFact {
            function: ctx.definition_name(r.function).to_string(),
            range: r.function.byte_range(),
            signals: r.signals.iter().map(|s| qualified(ctx, *s)).collect(),
            senders: r.senders.iter().map(|s| qualified(ctx, *s)).collect(),
        })
        .collect()
}

pub fn extract_connects(ctx: &FileContext) -> Vec<ConnectFact> {
    if !ctx.mentions("connect") {
        return Vec::new();
    }
    ctx.method_calls(&["connect"])
        .filter_map(|(call, signal, _)| {
            let handler = ctx.argument(call, 0, "receiver")?;
            let receiver = ctx.dotted_name(handler)?;
            let mut senders = Vec::new();
            if let Some(sender) = ctx.argument(call, 1, "sender") {
                push_signals(ctx, sender, &mut senders);
            }
            Some(ConnectFact {
                signal: qualified(ctx, signal),
                receiver: ctx.imports.resolve(&receiver),
                senders: senders.iter().map(|s| qualified(ctx, *s)).collect(),
            })
        })
        .collect()
}

/// Signals whose `sender` is the class of the model instance they are about:
/// Django's model signals (`Model.save_base`, `Model.delete` through the `Collector`,
/// `Model.__init__`) and Wagtail's page signals (`page_published.send(sender=
/// page.specific_class, ...)` in `wagtail/models/__init__.py`). Not `m2m_changed`
/// (the through model), `class_prepared` (a class being built), `pre_migrate`/
/// `post_migrate` (an `AppConfig`), nor request or auth signals.
const MODEL_SIGNALS: &[&str] = &[
    "pre_init",
    "post_init",
    "pre_save",
    "post_save",
    "pre_delete",
    "post_delete",
    "page_published",
    "page_unpublished",
    "page_slug_changed",
    "pre_page_move",
    "post_page_move",
];

const SIGNAL_MODULES: &[&str] = &[
    "django.db.models.signals",
    "wagtail.signals",
    "wagtail.core.signals",
    "wagtail.wagtailcore.signals",
];

/// Whether a signal (as the index keeps it) sends a model class as `sender`. A bare
/// name that no import explains (a snippet) counts by its name.
pub fn sends_model_class(signal: &str) -> bool {
    match signal.rsplit_once('.') {
        Some((module, name)) => {
            MODEL_SIGNALS.contains(&name)
                && (SIGNAL_MODULES.contains(&module)
                    || module == "signals"
                    || module == "models.signals")
        }
        None => MODEL_SIGNALS.contains(&signal),
    }
}

impl ProjectIndex {
    /// The receiver fact of the function at `range` in `file`, with the senders added by
    /// `.connect(..., sender=...)` calls in other files that name it.
    pub fn receiver_at(&self, file: usize, range: Range<usize>) -> Option<ReceiverFact> {
        let facts = self.file(file)?;
        let mut fact = facts.receivers.iter().find(|r| r.range == range)?.clone();
        for (other, other_facts) in self.files() {
            if other == file {
                continue;
            }
            for connect in &other_facts.connects {
                let Some((module, name)) = connect.receiver.rsplit_once('.') else {
                    continue;
                };
                if name != fact.function {
                    continue;
                }
                let module = if module.starts_with('.') {
                    super::absolute_module(module, &self.modules[other], self.packages[other])
                } else {
                    Some(module.to_string())
                };
                if module.and_then(|m| self.module_file(&m)) == Some(file) {
                    fact.signals.push(connect.signal.clone());
                    fact.senders.extend(connect.senders.iter().cloned());
                }
            }
        }
        Some(fact)
    }

    /// The project model classes a receiver's senders name, and whether every sender
    /// resolved to one.
    pub fn sender_models(&self, file: usize, receiver: &ReceiverFact) -> (Vec<ClassId>, bool) {
        let mut models = Vec::new();
        let mut all = true;
        for sender in &receiver.senders {
            match self
                .class_qualified(file, sender, 0)
                .filter(|c| self.model(*c).is_some())
            {
                Some(model) => models.push(model),
                None => all = false,
            }
        }
        (models, all)
    }
}
