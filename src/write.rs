//! Writing a fixed script without ever losing a byte (DESIGN §7.1).
//!
//! [`write_atomic`] writes a temporary file beside the target (named
//! `.nixdeps-tmp-*`, see [`TEMP_PREFIX`]), fsyncs it, gives it the target's
//! owner (when allowed) and permission bits, checks that the target still
//! holds exactly the bytes that were read, and renames the temporary over the
//! target. Readers see either the old or the new file, never a mix. On any
//! failure the temporary is removed and the target is untouched.
//!
//! Refusals, by our own checks (so they hold for root too, who is not
//! stopped by permission bits):
//! - a file without any write bit (`chmod a-w`), or one the current user may
//!   not write (`access(2)`): renaming over it would bypass the protection
//!   the user put on it, so nixdeps refuses instead ([`WriteError::ReadOnlyFile`]);
//! - a directory without any write bit or not writable by the current user,
//!   or on a read-only file system ([`WriteError::ReadOnlyDir`]);
//! - a file whose bytes changed since it was read ([`WriteError::Changed`]);
//! - a file that no longer exists ([`WriteError::Vanished`]).
//!
//! A symlink is resolved and its target written; the link stays a link.
//! Known limit: a file with several hard links is replaced under this name
//! only (the other names keep the old bytes), as with every atomic-rename
//! writer; extended attributes and ACLs are not copied.
//!
//! Interrupts: [`install_interrupt_handler`] catches SIGINT, SIGTERM and
//! SIGHUP. The first signal only raises a flag ([`interrupted`]); the caller
//! checks it between files and stops, and [`write_atomic`] refuses to start
//! a new write once it is raised, so the file being written is finished and
//! the rest are left old. A second signal exits at once (status 130) after
//! removing every temporary file still in flight: creation and registration
//! of a temporary, and its rename, happen under the same lock the handler
//! takes, so the handler never misses a temporary nor removes one that a
//! rename is using.
//!
//! The `--fix` loop is expected to look like this (install the handler only
//! for runs that write: once it is installed, SIGTERM no longer kills the
//! process by itself, so a loop that never looks at [`interrupted`] would
//! ignore it):
//! ```text
//! install_interrupt_handler()?;
//! for file in files {
//!     if interrupted() { break; }
//!     write_atomic(&file.path, &file.bytes_read, &fixed)?;   // report errors, go on
//! }
//! if interrupted() { exit(130) }
//! ```

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Temporary files start with this; a leftover one is recognisable.
pub const TEMP_PREFIX: &str = ".nixdeps-tmp-";

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: the file changed on disk since nixdeps read it; not overwritten (run again)", path = .path.display())]
    Changed { path: PathBuf },
    #[error("{path}: the file is read-only; not overwritten", path = .path.display())]
    ReadOnlyFile { path: PathBuf },
    #[error("{path}: cannot write in the directory {dir} ({reason}); file not changed", path = .path.display(), dir = .dir.display())]
    ReadOnlyDir {
        path: PathBuf,
        dir: PathBuf,
        reason: String,
    },
    #[error("{path}: the file no longer exists; not written", path = .path.display())]
    Vanished { path: PathBuf },
    #[error("{path}: not a regular file; not written", path = .path.display())]
    NotAFile { path: PathBuf },
    #[error("{path}: interrupted; file not changed", path = .path.display())]
    Interrupted { path: PathBuf },
    #[error("{path}: {action}: {message}; file not changed", path = .path.display(), message = io_message(.source))]
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
}

impl WriteError {
    /// The path the user named.
    pub fn path(&self) -> &Path {
        match self {
            WriteError::Changed { path }
            | WriteError::ReadOnlyFile { path }
            | WriteError::ReadOnlyDir { path, .. }
            | WriteError::Vanished { path }
            | WriteError::NotAFile { path }
            | WriteError::Interrupted { path }
            | WriteError::Io { path, .. } => path,
        }
    }
}

