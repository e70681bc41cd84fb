"""Files that arrive and leave through the API, whatever they become (a document, a template):
receiving one to local disk (hashed and checked as it passes), naming it safely, and tying blob writes
to the outcome of the transaction that records them."""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.orm import Session

from shared_code.core.errors import PayloadTooLarge, UnsupportedMediaType

log = logging.getLogger("pact.files")

MiB = 1024 * 1024
READ_CHUNK = 4 * MiB


@dataclass(frozen=True)
class Received:
    """A file written to local disk, with its size and SHA-256 (hex)."""

    path: Path
    size: int
    sha256: str


def read_chunks(stream: IO[bytes], size: int = READ_CHUNK) -> Iterator[bytes]:
    while chunk := stream.read(size):
        yield chunk


def receive(
    chunks: Iterable[bytes], target: Path, *, max_bytes: int, head_size: int, check_head: Callable[[bytes], None]
) -> Received:
    """Write `chunks` to `target`, hashing as they pass. The first `head_size` bytes go to `check_head`
    (which raises for content of the wrong kind) as soon as they are in, and a file growing over
    `max_bytes` is refused at once: neither has to arrive whole to be refused."""
    digest, size, head = hashlib.sha256(), 0, b""
    with target.open("wb") as out:
        for chunk in chunks:
            if len(head) < head_size:
                head = (head + chunk)[:head_size]
                if len(head) == head_size:
                    check_head(head)
            size += len(chunk)
            if size > max_bytes:
                raise too_large(max_bytes)
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise UnsupportedMediaType("the file is empty")
    check_head(head)
    return Received(target, size, digest.hexdigest())


def too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the file is larger than {max_bytes // MiB} MiB", details={"max_bytes": max_bytes})


def clean_file_name(name: str, *, fallback: str = "document.pdf") -> str:
    """A file name as given, without any folder, control characters or surrounding space (300 at most)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or fallback
    if len(name) > 300:
        stem, dot, extension = name.rpartition(".")
        name = stem[: 300 - len(extension) - 1] + dot + extension if dot and len(extension) <= 10 else name[:300]
    return name


def content_disposition(file_name: str, *, inline: bool) -> str:
    """A Content-Disposition value naming the file (RFC 6266: an ASCII name, and the exact one in UTF-8)."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_file_name(file_name)}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def ascii_file_name(file_name: str) -> str:
    """The file name in plain ASCII without quotes or separators, safe inside a quoted header value."""
    letters = (ch for ch in unicodedata.normalize("NFKD", file_name) if not unicodedata.combining(ch))  # Ü → U
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in " ._-()") else "_" for ch in letters).strip()
    return safe or "document.pdf"


# -- storage that follows the database's outcome ------------------------------------------------


def when_settled(session: Session, *, committed: Callable[[], object] | None, abandoned: Callable[[], object]) -> None:
    """Call `committed` once the session's transaction has committed, `abandoned` if it ends any other way
    (an error, a rollback, a commit that failed): blob writes then follow the rows they belong to."""
    state = {"committed": False, "settled": False}

    def on_commit(sess: Session) -> None:
        if not sess.in_nested_transaction():  # a savepoint's release is not the commit
            state["committed"] = True

    def on_end(_sess: Session, transaction) -> None:
        if transaction.parent is not None or state["settled"]:
            return  # a savepoint or a flush's inner transaction, not the transaction itself
        state["settled"] = True
        action = committed if state["committed"] else abandoned
        if action is not None:
            try:
                action()
            except Exception:  # storage is down: the temp purge or a later retry tidies up
                log.warning("tidying blobs after the transaction failed", exc_info=True)

    event.listen(session, "after_commit", on_commit)
    event.listen(session, "after_transaction_end", on_end)


def delete_blobs_quietly(blobs, written: Iterable[tuple[str, str]]) -> None:
    """Delete each `(container, name)`; what is already gone is no error (for `when_settled`)."""
    for container, name in written:
        blobs.delete(container, name)
