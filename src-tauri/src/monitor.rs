//! The popup's side of the monitor's channel: requests go out with an id
//! and their replies come back to whoever asked; the models the monitor
//! pushes are kept for `get_view` and passed on to the page; a Close, or the
//! monitor going away, ends the popup.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use dms_tray_core::ipc::{self, CloseReason, Reply, Request, RequestError, ToMonitor, ToPopup, MAX_LINE_BYTES};
use dms_tray_core::popup::PopupModel;
use tauri::{AppHandle, Emitter};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, ReadHalf, WriteHalf};
use tokio::sync::{mpsc, oneshot, watch};

use crate::window::LABEL;

type Pending = Mutex<HashMap<u64, oneshot::Sender<Result<Reply, RequestError>>>>;

/// The connection to the monitor, shared by the popup's commands.
pub struct Monitor {
    outgoing: mpsc::UnboundedSender<Outgoing>,
    pending: std::sync::Arc<Pending>,
    next_id: AtomicU64,
    model: watch::Receiver<Option<PopupModel>>,
}

/// What the reading side needs once the app runs.
pub struct Incoming {
    read: ReadHalf<Stream>,
    write: WriteHalf<Stream>,
    outgoing: mpsc::UnboundedReceiver<Outgoing>,
    pending: std::sync::Arc<Pending>,
    model: watch::Sender<Option<PopupModel>>,
}

/// A message for the monitor; `last` ends the popup once it is written.
struct Outgoing {
    message: ToMonitor,
    last: bool,
}

impl Monitor {
    /// Connects and says hello, so that the monitor starts sending the model
    /// while the window is still being made.
    pub async fn connect(socket: &Path) -> io::Result<(Monitor, Incoming)> {
        let (read, mut write) = tokio::io::split(open(socket).await?);
        write.write_all(ipc::encode(&ToMonitor::PopupHello).as_bytes()).await?;
        let (outgoing, outgoing_rx) = mpsc::unbounded_channel();
        let pending = std::sync::Arc::new(Pending::default());
        let (model_tx, model) = watch::channel(None);
        let monitor = Monitor { outgoing, pending: pending.clone(), next_id: AtomicU64::new(1), model };
        Ok((monitor, Incoming { read, write, outgoing: outgoing_rx, pending, model: model_tx }))
    }

    /// Asks the monitor and waits for its answer.
    pub async fn ask(&self, request: Request) -> Result<Reply, RequestError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (reply, answer) = oneshot::channel();
        self.pending.lock().expect("not poisoned").insert(id, reply);
        let gone = || RequestError::general("dms-tray is not running any more");
        self.outgoing
            .send(Outgoing { message: ToMonitor::Request { id, request }, last: false })
            .map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }

    /// The latest model, waiting for the first one.
    pub async fn model(&self) -> Result<PopupModel, RequestError> {
        let mut model = self.model.clone();
        let latest = model
            .wait_for(Option::is_some)
            .await
            .map_err(|_| RequestError::general("dms-tray is not running any more"))?;
        Ok(latest.clone().expect("waited for a model"))
    }

    /// Tells the monitor why the popup closes, then ends it.
    pub fn close(&self, app: &AppHandle, reason: CloseReason) {
        let message = Outgoing { message: ToMonitor::PopupClosing { reason }, last: true };
        if self.outgoing.send(message).is_err() {
            app.exit(0);
        }
    }
}

/// The monitor's channel: a Unix domain socket, or a named pipe on Windows.
#[cfg(unix)]
type Stream = tokio::net::UnixStream;
#[cfg(windows)]
type Stream = tokio::net::windows::named_pipe::NamedPipeClient;

#[cfg(unix)]
async fn open(socket: &Path) -> io::Result<Stream> {
    Stream::connect(socket).await
}

/// Opens the pipe, waiting a moment while the monitor makes its next
/// instance ready (the pipe is busy meanwhile).
#[cfg(windows)]
async fn open(pipe: &Path) -> io::Result<Stream> {
    const ERROR_PIPE_BUSY: i32 = 231;
    let mut tries = 0;
    loop {
        match tokio::net::windows::named_pipe::ClientOptions::new().open(pipe) {
            Err(e) if e.raw_os_error() == Some(ERROR_PIPE_BUSY) && tries < 50 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            opened => return opened,
        }
    }
}

/// Reads the monitor's messages and writes the popup's, for as long as the
/// popup lives.
pub fn listen(app: AppHandle, incoming: Incoming) {
    let Incoming { read, mut write, mut outgoing, pending, model } = incoming;
    let writer_app = app.clone();
    tauri::async_runtime::spawn(async move {
        while let Some(Outgoing { message, last }) = outgoing.recv().await {
            let written = write.write_all(ipc::encode(&message).as_bytes()).await;
            if last || written.is_err() {
                let _ = write.shutdown().await;
                writer_app.exit(0);
                return;
            }
        }
    });
    tauri::async_runtime::spawn(async move {
        let mut lines = BufReader::new(read);
        let mut line = String::new();
        loop {
            line.clear();
            match (&mut lines).take(MAX_LINE_BYTES as u64).read_line(&mut line).await {
                Ok(0) | Err(_) => break,
                Ok(_) if !line.ends_with('\n') => {
                    eprintln!("dms-tray-popup: dms-tray sent a line longer than the channel allows");
                    break;
                }
                Ok(_) => match ipc::decode::<ToPopup>(&line) {
                    Ok(message) => {
                        if !receive(&app, message, &pending, &model) {
                            break;
                        }
                    }
                    Err(e) => eprintln!("dms-tray-popup: a message from dms-tray could not be read: {e}"),
                },
            }
        }
        // The monitor is gone or asked to close: so is the popup.
        app.exit(0);
    });
}

/// Handles one message; false ends the popup.
fn receive(app: &AppHandle, message: ToPopup, pending: &Pending, model: &watch::Sender<Option<PopupModel>>) -> bool {
    match message {
        ToPopup::Reply { id, result } => {
            if let Some(reply) = pending.lock().expect("not poisoned").remove(&id) {
                let _ = reply.send(result);
            }
        }
        ToPopup::View { model: next } => {
            let _ = app.emit_to(LABEL, "view-updated", &next);
            model.send_replace(Some(next));
        }
        ToPopup::ShowSettings => {
            let _ = app.emit_to(LABEL, "show-settings", ());
        }
        ToPopup::Close => return false,
    }
    true
}
