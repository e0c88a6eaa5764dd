//! `nixdeps server`: a language server on stdio (DESIGN §13), synchronous,
//! on lsp-server's message types and lsp-types. It checks documents with
//! the library exactly as `nixdeps check FILE` does (`check::check_text`
//! with the settings of the configuration that governs the file), so
//! whatever the CLI learns to check, the editor shows.
//!
//! One thread reads frames (`transport`); this loop handles one message at a
//! time. Changes are debounced: a burst of keystrokes is analysed once, when
//! the document has been quiet for the debounce delay; an open, and any
//! request about a document, analyses at once.

pub mod code_actions;
pub mod commands;
pub mod diagnostics;
pub mod documents;
pub mod hover;
mod transport;
mod workspace;

use crate::check::FixMode;
use crate::config::ConfigSource;
use crate::nixpkgs::select::Choice;
use documents::{Document, Documents, Encoding};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    ClientCapabilities, CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    DidChangeWatchedFilesRegistrationOptions, ExecuteCommandOptions, FileSystemWatcher,
    GlobPattern, HoverProviderCapability, InitializeParams, InitializeResult, MessageType,
    PositionEncodingKind, Registration, SaveOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url,
};
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use transport::{Incoming, Output};
use workspace::{Analysed, Outcome, Workspace};

/// The quiet time after a change before it is analysed, unless the client
/// sets `initializationOptions.debounceMs`.
const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(50);

/// JSON-RPC "Parse error" (lsp-server's `ErrorCode` has it too, but the
/// response to a message that did not parse has a null id lsp-server
/// cannot express).
const PARSE_ERROR: i32 = -32700;

pub struct Options {
    pub config: ConfigSource,
    pub packages: Choice,
}

