//! The non-Python packages of a header (`-p jq bind.dnsutils`, flake
//! installables `nixpkgs#jq`) as attribute paths, and the edits that add or
//! remove one in the header's style (DESIGN §7.2, §15).
//!
//! A package word is read as an attribute path only when it is one
//! (`jq`, `(jq)`, `bind.dnsutils`, `nixpkgs#jq`); any other expression is
//! opaque: it may provide anything and is never edited.

use super::{Header, HeaderKind, OtherPackage};
use crate::diagnostic::{apply_edits, Edit};
use crate::span::Span;

/// A declared package that names an attribute.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Package {
    /// `jq`, `bind.dnsutils`, `nodePackages.prettier`.
    pub attr: String,
    /// The word in the file.
    pub span: Span,
    /// Index into [`Header::others`].
    pub other: usize,
    /// For installables, the text before the attribute path
    /// (`nixpkgs#`, `nixpkgs#legacyPackages.x86_64-linux.`).
    pub prefix: String,
}

fn is_attr_path(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|part| {
            let mut b = part.bytes();
            matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
                && b.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'\''))
        })
}

/// The attribute path `o` names, with the installable prefix before it.
fn attr_of(kind: HeaderKind, o: &OtherPackage) -> Option<(String, String)> {
    let text = o.text.trim();
    if kind == HeaderKind::Flake {
        let (flake, path) = text.split_once('#')?;
        let (sys, path) = match path.strip_prefix("legacyPackages.") {
            Some(rest) => {
                let (system, p) = rest.split_once('.')?;
                (format!("legacyPackages.{system}."), p)
            }
            None => (String::new(), path),
        };
        return is_attr_path(path).then(|| (format!("{flake}#{sys}"), path.to_owned()));
    }
    let mut t = text;
    while let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        t = inner.trim();
    }
    is_attr_path(t).then(|| (String::new(), t.to_owned()))
}

/// The header's packages that name attributes, and the number of package
/// expressions that do not (opaque: they may provide anything).
pub fn packages(h: &Header) -> (Vec<Package>, usize) {
    let mut out = Vec::new();
    let mut opaque = 0;
    for (i, o) in h.others.iter().enumerate() {
        match attr_of(h.kind, o) {
            Some((prefix, attr)) => out.push(Package {
                attr,
                span: o.span,
                other: i,
                prefix,
            }),
            None => opaque += 1,
        }
    }
    (out, opaque)
}

