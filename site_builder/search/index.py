"""Build the sharded search index from the published articles and write it under `search/`.

Why an index of our own (issue #10, design and measurements in SPEED.md §2): Material's lunr
index with jieba words is one file of 28 MB at 2,000 articles that every reader downloads before
the first result, and word segmentation misses any query that crosses a word boundary (委志,
工委). Pagefind splits its index, but segments words too (no substring semantics) and needed
2.76 GB to index 10,000 pages. Character bigrams with positions find every substring; splitting
them by term hash, and frequent terms' postings by document block, lets a query fetch only the
shards of its own terms (tens of KB).

Files (each rewritten only when its bytes change, so a deploy uploads what a change touched):

- `meta.json`: format version, shard counts, block size, document count, a digest of the rest.
- `t/<h>.bin`, h = CRC-32(term) mod S: records of varints, each a term (length, UTF-8), its title
  postings (document count, length, postings: complete, with positions), its body document
  count, the count of documents with the term in both, then either its body postings (2 × length,
  postings; up to INLINE_LIMIT bytes) or where they are (2 × blocks + 1, total length, block gaps).
- `p/<g>/<k>.bin`, g = CRC-32(term) mod SP: body postings of the frequent terms of group g in
  block k (documents k·B … k·B + B − 1) only, so a query reads the newest block first; records of
  term (length, UTF-8) and postings (length, postings whose first gap counts from k·B).
- `d/<id>.json`: title, URL, date, section and text of one document, fetched only for results shown.
- `search.js`: the client that reads them (same folder, so a reader never mixes versions).

Document ids follow (date, source path), oldest first: new articles append, earlier ids stay.
Postings are unsigned LEB128 varints: document gap, then for a bigram its count and position
gaps, e.g. `03 02 11 29` (document +3, two positions: 17 and 17 + 41).

Beyond SPEED's prototype: S and SP are both chosen from the data (below); terms are hashed with
CRC-32, not FNV-1a (see `term_hash`); each term also records
how many documents have it in both title and text, so a one- or two-character query knows its
exact total from its shard alone; the client counts longer queries exactly only while that costs
little (`COUNT_BUDGET` in search.js), since counting a frequent phrase at 10,000 articles means
reading every block (measured: up to 388 KB gzipped for one query, against 68 KB).

Memory: postings never live as Python objects per occurrence. Documents are analysed in batches
that divide a block (in a process pool's workers when one is given); each batch writes every
term's postings in the batch, already encoded, as one chunk into a spill file, grouped by hash
bucket. Spill files are kept in the site's cache folder, named by their batch's contents, so the
next build analyses only the batches an edit touched. Buckets are then read back one at a time from all batch files, twice: once to measure
(S and SP follow from the sizes), once to encode, each t shard and p file written as soon as its
buckets are done. So the build holds one batch and a small part of the index, never the postings
of the whole site: for 10,000 articles of real news text, the spilled chunks alone took 76 MB in
memory and the encoded t and p data 49 MB; SPEED §2.4's per-term dicts needed 305 MB for 1,000.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
import tempfile
import zlib
from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_builder.atomic import write_file_atomically
from site_builder.content.model import Article
from site_builder.search.analyse import analyse, clean_text
from site_builder.site import Site

FORMAT_VERSION = 1
"""Bump when the layout of any file changes; `search.js` refuses an index of another version."""
BLOCK_SIZE = 1024
"""Documents per block of a frequent term's body postings (SPEED §2.1: B = 1,024)."""
BATCH_SIZE = 256
"""Documents analysed before their postings are spilled; divides BLOCK_SIZE, so that every spilled
chunk lies within one block and a block's postings are a concatenation of chunks."""
BUCKETS = 16384
"""Spill buckets (a power of two): the most shards or postings groups an index can have."""
INLINE_LIMIT = 2048
"""Body postings of a term up to this many bytes stay in its t shard; larger ones go to p files."""
SHARD_BYTES = 4096
"""Target average size of a t shard: S is the smallest power of two that keeps the average at or
below it (SPEED §2.4: 512 shards for the bench corpus at 2,000 articles, 2,048 for 1,000 real ones)."""
TERMS_PER_GROUP = 2
"""Frequent terms per postings group on average: SP is the smallest power of two that keeps it at
or below (SPEED §2.3: about two terms a file halved the largest first query against a quarter as
many groups, and one file per term saved little more at three times the files)."""
SPILL_WINDOW = 4
"""Batches queued in the executor at most: enough to keep two workers busy, few texts in flight."""
CLIENT = Path(__file__).with_name("search.js")

