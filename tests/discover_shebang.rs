//! Which first lines make a file a candidate.

use nixdeps::discover::{
    is_nix_flake_shebang, is_nix_shell_shebang, read_first_line, shebang_kind,
};
use nixdeps::header::HeaderKind;

#[test]
fn nix_shell_shebangs() {
    for line in [
        "#!/usr/bin/env nix-shell",
        "#!/usr/bin/env nix-shell\n",
        "#!/usr/bin/env nix-shell\r\n",
        "#!/usr/bin/env nix-shell \n",
        "#!/usr/bin/env nix-shell\t\r\n",
        "#! /usr/bin/env nix-shell",
        "#!  /usr/bin/env nix-shell",
        "#!/usr/bin/env -S nix-shell -i python3 -p python3",
        "#!/usr/bin/env -S nix-shell\n",
        "#!/bin/env nix-shell",
        "#!/usr/bin/nix-shell",
        "#!/run/current-system/sw/bin/nix-shell",
        "#!/nix/store/abc-nix-2.19/bin/nix-shell -i python3",
        "\u{feff}#!/usr/bin/env nix-shell\n",
        "\u{feff}#! /usr/bin/env nix-shell\r\n",
        "#!/usr/bin/env -S NIX_PATH=nixpkgs=x nix-shell",
        "#!/usr/bin/env -Snix-shell",
        "#!/usr/bin/env -S \"nix-shell\" -i python3",
        "#!/usr/bin/env -S 'nix-shell -i python3'",
        "#!/usr/bin/env nix-shell\n#!nix-shell -i python3\n",
    ] {
        assert!(is_nix_shell_shebang(line.as_bytes()), "{line:?}");
        assert!(!is_nix_flake_shebang(line.as_bytes()), "{line:?}");
    }
}

#[test]
fn flake_shebangs() {
    for line in [
        "#!/usr/bin/env nix",
        "#!/usr/bin/env nix\r\n",
        "#! /usr/bin/env nix ",
        "#!/usr/bin/env -S nix shell nixpkgs#python3 --command python3",
        "#!/run/current-system/sw/bin/nix",
        "\u{feff}#!/usr/bin/env nix\n",
    ] {
        assert_eq!(
            shebang_kind(line.as_bytes()),
            Some(HeaderKind::Flake),
            "{line:?}"
        );
        assert!(is_nix_flake_shebang(line.as_bytes()));
        assert!(!is_nix_shell_shebang(line.as_bytes()));
    }
}

#[test]
fn not_scripts() {
    for line in [
        "",
        "\n",
        "#!/usr/bin/env python3",
        "#!/usr/bin/python3",
        "#!/usr/bin/env nix-shellx",
        "#!/usr/bin/env xnix-shell",
        "#!/usr/bin/nix-shellx",
        "#!/usr/bin/env nixx",
        "#!/usr/bin/env",
        "#!",
        "#!nix-shell -i python3",
        "#! nix-shell -i python3",
        "#!nix-shell",
        " #!/usr/bin/env nix-shell",
        "# /usr/bin/env nix-shell",
        "import os  # /usr/bin/env nix-shell",
        "\u{feff}\u{feff}#!/usr/bin/env nix-shell",
        "#!/usr/bin/envy nix-shell",
        "#!/usr/bin/env bash nix-shell",
        "\n#!/usr/bin/env nix-shell",
        "#!/usr/bin/env -S python3 nix-shell",
    ] {
        assert_eq!(shebang_kind(line.as_bytes()), None, "{line:?}");
    }
    // Binary junk after the shebang does not matter; junk before it does.
    assert!(is_nix_shell_shebang(
        b"#!/usr/bin/env nix-shell\n\0\xff\xfe"
    ));
    assert!(!is_nix_shell_shebang(b"\0#!/usr/bin/env nix-shell"));
    assert!(!is_nix_shell_shebang(b"\xff\xfe#\0!\0"));
}

#[test]
fn first_line_reading_is_bounded() {
    // A reader that would fail if asked for more than the limit.
    struct Endless(usize);
    impl std::io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            assert!(
                self.0 <= 2 * nixdeps::discover::SNIFF_LIMIT,
                "read too much"
            );
            buf.fill(b'a');
            Ok(buf.len())
        }
    }
    let line = read_first_line(&mut Endless(0)).unwrap();
    assert_eq!(line.len(), nixdeps::discover::SNIFF_LIMIT);

    let mut data: &[u8] = b"#!/usr/bin/env nix-shell\r\nsecond line\n";
    assert_eq!(
        read_first_line(&mut data).unwrap(),
        b"#!/usr/bin/env nix-shell\r\n"
    );
    let mut data: &[u8] = b"no newline at all";
    assert_eq!(read_first_line(&mut data).unwrap(), b"no newline at all");
}