fn sort_key(s: &str) -> (String, String) {
    (s.to_ascii_lowercase(), s.to_string())
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The bytes to delete with the word `element`: the word and the blanks on
/// one side, so that no doubled or trailing blank is left.
pub(super) fn word_removal(text: &str, element: Span) -> Span {
    let bytes = text.as_bytes();
    // The line around the word, found from the word (not from a whole-file index).
    let ls = Span::new(
        bytes[..element.start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1),
        bytes[element.end..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| element.end + i),
    );
    let mut e = element.end;
    while e < ls.end && is_blank(bytes[e]) {
        e += 1;
    }
    let rest_blank = bytes
        .get(e..ls.end)
        .is_none_or(|r| r.iter().all(|&b| is_blank(b) || b == b'\r'));
    if e > element.end && !rest_blank {
        return Span::new(element.start, e);
    }
    let mut s = element.start;
    while s > ls.start && is_blank(bytes[s - 1]) {
        s -= 1;
    }
    Span::new(s, element.end)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PackageEditError {
    #[error("the header has no package list nixdeps can add to")]
    NoPlace,
    #[error("`{0}` is not an attribute path nixdeps can write")]
    BadName(String),
    #[error("internal: {0}")]
    Internal(String),
}

/// Edits that add the attributes `add` and remove the packages with indices
/// `remove` (into [`packages`]). Checked before they are returned: the edited
/// header declares exactly the intended packages, and only header lines change.
pub fn plan(
    text: &str,
    h: &Header,
    add: &[String],
    remove: &[usize],
) -> Result<Vec<Edit>, PackageEditError> {
    let (pkgs, _) = packages(h);
    if let Some(&i) = remove.iter().find(|&&i| i >= pkgs.len()) {
        return Err(PackageEditError::Internal(format!("no package {i}")));
    }
    let live: Vec<&Package> = pkgs
        .iter()
        .enumerate()
        .filter(|(i, _)| !remove.contains(i))
        .map(|(_, p)| p)
        .collect();
    let mut adds: Vec<&String> = Vec::new();
    for a in add {
        if !is_attr_path(a) || a.contains('\'') {
            return Err(PackageEditError::BadName(a.clone()));
        }
        if !live.iter().any(|p| &p.attr == a) && !adds.contains(&a) {
            adds.push(a);
        }
    }
    // When every package goes and some come, the new ones take the place of
    // the last one.
    let replaced = if live.is_empty() && !adds.is_empty() {
        remove.iter().copied().max_by_key(|&i| pkgs[i].span.start)
    } else {
        None
    };
    let mut edits: Vec<Edit> = remove
        .iter()
        .filter(|&&i| Some(i) != replaced)
        .map(|&i| Edit::delete(word_removal(text, pkgs[i].span)))
        .collect();
    if let Some(r) = replaced {
        let p = &pkgs[r];
        let mut names = adds.clone();
        names.sort_by_key(|s| sort_key(s));
        let words: Vec<String> = names.iter().map(|n| format!("{}{n}", p.prefix)).collect();
        edits.push(Edit::replace(p.span, words.join(" ")));
    } else if !adds.is_empty() {
        insert(h, &live, &adds, &mut edits)?;
    }
    let merged = merge(edits);
    verify(text, h, &merged, &live, &adds)?;
    Ok(merged)
}

/// Deletions that overlap become one; an insertion inside a deletion moves
/// to its start; insertions at one point are joined in order.
fn merge(edits: Vec<Edit>) -> Vec<Edit> {
    let (mut dels, ins): (Vec<Edit>, Vec<Edit>) =
        edits.into_iter().partition(|e| !e.span.is_empty());
    dels.sort_by_key(|e| (e.span.start, e.span.end));
    let mut runs: Vec<Edit> = Vec::new();
    for d in dels {
        match runs.last_mut() {
            Some(r) if d.span.start < r.span.end => {
                r.span.end = r.span.end.max(d.span.end);
                r.content.push_str(&d.content);
            }
            _ => runs.push(d),
        }
    }
    let mut points: Vec<(usize, String)> = Vec::new();
    for i in ins {
        let at = runs
            .iter()
            .find(|r| r.span.start < i.span.start && i.span.start < r.span.end)
            .map_or(i.span.start, |r| r.span.start);
        match points.iter_mut().find(|(p, _)| *p == at) {
            Some((_, c)) => c.push_str(&i.content),
            None => points.push((at, i.content)),
        }
    }
    for (at, content) in points {
        match runs.iter_mut().find(|r| r.span.start == at) {
            Some(r) => r.content.insert_str(0, &content),
            None => runs.push(Edit::insert(at, content)),
        }
    }
    runs.sort_by_key(|e| (e.span.start, e.span.end));
    runs
}

fn insert(
    h: &Header,
    live: &[&Package],
    adds: &[&String],
    edits: &mut Vec<Edit>,
) -> Result<(), PackageEditError> {
    let sorted = live
        .windows(2)
        .all(|w| sort_key(&w[0].attr) <= sort_key(&w[1].attr));
    // The words of the group: the last package in the file is the anchor.
    let anchor = live.iter().max_by_key(|p| p.span.start).copied();
    let prefix = match (h.kind, anchor) {
        (HeaderKind::Flake, Some(a)) => a.prefix.clone(),
        (HeaderKind::Flake, None) => "nixpkgs#".to_owned(),
        _ => String::new(),
    };
    let mut names: Vec<&String> = adds.to_vec();
    if sorted {
        names.sort_by_key(|s| sort_key(s));
    }
    let Some(anchor) = anchor else {
        // No package names an attribute yet: after the last package word,
        // or after `-p` itself.
        let at = h
            .package_words
            .iter()
            .map(|&w| h.words[w].span.end)
            .max()
            .or_else(|| {
                h.words
                    .iter()
                    .filter(|w| w.text == "-p" || w.text == "--packages")
                    .map(|w| w.span.end)
                    .max()
            })
            .ok_or(PackageEditError::NoPlace)?;
        let words: Vec<String> = names.iter().map(|n| format!(" {prefix}{n}")).collect();
        edits.push(Edit::insert(at, words.concat()));
        return Ok(());
    };
    for n in names {
        let before = if sorted {
            live.iter()
                .filter(|p| sort_key(&p.attr) > sort_key(n))
                .min_by_key(|p| p.span.start)
        } else {
            None
        };
        match before {
            Some(p) => edits.push(Edit::insert(p.span.start, format!("{prefix}{n} "))),
            None => edits.push(Edit::insert(anchor.span.end, format!(" {prefix}{n}"))),
        }
    }
    Ok(())
}

fn verify(
    text: &str,
    h: &Header,
    edits: &[Edit],
    live: &[&Package],
    adds: &[&String],
) -> Result<(), PackageEditError> {
    let mut allowed: Vec<Span> = h.lines.iter().map(|l| l.span).collect();
    allowed.push(h.shebang);
    if let Some(e) = edits.iter().find(|e| {
        e.content.contains('\n')
            || !allowed
                .iter()
                .any(|s| s.start <= e.span.start && e.span.end <= s.end)
    }) {
        return Err(PackageEditError::Internal(format!(
            "an edit at byte {} leaves the header lines",
            e.span.start
        )));
    }
    // nix-shell reads the header lines only, so they alone are parsed again:
    // the check costs the header's size, not the file's.
    allowed.sort();
    allowed.dedup();
    let mut out = String::new();
    for s in &allowed {
        let inside: Vec<Edit> = edits
            .iter()
            .filter(|e| s.start <= e.span.start && e.span.end <= s.end)
            .map(|e| {
                Edit::replace(
                    Span::new(e.span.start - s.start, e.span.end - s.start),
                    e.content.clone(),
                )
            })
            .collect();
        let line = apply_edits(&text[s.start..s.end], &inside)
            .ok_or_else(|| PackageEditError::Internal("overlapping edits".into()))?;
        out.push_str(&line);
        out.push('\n');
    }
    let new = super::parse(&out)
        .ok_or_else(|| PackageEditError::Internal("the edited file lost its shebang".into()))?;
    let mut want: Vec<&str> = live.iter().map(|p| p.attr.as_str()).collect();
    want.extend(adds.iter().map(|s| s.as_str()));
    want.sort_unstable();
    let (got, _) = packages(&new);
    let mut got: Vec<&str> = got.iter().map(|p| p.attr.as_str()).collect();
    got.sort_unstable();
    let same_rest = new.declarations.len() == h.declarations.len()
        && new.unsupported.len() == h.unsupported.len()
        && new.interpreter.as_ref().map(|i| &i.command)
            == h.interpreter.as_ref().map(|i| &i.command);
    if got != want || !same_rest {
        return Err(PackageEditError::Internal(format!(
            "the edited header would declare [{}] instead of [{}]",
            got.join(" "),
            want.join(" ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(src: &str, add: &[&str], remove: &[&str]) -> String {
        let h = super::super::parse(src).unwrap();
        let (pkgs, _) = packages(&h);
        let rm: Vec<usize> = pkgs
            .iter()
            .enumerate()
            .filter(|(_, p)| remove.contains(&p.attr.as_str()))
            .map(|(i, _)| i)
            .collect();
        let add: Vec<String> = add.iter().map(|s| s.to_string()).collect();
        let edits = plan(src, &h, &add, &rm).unwrap();
        apply_edits(src, &edits).unwrap()
    }

    #[test]
    fn sorted_lists_stay_sorted_and_unsorted_ones_grow_at_the_end() {
        let s = "#!/usr/bin/env nix-shell\n#!nix-shell -i bash -p curl jq\necho\n";
        assert!(fix(s, &["git"], &[]).contains("-p curl git jq\n"));
        assert!(fix(s, &["wget"], &[]).contains("-p curl jq wget\n"));
        let u = "#!/usr/bin/env nix-shell\n#!nix-shell -i bash -p jq curl\n";
        assert!(fix(u, &["git"], &[]).contains("-p jq curl git\n"));
        assert!(fix(s, &[], &["curl"]).contains("-p jq\n"));
        assert!(fix(s, &[], &["jq"]).contains("-p curl\n"));
        assert!(fix(s, &["git"], &["jq"]).contains("-p curl git\n"));
        assert!(fix(s, &["git"], &["curl", "jq"]).contains("-p git\n"));
    }

    #[test]
    fn flake_installables_keep_their_reference() {
        let s = "#!/usr/bin/env nix\n#! nix shell nixpkgs#curl --command bash\n";
        assert!(fix(s, &["jq"], &[]).contains("nixpkgs#curl nixpkgs#jq --command"));
    }

    #[test]
    fn expressions_are_opaque() {
        let s = "#!/usr/bin/env nix-shell\n#!nix-shell -i bash -p \"haskellPackages.ghcWithPackages (p: [ p.lens ])\" (jq)\n";
        let h = super::super::parse(s).unwrap();
        let (pkgs, opaque) = packages(&h);
        assert_eq!(opaque, 1);
        assert_eq!(pkgs[0].attr, "jq");
    }
}
