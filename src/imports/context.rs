//! The rules that give an import its [`Context`](super::Context) (DESIGN §3.2),
//! as plain string predicates; `python.rs` applies them to the tree.
//!
//! - **optional**: the import is inside the *body* of a `try` (or `try`/`except*`)
//!   one of whose handlers catches an exception named by
//!   [`is_import_error_family`] — by bare name, dotted (`builtins.ImportError`),
//!   or inside a tuple — or is a bare `except:`. Imports in the handlers,
//!   the `else:` and the `finally:` of that `try` are **not** optional: an
//!   exception raised there is not caught by the same `try`'s handlers, so a
//!   missing module there still crashes the script (`else:` runs only after
//!   the body succeeded; `finally:` runs always). The fallback in the handler
//!   (`except ImportError: import tomli`) is exactly what the script needs.
//!   An enclosing `try` still makes any of them optional.
//!   A handler that gives up — its last statement is a `raise` (re-raise,
//!   `raise SystemExit(…)`, `raise ImportError("install X")`) or a call to
//!   [`is_exit_call`] (`sys.exit(…)`, `exit(…)`, `os._exit(…)`) — does not
//!   make the import optional: the script does not work without the module,
//!   it only fails more politely. Only the *first* handler matching the
//!   family counts: it is the one Python runs (a later `except Exception:`
//!   never sees an ImportError that an earlier `except ImportError: raise`
//!   re-raised).
//! - **type_only**: the body of `if TYPE_CHECKING:` / `if <anything>.TYPE_CHECKING:`
//!   (and of an `elif` with that test), and every `elif`/`else` branch after
//!   `if not TYPE_CHECKING:`. The `else:` of `if TYPE_CHECKING:` runs at run
//!   time, so it is not type-only.
//! - **dynamic**: a call whose first positional argument is a string literal
//!   (implicit concatenation allowed, f-strings not) naming an absolute
//!   dotted module, to `importlib.import_module`, `importlib.__import__`,
//!   `builtins.__import__`, `__import__`, `X.import_module` where the file
//!   has `import importlib as X`, or `f` where the file has
//!   `from importlib import import_module [as f]` anywhere (not checked to
//!   come first: a function body may well call it before the import's line).

/// Exceptions whose handler means "the script copes without this import".
pub fn is_import_error_family(name: &str) -> bool {
    matches!(
        name,
        "ImportError" | "ModuleNotFoundError" | "Exception" | "BaseException"
    )
}

/// `obj.name(…)` / `name(…)` ends the program.
pub fn is_exit_call(obj: Option<&str>, name: &str) -> bool {
    matches!(
        (obj, name),
        (None, "exit" | "quit") | (Some("sys"), "exit") | (Some("os"), "_exit" | "abort")
    )
}

pub fn is_type_checking_name(name: &str) -> bool {
    name == "TYPE_CHECKING"
}

/// `__future__` statements are compiler directives, never dependencies.
pub fn is_future(module: &str) -> bool {
    module == "__future__" || module.starts_with("__future__.")
}

/// A dotted run of identifiers: `a`, `a.b_c`, `é.x`. Rejects `""`, `a..b`,
/// `a b`, `../x`: only those name an importable module.
pub fn is_dotted_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
                && chars.all(|c| c == '_' || c.is_alphanumeric())
        })
}

/// What a call's callee must be for the call to be a dynamic import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalleeKind {
    /// Always an import function (`__import__`, `importlib.import_module`).
    Certain,
    /// A bare name: an import only if bound by `from importlib import import_module`.
    Function(String),
    /// `obj.import_module`: an import only if `obj` is bound by `import importlib as obj`.
    Method(String),
}

pub fn callee_of_name(name: &str) -> Option<CalleeKind> {
    if name == "__import__" {
        Some(CalleeKind::Certain)
    } else {
        Some(CalleeKind::Function(name.to_owned())).filter(|_| !name.is_empty())
    }
}

pub fn callee_of_method(obj: &str, attr: &str) -> Option<CalleeKind> {
    match (obj, attr) {
        ("importlib", "import_module" | "__import__") | ("builtins", "__import__") => {
            Some(CalleeKind::Certain)
        }
        (_, "import_module") => Some(CalleeKind::Method(obj.to_owned())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_names() {
        assert!(is_import_error_family("ModuleNotFoundError"));
        assert!(is_import_error_family("BaseException"));
        assert!(!is_import_error_family("KeyError"));
        assert!(!is_import_error_family("OSError"));
        assert!(is_dotted_name("google.protobuf"));
        assert!(!is_dotted_name("a..b"));
        assert!(!is_dotted_name("a b"));
        assert!(!is_dotted_name("1a"));
        assert!(is_future("__future__"));
        assert!(!is_future("__future___x"));
    }

    #[test]
    fn callees() {
        assert_eq!(callee_of_name("__import__"), Some(CalleeKind::Certain));
        assert_eq!(
            callee_of_name("im"),
            Some(CalleeKind::Function("im".into()))
        );
        assert_eq!(
            callee_of_method("importlib", "import_module"),
            Some(CalleeKind::Certain)
        );
        assert_eq!(
            callee_of_method("il", "import_module"),
            Some(CalleeKind::Method("il".into()))
        );
        assert_eq!(callee_of_method("os", "path"), None);
    }
}
