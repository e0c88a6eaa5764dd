#!/usr/bin/env nix-shell
#!nix-shell -i python3.11 -p python311 python311Packages.asyncinotify

import asyncio

import humanize
from asyncinotify import Inotify, Mask


async def main() -> None:
    with Inotify() as inotify:
        inotify.add_watch(".", Mask.CREATE)
        async for event in inotify:
            print(event.path, humanize.naturalsize(event.path.stat().st_size))


asyncio.run(main())
