//! The context catalogue: every `.py` in `fixtures/imports/contexts` marks
//! each line with `# expect: …` (plain, none, or a comma list of optional /
//! type_only / dynamic). Every import must sit on a marked line and have
//! exactly that context; every marked line (but `none`) must yield one.

use nixdeps::imports::{extract, Context};
use nixdeps::span::LineIndex;
use std::collections::BTreeMap;
use std::path::Path;

fn expected(comment: &str) -> Option<Context> {
    if comment == "none" {
        return None;
    }
    let mut c = Context::default();
    for part in comment.split(',').map(str::trim) {
        match part {
            "plain" => {}
            "optional" => c.optional = true,
            "type_only" => c.type_only = true,
            "dynamic" => c.dynamic = true,
            other => panic!("unknown expectation {other:?}"),
        }
    }
    Some(c)
}

#[test]
fn context_catalogue() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/imports/contexts");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 4);
    let mut checked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let x = extract(&text);
        assert!(x.errors.is_empty(), "{name}: {:?}", x.errors);
        let marks: BTreeMap<usize, Option<Context>> = text
            .lines()
            .enumerate()
            .filter_map(|(i, l)| {
                l.split_once("# expect: ")
                    .map(|(_, e)| (i + 1, expected(e.trim())))
            })
            .collect();
        let idx = LineIndex::new(&text);
        let mut seen = BTreeMap::new();
        for imp in &x.imports {
            let line = idx.position(&text, imp.span.start).row;
            match marks.get(&line) {
                Some(Some(want)) => assert_eq!(
                    imp.context, *want,
                    "{name}:{line}: {} has {:?}",
                    imp.module, imp.context
                ),
                Some(None) => panic!("{name}:{line}: {} should not be an import", imp.module),
                None => panic!("{name}:{line}: unmarked import {}", imp.module),
            }
            seen.insert(line, ());
            checked += 1;
        }
        for (line, want) in &marks {
            if want.is_some() {
                assert!(seen.contains_key(line), "{name}:{line}: no import found");
            }
        }
    }
    assert!(checked >= 35, "only {checked} imports checked");
}
