//! `workspace/executeCommand`: fix-all for clients that do not ask for
//! code-action kinds. The server answers the command and asks the client to
//! apply the edit (`workspace/applyEdit`).

use serde_json::Value;

/// Apply the safe fixes to a document (argument: its URI).
pub const FIX_ALL: &str = "nixdeps.fixAll";
/// Apply safe and unsafe fixes (`--unsafe-fixes`).
pub const FIX_ALL_UNSAFE: &str = "nixdeps.fixAllUnsafe";

pub const ALL: [&str; 2] = [FIX_ALL, FIX_ALL_UNSAFE];

/// The document URI a command names: its first argument, either the URI
/// itself or an object with a `uri` (a `TextDocumentIdentifier`).
pub fn target(arguments: &[Value]) -> Result<lsp_types::Url, String> {
    let first = arguments
        .first()
        .ok_or("expected the document URI as the first argument")?;
    let text = match first {
        Value::String(s) => s.as_str(),
        Value::Object(o) => o
            .get("uri")
            .and_then(Value::as_str)
            .ok_or("the first argument has no \"uri\" string")?,
        _ => return Err("the first argument is neither a URI nor {\"uri\": …}".into()),
    };
    lsp_types::Url::parse(text).map_err(|e| format!("invalid URI {text:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_takes_a_uri_or_an_identifier() {
        let uri = "file:///tmp/x.py";
        assert_eq!(target(&[uri.into()]).unwrap().as_str(), uri);
        assert_eq!(
            target(&[serde_json::json!({ "uri": uri })])
                .unwrap()
                .as_str(),
            uri
        );
        assert!(target(&[]).is_err());
        assert!(target(&[1.into()]).is_err());
        assert!(target(&["not a uri".into()]).is_err());
    }
}
