//! `wagcheck server`: the Language Server Protocol over stdio (native only).
//!
//! One thread handles the messages in order (lsp-server's threads read and write
//! stdio); the engine parallelises a project pass with rayon. Each message is handled
//! under `catch_unwind`: a panicking rule fails that request (and says so), not the
//! server.

mod actions;
mod diagnostics;
mod position;
mod workspace;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    DiagnosticSeverity, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileChangeType, FileSystemWatcher,
    GlobPattern, HoverParams, HoverProviderCapability, InitializeParams, MessageType,
    PublishDiagnosticsParams, Registration, RegistrationParams, ServerCapabilities, ServerInfo,
    ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url,
};
use position::{Encoding, Lines};
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::Duration;
use wagcheck::reparse::ParseCache;
use workspace::{shown_path, Document, ProjectDone, Workspace};

/// How long typing must pause before the cross-file rules run again.
const PROJECT_DEBOUNCE: Duration = Duration::from_millis(300);

/// Runs the server on stdin/stdout until the client says `exit`. Returns the exit code:
/// 0 after `shutdown` then `exit`, 1 otherwise (as the protocol asks).
pub fn run() -> i32 {
    let (connection, io_threads) = Connection::stdio();
    let code = match serve(&connection) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("wagcheck server: {message}");
            1
        }
    };
    drop(connection);
    if let Err(e) = io_threads.join() {
        eprintln!("wagcheck server: {e}");
        return 1;
    }
    code
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, actions::fix_all_kind()]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("no initialize request: {e}"))?;
    let params: InitializeParams = match serde_json::from_value(params) {
        Ok(params) => params,
        Err(e) => {
            let message = format!("bad initialize parameters: {e}");
            let response = Response::new_err(id, ErrorCode::InvalidParams as i32, message.clone());
            let _ = connection.sender.send(response.into());
            return Err(message);
        }
    };
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": ServerInfo { name: "wagcheck".into(), version: Some(wagcheck::VERSION.into()) },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("initialize: {e}"))?;

    let mut server = Server::new(connection, &params, encoding);
    server.guarded("startup", |s| s.start());
    let never = crossbeam_channel::never();
    loop {
        // Typing pauses: start the cross-file pass (unless one is running already).
        let idle = if server.ws.project_dirty && server.running.is_none() {
            if server.project_now {
                Duration::ZERO
            } else {
                PROJECT_DEBOUNCE
            }
        } else {
            Duration::from_secs(3600)
        };
        let running = server.running.as_ref().unwrap_or(&never);
        let message = crossbeam_channel::select! {
            recv(connection.receiver) -> message => message
                .map_err(|_| "the client closed the connection without `exit`".to_string())?,
            recv(running) -> done => {
                server.running = None;
                match done {
                    Ok(Ok(done)) => {
                        server.guarded("cross-file check", |s| s.finish_project_pass(done));
                    }
                    Ok(Err(reason)) => {
                        let message = format!("wagcheck: internal error in the cross-file check: {reason}. The server keeps running.");
                        eprintln!("{message}");
                        server.show(MessageType::ERROR, message);
                    }
                    Err(_) => {}
                }
                continue;
            }
            default(idle) => {
                if server.ws.project_dirty && server.running.is_none() {
                    server.guarded("cross-file check", |s| s.start_project_pass());
                }
                continue;
            }
        };
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|e| format!("shutdown: {e}"))?
                {
                    return Ok(());
                }
                server.on_request(request);
            }
            Message::Notification(notification) => {
                if notification.method == note::Exit::METHOD {
                    return Err("`exit` before `shutdown`".into());
                }
                let method = notification.method.clone();
                server.guarded(&method, |s| s.on_notification(notification));
            }
            Message::Response(_) => {} // to our registerCapability: nothing to do
        }
    }
}

/// The reason of a panic, from its payload.
fn panic_reason(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

struct Server<'a> {
    connection: &'a Connection,
    ws: Workspace,
    docs_url: String,
    /// What each URI last got, so unchanged diagnostics are not sent again.
    published: HashMap<Url, Vec<lsp_types::Diagnostic>>,
    watch_files: bool,
    next_request: i32,
    /// The cross-file pass running on its own thread, if any.
    running: Option<crossbeam_channel::Receiver<Result<ProjectDone, String>>>,
    /// Run the next cross-file pass without waiting for typing to pause (a file was
    /// created or deleted, the config changed).
    project_now: bool,
    /// Team rule files that got diagnostics (rules that did not load), to clear them
    /// once fixed.
    rule_files_with_errors: std::collections::HashSet<Url>,
}

