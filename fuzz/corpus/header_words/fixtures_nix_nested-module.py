#!/usr/bin/env nix-shell
#!nix-shell -i python3 -p "python3.withPackages (ps: [ ps.protobuf ps.google-auth ])"
# protobuf provides google.protobuf and google-auth provides google.auth: `google` itself
# must stay a namespace package both can add to.
import json

import google.auth
from google.protobuf import NIXDEPS_STUB

print(json.dumps({"protobuf": NIXDEPS_STUB, "auth": google.auth.NIXDEPS_STUB}))
