#!/usr/bin/env nix-shell
#! nix-shell -i "python3 -I" -p "python3.withPackages(p: with p; [ rich structlog ])"

import structlog
from rich.console import Console
import httpx

log = structlog.get_logger()
Console().print("[bold]hello[/bold]")
log.info("done", client=httpx.Client)
