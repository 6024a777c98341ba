"""Files that are either whole or absent: the one way site_builder writes a file in place.

A build, a check or a preview can be killed at any moment (Ctrl-C, a closed laptop, `kill -9`);
a reader (the next build, a web server, a browser) must never find half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_write(target: Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """A temporary file beside `target` that replaces it in one rename when the block succeeds.

    `mode` is "wb" or "w" (text is written as UTF-8). On any failure the temporary file is removed
    and `target` is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, mode, encoding=None if "b" in mode else "utf-8") as stream:
            yield stream
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def write_file_atomically(target: Path, data: bytes | str) -> None:
    """Write `data` (bytes, or text as UTF-8) to `target` with `atomic_write`."""
    with atomic_write(target, "wb" if isinstance(data, bytes) else "w") as stream:
        stream.write(data)
