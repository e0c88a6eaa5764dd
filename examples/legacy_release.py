#!/usr/bin/env nix-shell
#! nix-shell -i python3 -p python3Packages.dateutil python3Packages.packaging git
"""Tag a release: compare versions and print the date of the last tag."""
import subprocess
from distutils.version import LooseVersion

import dateutil.parser
from packaging.version import Version


def last_tag_date() -> str:
    out = subprocess.run(["git", "log", "-1", "--format=%cI", "--tags"], capture_output=True, text=True)
    return dateutil.parser.isoparse(out.stdout.strip()).date().isoformat()


print(LooseVersion("1.2") < LooseVersion("1.10"), Version("1.0rc1").is_prerelease, last_tag_date())
