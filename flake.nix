{
  # No flake.lock is committed: locking needs the network, which this
  # project's build machines do not have. The first `nix run`, `nix build` or
  # `nix flake lock` on a connected machine writes one (pin nixpkgs with
  # `--override-input nixpkgs ...` or `inputs.nixdeps.inputs.nixpkgs.follows`).
  description = "nixdeps: keep the dependency headers of nix-shell Python scripts honest (no flake.lock committed: lock on first use)";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      systems = [
        "x86_64-linux"
        "aarch64-linux"
        "x86_64-darwin"
        "aarch64-darwin"
      ];
      forAllSystems = f: lib.genAttrs systems (system: f system nixpkgs.legacyPackages.${system});
    in
    {
      overlays.default = final: _prev: { nixdeps = final.callPackage ./package.nix { }; };

      packages = forAllSystems (_system: pkgs: rec {
        nixdeps = pkgs.callPackage ./package.nix { };
        default = nixdeps;
      });

      apps = forAllSystems (system: _pkgs: {
        default = {
          type = "app";
          program = lib.getExe self.packages.${system}.default;
          meta.description = "Check nix-shell Python script headers";
        };
      });

      # A cachix/git-hooks.nix module: `hooks.nixdeps` (see nix/git-hooks.nix).
      gitHooksModules.default = ./nix/git-hooks.nix;

      devShells = forAllSystems (system: pkgs: {
        default = pkgs.mkShell {
          inputsFrom = [ self.packages.${system}.default ];
          packages = [
            pkgs.cargo
            pkgs.rustc
            pkgs.clippy
            pkgs.rustfmt
            pkgs.rust-analyzer
            # nix-instantiate and nix-shell for the real-Nix oracle tests
            pkgs.nix
          ];
        };
      });

      checks = forAllSystems (
        system: pkgs:
        let
          nixdeps = self.packages.${system}.default;
        in
        {
          package = nixdeps;

          # The same sources and vendored crates as the package, linted instead
          # of built and tested.
          clippy = nixdeps.overrideAttrs (old: {
            pname = "nixdeps-clippy";
            nativeBuildInputs = old.nativeBuildInputs ++ [ pkgs.clippy ];
            buildPhase = ''
              runHook preBuild
              cargo clippy --all-targets --locked --offline -- -D warnings
              runHook postBuild
            '';
            doCheck = false;
            installPhase = "touch $out";
          });

          fmt =
            pkgs.runCommand "nixdeps-fmt"
              {
                nativeBuildInputs = [
                  pkgs.cargo
                  pkgs.rustfmt
                ];
              }
              ''
                export HOME=$TMPDIR
                cp -R ${nixdeps.src} src && chmod -R u+w src && cd src
                cargo fmt --all -- --check
                touch $out
              '';

          # The bundled examples show one fault each: check must report them
          # (exit 1, not 2), fix must repair every one, and the fixed tree is
          # clean.
          examples =
            pkgs.runCommand "nixdeps-examples"
              {
                nativeBuildInputs = [ nixdeps ];
                NIXDEPS_NO_NIXPKGS_INDEX = "1";
              }
              ''
                cp -R ${./examples} examples && chmod -R u+w examples
                status=0
                nixdeps check examples || status=$?
                if [ "$status" != 1 ]; then
                  echo "nixdeps check examples: exit $status, want 1 (the examples carry faults)" >&2
                  exit 1
                fi
                nixdeps fix examples
                nixdeps check examples
                touch $out
              '';
        }
      );

      formatter = forAllSystems (_system: pkgs: pkgs.nixfmt-tree);
    };
}
