# A cachix/git-hooks.nix module adding `hooks.nixdeps`. Import it next to
# git-hooks.nix's own hooks:
#
#   git-hooks.lib.${system}.run {
#     src = ./.;
#     imports = [ nixdeps.gitHooksModules.default ];
#     hooks.nixdeps = {
#       enable = true;
#       settings.ignore = [ "ND002" ];
#     };
#   }
#
# The result builds as a check (`checks.<system>.pre-commit`) and its
# `shellHook` installs the hook from a devShell. hookModule (git-hooks.nix's
# modules/hook.nix) supplies enable, name, entry, types, package and the rest.
{
  lib,
  pkgs,
  hookModule,
  ...
}:

let
  inherit (lib) mkOption types;
  # What `--select` / `--ignore` accept: ALL, or a code or a prefix of one.
  code = types.strMatching "ALL|N|ND[0-9]{0,3}";

  nixdepsHook =
    { config, ... }:
    {
      options.settings = {
        fix = mkOption {
          type = types.bool;
          default = false;
          description = "Rewrite the headers (`nixdeps fix`) instead of only reporting (`nixdeps check`).";
        };
        select = mkOption {
          type = types.listOf code;
          default = [ ];
          example = [ "ND001" ];
          description = "Report only these rule codes or prefixes (`--select`); empty: nixdeps' default.";
        };
        ignore = mkOption {
          type = types.listOf code;
          default = [ ];
          example = [ "ND002" ];
          description = "Do not report these rule codes or prefixes (`--ignore`).";
        };
      };

      config = {
        name = lib.mkDefault "nixdeps";
        description = lib.mkDefault "Check the dependency headers of nix-shell Python scripts.";
        # The overlay's nixdeps when the caller applied it, else this tree's.
        package = lib.mkDefault (pkgs.nixdeps or (pkgs.callPackage ../package.nix { }));
        entry =
          let
            s = config.settings;
            codes = flag: list: lib.optional (list != [ ]) "${flag}=${lib.concatStringsSep "," list}";
          in
          lib.concatStringsSep " " (
            [
              (lib.getExe config.package)
              (if s.fix then "fix" else "check")
            ]
            ++ codes "--select" s.select
            ++ codes "--ignore" s.ignore
          );
        # Not [ "python" ]: an extensionless or non-executable nix-shell script
        # is no Python file to pre-commit's identify; nixdeps skips non-scripts
        # after reading their first line.
        types = lib.mkDefault [ "text" ];
      };
    };
in
{
  options.hooks.nixdeps = mkOption {
    description = "nixdeps: missing, unused and unknown packages in nix-shell script headers";
    default = { };
    type = types.submoduleWith {
      modules = [
        hookModule
        nixdepsHook
      ];
    };
  };
}
