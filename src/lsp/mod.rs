//! `okrc lsp`: the compiler in the editor, over the Language Server Protocol
//! on stdin/stdout (README "Editor support: okrc lsp and okrc schema"), with
//! rust-analyzer's `lsp-server` and
//! `lsp-types`.
//!
//! The server holds a [`session::Session`]: every unit file's text (the
//! editor's for open buffers), each file's parse and the linked model —
//! the same parser, resolver and analysis as `okrc check`. A change
//! re-parses one buffer and links again; diagnostics are published for
//! every file whose list changed. Everything else (completion, hover,
//! definition, references, quick fixes) reads the model. The server writes
//! no file and prints nothing to stdout but the protocol: what it has to
//! say goes to the editor as `window/logMessage`.

pub mod complete;
pub mod context;
pub mod diagnostics;
pub mod fixes;
pub mod navigate;
pub mod position;
pub mod session;
mod uri;
mod watcher;

use std::collections::{BTreeMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use chrono::NaiveDate;
use crossbeam_channel::{Receiver, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    LogMessage, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, GotoDefinition, HoverRequest, References, RegisterCapability,
    Request as _,
};
use lsp_types::{
    CodeActionOrCommand, CodeActionProviderCapability, CompletionOptions, GotoDefinitionResponse,
    Hover, HoverContents, HoverProviderCapability, InitializeParams, Location, LogMessageParams,
    MarkupContent, MarkupKind, MessageType, OneOf, PublishDiagnosticsParams, ServerCapabilities,
    ServerInfo, TextDocumentPositionParams, TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use serde_json::Value;

use crate::source::FilePath;
use session::Session;

/// Runs the server on stdin/stdout until the editor says `exit`.
pub fn run_stdio(today: NaiveDate) -> anyhow::Result<()> {
    let (connection, io_threads) = Connection::stdio();
    serve(connection, today)?;
    // The editor may be gone already: nothing is left to say to it.
    let _ = io_threads.join();
    Ok(())
}

/// Runs the server on a connection: the handshake, then messages until
/// `shutdown` and `exit`.
pub fn serve(connection: Connection, today: NaiveDate) -> anyhow::Result<()> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo {
            name: "okrc".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    connection.initialize_finish(id, result)?;
    let root = workspace_root(&params);
    let mut server = Server::start(connection, root, today, &params);
    server.main_loop()
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), "#".into(), ".".into()]),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// The first workspace folder, else the root the editor names, else the
/// folder the server was started in.
fn workspace_root(params: &InitializeParams) -> PathBuf {
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|folder| &folder.uri);
    #[allow(deprecated)]
    let uri = folder.or(params.root_uri.as_ref());
    uri.and_then(uri::to_path)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

struct Server {
    connection: Connection,
    session: Session,
    /// The diagnostics last sent per file, to send only what changed.
    published: BTreeMap<FilePath, Vec<lsp_types::Diagnostic>>,
    /// Our own watcher's events, when the editor does not watch for us.
    disk_events: Receiver<Vec<PathBuf>>,
    _watcher: Option<watcher::DiskWatcher>,
    next_request: i32,
}

impl Server {
    fn start(
        connection: Connection,
        root: PathBuf,
        today: NaiveDate,
        params: &InitializeParams,
    ) -> Server {
        let session = match Session::load(&root, today) {
            Ok(session) => session,
            Err(err) => {
                log(&connection, MessageType::ERROR, &format!("okrc: {err}"));
                Session::in_memory(&root, today)
            }
        };
        let client_watches = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        let mut server = Server {
            connection,
            session,
            published: BTreeMap::new(),
            disk_events: crossbeam_channel::never(),
            _watcher: None,
            next_request: 0,
        };
        if client_watches {
            server.register_file_watchers();
        } else {
            match watcher::DiskWatcher::start(&root) {
                Ok((watcher, events)) => {
                    server.disk_events = events;
                    server._watcher = Some(watcher);
                }
                Err(err) => server.log(
                    MessageType::WARNING,
                    &format!("okrc: cannot watch {}: {err}; changes on disk are seen when a file is opened", root.display()),
                ),
            }
        }
        let units = server.session.model.units.len();
        server.log(
            MessageType::INFO,
            &format!(
                "okrc {}: {units} units in {}",
                env!("CARGO_PKG_VERSION"),
                root.display()
            ),
        );
        server.publish();
        server
    }