/// Serve on stdin/stdout until `exit`: 0 after `shutdown`, 1 without (and
/// when the input ends first), as the specification asks.
pub fn run(options: Options) -> u8 {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        transport::read_loop(&mut input, &tx);
    });
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let mut server = Server {
        out: Output::new(Box::new(std::io::stdout())),
        docs: Documents::default(),
        analyses: HashMap::new(),
        pending: HashMap::new(),
        workspace: Workspace::new(options.config, options.packages, cwd),
        enc: Encoding::Utf16,
        debounce: DEFAULT_DEBOUNCE,
        state: State::Uninitialized,
        next_id: 0,
        shown: HashSet::new(),
        watch_dynamic: false,
    };
    loop {
        let next = server.pending.values().min().copied();
        let got = match next {
            Some(due) => rx.recv_timeout(due.saturating_duration_since(Instant::now())),
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match got {
            Ok(incoming) => {
                if let Some(code) = server.incoming(incoming) {
                    return code;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                eprintln!("nixdeps server: input closed without `exit`");
                return 1;
            }
        }
        server.analyse_due();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Uninitialized,
    Running,
    ShutDown,
}

struct Server {
    out: Output,
    docs: Documents,
    analyses: HashMap<Url, Arc<Analysed>>,
    /// Documents changed since their last analysis, with when to analyse.
    pending: HashMap<Url, Instant>,
    workspace: Workspace,
    enc: Encoding,
    debounce: Duration,
    state: State,
    next_id: u64,
    /// Messages already shown (a broken configuration is said once, not on
    /// every keystroke).
    shown: HashSet<String>,
    watch_dynamic: bool,
}

/// A request's failure, as an LSP error response.
struct Failure {
    code: i32,
    message: String,
}

impl Failure {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Failure {
            code: code as i32,
            message: message.into(),
        }
    }
    fn params(e: impl std::fmt::Display) -> Self {
        Failure::new(ErrorCode::InvalidParams, format!("invalid params: {e}"))
    }
}

type Answer = Result<serde_json::Value, Failure>;

fn params<P: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<P, Failure> {
    serde_json::from_value(value).map_err(Failure::params)
}

impl Server {
    /// Handle one incoming item; `Some(status)` when the server must exit.
    fn incoming(&mut self, incoming: Incoming) -> Option<u8> {
        match incoming {
            Incoming::Message(Message::Request(r)) => {
                self.request(r);
                None
            }
            Incoming::Message(Message::Notification(n)) => self.notification(n),
            // Answers to our own requests (applyEdit, registerCapability):
            // nothing waits on them.
            Incoming::Message(Message::Response(_)) => None,
            Incoming::ParseError(why) => {
                self.out.send_error_raw(
                    serde_json::Value::Null,
                    PARSE_ERROR,
                    &format!("parse error: {why}"),
                );
                None
            }
            Incoming::InvalidRequest(id, why) => {
                let id = id
                    .filter(|v| v.is_string() || v.is_number())
                    .unwrap_or(serde_json::Value::Null);
                self.out.send_error_raw(
                    id,
                    ErrorCode::InvalidRequest as i32,
                    &format!("invalid request: {why}"),
                );
                None
            }
            Incoming::BadFrame(why) => {
                eprintln!("nixdeps server: skipped a malformed frame: {why}");
                None
            }
        }
    }

    fn request(&mut self, r: Request) {
        let id = r.id.clone();
        let answer = match catch_unwind(AssertUnwindSafe(|| self.dispatch(r))) {
            Ok(a) => a,
            Err(_) => {
                let message = "nixdeps: a request failed with an internal error (this is a bug; \
                               please report it). The server keeps serving.";
                self.show(MessageType::ERROR, message.to_owned(), false);
                Err(Failure::new(ErrorCode::InternalError, message))
            }
        };
        self.out.send(Message::Response(match answer {
            Ok(v) => Response {
                id,
                result: Some(v),
                error: None,
            },
            Err(f) => Response::new_err(id, f.code, f.message),
        }));
    }

    fn dispatch(&mut self, r: Request) -> Answer {
        match (self.state, r.method.as_str()) {
            (State::Uninitialized, req::Initialize::METHOD) => {
                let p: InitializeParams = params(r.params)?;
                let result = self.initialize(&p);
                self.state = State::Running;
                serde_json::to_value(result)
                    .map_err(|e| Failure::new(ErrorCode::InternalError, e.to_string()))
            }
            (State::Uninitialized, _) => Err(Failure::new(
                ErrorCode::ServerNotInitialized,
                "the server is not initialized",
            )),
            (State::ShutDown, _) => Err(Failure::new(
                ErrorCode::InvalidRequest,
                "the server is shut down; only `exit` is accepted",
            )),
            (State::Running, req::Initialize::METHOD) => Err(Failure::new(
                ErrorCode::InvalidRequest,
                "initialize was already received",
            )),
            (State::Running, req::Shutdown::METHOD) => {
                self.state = State::ShutDown;
                Ok(serde_json::Value::Null)
            }
            (State::Running, req::CodeActionRequest::METHOD) => {
                let p: lsp_types::CodeActionParams = params(r.params)?;
                let uri = p.text_document.uri;
                let (doc, analysed) = self.current(&uri)?;
                let found = code_actions::actions(
                    &doc,
                    &analysed,
                    p.range,
                    p.context.only.as_deref(),
                    self.enc,
                );
                to_value(found)
            }
            (State::Running, req::HoverRequest::METHOD) => {
                let p: lsp_types::HoverParams = params(r.params)?;
                let pos = p.text_document_position_params;
                let (doc, analysed) = self.current(&pos.text_document.uri)?;
                to_value(hover::hover(&doc, &analysed, pos.position, self.enc))
            }
            (State::Running, req::ExecuteCommand::METHOD) => {
                let p: lsp_types::ExecuteCommandParams = params(r.params)?;
                self.execute(&p)
            }
            (State::Running, m) => Err(Failure::new(
                ErrorCode::MethodNotFound,
                format!("unknown method {m:?}"),
            )),
        }
    }

    fn initialize(&mut self, p: &InitializeParams) -> InitializeResult {
        self.enc = negotiate(&p.capabilities);
        if let Some(ms) = p
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("debounceMs"))
            .and_then(serde_json::Value::as_u64)
        {
            self.debounce = Duration::from_millis(ms.min(10_000));
        }
        #[allow(deprecated)] // root_uri: clients without workspace folders still send it
        let root = p
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or_else(|| p.root_uri.clone())
            .and_then(|u| u.to_file_path().ok());
        if let Some(root) = root {
            self.workspace.set_root(root);
        }
        self.watch_dynamic = p
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files)
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(match self.enc {
                    Encoding::Utf8 => PositionEncodingKind::UTF8,
                    Encoding::Utf16 => PositionEncodingKind::UTF16,
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                            include_text: Some(false),
                        })),
                        ..Default::default()
                    },
                )),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new(code_actions::FIX_ALL_KIND),
                        ]),
                        resolve_provider: Some(false),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: commands::ALL.iter().map(|c| (*c).to_owned()).collect(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "nixdeps".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        }
    }

    /// Returns the exit status when the message is `exit`.
    fn notification(&mut self, n: Notification) -> Option<u8> {
        if n.method == notif::Exit::METHOD {
            return Some(if self.state == State::ShutDown { 0 } else { 1 });
        }
        if self.state != State::Running {
            return None;
        }
        let method = n.method.clone();
        let handled = catch_unwind(AssertUnwindSafe(|| self.notify(n)));
        match handled {
            Ok(Ok(())) => {}
            Ok(Err(f)) => eprintln!("nixdeps server: {method}: {}", f.message),
            Err(_) => self.show(
                MessageType::ERROR,
                format!(
                    "nixdeps: handling {method} failed with an internal error (this is a \
                     bug; please report it). The server keeps serving."
                ),
                false,
            ),
        }
        None
    }

    fn notify(&mut self, n: Notification) -> Result<(), Failure> {
        match n.method.as_str() {
            notif::Initialized::METHOD => self.register_watchers(),
            notif::DidOpenTextDocument::METHOD => {
                let p: lsp_types::DidOpenTextDocumentParams = params(n.params)?;
                let d = p.text_document;
                let uri = d.uri.clone();
                self.docs.open(Document::new(d.uri, d.text, d.version));
                self.analyse_now(&uri);
            }
            notif::DidChangeTextDocument::METHOD => {
                let p: lsp_types::DidChangeTextDocumentParams = params(n.params)?;
                let uri = p.text_document.uri;
                let enc = self.enc;
                let doc = self
                    .docs
                    .get_mut(&uri)
                    .ok_or_else(|| Failure::params(format!("{uri} is not open")))?;
                doc.apply(p.text_document.version, p.content_changes, enc)
                    .map_err(Failure::params)?;
                self.pending.insert(uri, Instant::now() + self.debounce);
            }
            notif::DidCloseTextDocument::METHOD => {
                let p: lsp_types::DidCloseTextDocumentParams = params(n.params)?;
                let uri = p.text_document.uri;
                self.docs.close(&uri);
                self.pending.remove(&uri);
                self.analyses.remove(&uri);
                self.publish(uri, Vec::new(), None);
            }
            notif::DidSaveTextDocument::METHOD => {
                let p: lsp_types::DidSaveTextDocumentParams = params(n.params)?;
                let is_config = p
                    .text_document
                    .uri
                    .to_file_path()
                    .is_ok_and(|p| workspace::is_config_file(&p));
                // Clients that cannot watch files still save the configuration.
                if is_config {
                    self.reload();
                }
            }
            notif::DidChangeWatchedFiles::METHOD => {
                let p: lsp_types::DidChangeWatchedFilesParams = params(n.params)?;
                let config_changed = p.changes.iter().any(|c| {
                    c.uri
                        .to_file_path()
                        .is_ok_and(|p| workspace::is_config_file(&p))
                });
                if config_changed {
                    self.reload();
                }
            }
            // Cancellation, configuration pushes, progress: nothing to do
            // (requests are answered before the next message is read).
            _ => {}
        }
        Ok(())
    }

    fn register_watchers(&mut self) {
        if !self.watch_dynamic {
            return;
        }
        let watchers = crate::config::CONFIG_FILES
            .iter()
            .map(|name| FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{name}")),
                kind: None,
            })
            .collect();
        let registration = Registration {
            id: "nixdeps-config-files".into(),
            method: notif::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        self.send_request(
            req::RegisterCapability::METHOD,
            lsp_types::RegistrationParams {
                registrations: vec![registration],
            },
        );
    }

    fn send_request(&mut self, method: &str, params: impl serde::Serialize) {
        self.next_id += 1;
        let id = RequestId::from(format!("nixdeps-{}", self.next_id));
        self.out.send(Message::Request(Request::new(
            id,
            method.to_owned(),
            params,
        )));
    }

    /// A configuration file changed: read configurations afresh and
    /// re-check every open document.
    fn reload(&mut self) {
        self.workspace.reload_config();
        self.shown.clear();
        for uri in self.docs.uris() {
            self.analyse_now(&uri);
        }
    }

    fn execute(&mut self, p: &lsp_types::ExecuteCommandParams) -> Answer {
        let mode = match p.command.as_str() {
            commands::FIX_ALL => FixMode::Apply,
            commands::FIX_ALL_UNSAFE => FixMode::ApplyUnsafe,
            other => {
                return Err(Failure::new(
                    ErrorCode::InvalidParams,
                    format!("unknown command {other:?}"),
                ))
            }
        };
        let uri = commands::target(&p.arguments).map_err(Failure::params)?;
        let (doc, analysed) = self.current(&uri)?;
        if let Some(edits) = code_actions::fix_all(&doc, &analysed, mode, self.enc) {
            self.send_request(
                req::ApplyWorkspaceEdit::METHOD,
                lsp_types::ApplyWorkspaceEditParams {
                    label: Some("nixdeps: fix all".into()),
                    edit: code_actions::workspace_edit(&doc, edits),
                },
            );
        }
        Ok(serde_json::Value::Null)
    }

    /// The document and an analysis of its current text (made now if the
    /// last one is stale).
    fn current(&mut self, uri: &Url) -> Result<(Document, Arc<Analysed>), Failure> {
        let Some(doc) = self.docs.get(uri) else {
            return Err(Failure::params(format!("{uri} is not open")));
        };
        let fresh = self
            .analyses
            .get(uri)
            .is_some_and(|a| a.revision == doc.revision);
        if !fresh {
            self.analyse_now(uri);
        }
        let doc = self
            .docs
            .get(uri)
            .cloned()
            .ok_or_else(|| Failure::params(format!("{uri} is not open")))?;
        let analysed = self
            .analyses
            .get(uri)
            .cloned()
            .ok_or_else(|| Failure::new(ErrorCode::InternalError, "no analysis"))?;
        Ok((doc, analysed))
    }

    fn analyse_due(&mut self) {
        let now = Instant::now();
        let mut due: Vec<Url> = self
            .pending
            .iter()
            .filter(|(_, &t)| t <= now)
            .map(|(u, _)| u.clone())
            .collect();
        due.sort();
        for uri in due {
            self.analyse_now(&uri);
        }
    }

    /// Analyse the document now and publish its diagnostics.
    fn analyse_now(&mut self, uri: &Url) {
        self.pending.remove(uri);
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let analysed = self.workspace.analyse(doc);
        let diagnostics = diagnostics::to_lsp(doc, &analysed, self.enc);
        let version = doc.version;
        let message = match &analysed.outcome {
            Outcome::ConfigError(m) => Some((MessageType::WARNING, format!("nixdeps: {m}"), true)),
            Outcome::Failed(m) => Some((MessageType::ERROR, m.clone(), true)),
            Outcome::NotAScript | Outcome::Checked(_) => None,
        };
        self.analyses.insert(uri.clone(), Arc::new(analysed));
        self.publish(uri.clone(), diagnostics, Some(version));
        if let Some((kind, text, once)) = message {
            self.show(kind, text, once);
        }
    }

    fn publish(&mut self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        self.out.send(Message::Notification(Notification::new(
            notif::PublishDiagnostics::METHOD.to_owned(),
            lsp_types::PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        )));
    }

    /// `window/showMessage`; with `once`, a message already shown since the
    /// last configuration reload is not repeated.
    fn show(&mut self, typ: MessageType, message: String, once: bool) {
        if once && !self.shown.insert(message.clone()) {
            return;
        }
        eprintln!("nixdeps server: {message}");
        self.out.send(Message::Notification(Notification::new(
            notif::ShowMessage::METHOD.to_owned(),
            lsp_types::ShowMessageParams { typ, message },
        )));
    }
}

fn to_value(v: impl serde::Serialize) -> Answer {
    serde_json::to_value(v).map_err(|e| Failure::new(ErrorCode::InternalError, e.to_string()))
}

/// UTF-8 when the client offers it (offsets are bytes already, no
/// counting), else the mandatory UTF-16.
fn negotiate(caps: &ClientCapabilities) -> Encoding {
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|v| v.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}
