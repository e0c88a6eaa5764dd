//! `--diff`: the unified diff of what `--fix` would write, three lines of
//! context, in the format of `similar` (and `diff -u`).

use similar::{Algorithm, DiffOp, DiffableStr};
use std::fmt::Write;

/// Changed lines (old and new, after the common head and tail) up to which
/// the shortest diff is computed. Its cost grows with the changed lines
/// times the number of differences: a header whose 20,000 lines all change
/// would take minutes. Past this the changed lines are paired in order: the
/// diff still turns the old text into the new, but may be longer than the
/// shortest.
const SHORTEST_DIFF_LINES: usize = 4_000;

const CONTEXT: usize = 3;

pub fn unified(path: &str, old: &str, new: &str) -> String {
    let a = old.tokenize_lines();
    let b = new.tokenize_lines();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let ops = if a.len() + b.len() - 2 * (head + tail) <= SHORTEST_DIFF_LINES {
        similar::capture_diff_slices(Algorithm::Myers, &a, &b)
    } else {
        paired(a.len(), b.len(), head, tail, |i, j| a[i] == b[j])
    };
    render(path, &a, &b, ops)
}

/// Ops for lines `head..len - tail` paired in order: equal pairs kept, the
/// others replaced, the longer side's rest deleted or inserted.
fn paired(
    old_len: usize,
    new_len: usize,
    head: usize,
    tail: usize,
    same: impl Fn(usize, usize) -> bool,
) -> Vec<DiffOp> {
    let mut ops: Vec<DiffOp> = Vec::new();
    let mut push = |op: DiffOp| match (ops.last_mut(), op) {
        (Some(DiffOp::Equal { len, .. }), DiffOp::Equal { len: more, .. }) => *len += more,
        _ => ops.push(op),
    };
    if head > 0 {
        push(DiffOp::Equal {
            old_index: 0,
            new_index: 0,
            len: head,
        });
    }
    let (old_end, new_end) = (old_len - tail, new_len - tail);
    let common = (old_end - head).min(new_end - head);
    let mut k = 0;
    while k < common {
        let run_same = same(head + k, head + k);
        let mut n = 1;
        while k + n < common && same(head + k + n, head + k + n) == run_same {
            n += 1;
        }
        let (old_index, new_index) = (head + k, head + k);
        push(if run_same {
            DiffOp::Equal {
                old_index,
                new_index,
                len: n,
            }
        } else {
            DiffOp::Replace {
                old_index,
                old_len: n,
                new_index,
                new_len: n,
            }
        });
        k += n;
    }
    let (o, n) = (head + common, head + common);
    if o < old_end {
        push(DiffOp::Delete {
            old_index: o,
            old_len: old_end - o,
            new_index: n,
        });
    } else if n < new_end {
        push(DiffOp::Insert {
            old_index: o,
            new_index: n,
            new_len: new_end - n,
        });
    }
    if tail > 0 {
        push(DiffOp::Equal {
            old_index: old_end,
            new_index: new_end,
            len: tail,
        });
    }
    ops
}

/// A hunk range as `diff -u` writes it: `start,len`, `start` alone for one
/// line, the line before for none.
fn range(start: usize, end: usize) -> String {
    match end - start {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        len => format!("{},{len}", start + 1),
    }
}

fn render(path: &str, a: &[&str], b: &[&str], ops: Vec<DiffOp>) -> String {
    let mut out = String::new();
    for (h, hunk) in similar::group_diff_ops(ops, CONTEXT).iter().enumerate() {
        let (Some(first), Some(last)) = (hunk.first(), hunk.last()) else {
            continue;
        };
        if h == 0 {
            let _ = writeln!(out, "--- {path}\n+++ {path}");
        }
        let _ = writeln!(
            out,
            "@@ -{} +{} @@",
            range(first.old_range().start, last.old_range().end),
            range(first.new_range().start, last.new_range().end)
        );
        let mut line = |tag: char, text: &str| {
            out.push(tag);
            out.push_str(text);
            if !text.ends_with_newline() {
                out.push_str("\n\\ No newline at end of file\n");
            }
        };
        for op in hunk {
            let (old, new) = (op.old_range(), op.new_range());
            match op {
                DiffOp::Equal { .. } => a[old].iter().for_each(|t| line(' ', t)),
                DiffOp::Delete { .. } => a[old].iter().for_each(|t| line('-', t)),
                DiffOp::Insert { .. } => b[new].iter().for_each(|t| line('+', t)),
                DiffOp::Replace { .. } => {
                    a[old].iter().for_each(|t| line('-', t));
                    b[new].iter().for_each(|t| line('+', t));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(path: &str, old: &str, new: &str) -> String {
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(CONTEXT)
            .header(path, path)
            .to_string()
    }

    #[test]
    fn same_output_as_similar_for_ordinary_changes() {
        let cases = [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("a\nb\nc\n", "a\nc\n"),
            ("a\nc\n", "a\nb\nc\n"),
            ("", "x\n"),
            ("x\n", ""),
            ("a\nb", "a\nc"),
            ("a\nb\n", "a\nb"),
            ("a\r\nb\r\n", "a\r\nc\r\n"),
            (
                "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
                "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\nY\n12\n",
            ),
            ("1\n2\n3\n4\n5\n6\n7\n8\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n"),
        ];
        for (old, new) in cases {
            assert_eq!(
                unified("f.py", old, new),
                reference("f.py", old, new),
                "{old:?} → {new:?}"
            );
        }
    }

    #[test]
    fn many_changed_lines_pair_in_order() {
        let n = 10_000;
        let old = format!("#!x\n{}tail\n", "#!nix-shell -p a\n".repeat(n));
        let new = format!(
            "#!x\n#!nix-shell -p a\n{}tail\n",
            "#!nix-shell -p\n".repeat(n - 1)
        );
        let d = unified("f.py", &old, &new);
        let minus = d
            .lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
            .count();
        let plus = d
            .lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .count();
        assert_eq!((minus, plus), (n - 1, n - 1));
        assert!(d.starts_with(
            "--- f.py\n+++ f.py\n@@ -1,10002 +1,10002 @@\n #!x\n #!nix-shell -p a\n-"
        ));
        // The diff applies: context and new lines, in order, are the new text.
        let rebuilt: String = d
            .lines()
            .skip(3)
            .filter(|l| !l.starts_with('-'))
            .map(|l| format!("{}\n", &l[1..]))
            .collect();
        assert_eq!(rebuilt, new);
    }

    #[test]
    fn pairing_deletes_or_inserts_the_rest() {
        let ops = paired(6, 4, 1, 1, |i, j| i == 1 && j == 1);
        assert_eq!(
            ops,
            vec![
                DiffOp::Equal {
                    old_index: 0,
                    new_index: 0,
                    len: 2
                },
                DiffOp::Replace {
                    old_index: 2,
                    old_len: 1,
                    new_index: 2,
                    new_len: 1
                },
                DiffOp::Delete {
                    old_index: 3,
                    old_len: 2,
                    new_index: 3
                },
                DiffOp::Equal {
                    old_index: 5,
                    new_index: 3,
                    len: 1
                },
            ]
        );
    }
}
