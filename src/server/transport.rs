//! JSON-RPC framing over stdio. lsp-server's own reader ends the connection
//! at the first malformed message; an editor (or a fuzzer) sending one bad
//! frame must get an error back and a server that keeps serving, so frames
//! are read here and only well-formed ones become `lsp_server::Message`s.

use lsp_server::Message;
use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::Sender;

/// The largest body accepted: a script of this size is not a script.
const MAX_BODY: usize = 64 << 20;

/// What the reader thread hands the main loop.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// The body was not JSON (JSON-RPC "Parse error").
    ParseError(String),
    /// JSON, but not a request, response or notification ("Invalid Request");
    /// the id, when it had one.
    InvalidRequest(Option<serde_json::Value>, String),
    /// A frame whose headers could not be read; its bytes were skipped.
    BadFrame(String),
}

/// Read frames until end of input, sending each to `out`. Returns when the
/// input ends or the main loop has gone away.
pub fn read_loop(input: &mut impl BufRead, out: &Sender<Incoming>) {
    loop {
        let item = match read_frame(input) {
            Ok(None) => return,
            Ok(Some(body)) => classify(&body),
            Err(Frame::Bad(why)) => Incoming::BadFrame(why),
            Err(Frame::Io(e)) => {
                eprintln!("nixdeps server: reading input: {e}");
                return;
            }
        };
        if out.send(item).is_err() {
            return;
        }
    }
}

enum Frame {
    Bad(String),
    Io(io::Error),
}

fn classify(body: &[u8]) -> Incoming {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Incoming::ParseError(e.to_string()),
    };
    let id = value.get("id").cloned();
    // lsp-server would take `{"id": 3}` for a response; JSON-RPC wants a
    // method, a result or an error.
    let has = |k: &str| value.get(k).is_some();
    if !has("method") && !has("result") && !has("error") {
        return Incoming::InvalidRequest(id, "neither a method, a result nor an error".into());
    }
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Incoming::Message(m),
        Err(e) => Incoming::InvalidRequest(id, e.to_string()),
    }
}

/// One `Content-Length`-framed body; `Ok(None)` at a clean end of input.
fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, Frame> {
    let mut length: Option<usize> = None;
    let mut problem: Option<String> = None;
    let mut saw_header = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = Read::take(&mut *input, 8 << 10)
            .read_until(b'\n', &mut line)
            .map_err(Frame::Io)?;
        if n == 0 {
            return if saw_header {
                Err(Frame::Io(io::ErrorKind::UnexpectedEof.into()))
            } else {
                Ok(None)
            };
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between frames: tolerated.
            continue;
        }
        saw_header = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) if n <= MAX_BODY => length = Some(n),
                    Ok(n) => problem = Some(format!("Content-Length {n} exceeds {MAX_BODY}")),
                    Err(_) => problem = Some(format!("bad Content-Length {:?}", value.trim())),
                }
            }
            Some(_) => {}
            None => problem = Some(format!("malformed header line {text:?}")),
        }
    }
    if let Some(why) = problem {
        // A length that did parse still says where the next frame starts.
        if let Some(n) = length {
            io::copy(&mut Read::take(&mut *input, n as u64), &mut io::sink()).map_err(Frame::Io)?;
        }
        return Err(Frame::Bad(why));
    }
    let Some(length) = length else {
        return Err(Frame::Bad("a frame without Content-Length".into()));
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body).map_err(Frame::Io)?;
    Ok(Some(body))
}

/// Where responses and notifications go.
pub struct Output {
    out: Box<dyn Write + Send>,
}

impl Output {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Output { out }
    }

    pub fn send(&mut self, msg: Message) {
        // A client that stopped reading cannot be told anything; the main
        // loop ends when its input closes.
        let _ = msg.write(&mut self.out);
    }

    /// A response whose id is not a valid `RequestId` (null, for a message
    /// that could not be parsed): lsp-server cannot build it, so it is
    /// written here.
    pub fn send_error_raw(&mut self, id: serde_json::Value, code: i32, message: &str) {
        let body = serde_json::json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": {"code": code, "message": message},
        })
        .to_string();
        let _ = write!(self.out, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Incoming> {
        let (tx, rx) = std::sync::mpsc::channel();
        read_loop(&mut io::Cursor::new(input.as_bytes().to_vec()), &tx);
        drop(tx);
        rx.into_iter().collect()
    }

    #[test]
    fn bad_frames_do_not_end_the_stream() {
        let ok = r#"{"jsonrpc":"2.0","method":"x","params":null}"#;
        let input = [
            "Content-Length: 4\r\n\r\n{{{{".to_owned(),
            "Content-Length: 9\r\n\r\n{\"id\": 3}".to_owned(),
            "Bogus\r\n\r\n".to_owned(),
            format!("Content-Length: {}\r\n\r\n{ok}", ok.len()),
        ]
        .concat();
        let got = frames(&input);
        assert!(matches!(got[0], Incoming::ParseError(_)), "{got:?}");
        assert!(
            matches!(&got[1], Incoming::InvalidRequest(Some(v), _) if v == 3),
            "{got:?}"
        );
        assert!(matches!(got[2], Incoming::BadFrame(_)), "{got:?}");
        assert!(matches!(
            got[3],
            Incoming::Message(Message::Notification(_))
        ));
        assert_eq!(got.len(), 4);
    }
}