    fn main_loop(&mut self) -> anyhow::Result<()> {
        loop {
            select! {
                recv(self.connection.receiver) -> message => {
                    let Ok(message) = message else { return Ok(()) };
                    if let Message::Request(request) = &message {
                        // An editor that quits may close the pipe before `exit`:
                        // the end all the same.
                        if request.method == lsp_types::request::Shutdown::METHOD {
                            let _ = self.connection.handle_shutdown(request);
                            return Ok(());
                        }
                    }
                    self.guarded(message);
                }
                recv(self.disk_events) -> paths => match paths {
                    Ok(paths) => self.changed_on_disk(&paths),
                    Err(_) => self.disk_events = crossbeam_channel::never(),
                },
            }
            // Several edits in a row are linked once, after the last.
            if self.session.is_stale() && self.connection.receiver.is_empty() {
                self.session.relink();
                self.publish();
            }
            if self.connection.receiver.is_empty() {
                self.session.prepare();
            }
        }
    }

    /// Handles a message; a bug met on the way is logged to the editor and
    /// answered as an error, and the server goes on.
    fn guarded(&mut self, message: Message) {
        let id = match &message {
            Message::Request(request) => Some(request.id.clone()),
            _ => None,
        };
        let handled = catch_unwind(AssertUnwindSafe(|| self.handle(message)));
        if handled.is_err() {
            self.log(
                MessageType::ERROR,
                "okrc: internal error while handling a message (a bug: please report it)",
            );
            if let Some(id) = id {
                self.respond(Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    "internal error".into(),
                ));
            }
        }
    }

    fn handle(&mut self, message: Message) {
        match message {
            Message::Request(request) => {
                let response = self.request(request);
                self.respond(response);
            }
            Message::Notification(notification) => self.notification(notification),
            Message::Response(_) => {}
        }
    }

    fn respond(&self, response: Response) {
        let _ = self.connection.sender.send(Message::Response(response));
    }

    fn request(&mut self, request: Request) -> Response {
        self.session.relink();
        let id = request.id.clone();
        let result = match request.method.as_str() {
            Completion::METHOD => self.completion(request.params),
            HoverRequest::METHOD => self.hover(request.params),
            GotoDefinition::METHOD => self.definition(request.params),
            References::METHOD => self.references(request.params),
            CodeActionRequest::METHOD => self.code_actions(request.params),
            method => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("okrc lsp does not handle {method}"),
                );
            }
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(message) => Response::new_err(id, ErrorCode::InvalidParams as i32, message),
        }
    }

    fn notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(
                    notification.params,
                ) else {
                    return;
                };
                if let Some(path) = self.path_of(&params.text_document.uri) {
                    self.session.set_text(path, params.text_document.text, true);
                }
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(
                    notification.params,
                ) else {
                    return;
                };
                let Some(path) = self.path_of(&params.text_document.uri) else {
                    return;
                };
                let mut text = match self.session.docs.get(&path) {
                    Some(document) => document.text.clone(),
                    None => String::new(),
                };
                for change in params.content_changes {
                    position::apply_change(&mut text, change.range, &change.text);
                }
                self.session.set_text(path, text, true);
            }
            DidCloseTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(
                    notification.params,
                ) else {
                    return;
                };
                if let Some(path) = self.path_of(&params.text_document.uri) {
                    self.session.close(&path);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(
                    notification.params,
                ) else {
                    return;
                };
                let paths: Vec<PathBuf> = params
                    .changes
                    .iter()
                    .filter_map(|c| uri::to_path(&c.uri))
                    .collect();
                self.changed_on_disk(&paths);
            }
            _ => {}
        }
    }

    fn changed_on_disk(&mut self, paths: &[PathBuf]) {
        let unique: HashSet<FilePath> = paths
            .iter()
            .filter_map(|p| self.session.workspace_path(p))
            .collect();
        for path in unique {
            self.session.changed_on_disk(&path);
        }
    }

    fn path_of(&self, uri: &Uri) -> Option<FilePath> {
        self.session.workspace_path(&uri::to_path(uri)?)
    }

    /// The file and model offset of a position, if the file is known.
    fn locate(&self, params: &TextDocumentPositionParams) -> Option<(FilePath, usize)> {
        let path = self.path_of(&params.text_document.uri)?;
        let document = self.session.docs.get(&path)?;
        let offset = document.lines.offset(&document.text, params.position);
        Some((path, offset))
    }

    fn completion(&self, params: Value) -> Result<Value, String> {
        let params: lsp_types::CompletionParams = parse(params)?;
        let list = self
            .locate(&params.text_document_position)
            .and_then(|(path, offset)| complete::complete(&self.session, &path, offset));
        Ok(serde_json::to_value(list).unwrap_or(Value::Null))
    }

    fn hover(&self, params: Value) -> Result<Value, String> {
        let params: lsp_types::HoverParams = parse(params)?;
        let hover =
            self.locate(&params.text_document_position_params)
                .and_then(|(path, offset)| {
                    let found = navigate::item_at(&self.session, &path, offset)?;
                    let document = self.session.docs.get(&path)?;
                    Some(Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: navigate::hover(&self.session.model, found.item),
                        }),
                        range: Some(document.lines.range(&document.text, found.span)),
                    })
                });
        Ok(serde_json::to_value(hover).unwrap_or(Value::Null))
    }

    fn definition(&self, params: Value) -> Result<Value, String> {
        let params: lsp_types::GotoDefinitionParams = parse(params)?;
        let location =
            self.locate(&params.text_document_position_params)
                .and_then(|(path, offset)| {
                    let found = navigate::item_at(&self.session, &path, offset)?;
                    let (file, span) = navigate::definition(&self.session.model, found.item);
                    self.location(&file, span)
                });
        Ok(
            serde_json::to_value(location.map(GotoDefinitionResponse::Scalar))
                .unwrap_or(Value::Null),
        )
    }

    fn references(&self, params: Value) -> Result<Value, String> {
        let params: lsp_types::ReferenceParams = parse(params)?;
        let Some((path, offset)) = self.locate(&params.text_document_position) else {
            return Ok(Value::Null);
        };
        let Some(found) = navigate::item_at(&self.session, &path, offset) else {
            return Ok(Value::Null);
        };
        let model = &self.session.model;
        let mut places = Vec::new();
        if params.context.include_declaration {
            places.push(navigate::definition(model, found.item));
        }
        places.extend(navigate::references(model, found.item));
        let locations: Vec<Location> = places
            .iter()
            .filter_map(|(file, span)| self.location(file, *span))
            .collect();
        Ok(serde_json::to_value(locations).unwrap_or(Value::Null))
    }

    fn code_actions(&self, params: Value) -> Result<Value, String> {
        let params: lsp_types::CodeActionParams = parse(params)?;
        let uri = &params.text_document.uri;
        let Some(path) = self.path_of(uri) else {
            return Ok(Value::Null);
        };
        let Some(document) = self.session.docs.get(&path) else {
            return Ok(Value::Null);
        };
        // Whole lines: a cursor anywhere on the line of a diagnostic gets its fixes.
        let line_start = lsp_types::Position::new(params.range.start.line, 0);
        let line_end = lsp_types::Position::new(params.range.end.line, u32::MAX);
        let start = document.lines.offset(&document.text, line_start);
        let end = document.lines.offset(&document.text, line_end);
        let actions: Vec<CodeActionOrCommand> =
            fixes::code_actions(&self.session, &path, uri, start, end)
                .into_iter()
                .map(CodeActionOrCommand::CodeAction)
                .collect();
        Ok(serde_json::to_value(actions).unwrap_or(Value::Null))
    }

    fn location(&self, file: &str, span: crate::source::Span) -> Option<Location> {
        let document = self.session.docs.get(file)?;
        let uri = uri::from_path(&self.session.absolute(file))?;
        Some(Location::new(
            uri,
            document.lines.range(&document.text, span),
        ))
    }

    /// Sends the diagnostics of every file whose list changed since the last
    /// time, an empty list to a file that has none any more.
    fn publish(&mut self) {
        let mut current = diagnostics::by_file(&self.session);
        let gone: Vec<FilePath> = self
            .published
            .keys()
            .filter(|f| !current.contains_key(*f))
            .cloned()
            .collect();
        for file in gone {
            current.insert(file, Vec::new());
        }
        for (file, list) in current {
            if self.published.get(&file) == Some(&list) {
                continue;
            }
            if let Some(uri) = uri::from_path(&self.session.absolute(&file)) {
                let params = PublishDiagnosticsParams::new(uri, list.clone(), None);
                let _ = self
                    .connection
                    .sender
                    .send(Message::Notification(Notification::new(
                        PublishDiagnostics::METHOD.into(),
                        params,
                    )));
            }
            if list.is_empty() {
                self.published.remove(&file);
            } else {
                self.published.insert(file, list);
            }
        }
    }

    /// Asks the editor to tell us about changes to unit files and
    /// `okrc.toml` it does not have open (a `git pull`).
    fn register_file_watchers(&mut self) {
        let registration = serde_json::json!({
            "registrations": [{
                "id": "okrc-files",
                "method": DidChangeWatchedFiles::METHOD,
                "registerOptions": {
                    "watchers": [{ "globPattern": "**/*.md" }, { "globPattern": "**/okrc.toml" }]
                }
            }]
        });
        self.next_request += 1;
        let request = Request::new(
            RequestId::from(format!("okrc-{}", self.next_request)),
            RegisterCapability::METHOD.into(),
            registration,
        );
        let _ = self.connection.sender.send(Message::Request(request));
    }

    fn log(&self, kind: MessageType, message: &str) {
        log(&self.connection, kind, message);
    }
}

fn log(connection: &Connection, kind: MessageType, message: &str) {
    let params = LogMessageParams {
        typ: kind,
        message: message.into(),
    };
    let _ = connection
        .sender
        .send(Message::Notification(Notification::new(
            LogMessage::METHOD.into(),
            params,
        )));
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, String> {
    serde_json::from_value(params).map_err(|err| format!("invalid parameters: {err}"))
}
