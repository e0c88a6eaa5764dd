//! Command → nixpkgs attribute knowledge for shell scripts (DESIGN §15):
//! which attributes put a command on PATH (`data/shell/commands.tsv`, every
//! row with its evidence) and which commands stdenv brings without being
//! asked (`data/shell/stdenv.tsv`).
//!
//! Both tables are embedded and read in place like the Python tables: `#`
//! provenance lines first, then rows sorted by command (byte order), one row
//! per (command, attribute) pair; a lookup bisects to one row of the command
//! and widens to its neighbours.

const COMMANDS: &str = include_str!("../../data/shell/commands.tsv");
const STDENV: &str = include_str!("../../data/shell/stdenv.tsv");

/// An attribute that provides a command, and why the table says so
/// (`curated`, `debian`, `nixpkgs-mainProgram`, …).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Provider {
    pub attr: &'static str,
    pub source: &'static str,
}

#[derive(Debug)]
pub struct Commands {
    /// Rows after the comment lines.
    commands: &'static str,
    stdenv: &'static str,
    /// Every attribute of `commands`: the reverse look-up "does the table
    /// know a command of this package", built on first use.
    attrs: std::sync::OnceLock<std::collections::HashSet<&'static str>>,
}

/// The text after the leading `#` lines.
fn body(text: &'static str) -> &'static str {
    let mut rest = text;
    while rest.starts_with('#') {
        rest = rest.split_once('\n').map_or("", |(_, r)| r);
    }
    rest
}

/// Every line of sorted `body` whose first field is `key`, in file order.
fn lines_of<'a>(body: &'a str, key: &str) -> impl Iterator<Item = &'a str> {
    let hit = super::find_line(body, key);
    let (before, after) = match hit {
        Some(line) => {
            // `line` is a slice of `body`: its offset splits the text.
            let at = line.as_ptr() as usize - body.as_ptr() as usize;
            (&body[..at], &body[at..])
        }
        None => ("", ""),
    };
    let same = move |l: &&str| l.split('\t').next() == Some(key);
    let mut earlier: Vec<&str> = before.lines().rev().take_while(same).collect();
    earlier.reverse();
    earlier
        .into_iter()
        .chain(after.lines().take_while(same))
        .collect::<Vec<_>>()
        .into_iter()
}

impl Commands {
    pub fn get() -> &'static Commands {
        static TABLES: std::sync::OnceLock<Commands> = std::sync::OnceLock::new();
        TABLES.get_or_init(|| Commands {
            commands: body(COMMANDS),
            stdenv: body(STDENV),
            attrs: std::sync::OnceLock::new(),
        })
    }

    /// The attributes that provide `command`, in table order.
    pub fn providers(&self, command: &str) -> Vec<Provider> {
        lines_of(self.commands, command)
            .map(|l| {
                let mut f = l.split('\t').skip(1);
                Provider {
                    attr: f.next().unwrap_or(""),
                    source: f.next().unwrap_or(""),
                }
            })
            .filter(|p| !p.attr.is_empty())
            .collect()
    }

    /// The stdenv package that brings `command`, if stdenv does.
    pub fn stdenv(&self, command: &str) -> Option<&'static str> {
        super::find_line(self.stdenv, command).and_then(|l| l.split('\t').nth(1))
    }

    /// True when the table names some command of `attr`.
    pub fn knows_attr(&self, attr: &str) -> bool {
        self.attrs
            .get_or_init(|| {
                self.commands
                    .lines()
                    .filter_map(|l| l.split('\t').nth(1))
                    .collect()
            })
            .contains(attr)
    }

    /// The first command whose rows are out of order, if any (for tests).
    pub fn unsorted(&self) -> Option<&'static str> {
        [self.commands, self.stdenv].into_iter().find_map(|b| {
            let keys: Vec<&str> = b
                .lines()
                .filter(|l| !l.is_empty())
                .map(|l| l.split('\t').next().unwrap_or(""))
                .collect();
            keys.windows(2).find(|w| w[0] > w[1]).map(|w| w[1])
        })
    }

    /// Row counts: (commands rows, stdenv rows).
    pub fn len(&self) -> (usize, usize) {
        let n = |b: &str| b.lines().filter(|l| !l.is_empty()).count();
        (n(self.commands), n(self.stdenv))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_rows_of_one_command_are_all_found() {
        let c = Commands::get();
        assert_eq!(c.unsorted(), None);
        let attrs: Vec<&str> = c.providers("jq").iter().map(|p| p.attr).collect();
        assert!(attrs.contains(&"jq"), "{attrs:?}");
        assert!(c.providers("no-such-command-xyz").is_empty());
        assert_eq!(c.stdenv("sed"), Some("gnused"));
        assert_eq!(c.stdenv("jq"), None);
        assert!(c.knows_attr("jq"));
        assert!(!c.knows_attr("no-such-attr-xyz"));
    }

    #[test]
    fn neighbours_with_the_same_key_are_collected() {
        let body = "a\tx\na\tw\nb\t1\nb\t2\nb\t3\nc\ty\nc\tz\n";
        let got: Vec<&str> = lines_of(body, "b").collect();
        assert_eq!(got, ["b\t1", "b\t2", "b\t3"]);
        assert_eq!(lines_of(body, "a").count(), 2);
        assert_eq!(lines_of(body, "c").count(), 2);
        assert_eq!(lines_of(body, "z").count(), 0);
    }
}