fn io_message(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static SIGNALS: AtomicUsize = AtomicUsize::new(0);
/// Temporaries that exist on disk and have not been renamed yet.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static INSTALL: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();

fn in_flight() -> MutexGuard<'static, Vec<PathBuf>> {
    IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether SIGINT/SIGTERM/SIGHUP has been received (after
/// [`install_interrupt_handler`]). Check it between files.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Install the handler described in the module documentation. Calling it
/// again is harmless. Exit with status 130 after stopping on the flag.
pub fn install_interrupt_handler() -> Result<(), String> {
    INSTALL
        .get_or_init(|| {
            ctrlc::set_handler(|| {
                INTERRUPTED.store(true, Ordering::SeqCst);
                if SIGNALS.fetch_add(1, Ordering::SeqCst) == 0 {
                    return;
                }
                // Second signal: the user insists. Keep the lock until the
                // process is gone so no new temporary can appear.
                let guard = in_flight();
                for path in guard.iter() {
                    let _ = fs::remove_file(path);
                }
                let _ = writeln!(io::stderr(), "nixdeps: interrupted");
                std::process::exit(130);
            })
            .map_err(|e| format!("cannot install the interrupt handler: {e}"))
        })
        .clone()
}

/// Replace the contents of `path`, which held `original` when it was read,
/// with `new`. See the module documentation for the guarantees.
pub fn write_atomic(path: &Path, original: &[u8], new: &[u8]) -> Result<(), WriteError> {
    let io_err = |action: &'static str| {
        move |source: io::Error| WriteError::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    };
    if interrupted() {
        return Err(WriteError::Interrupted {
            path: path.to_path_buf(),
        });
    }
    let target = match fs::canonicalize(path) {
        Ok(target) => target,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(WriteError::Vanished {
                path: path.to_path_buf(),
            })
        }
        Err(e) => return Err(io_err("cannot resolve the path")(e)),
    };
    let meta = fs::metadata(&target).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => WriteError::Vanished {
            path: path.to_path_buf(),
        },
        _ => io_err("cannot read the file's metadata")(e),
    })?;
    if !meta.is_file() {
        return Err(WriteError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    if meta.permissions().readonly() || !may_write(&target) {
        return Err(WriteError::ReadOnlyFile {
            path: path.to_path_buf(),
        });
    }
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let read_only_dir = |reason: String| WriteError::ReadOnlyDir {
        path: path.to_path_buf(),
        dir: dir.clone(),
        reason,
    };
    let dir_meta = fs::metadata(&dir).map_err(io_err("cannot read the directory's metadata"))?;
    if dir_meta.permissions().readonly() {
        return Err(read_only_dir("the directory is read-only".to_owned()));
    }
    if !may_write(&dir) {
        return Err(read_only_dir("permission denied".to_owned()));
    }

    if new == original {
        // Nothing to change: leave the file (and its mtime) alone, but still
        // say so if it is no longer what was read.
        return match fs::read(&target) {
            Ok(now) if now == original => Ok(()),
            Ok(_) => Err(WriteError::Changed {
                path: path.to_path_buf(),
            }),
            Err(e) => Err(io_err("cannot re-read the file")(e)),
        };
    }

    // Declared before the temporary so it is dropped after it: the file is
    // removed first, then forgotten by the interrupt handler.
    let mut registration = Registration(None);
    let mut temp = {
        let mut guard = in_flight();
        let temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(&dir)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::EACCES) | Some(libc::EPERM) | Some(libc::EROFS) => {
                    read_only_dir(io_message(&e))
                }
                _ => io_err("cannot create a temporary file")(e),
            })?;
        guard.push(temp.path().to_path_buf());
        registration.0 = Some(temp.path().to_path_buf());
        temp
    };
    let file = &mut temp;
    file.write_all(new)
        .map_err(io_err("cannot write the temporary file"))?;
    file.as_file()
        .sync_all()
        .map_err(io_err("cannot sync the temporary file"))?;
    copy_owner_and_mode(file.as_file(), &meta).map_err(io_err("cannot set the file mode"))?;

    // Checked last, right before the rename, to keep the window in which
    // someone else's change could be lost as short as possible.
    match fs::read(&target) {
        Ok(now) if now == original => {}
        Ok(_) => {
            return Err(WriteError::Changed {
                path: path.to_path_buf(),
            })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(WriteError::Vanished {
                path: path.to_path_buf(),
            })
        }
        Err(e) => return Err(io_err("cannot re-read the file")(e)),
    }
    if interrupted() {
        return Err(WriteError::Interrupted {
            path: path.to_path_buf(),
        });
    }
    {
        let mut guard = in_flight();
        let result = temp.persist(&target);
        guard.retain(|p| Some(p) != registration.0.as_ref());
        registration.0 = None;
        // On failure the temporary inside the error is dropped here, still
        // under the lock, which removes it.
        result.map_err(|e| io_err("cannot replace the file")(e.error))?;
    }
    // Make the rename itself durable; failing here loses nothing.
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Forgets a temporary in [`IN_FLIGHT`] when dropped.
struct Registration(Option<PathBuf>);

impl Drop for Registration {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            in_flight().retain(|p| p != &path);
        }
    }
}

#[cfg(unix)]
fn may_write(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call.
    unsafe {
        libc::faccessat(
            libc::AT_FDCWD,
            c_path.as_ptr(),
            libc::W_OK,
            libc::AT_EACCESS,
        ) == 0
    }
}

#[cfg(not(unix))]
fn may_write(_: &Path) -> bool {
    true
}

#[cfg(unix)]
fn copy_owner_and_mode(file: &fs::File, meta: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // Owner first: chown clears set-id bits, chmod then restores the mode.
    if std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())).is_err() {
        // Not allowed to give the file away (not root): keep at least the
        // group when we are a member of it. Failing that, the new file is
        // ours, as with any editor's save.
        let _ = std::os::unix::fs::fchown(file, None, Some(meta.gid()));
    }
    file.set_permissions(fs::Permissions::from_mode(meta.mode() & 0o7777))
}

#[cfg(not(unix))]
fn copy_owner_and_mode(file: &fs::File, meta: &fs::Metadata) -> io::Result<()> {
    file.set_permissions(meta.permissions())
}
