//! Python-version guards: `if sys.version_info >= (3, 11): import tomllib
//! else: import tomli`. On Python 3.12 the `else` never runs, so `tomli`
//! is not a dependency there.
//!
//! A guard is a set of Python 3 minor versions (bit `m` ⇔ 3.m) on which the
//! guarded code *may* run. Tests are evaluated for every minor with the
//! micro version at both extremes, so a test that depends on the micro
//! version (`>= (3, 10, 5)`) leaves both branches possible on 3.10.
//! Understood subjects: `sys.version_info` (or a bare `version_info`), its
//! `[:2]`, `[0]`, `[1]`, `.major`, `.minor`; compared with `<`, `<=`, `>`,
//! `>=`, `==`, `!=` to an int or a tuple of up to three ints, on either
//! side; combined with `not`, `and`, `or`. Anything else is "unknown": both
//! branches may run.

use std::cmp::Ordering;

/// Bit `m`: may run on Python 3.m.
pub type Minors = u32;
pub const ALL: Minors = u32::MAX;

/// Whether code under `guard` may run on Python `major.minor`.
pub fn allows(guard: Minors, major: u8, minor: u8) -> bool {
    major != 3 || minor >= 32 || guard & (1 << minor) != 0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// `sys.version_info`: `(3, minor, micro, releaselevel, serial)`.
    Tuple,
    /// `sys.version_info[:2]`: `(3, minor)`.
    Slice2,
    /// `sys.version_info[0]` / `.major`.
    Major,
    /// `sys.version_info[1]` / `.minor`.
    Minor,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Int(u64),
    Tuple(Vec<u64>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    LtE,
    Gt,
    GtE,
    Eq,
    NotEq,
}

impl Op {
    /// The operator with its operands swapped: `a < b` ⇔ `b > a`.
    pub fn flipped(self) -> Op {
        match self {
            Op::Lt => Op::Gt,
            Op::LtE => Op::GtE,
            Op::Gt => Op::Lt,
            Op::GtE => Op::LtE,
            o => o,
        }
    }
    fn holds(self, o: Ordering) -> bool {
        match self {
            Op::Lt => o.is_lt(),
            Op::LtE => o.is_le(),
            Op::Gt => o.is_gt(),
            Op::GtE => o.is_ge(),
            Op::Eq => o.is_eq(),
            Op::NotEq => o.is_ne(),
        }
    }
}

/// `(may_be_true, may_be_false)` of `subject op literal`, or `None` when
/// the comparison is not understood (or would raise in Python).
pub fn compare(subject: Subject, op: Op, literal: &Literal) -> Option<(Minors, Minors)> {
    let (mut t, mut f) = (0u32, 0u32);
    for minor in 0..32u64 {
        for micro in [0u64, 999] {
            let result = match (subject, literal) {
                (Subject::Tuple, Literal::Tuple(lit)) if lit.len() <= 3 => {
                    // Real version_info has more elements than any literal
                    // here, so an equal prefix makes it greater.
                    let left = [3, minor, micro];
                    let o = left[..lit.len()].cmp(&lit[..]).then(Ordering::Greater);
                    op.holds(o)
                }
                (Subject::Slice2, Literal::Tuple(lit)) if lit.len() <= 3 => {
                    op.holds([3, minor][..].cmp(&lit[..]))
                }
                (Subject::Tuple | Subject::Slice2, Literal::Tuple(_)) => return None,
                (Subject::Major, Literal::Int(n)) => op.holds(3.cmp(n)),
                (Subject::Minor, Literal::Int(n)) => op.holds(minor.cmp(n)),
                // A tuple is never equal to an int; ordering them raises.
                (_, _) => match op {
                    Op::Eq => false,
                    Op::NotEq => true,
                    _ => return None,
                },
            };
            if result {
                t |= 1 << minor;
            } else {
                f |= 1 << minor;
            }
        }
    }
    Some((t, f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(mask: Minors, minor: u8) -> bool {
        allows(mask, 3, minor)
    }

    #[test]
    fn comparisons() {
        let (t, f) = compare(Subject::Tuple, Op::GtE, &Literal::Tuple(vec![3, 11])).unwrap();
        assert!(on(t, 11) && on(t, 12) && !on(t, 10));
        assert!(on(f, 10) && !on(f, 11));
        // version_info > (3, 10) already holds on 3.10.0.
        let (t, _) = compare(Subject::Tuple, Op::Gt, &Literal::Tuple(vec![3, 10])).unwrap();
        assert!(on(t, 10));
        // …but version_info[:2] > (3, 10) does not.
        let (t, _) = compare(Subject::Slice2, Op::Gt, &Literal::Tuple(vec![3, 10])).unwrap();
        assert!(!on(t, 10) && on(t, 11));
        // Micro-dependent: both branches possible on 3.10 only.
        let (t, f) = compare(Subject::Tuple, Op::GtE, &Literal::Tuple(vec![3, 10, 5])).unwrap();
        assert!(on(t, 10) && on(f, 10) && !on(t, 9) && !on(f, 11));
        let (t, f) = compare(Subject::Major, Op::Eq, &Literal::Int(2)).unwrap();
        assert_eq!((t, f), (0, ALL));
        let (t, _) = compare(Subject::Minor, Op::Lt, &Literal::Int(8)).unwrap();
        assert!(on(t, 7) && !on(t, 8));
        assert_eq!(compare(Subject::Tuple, Op::Lt, &Literal::Int(3)), None);
        assert!(allows(0, 2, 7), "Python 2 is never excluded");
    }
}
