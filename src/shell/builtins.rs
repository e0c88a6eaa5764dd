//! What the shell itself answers: builtins and keywords (never looked up on
//! PATH), and the commands that run their argument as a command.

/// bash's builtins and reserved words (bash(1), "SHELL BUILTIN COMMANDS" and
/// "RESERVED WORDS"), plus the POSIX special builtins dash and sh share.
/// `test`, `[`, `echo`, `printf`, `kill`, `true`, `false` and `pwd` also
/// exist as coreutils programs, but the shell never runs those.
const BASH: &[&str] = &[
    "!",
    ".",
    ":",
    "[",
    "[[",
    "]]",
    "{",
    "}",
    "alias",
    "bg",
    "bind",
    "break",
    "builtin",
    "caller",
    "case",
    "cd",
    "command",
    "coproc",
    "compgen",
    "complete",
    "compopt",
    "continue",
    "declare",
    "dirs",
    "disown",
    "do",
    "done",
    "echo",
    "elif",
    "else",
    "enable",
    "esac",
    "eval",
    "exec",
    "exit",
    "export",
    "false",
    "fc",
    "fg",
    "fi",
    "for",
    "function",
    "getopts",
    "hash",
    "help",
    "history",
    "if",
    "in",
    "jobs",
    "kill",
    "let",
    "local",
    "logout",
    "mapfile",
    "popd",
    "printf",
    "pushd",
    "pwd",
    "read",
    "readarray",
    "readonly",
    "return",
    "select",
    "set",
    "shift",
    "shopt",
    "source",
    "suspend",
    "test",
    "then",
    "time",
    "times",
    "trap",
    "true",
    "type",
    "typeset",
    "ulimit",
    "umask",
    "unalias",
    "unset",
    "until",
    "wait",
    "while",
];

/// zsh's own builtins (zshbuiltins(1)) beyond bash's: read only for `-i zsh`.
const ZSH: &[&str] = &[
    "autoload",
    "bindkey",
    "bye",
    "chdir",
    "emulate",
    "functions",
    "integer",
    "limit",
    "noglob",
    "print",
    "pushln",
    "rehash",
    "setopt",
    "unfunction",
    "unhash",
    "unlimit",
    "unsetopt",
    "vared",
    "whence",
    "where",
    "which",
    "zcompile",
    "zformat",
    "zle",
    "zmodload",
    "zparseopts",
    "zstyle",
];

pub fn is_builtin(name: &str, zsh: bool) -> bool {
    BASH.contains(&name) || (zsh && ZSH.contains(&name))
}

/// How a command that runs another one reads its own arguments.
pub struct Wrapper {
    pub name: &'static str,
    /// Options that take the next word as their value.
    pub with_value: &'static [&'static str],
    /// Options after which no command is run (`command -v x` only asks).
    pub no_command: &'static [&'static str],
    /// Positional words before the command (`timeout DURATION cmd`).
    pub skip: usize,
    /// `NAME=value` words before the command are settings (`env`).
    pub assignments: bool,
    /// The command is one word holding a shell command line (`watch "df -h"`).
    pub command_line: bool,
    /// The command ends at this word (`parallel cmd ::: args`).
    pub end: Option<&'static str>,
}

const fn w(name: &'static str, with_value: &'static [&'static str]) -> Wrapper {
    Wrapper {
        name,
        with_value,
        no_command: &[],
        skip: 0,
        assignments: false,
        command_line: false,
        end: None,
    }
}

/// Option lists from each program's manual (sudo(8), env(1), xargs(1), …).
pub const WRAPPERS: &[Wrapper] = &[
    Wrapper {
        no_command: &[
            "-e",
            "--edit",
            "-l",
            "--list",
            "-v",
            "--validate",
            "-k",
            "-K",
        ],
        ..w(
            "sudo",
            &[
                "-u",
                "--user",
                "-g",
                "--group",
                "-C",
                "--close-from",
                "-D",
                "--chdir",
                "-h",
                "--host",
                "-p",
                "--prompt",
                "-r",
                "--role",
                "-t",
                "--type",
                "-U",
                "--other-user",
                "-T",
                "--command-timeout",
            ],
        )
    },
    Wrapper {
        assignments: true,
        ..w(
            "env",
            &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"],
        )
    },
    w("exec", &["-a"]),
    Wrapper {
        no_command: &["-v", "-V"],
        ..w("command", &[])
    },
    w("builtin", &[]),
    w("time", &["-f", "--format", "-o", "--output"]),
    w("coproc", &[]),
    w("nice", &["-n", "--adjustment"]),
    w("nohup", &[]),
    w("stdbuf", &["-i", "-o", "-e"]),
    Wrapper {
        skip: 1,
        ..w("timeout", &["-k", "--kill-after", "-s", "--signal"])
    },
    w(
        "xargs",
        &[
            "-a",
            "--arg-file",
            "-d",
            "--delimiter",
            "-E",
            "-I",
            "-L",
            "-n",
            "--max-args",
            "-P",
            "--max-procs",
            "-s",
            "--max-chars",
            "--process-slot-var",
        ],
    ),
    Wrapper {
        command_line: true,
        ..w("watch", &["-n", "--interval", "-q", "--equexit"])
    },
    Wrapper {
        end: Some(":::"),
        ..w(
            "parallel",
            &[
                "-j",
                "--jobs",
                "-S",
                "--sshlogin",
                "-N",
                "-n",
                "--max-args",
                "-L",
                "--max-lines",
                "-P",
                "-a",
                "--arg-file",
                "-I",
                "--colsep",
                "-C",
                "--delay",
                "--timeout",
                "--joblog",
                "--results",
                "--tmpdir",
                "--workdir",
                "-E",
                "--retries",
                "--halt",
                "--env",
                "--tagstring",
            ],
        )
    },
];

pub fn wrapper(name: &str) -> Option<&'static Wrapper> {
    WRAPPERS.iter().find(|w| w.name == name)
}

/// `find` actions whose next word is a command.
pub const FIND_EXEC: &[&str] = &["-exec", "-execdir", "-ok", "-okdir"];
