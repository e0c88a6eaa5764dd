//! A shell script's analysis with the embedded command table, as the tests
//! that read commands directly (not through `check`) need it.

/// The commands `text` runs, analysed against the embedded tables only.
pub fn analyse(text: &str) -> nixdeps::shell::Analysis {
    let header = nixdeps::header::parse(text).expect("a nix-shell script");
    nixdeps::shell::analyse(
        text,
        &header,
        &nixdeps::shell::Knowledge {
            keep: &[],
            commands: nixdeps::db::commands::Commands::get(),
            nixpkgs: None,
        },
    )
    .expect("a shell script")
}