TITLE, BODY, BOTH = 0, 1, 2
"""Kinds of spilled chunks: title postings, body postings, and (count only) documents with the term
in both, so that a one- or two-character query knows its exact total without reading p files."""

_TABLE_SIZE = 1 << 14
_VARINTS = [bytes([n]) if n < 0x80 else bytes([n & 0x7F | 0x80, n >> 7]) for n in range(_TABLE_SIZE)]


def varint(number: int) -> bytes:
    """`number` (≥ 0) as an unsigned LEB128 varint."""
    if number < _TABLE_SIZE:
        return _VARINTS[number]
    out = bytearray()
    while number >= 0x80:
        out.append(number & 0x7F | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def term_hash(term: str) -> int:
    """CRC-32 (zlib's, IEEE) of the term's UTF-8: the hash that places a term in its shard and
    postings group (search.js computes the same).

    SPEED §2.1 proposed FNV-1a. CRC-32 spreads short strings as evenly over power-of-two moduli,
    and zlib computes it in C: FNV-1a in pure Python cost about 1 µs per term and batch (2 million
    calls for 10,000 articles of real text), or a cache of every term seen.
    """
    return zlib.crc32(term.encode())


@dataclass(frozen=True)
class SearchStats:
    """What `write_search_index` wrote, for the build log and the benchmark."""

    documents: int
    terms: int
    frequent_terms: int
    """Terms whose body postings live in p files."""
    shards: int
    """S: number of t shards."""
    groups: int
    """SP: number of postings groups of frequent terms."""
    files: int
    bytes: int
    """Total size of the index's files."""
    written: int
    """Files whose content changed (or is new); the others were left untouched."""
    removed: int
    """Files of a previous index that this one no longer has."""


def document_order(site: Site) -> list[Article]:
    """Published articles by (date, source path), oldest first: index i is document id i."""
    return sorted(site.published, key=lambda a: (a.date.timestamp(), a.source.src_uri))


def write_search_index(
    site: Site,
    texts: Mapping[str, str],
    out_dir: Path,
    executor: Executor | None = None,
    doc_keys: Mapping[str, str] | None = None,
) -> SearchStats:
    """Write the index of `site.published` into `out_dir` (the site's `search/` folder).

    `texts` maps an article's source name (src_uri) to its body as plain text; an article without
    one is indexed by its title. Only published articles can enter: withheld ones are not in
    `site.published`. Files whose bytes are unchanged are not rewritten; files of a previous index
    that this one no longer has are removed. With an `executor` (a process pool), batches of
    documents are analysed in its workers; the files are the same either way.

    `doc_keys` (an incremental build's page keys, by src_uri: each covers its article's title,
    date, URL and rendered text) name the batches instead of their texts: a batch whose keys are
    those of a batch of an earlier build is taken from the cache without reading one text, and
    its `d/` files, found in `out_dir` as they were, are not written again. `texts` may then be a
    lazy mapping: only the texts of other batches are asked for.
    """
    writer = _Writer(out_dir)
    articles = document_order(site)
    with _spill_folder(site.settings.cache_dir) as folder:
        batches = _spill(site, articles, texts, folder, executor, writer, doc_keys)
        with _SpillReader(batches) as spill:
            terms, frequent_terms, size = _measure(spill)
            shards = _power_of_two_at_least(size / SHARD_BYTES)
            groups = _power_of_two_at_least(frequent_terms / TERMS_PER_GROUP)
            _write_postings(spill, shards, groups, writer)
        _forget_other_batches(folder, batches)
    writer.write("search.js", CLIENT.read_bytes())
    meta = {
        "version": FORMAT_VERSION,
        "documents": len(articles),
        "block": BLOCK_SIZE,
        "shards": shards,
        "groups": groups,
        # The client asks for every other file with `?v=<build>`: a browser never combines this
        # meta.json (fetched fresh) with shards of an earlier build from its cache.
        "build": writer.build_id(),
    }
    writer.write("meta.json", json.dumps(meta, separators=(",", ":")).encode())
    removed = writer.remove_others(("t", "p", "d"))
    return SearchStats(
        documents=len(articles),
        terms=terms,
        frequent_terms=frequent_terms,
        shards=shards,
        groups=groups,
        files=len(writer.kept),
        bytes=writer.bytes,
        written=writer.written,
        removed=removed,
    )


def _power_of_two_at_least(value: float) -> int:
    """The smallest power of two ≥ `value`, between 1 and BUCKETS."""
    result = 1
    while result < value and result < BUCKETS:
        result *= 2
    return result


# ---------------------------------------------------------------------------------------------
# Spilling: documents → one file per batch, its chunks in bucket order

SpilledBatch = tuple[Path, "array[int]"]
"""A batch's spill file and the offset of each bucket's chunks in it (BUCKETS + 1 offsets)."""


@contextmanager
def _spill_folder(cache_dir: Path | None) -> Iterator[Path]:
    """Where batches are spilled: kept in the cache folder between builds (an edit re-analyses
    only its own batch), or a temporary folder when the site has no cache."""
    if cache_dir is None:
        with tempfile.TemporaryDirectory(prefix="search-spill-") as temporary:
            yield Path(temporary)
        return
    kept = cache_dir / "search-batches"
    kept.mkdir(parents=True, exist_ok=True)
    yield kept


def _batch_key(batch: list[tuple[int, str, str]]) -> str:
    """What a batch's spill file is made of: the format, its documents' ids, titles and texts."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}\0{BUCKETS}\0{BATCH_SIZE}".encode())
    for doc, title, text in batch:
        digest.update(f"\0{doc}\0{title}\0{len(text)}\0".encode())
        digest.update(text.encode())
    return digest.hexdigest()[:32]


def _cached_batch(path: Path) -> array[int] | None:
    """The offsets of a batch spilled by an earlier build, if its files are whole."""
    offsets: array[int] = array("Q")
    try:
        offsets.frombytes(path.with_suffix(".offsets").read_bytes())
        size = path.stat().st_size
    except (OSError, ValueError):
        return None
    return offsets if len(offsets) == BUCKETS + 1 and offsets[-1] == size else None


def _spill_and_remember(path: Path, documents: list[tuple[int, str, str]]) -> array[int]:
    """`spill_batch` into a temporary name, then its offsets beside it: a build stopped halfway
    leaves no spill file that `_cached_batch` would take for whole."""
    partial = path.with_name(path.name + ".partial")
    offsets = spill_batch(partial, documents)
    os.replace(partial, path)
    write_file_atomically(path.with_suffix(".offsets"), offsets.tobytes())
    return offsets


def _forget_other_batches(folder: Path, batches: list[SpilledBatch]) -> None:
    """Remove the spill files this build did not use (an earlier version of an edited batch)."""
    used = {path.with_suffix(suffix).name for path, _ in batches for suffix in (".spill", ".offsets", ".docs")}
    for path in folder.iterdir():
        if path.name not in used:
            path.unlink(missing_ok=True)


def _spill(
    site: Site,
    articles: list[Article],
    texts: Mapping[str, str],
    folder: Path,
    executor: Executor | None,
    writer: _Writer,
    doc_keys: Mapping[str, str] | None = None,
) -> list[SpilledBatch]:
    """Analyse every document batch by batch (in the executor's workers if given) while writing
    the `d/` files; at most SPILL_WINDOW batches wait in the executor, so their texts stay few.

    A batch whose documents are those of a batch spilled by an earlier build is not analysed
    again: articles are numbered oldest first, so an edit changes one batch and a new article
    the last, and a build after one edit analyses 256 documents instead of all.
    """
    section_titles = {section.name: section.title for section in site.settings.sections}
    spilled: list[SpilledBatch] = []
    waiting: deque[tuple[Path, Future[array[int]]]] = deque()
    for start in range(0, len(articles), BATCH_SIZE):
        members = list(enumerate(articles[start : start + BATCH_SIZE], start))
        keys = [doc_keys.get(a.source.src_uri) for _, a in members] if doc_keys is not None else None
        batch: list[tuple[int, str, str]] = []
        if keys is not None and all(keys):
            path = folder / f"{_batch_key_of_documents(members, keys)}.spill"
            cached = _cached_batch(path)
            if cached is not None and _kept_documents(path, writer):
                _queue(spilled, waiting, path, cached, None, executor)
                continue
        for doc, article in members:
            title = clean_text(article.title)
            text = clean_text(texts.get(article.source.src_uri, ""))
            batch.append((doc, title, text))
            record = {
                "title": title,
                "url": article.url,
                "date": article.date.date().isoformat(),
                "section": section_titles.get(article.section, article.section),
                "text": text,
            }
            writer.write(f"d/{doc}.json", json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
        if keys is None or not all(keys):
            path = folder / f"{_batch_key(batch)}.spill"
        _remember_documents(path, writer, [doc for doc, _ in members])
        _queue(spilled, waiting, path, _cached_batch(path), batch, executor)
    spilled += [(path, job.result()) for path, job in waiting]
    return spilled


def _queue(
    spilled: list[SpilledBatch],
    waiting: deque[tuple[Path, Future[array[int]]]],
    path: Path,
    cached: array[int] | None,
    batch: list[tuple[int, str, str]] | None,
    executor: Executor | None,
) -> None:
    """Spill `batch` into `path` (or take `cached`), keeping the batches in document order."""
    if executor is None:
        assert cached is not None or batch is not None
        spilled.append((path, cached if cached is not None else _spill_and_remember(path, batch or [])))
        return
    if cached is None:
        job = executor.submit(_spill_and_remember, path, batch or [])
    else:  # queued all the same, so that batches stay in document order
        job = Future()
        job.set_result(cached)
    waiting.append((path, job))
    while len(waiting) >= SPILL_WINDOW:
        done, first = waiting.popleft()
        spilled.append((done, first.result()))


def _batch_key_of_documents(members: list[tuple[int, Article]], keys: list[str | None]) -> str:
    """A batch named by its documents' ids and page keys (see `write_search_index`)."""
    digest = hashlib.sha256(f"keys\0{FORMAT_VERSION}\0{BUCKETS}\0{BATCH_SIZE}".encode())
    for (doc, _), key in zip(members, keys, strict=True):
        digest.update(f"\0{doc}\0{key}".encode())
    return digest.hexdigest()[:32]


def _remember_documents(path: Path, writer: _Writer, docs: list[int]) -> None:
    """Beside a batch's spill file: its `d/` files' names, sizes and digests, as just written."""
    entries = [writer.entries[f"d/{doc}.json"] for doc in docs]
    write_file_atomically(path.with_suffix(".docs"), json.dumps(entries).encode())


def _kept_documents(path: Path, writer: _Writer) -> bool:
    """Take a cached batch's `d/` files as they are in the output, if every one is there with its
    recorded size; False (nothing taken) otherwise, and the batch's files are written again."""
    try:
        entries = json.loads(path.with_suffix(".docs").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not all(writer.present(name, size) for name, size, _ in entries):
        return False
    for name, size, digest in entries:
        writer.keep(name, size, digest)
    return True


def spill_batch(path: Path, documents: list[tuple[int, str, str]]) -> array[int]:
    """Analyse `documents` ((id, title, text), ids ascending, all in one batch) and write their
    postings to `path` as chunks, one per term and field, grouped by bucket; returns the offsets.

    Module-level so that a process pool can run it.
    """
    tables: tuple[dict[str, list[Any]], dict[str, list[Any]]] = ({}, {})
    """Per field: term → [first document, last document, documents, encoded postings]."""
    both: dict[str, int] = {}
    """Term → documents with the term in their title and their text."""
    gaps = _VARINTS  # a gap within a batch is below BATCH_SIZE, always in the table
    one = _VARINTS[1]
    for doc, title, text in documents:
        fields = analyse(title), analyse(text)
        # The hot loop of the search stage: one dict look-up per term and document.
        for kind, terms in enumerate(fields):
            table = tables[kind]
            for character in terms.characters:
                state = table.get(character)
                if state is None:
                    table[character] = [doc, doc, 1, bytearray()]
                else:
                    state[3] += gaps[doc - state[1]]
                    state[1] = doc
                    state[2] += 1
            for bigram, positions in terms.bigrams.items():
                if len(positions) == 1 and positions[0] < _TABLE_SIZE:
                    entry = one + gaps[positions[0]]
                else:
                    entry = _positions_entry(positions)
                state = table.get(bigram)
                if state is None:
                    table[bigram] = [doc, doc, 1, bytearray(entry)]
                else:
                    data = state[3]
                    data += gaps[doc - state[1]]
                    data += entry
                    state[1] = doc
                    state[2] += 1
        for term in fields[0].characters & fields[1].characters:
            both[term] = both.get(term, 0) + 1
        for term in fields[0].bigrams.keys() & fields[1].bigrams.keys():
            both[term] = both.get(term, 0) + 1

    buckets: dict[int, bytearray] = {}
    for kind, table in enumerate(tables):
        for term, (first, last, count, data) in table.items():
            header = _header(term)
            buffer = buckets.get(header[0])
            if buffer is None:
                buffer = buckets[header[0]] = bytearray()
            buffer += header[1]
            buffer += _CHUNK.pack(kind, first, last - first, count, len(data))
            buffer += data
    for term, count in both.items():
        bucket, header_bytes = _header(term)
        buffer = buckets.get(bucket)
        if buffer is None:
            buffer = buckets[bucket] = bytearray()
        buffer += header_bytes + _CHUNK.pack(BOTH, 0, 0, count, 0)
    offsets: array[int] = array("Q", [0])
    with open(path, "wb") as spill:
        for bucket in range(BUCKETS):
            data = buckets.get(bucket)
            if data:
                spill.write(data)
            offsets.append(offsets[-1] + (len(data) if data else 0))
    return offsets


def _header(term: str) -> tuple[int, bytes]:
    """A term's bucket and its length-prefixed UTF-8."""
    utf8 = term.encode()
    return zlib.crc32(utf8) & (BUCKETS - 1), _VARINTS[len(utf8)] + utf8


def _positions_entry(positions: list[int]) -> bytes:
    """A bigram's entry in one document: count, first position, gaps to the next ones."""
    if len(positions) == 1:
        position = positions[0]
        return _VARINTS[1] + (_VARINTS[position] if position < _TABLE_SIZE else varint(position))
    parts = [varint(len(positions)), varint(positions[0])]
    previous = positions[0]
    for position in positions[1:]:
        parts.append(varint(position - previous))
        previous = position
    return b"".join(parts)


class _SpillReader:
    """The chunks of one bucket from every batch file, in batch (so document) order.

    The files are memory-mapped: both passes read every bucket of every batch (2 × 16,384 × 40
    reads at 10,000 articles), and a slice of a map costs no system call where `os.pread` did.
    The maps are the page cache's pages (36 MB of spill files at 10,000 articles), which the
    kernel can drop under pressure, not memory of the build's own.
    """

    def __init__(self, batches: list[SpilledBatch]) -> None:
        self.batches = batches
        self.maps: list[mmap.mmap | bytes] = []

    def __enter__(self) -> _SpillReader:
        for path, _ in self.batches:
            with open(path, "rb") as spill:
                size = os.fstat(spill.fileno()).st_size
                self.maps.append(mmap.mmap(spill.fileno(), 0, access=mmap.ACCESS_READ) if size else b"")
        return self

    def __exit__(self, *exc: object) -> None:
        for mapped in self.maps:
            if isinstance(mapped, mmap.mmap):
                mapped.close()
        self.maps = []

    def bucket(self, bucket: int) -> bytes:
        parts = []
        for mapped, (_, offsets) in zip(self.maps, self.batches, strict=True):
            start, end = offsets[bucket], offsets[bucket + 1]
            if end > start:
                parts.append(mapped[start:end])
        return b"".join(parts)


def _measure(spill: _SpillReader) -> tuple[int, int, int]:
    """Terms, frequent terms and total size of the t records: S and SP are chosen from these
    before anything is written, so that t shards and p files can be written as they complete."""
    terms = frequent = size = 0
    for bucket in range(BUCKETS):
        bucket_terms, bucket_frequent, bucket_size = _bucket_size(spill.bucket(bucket))
        terms += bucket_terms
        frequent += bucket_frequent
        size += bucket_size
    return terms, frequent, size


def _write_postings(spill: _SpillReader, shards: int, groups: int, writer: _Writer) -> None:
    """Encode every bucket and write each t shard and p group as soon as all its buckets are done.

    Bucket b belongs to shard b mod S and group b mod SP, both powers of two: walking the buckets
    by the coarser modulus, then the finer one, completes a unit of the finer kind after each
    inner walk and one of the coarser kind after each outer walk. Only one coarse unit's data
    (1/min(S, SP) of the index) waits in memory.
    """
    fine, coarse = max(shards, groups), min(shards, groups)
    pending_shards: dict[int, list[tuple[int, bytes]]] = {}
    pending_groups: dict[int, dict[int, list[tuple[int, bytes]]]] = {}

    def write_shard(shard: int) -> None:
        parts = sorted(pending_shards.pop(shard, []))
        writer.write(f"t/{shard}.bin", b"".join(part for _, part in parts))

    def write_group(group: int) -> None:
        for block, parts in sorted(pending_groups.pop(group, {}).items()):
            writer.write(f"p/{group}/{block}.bin", b"".join(part for _, part in sorted(parts)))

    for outer in range(coarse):
        for inner in range(outer, fine, coarse):
            for bucket in range(inner, BUCKETS, fine):
                shard_part, block_parts, _, _ = _encode_bucket(spill.bucket(bucket))
                pending_shards.setdefault(bucket % shards, []).append((bucket, shard_part))
                blocks = pending_groups.setdefault(bucket % groups, {})
                for block, part in block_parts:
                    blocks.setdefault(block, []).append((bucket, part))
            (write_shard if shards == fine else write_group)(inner)
            if shards == groups:
                write_group(inner)
        if shards != groups:
            (write_group if shards == fine else write_shard)(outer)


# ---------------------------------------------------------------------------------------------
# Encoding one bucket: chunks → term records


_CHUNK = struct.Struct("<BIHHI")
"""A spilled chunk after its term: kind, first document, last − first, documents, postings length.
Fixed width: one `unpack_from` per chunk, where varints took five Python calls (the spill files
are temporary, so their size matters less than the time to read them twice)."""

Chunk = tuple[int, int, bytes]
"""First document, last document, postings of the chunk without the first document's gap."""


def _chunks(data: bytes) -> dict[bytes, tuple[list[Chunk], list[Chunk], list[int]]]:
    """Parse a bucket buffer: term (length-prefixed UTF-8) → title chunks, body chunks, and the
    counts of documents with the term in the title, the body, both."""
    terms: dict[bytes, tuple[list[Chunk], list[Chunk], list[int]]] = {}
    offset, end = 0, len(data)
    unpack, chunk_size = _CHUNK.unpack_from, _CHUNK.size
    while offset < end:
        start = offset + 1 + data[offset]  # a term's UTF-8 is at most 8 bytes: a one-byte length
        header = data[offset:start]
        kind, first, span, count, size = unpack(data, start)
        offset = start + chunk_size
        entry = terms.get(header)
        if entry is None:
            entry = terms[header] = ([], [], [0, 0, 0])
        if kind != BOTH:
            (entry[0] if kind == TITLE else entry[1]).append((first, first + span, data[offset : offset + size]))
        entry[2][kind] += count
        offset += size
    return terms


def _join(chunks: Iterable[Chunk], base: int) -> bytes:
    """Concatenate chunks into one postings list whose first gap is counted from `base`."""
    parts, previous = [], base
    for first, last, data in chunks:
        parts.append(varint(first - previous))
        parts.append(data)
        previous = last
    return b"".join(parts)


def _encode_bucket(data: bytes) -> tuple[bytes, list[tuple[int, bytes]], int, int]:
    """One bucket's t records and its frequent terms' p records per block."""
    records: list[bytes] = []
    blocks: dict[int, list[bytes]] = {}
    frequent = 0
    terms = _chunks(data)
    for header in sorted(terms):
        title_chunks, body_chunks, (title_count, body_count, both_count) = terms[header]
        title = _join(title_chunks, 0)
        body = _join(body_chunks, 0)
        record = [header, varint(title_count), varint(len(title)), title, varint(body_count), varint(both_count)]
        if len(body) <= INLINE_LIMIT:
            record += [varint(len(body) * 2), body]
        else:
            frequent += 1
            by_block: dict[int, list[Chunk]] = {}
            for chunk in body_chunks:
                by_block.setdefault(chunk[0] // BLOCK_SIZE, []).append(chunk)
            record += [varint(len(by_block) * 2 + 1), varint(len(body))]
            previous = 0
            for block, chunks in by_block.items():
                record.append(varint(block - previous))
                previous = block
                postings = _join(chunks, block * BLOCK_SIZE)
                blocks.setdefault(block, []).append(header + varint(len(postings)) + postings)
        records.append(b"".join(record))
    return (
        b"".join(records),
        [(block, b"".join(parts)) for block, parts in sorted(blocks.items())],
        len(terms),
        frequent,
    )


def _bucket_size(data: bytes) -> tuple[int, int, int]:
    """Terms, frequent terms and bytes of t records of a bucket: `_encode_bucket`'s sizes, counted
    without building the records."""
    terms = _chunks(data)
    frequent = size = 0
    for header, (title_chunks, body_chunks, counts) in terms.items():
        title, body = _joined_length(title_chunks, 0), _joined_length(body_chunks, 0)
        size += len(header) + sum(map(_varint_length, counts)) + _varint_length(title) + title
        if body <= INLINE_LIMIT:
            size += _varint_length(body * 2) + body
        else:
            frequent += 1
            blocks = sorted({first // BLOCK_SIZE for first, _, _ in body_chunks})
            size += _varint_length(len(blocks) * 2 + 1) + _varint_length(body)
            size += sum(_varint_length(block - previous) for block, previous in zip(blocks, [0, *blocks], strict=False))
    return len(terms), frequent, size


def _joined_length(chunks: Iterable[Chunk], base: int) -> int:
    """len(_join(chunks, base))."""
    length, previous = 0, base
    for first, last, data in chunks:
        length += _varint_length(first - previous) + len(data)
        previous = last
    return length


def _varint_length(number: int) -> int:
    return max(1, (number.bit_length() + 6) // 7)


# ---------------------------------------------------------------------------------------------
# Writing: only changed files, atomically; what is no longer part of the index goes


class _Writer:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.kept: set[str] = set()
        self.written = 0
        self.bytes = 0
        self.entries: dict[str, tuple[str, int, str]] = {}
        """Name → (name, size, SHA-256) of every file of the index: its `build` in meta.json."""

    def write(self, name: str, data: bytes) -> None:
        target = self.out_dir / name
        self.keep(name, len(data), hashlib.sha256(data).hexdigest())
        try:
            unchanged = target.stat().st_size == len(data) and target.read_bytes() == data
        except OSError:
            unchanged = False
        if not unchanged:
            write_file_atomically(target, data)
            self.written += 1

    def present(self, name: str, size: int) -> bool:
        """True when `name` is in the output with this size (a file of the previous index)."""
        try:
            return (self.out_dir / name).stat().st_size == size
        except OSError:
            return False

    def keep(self, name: str, size: int, digest: str) -> None:
        """Count `name` as part of the index, as it is on disk (see `present`) or just written."""
        self.kept.add(name)
        self.bytes += size
        self.entries[name] = (name, size, digest)

    def build_id(self) -> str:
        """A digest of every file's name, size and content: changes whenever any file does."""
        listing = "\n".join(f"{name} {size} {digest}" for name, size, digest in sorted(self.entries.values()))
        return hashlib.sha256(listing.encode()).hexdigest()[:16]

    def remove_others(self, folders: Iterable[str]) -> int:
        """Delete the files under `folders` that this index did not write, and folders left
        empty; returns how many files."""
        removed = 0
        for folder in folders:
            removed += self._remove_unkept(self.out_dir / folder, f"{folder}/")
        return removed

    def _remove_unkept(self, root: Path, prefix: str) -> int:
        if not root.is_dir() or root.is_symlink():
            return 0
        removed = 0
        with os.scandir(root) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    removed += self._remove_unkept(Path(entry.path), name + "/")
                elif name not in self.kept:
                    os.unlink(entry.path)
                    removed += 1
        if not any(os.scandir(root)):
            os.rmdir(root)
        return removed
