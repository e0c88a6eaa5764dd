# nixdeps in nixpkgs' by-name shape (pkgs/by-name/ni/nixdeps/package.nix), so
# that upstreaming is this one file: there `src` becomes a fetchFromGitHub of
# the release tag and `version` a literal; everything else stays.
# flake.nix calls it with callPackage; `nix-build -E 'with import <nixpkgs> { };
# callPackage ./package.nix { }'` works without flakes.
{
  lib,
  stdenv,
  rustPlatform,
  installShellFiles,
}:

let
  cargoToml = lib.importTOML ./Cargo.toml;
in
rustPlatform.buildRustPackage {
  pname = "nixdeps";
  # One version for cargo, the wheel and Nix: Cargo.toml's.
  inherit (cargoToml.package) version;

  # What the build and its tests read, and nothing else: no target/ (gigabytes
  # of build output), no fuzz corpora, no benchmark output, no scripts or docs,
  # so editing those does not change the source hash and rebuild.
  # tests/fuzz_regressions.rs includes fuzz/src/lib.rs at compile time.
  src = lib.fileset.toSource {
    root = ./.;
    fileset = lib.fileset.unions [
      ./Cargo.toml
      ./Cargo.lock
      ./src
      ./data
      ./tests
      ./fixtures
      ./benches
      ./fuzz/src
    ];
  };

  cargoLock.lockFile = ./Cargo.lock;

  nativeBuildInputs = [ installShellFiles ];

  # The sandbox has no Nix store to evaluate in, no network, no git, Python,
  # pre-commit, uv or maturin, and `src` has no fuzz corpus. The tests that
  # need those skip themselves loudly anyway; they are also skipped here by
  # name, so that the build log says which ones and why (tests/dist_nix.rs
  # checks that every name below is a test that exists, and that every real-Nix
  # test is listed).
  checkFlags = map (name: "--skip=${name}") [
    # real nix-instantiate / nix-shell against the stub nixpkgs, with a store
    "declared_script_runs_with_its_arguments"
    "undeclared_import_is_a_real_module_not_found_error"
    "parse_rejects_syntax_errors_and_accepts_valid_words"
    "eval_returns_the_declared_set"
    "eval_reports_unknown_attributes_as_nix_does"
    "two_p_lines_are_joined"
    "interpreter_flags_from_dash_i_reach_python"
    "python_packages_word_form"
    "nested_modules_are_importable_next_to_each_other"
    "pypy3_runs_as_pypy"
    "shell_report_shows_nix_header_splitting"
    "run_text_sees_sibling_modules_and_reports_dotted_misses"
    "issue_two_forms_under_real_nix"
    "headers_parse_and_evaluate_to_the_model_before_and_after_a_rewrite"
    "real_nix_shell_reads_headers_as_the_model_does_and_finds_the_added_module"
    "every_style_the_engine_writes_is_valid_nix"
    "fixed_headers_declare_what_nixdeps_meant_under_real_nix_shell"
    "real_nix_agrees_on_every_attribute"
    "real_nix_agrees_on_aliases"
    "nix_shell_runs_uv_with_the_fixed_block"
    "fixed_headers_read_the_same_in_real_nix"
    "package_nix_builds_from_cargo_toml_with_a_limited_src"
    "flake_outputs_wire_the_package_app_overlay_shell_and_checks"
    "git_hooks_module_builds_its_entry_from_typed_settings"
    "flake_checks_scripts_pass_on_this_tree"
    "real_nix_shell_agrees_with_missing_and_runs_the_fixed_script"
    # network (pre-commit builds the rust hook with cargo; uv resolves), git,
    # Python, maturin
    "hooks_fail_on_missing_package_and_fix_repairs_it"
    "uv_resolves_exactly_what_the_fixed_block_intends"
    "same_imports_as_cpython_ast"
    "wheel_carries_the_binary_and_the_python_hook_installs_it_offline"
    # fuzz/corpus is left out of src
    "header_words_corpus"
    "header_rewrite_corpus"
    "imports_corpus"
    "config_corpus"
    "pep723_corpus"
    "nixpkgs_index_corpus"
  ];

  # Completions and the man page come from the binary itself (clap), so they
  # are generated only where the build machine can run what it built.
  postInstall = lib.optionalString (stdenv.buildPlatform.canExecute stdenv.hostPlatform) ''
    installShellCompletion --cmd nixdeps \
      --bash <($out/bin/nixdeps completions bash) \
      --fish <($out/bin/nixdeps completions fish) \
      --zsh <($out/bin/nixdeps completions zsh)
    $out/bin/nixdeps man > nixdeps.1
    installManPage nixdeps.1
  '';

  meta = {
    inherit (cargoToml.package) description;
    longDescription = ''
      nixdeps reads the imports of nix-shell Python scripts, compares them with
      the packages their #!nix-shell header declares, reports missing, unused,
      renamed and unknown dependencies, and rewrites the header with --fix.
    '';
    license = lib.licenses.mit;
    mainProgram = "nixdeps";
    platforms = lib.platforms.unix;
    maintainers = [ ];
  };
}