impl<'a> Server<'a> {
    fn new(connection: &'a Connection, params: &InitializeParams, encoding: Encoding) -> Self {
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)] // rootUri: older clients send only this
        if roots.is_empty() {
            roots.extend(params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()));
        }
        let docs_url = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("docsUrl"))
            .and_then(|v| v.as_str())
            .unwrap_or(diagnostics::DOCS_URL)
            .trim_end_matches('/')
            .to_string();
        let watch_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files)
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        Self {
            connection,
            ws: Workspace::new(roots, encoding),
            docs_url,
            published: HashMap::new(),
            watch_files,
            next_request: 0,
            running: None,
            project_now: true,
            rule_files_with_errors: Default::default(),
        }
    }

    /// Runs `f`, turning a panic into a message to the user and the log.
    fn guarded<T>(&mut self, what: &str, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        match std::panic::catch_unwind(AssertUnwindSafe(|| f(self))) {
            Ok(value) => Some(value),
            Err(payload) => {
                let reason = panic_reason(&*payload);
                let message = format!(
                    "wagcheck: internal error in {what}: {reason}. The server keeps running; please report this with the file that caused it."
                );
                eprintln!("{message}");
                self.show(MessageType::ERROR, message);
                None
            }
        }
    }

    fn send(&self, message: Message) {
        // A closed channel means the client is gone; the loop ends on its own.
        let _ = self.connection.sender.send(message);
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params).into());
    }

    fn show(&self, typ: MessageType, message: String) {
        self.notify::<note::ShowMessage>(ShowMessageParams { typ, message });
    }

    fn log(&self, message: String) {
        self.notify::<note::LogMessage>(lsp_types::LogMessageParams {
            typ: MessageType::WARNING,
            message,
        });
    }

    fn start(&mut self) {
        if self.watch_files {
            let watchers = ["**/*.py", "**/pyproject.toml", "**/*.yml", "**/*.yaml"]
                .into_iter()
                .map(|glob| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(glob.into()),
                    kind: None,
                })
                .collect();
            let options = DidChangeWatchedFilesRegistrationOptions { watchers };
            let params = RegistrationParams {
                registrations: vec![Registration {
                    id: "wagcheck-watched-files".into(),
                    method: note::DidChangeWatchedFiles::METHOD.into(),
                    register_options: serde_json::to_value(options).ok(),
                }],
            };
            self.next_request += 1;
            let id = RequestId::from(format!("wagcheck-{}", self.next_request));
            self.send(Request::new(id, req::RegisterCapability::METHOD.into(), params).into());
        }
        for problem in self.ws.scan() {
            self.log(format!("wagcheck: {problem}"));
        }
        self.load_team_rules();
        // The rule list now holds the team rules: read the configs against it.
        self.ws.reload_config();
        self.run_project_pass();
    }

    /// Reads the team rules of the configured rule-dirs again (a rule file or the config
    /// changed) and puts each wrong rule's error on its file, at its line and column. The
    /// rule list changes, so the configs (whose selectors and rows index it) must be read
    /// again after this: `config_changed` does both.
    fn load_team_rules(&mut self) {
        let errors = match crate::cli::team::load(&[], true) {
            Ok(loaded) => loaded.errors,
            Err(message) => {
                // A rule-dir that does not exist, an unreadable file: the rules loaded
                // before stay; say why the new ones did not load.
                self.show(
                    MessageType::ERROR,
                    format!("wagcheck: team rules: {message}"),
                );
                return;
            }
        };
        let mut by_file: HashMap<Url, Vec<lsp_types::Diagnostic>> = HashMap::new();
        for error in &errors {
            let Ok(uri) = Url::from_file_path(&error.path) else {
                continue;
            };
            let text = std::fs::read_to_string(&error.path).unwrap_or_default();
            let lines = Lines::new(&text, self.ws.encoding);
            let offset = byte_offset(&text, error.line, error.column);
            let diagnostic = diagnostics::file_problem(
                &format!(
                    "wagcheck: this rule does not load: {}",
                    error.located_message()
                ),
                DiagnosticSeverity::ERROR,
                Some(lines.range(&(offset..offset))),
            );
            by_file.entry(uri).or_default().push(diagnostic);
        }
        let fixed: Vec<Url> = self
            .rule_files_with_errors
            .drain()
            .filter(|uri| !by_file.contains_key(uri))
            .collect();
        for uri in fixed {
            self.publish_diagnostics(uri, Vec::new(), None);
        }
        for (uri, found) in by_file {
            self.rule_files_with_errors.insert(uri.clone());
            self.publish_diagnostics(uri, found, None);
        }
    }

    /// Whether `path` is a team rule file: a `.yml`/`.yaml` under a configured rule-dir.
    fn is_rule_file(path: &std::path::Path) -> bool {
        path.extension().is_some_and(|e| e == "yml" || e == "yaml")
            && crate::cli::team::configured_dirs()
                .is_ok_and(|dirs| dirs.iter().any(|d| path.starts_with(d)))
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        let method = request.method.clone();
        let outcome = self.guarded(&method, |s| s.handle_request(request));
        let response = match outcome {
            Some(Ok(value)) => Response::new_ok(id, value),
            Some(Err((code, message))) => Response::new_err(id, code as i32, message),
            None => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("wagcheck: internal error in {method} (see the server's log)"),
            ),
        };
        self.send(response.into());
    }

    fn handle_request(
        &mut self,
        request: Request,
    ) -> Result<serde_json::Value, (ErrorCode, String)> {
        fn params<P: serde::de::DeserializeOwned>(
            request: Request,
        ) -> Result<P, (ErrorCode, String)> {
            serde_json::from_value(request.params)
                .map_err(|e| (ErrorCode::InvalidParams, format!("{}: {e}", request.method)))
        }
        fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, (ErrorCode, String)> {
            serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
        }
        match request.method.as_str() {
            req::CodeActionRequest::METHOD => {
                let p: CodeActionParams = params(request)?;
                let uri = p.text_document.uri;
                let row = self.ws.open.get(&uri).map(|d| d.path.clone());
                let row = row.map(|path| self.enabled_row(&path)).unwrap_or_default();
                let lsp = |d: &wagcheck::Diagnostic| self.lsp_hit(&uri, d);
                let found =
                    actions::code_actions(&self.ws, &uri, p.range, &p.context.only, &lsp, &row);
                json(&found)
            }
            req::HoverRequest::METHOD => {
                let p: HoverParams = params(request)?;
                let pos = p.text_document_position_params;
                json(&actions::hover(
                    &self.ws,
                    &pos.text_document.uri,
                    pos.position,
                ))
            }
            // Lets tests prove that a panic fails one request and not the server, as
            // the wasm module's panicForTesting does for the page.
            "wagcheck/panicForTesting" => panic!("panic requested by wagcheck/panicForTesting"),
            other => Err((
                ErrorCode::MethodNotFound,
                format!("wagcheck does not handle `{other}`"),
            )),
        }
    }

    fn on_notification(&mut self, notification: Notification) {
        fn params<P: serde::de::DeserializeOwned>(n: Notification) -> Option<P> {
            serde_json::from_value(n.params).ok()
        }
        match notification.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Some(p) = params::<DidOpenTextDocumentParams>(notification) else {
                    return;
                };
                let doc = p.text_document;
                let path = doc
                    .uri
                    .to_file_path()
                    .unwrap_or_else(|_| PathBuf::from(doc.uri.path()));
                if path.file_name().is_some_and(|n| n == "pyproject.toml") {
                    self.publish_config_errors();
                    return;
                }
                let shown = shown_path(&self.ws.roots, &path);
                self.ws.open.insert(
                    doc.uri.clone(),
                    Document {
                        uri: doc.uri.clone(),
                        path,
                        shown,
                        version: doc.version,
                        text: doc.text,
                        cache: ParseCache::default(),
                        report: Default::default(),
                        project_fresh: false,
                    },
                );
                self.ws.check_document(&doc.uri);
                self.ws.project_dirty = true;
                self.publish(&doc.uri);
                self.publish_config_errors();
            }
            note::DidChangeTextDocument::METHOD => {
                let Some(p) = params::<DidChangeTextDocumentParams>(notification) else {
                    return;
                };
                let uri = p.text_document.uri;
                let encoding = self.ws.encoding;
                let Some(doc) = self.ws.open.get_mut(&uri) else {
                    return;
                };
                let mut in_range = true;
                for change in p.content_changes {
                    in_range &= position::apply_change(&mut doc.text, change, encoding);
                }
                doc.version = p.text_document.version;
                doc.project_fresh = false;
                if !in_range {
                    self.log(format!(
                        "wagcheck: {uri}: an edit lay outside the document and was clamped; the text may differ from the editor's until the file is reopened"
                    ));
                }
                self.ws.check_document(&uri);
                self.ws.project_dirty = true;
                self.publish(&uri);
            }
            note::DidSaveTextDocument::METHOD => {
                let Some(p) = params::<DidSaveTextDocumentParams>(notification) else {
                    return;
                };
                if let Ok(path) = p.text_document.uri.to_file_path() {
                    if path.file_name().is_some_and(|n| n == "pyproject.toml")
                        || Self::is_rule_file(&path)
                    {
                        self.config_changed();
                    } else {
                        self.ws.refresh_from_disk(&path);
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                let Some(p) = params::<DidCloseTextDocumentParams>(notification) else {
                    return;
                };
                if self.ws.open.remove(&p.text_document.uri).is_some() {
                    self.ws.project_dirty = true;
                    // Closed files keep only their cross-file hits, as on disk.
                    self.publish_path(p.text_document.uri);
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                let Some(p) = params::<DidChangeWatchedFilesParams>(notification) else {
                    return;
                };
                let mut config = false;
                for change in p.changes {
                    let Ok(path) = change.uri.to_file_path() else {
                        continue;
                    };
                    if path.file_name().is_some_and(|n| n == "pyproject.toml")
                        || Self::is_rule_file(&path)
                    {
                        config = true;
                    } else if change.typ == FileChangeType::DELETED {
                        self.ws.refresh_from_disk(&path);
                        if !self.ws.open.contains_key(&change.uri) {
                            self.publish_path(change.uri);
                        }
                    } else {
                        self.ws.refresh_from_disk(&path);
                    }
                }
                if config {
                    self.config_changed();
                } else {
                    self.run_project_pass();
                }
            }
            note::DidChangeConfiguration::METHOD => self.config_changed(),
            _ => {} // initialized, $/cancelRequest, $/setTrace, ...: nothing to do
        }
    }

    /// A pyproject.toml or a team rule file changed: read the team rules and the
    /// configs again, re-check everything.
    fn config_changed(&mut self) {
        let previous: Vec<PathBuf> = self.ws.config_errors.keys().cloned().collect();
        self.load_team_rules();
        self.ws.reload_config();
        let uris: Vec<Url> = self.ws.open.keys().cloned().collect();
        for uri in &uris {
            self.ws.check_document(uri);
        }
        self.run_project_pass();
        for uri in uris {
            self.publish(&uri);
        }
        // Configs that are fine again lose their diagnostic.
        for path in previous {
            if !self.ws.config_errors.contains_key(&path) {
                if let Ok(uri) = Url::from_file_path(&path) {
                    self.publish_diagnostics(uri, Vec::new(), None);
                }
            }
        }
        self.publish_config_errors();
    }

    /// Asks for a cross-file pass as soon as the loop is idle.
    fn run_project_pass(&mut self) {
        self.ws.project_dirty = true;
        self.project_now = true;
    }

    fn start_project_pass(&mut self) {
        self.project_now = false;
        let job = self.ws.start_project_pass();
        // Reading the configs for the snapshot may have found a broken one.
        self.publish_config_errors();
        let (sender, receiver) = crossbeam_channel::bounded(1);
        std::thread::spawn(move || {
            // All cores but one: the next keystroke's check must not queue behind it.
            let threads = std::thread::available_parallelism()
                .map_or(1, |n| n.get().saturating_sub(1).max(1));
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
            let done = std::panic::catch_unwind(AssertUnwindSafe(|| match &pool {
                Ok(pool) => pool.install(|| job.run()),
                Err(_) => job.run(),
            }))
            .map_err(|payload| panic_reason(&*payload));
            let _ = sender.send(done);
        });
        self.running = Some(receiver);
    }

    fn finish_project_pass(&mut self, done: ProjectDone) {
        for path in self.ws.finish_project_pass(done) {
            if let Ok(uri) = Url::from_file_path(&path) {
                self.publish_path(uri);
            }
        }
    }

    fn enabled_row(&mut self, path: &std::path::Path) -> Vec<bool> {
        self.ws.enabled_for(path).to_vec()
    }

    fn lsp_hit(&self, uri: &Url, d: &wagcheck::Diagnostic) -> lsp_types::Diagnostic {
        let text = self
            .ws
            .open
            .get(uri)
            .map(|d| d.text.as_str())
            .or_else(|| {
                uri.to_file_path()
                    .ok()
                    .and_then(|p| self.ws.disk.get(&p))
                    .map(String::as_str)
            })
            .unwrap_or("");
        let lines = Lines::new(text, self.ws.encoding);
        diagnostics::hit(d, &lines, &self.docs_url, &|shown, range| {
            self.ws.locate(shown, range)
        })
    }

    /// Publishes what an open document has: its hits, syntax errors and file problems.
    fn publish(&mut self, uri: &Url) {
        let Some(doc) = self.ws.open.get(uri) else {
            return;
        };
        let lines = Lines::new(&doc.text, self.ws.encoding);
        let locate = |shown: &str, range: &std::ops::Range<usize>| self.ws.locate(shown, range);
        let mut out: Vec<lsp_types::Diagnostic> = actions::hits_of(&self.ws, doc)
            .map(|d| diagnostics::hit(d, &lines, &self.docs_url, &locate))
            .collect();
        out.extend(
            doc.report
                .syntax_errors
                .iter()
                .map(|e| diagnostics::syntax_error(e, &lines)),
        );
        out.extend(doc.report.errors.iter().map(|e| {
            diagnostics::file_problem(
                &format!("wagcheck did not check this file: {}", e.message),
                DiagnosticSeverity::WARNING,
                None,
            )
        }));
        let version = Some(doc.version);
        self.publish_diagnostics(uri.clone(), out, version);
    }

    /// Publishes a file by URI: as an open document, or with its cross-file hits.
    fn publish_path(&mut self, uri: Url) {
        if self.ws.open.contains_key(&uri) {
            self.publish(&uri);
            return;
        }
        let Ok(path) = uri.to_file_path() else { return };
        let out = match (self.ws.project.get(&path), self.ws.disk.get(&path)) {
            (Some(hits), Some(text)) => {
                let lines = Lines::new(text, self.ws.encoding);
                let locate =
                    |shown: &str, range: &std::ops::Range<usize>| self.ws.locate(shown, range);
                hits.iter()
                    .map(|d| diagnostics::hit(d, &lines, &self.docs_url, &locate))
                    .collect()
            }
            _ => Vec::new(),
        };
        self.publish_diagnostics(uri, out, None);
    }

    fn publish_diagnostics(
        &mut self,
        uri: Url,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) {
        if self.published.get(&uri) == Some(&diagnostics) && version.is_none() {
            return;
        }
        self.published.insert(uri.clone(), diagnostics.clone());
        self.notify::<note::PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        });
    }

    /// A broken pyproject.toml: a diagnostic on it, and a message the first time.
    fn publish_config_errors(&mut self) {
        let errors: Vec<_> = self.ws.config_errors.values().cloned().collect();
        for error in errors {
            let Ok(uri) = Url::from_file_path(&error.path) else {
                continue;
            };
            let text = std::fs::read_to_string(&error.path).unwrap_or_default();
            // On the `[tool.wagcheck]` header if there is one (the message says where).
            let range = text.find("[tool.wagcheck]").map(|at| {
                Lines::new(&text, self.ws.encoding).range(&(at..at + "[tool.wagcheck]".len()))
            });
            let message = format!(
                "wagcheck: invalid configuration, checking with every rule until it is fixed: {}",
                error.message
            );
            let diagnostic = diagnostics::file_problem(&message, DiagnosticSeverity::ERROR, range);
            if self.published.get(&uri).is_none_or(|d| d.is_empty()) {
                self.show(
                    MessageType::ERROR,
                    format!("{message} ({})", error.path.display()),
                );
            }
            self.publish_diagnostics(uri, vec![diagnostic], None);
        }
    }
}

/// The byte offset of a 1-based line and column (a character count) in `text`, clamped
/// to the text.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    let line_text = rest.split('\n').next().unwrap_or("");
    start.min(text.len())
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}
