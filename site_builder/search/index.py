"""Build the sharded search index from the published articles and write it under `search/`.

Why an index of our own (issue #10, design and measurements in SPEED.md §2): Material's lunr
index with jieba words is one file of 28 MB at 2,000 articles that every reader downloads before
the first result, and word segmentation misses any query that crosses a word boundary (委志,
工委). Pagefind splits its index, but segments words too (no substring semantics) and needed
2.76 GB to index 10,000 pages. Character bigrams with positions find every substring; splitting
them by term hash, and frequent terms' postings by document block, lets a query fetch only the
shards of its own terms (tens of KB).

Files, all small and immutable in meaning between rebuilds of unchanged content:

- `meta.json`: format version, shard counts, block size, document count.
- `t/<h>.bin`, h = FNV-1a(term) mod S: records of varints, each a term (length, UTF-8), its title
  postings (document count, length, postings: complete, with positions), its body document
  count, the count of documents with the term in both, then either its body postings (2 × length,
  postings; up to INLINE_LIMIT bytes) or where they are (2 × blocks + 1, total length, block gaps).
- `p/<g>/<k>.bin`, g = FNV-1a(term) mod SP: body postings of the frequent terms of group g in
  block k (documents k·B … k·B + B − 1) only, so a query reads the newest block first; records of
  term (length, UTF-8) and postings (length, postings whose first gap counts from k·B).
- `d/<id>.json`: title, URL, date, section and text of one document, fetched only for results shown.
- `search.js`: the client that reads them (same folder, so a reader never mixes versions).

Document ids follow (date, source path), oldest first: new articles append, earlier ids stay.
Postings are unsigned LEB128 varints: document gap, then for a bigram its count and position
gaps, e.g. `03 02 11 29` (document +3, two positions: 17 and 17 + 41).

Beyond SPEED's prototype: S and SP are both chosen from the data (below); each term also records
how many documents have it in both title and text, so a one- or two-character query knows its
exact total from its shard alone; the client counts longer queries exactly only while that costs
little (`COUNT_BUDGET` in search.js), since counting a frequent phrase at 10,000 articles means
reading every block (measured: up to 388 KB gzipped for one query, against 68 KB).

Memory: postings never live as Python objects per occurrence. Documents are analysed in batches
that divide a block; at the end of each batch every term's postings in the batch, already encoded,
are appended as one chunk to a byte buffer of its hash bucket. Buckets are then encoded one at a
time and their buffers dropped (SPEED §2.4: per-term dicts needed 305 MB for 1,000 real articles).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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


def fnv1a(data: bytes) -> int:
    """32-bit FNV-1a of `data`: the hash that places a term in its shard (same in search.js)."""
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


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


def write_search_index(site: Site, texts: Mapping[str, str], out_dir: Path) -> SearchStats:
    """Write the index of `site.published` into `out_dir` (the site's `search/` folder).

    `texts` maps an article's source name (src_uri) to its body as plain text; an article without
    one is indexed by its title. Only published articles can enter: withheld ones are not in
    `site.published`. Files whose bytes are unchanged are not rewritten; files of a previous index
    that this one no longer has are removed.
    """
    section_titles = {section.name: section.title for section in site.settings.sections}
    writer = _Writer(out_dir)
    spill = _Spill()
    articles = document_order(site)
    for doc, article in enumerate(articles):
        title = clean_text(article.title)
        text = clean_text(texts.get(article.source.src_uri, ""))
        spill.add(doc, title, text)
        record = {
            "title": title,
            "url": article.url,
            "date": article.date.date().isoformat(),
            "section": section_titles.get(article.section, article.section),
            "text": text,
        }
        writer.write(f"d/{doc}.json", json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
    encoded = spill.encode()
    shards = _power_of_two_at_least(sum(len(t) for t in encoded.shard_parts) / SHARD_BYTES)
    groups = _power_of_two_at_least(encoded.frequent_terms / TERMS_PER_GROUP)
    for shard in range(shards):
        writer.write(f"t/{shard}.bin", b"".join(encoded.shard_parts[shard::shards]))
    for group in range(groups):
        blocks: dict[int, list[bytes]] = {}
        for bucket in range(group, BUCKETS, groups):
            for block, part in encoded.block_parts[bucket]:
                blocks.setdefault(block, []).append(part)
        for block, parts in sorted(blocks.items()):
            writer.write(f"p/{group}/{block}.bin", b"".join(parts))
    writer.write("search.js", CLIENT.read_bytes())
    meta = {
        "version": FORMAT_VERSION,
        "documents": len(articles),
        "block": BLOCK_SIZE,
        "shards": shards,
        "groups": groups,
    }
    writer.write("meta.json", json.dumps(meta, separators=(",", ":")).encode())
    removed = writer.remove_others(("t", "p", "d"))
    return SearchStats(
        documents=len(articles),
        terms=encoded.terms,
        frequent_terms=encoded.frequent_terms,
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
# Spilling: documents → per-bucket byte buffers of encoded chunks


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


class _Spill:
    """Postings of every document, in chunks per (term, field, batch), kept in bucket buffers."""

    def __init__(self) -> None:
        self.buckets = [bytearray() for _ in range(BUCKETS)]
        self.batch: tuple[dict[str, list[Any]], dict[str, list[Any]]] = ({}, {})
        """Per field: term → [first document, last document, documents, encoded postings]."""
        self.both: dict[str, int] = {}
        """Term → documents of the batch with the term in their title and their text."""
        self.batch_number = 0
        self._hashes: dict[str, tuple[int, bytes]] = {}
        """Term → (bucket, length-prefixed UTF-8), for the terms seen lately (bounded)."""

    def add(self, doc: int, title: str, text: str) -> None:
        """Analyse document `doc` (ids arrive in ascending order)."""
        if doc // BATCH_SIZE != self.batch_number:
            self._flush()
            self.batch_number = doc // BATCH_SIZE
        fields = analyse(title), analyse(text)
        # The hot loop of the build's search stage: inlined, one dict look-up per term and document.
        gaps = _VARINTS  # a gap within a batch is below BATCH_SIZE, always in the table
        for kind, terms in enumerate(fields):
            table = self.batch[kind]
            for character in terms.characters:
                state = table.get(character)
                if state is None:
                    table[character] = [doc, doc, 1, bytearray()]
                else:
                    state[3] += gaps[doc - state[1]]
                    state[1] = doc
                    state[2] += 1
            for bigram, positions in terms.bigrams.items():
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
        both = self.both
        for term in fields[0].characters & fields[1].characters:
            both[term] = both.get(term, 0) + 1
        for term in fields[0].bigrams.keys() & fields[1].bigrams.keys():
            both[term] = both.get(term, 0) + 1

    def _flush(self) -> None:
        """Append the batch's chunks to their buckets: one header and one byte string per term."""
        if len(self._hashes) > 500_000:
            self._hashes.clear()
        for kind, table in enumerate(self.batch):
            for term, (first, last, count, data) in table.items():
                bucket, header = self._bucket_of(term)
                buffer = self.buckets[bucket]
                buffer += header
                buffer += _VARINTS[kind]
                buffer += varint(first)
                buffer += varint(last - first)
                buffer += varint(count)
                buffer += varint(len(data))
                buffer += data
            table.clear()
        for term, count in self.both.items():
            bucket, header = self._bucket_of(term)
            self.buckets[bucket] += header + _VARINTS[BOTH] + _VARINTS[0] + _VARINTS[0] + varint(count) + _VARINTS[0]
        self.both.clear()

    def _bucket_of(self, term: str) -> tuple[int, bytes]:
        known = self._hashes.get(term)
        if known is None:
            utf8 = term.encode()
            known = self._hashes[term] = (fnv1a(utf8) & (BUCKETS - 1), varint(len(utf8)) + utf8)
        return known

    def encode(self) -> _Encoded:
        """Encode every bucket, freeing its buffer as soon as it is done."""
        self._flush()
        encoded = _Encoded()
        for bucket in range(BUCKETS):
            data = bytes(self.buckets[bucket])
            self.buckets[bucket] = bytearray()
            shard_part, block_parts, terms, frequent = _encode_bucket(data)
            encoded.shard_parts.append(shard_part)
            encoded.block_parts.append(block_parts)
            encoded.terms += terms
            encoded.frequent_terms += frequent
        return encoded


@dataclass
class _Encoded:
    shard_parts: list[bytes] = field(default_factory=list)
    """Per bucket: its terms' records, to be concatenated into t shards."""
    block_parts: list[list[tuple[int, bytes]]] = field(default_factory=list)
    """Per bucket: (block, records of its frequent terms' postings in that block)."""
    terms: int = 0
    frequent_terms: int = 0


# ---------------------------------------------------------------------------------------------
# Encoding one bucket: chunks → term records


def _read_varint(data: bytes, offset: int) -> tuple[int, int]:
    byte = data[offset]
    if byte < 0x80:
        return byte, offset + 1
    value, shift = byte & 0x7F, 7
    while True:
        offset += 1
        byte = data[offset]
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, offset + 1
        shift += 7


Chunk = tuple[int, int, bytes]
"""First document, last document, postings of the chunk without the first document's gap."""


def _chunks(data: bytes) -> dict[bytes, tuple[list[Chunk], list[Chunk], list[int]]]:
    """Parse a bucket buffer: term (length-prefixed UTF-8) → title chunks, body chunks, and the
    counts of documents with the term in the title, the body, both."""
    terms: dict[bytes, tuple[list[Chunk], list[Chunk], list[int]]] = {}
    offset, end = 0, len(data)
    while offset < end:
        length, start = _read_varint(data, offset)
        header = data[offset : start + length]
        offset = start + length
        kind = data[offset]
        first, offset = _read_varint(data, offset + 1)
        span, offset = _read_varint(data, offset)
        count, offset = _read_varint(data, offset)
        size, offset = _read_varint(data, offset)
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


# ---------------------------------------------------------------------------------------------
# Writing: only changed files, atomically; what is no longer part of the index goes


class _Writer:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.kept: set[str] = set()
        self.written = 0
        self.bytes = 0

    def write(self, name: str, data: bytes) -> None:
        target = self.out_dir / name
        self.kept.add(name)
        self.bytes += len(data)
        try:
            unchanged = target.stat().st_size == len(data) and target.read_bytes() == data
        except OSError:
            unchanged = False
        if not unchanged:
            write_file_atomically(target, data)
            self.written += 1

    def remove_others(self, folders: Iterable[str]) -> int:
        """Delete the files under `folders` that this index did not write; returns how many."""
        removed = 0
        for folder in folders:
            root = self.out_dir / folder
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*"), reverse=True):
                name = path.relative_to(self.out_dir).as_posix()
                if path.is_file() and name not in self.kept:
                    path.unlink()
                    removed += 1
                elif path.is_dir() and not any(path.iterdir()):
                    os.rmdir(path)
        return removed
