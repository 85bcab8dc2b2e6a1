"""The index writer: Whoosh's SegmentWriter with a faster flush of the postings, byte for byte.

At commit Whoosh turns its sorted pool of postings into posting blocks and term entries one
posting at a time, through several method calls each and a read of the document's field length
back from the column file just written: two thirds of a full rebuild's commit. `write_postings`
writes the same files — the same blocks, block statistics, term infos and term table, in the
same order — a term at a time, with each field's length bytes loaded once, and each field's
postings and term table entries in one write. It applies to
Whoosh's W3 codec without inlined postings (this index's); any other codec flushes as Whoosh
does. `tests/test_postings.py` compares the files with Whoosh's own.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter, sub
from pickle import dumps

from whoosh.codec import whoosh3
from whoosh.filedb import filetables
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.writing import SegmentWriter

# a pool item: (fieldname, term bytes, docnum, weight, value)
_FIELD, _TEXT, _TERM = itemgetter(0), itemgetter(1), itemgetter(0, 1)
_INFO = whoosh3.W3TermInfo._struct.pack
_MAGIC = whoosh3.WHOOSH3_HEADER_MAGIC  # before the first block of a posting list
_KEY_VALUE_LENGTHS = filetables._lengths.pack  # before each term table entry
_KEY_VALUE_SIZE = filetables._lengths.size


class IndexWriter(SegmentWriter):
    """`SegmentWriter` whose flush writes the postings with `write_postings` when it can."""

    def _flush_segment(self) -> None:
        if not fast_flush_applies(self):
            super()._flush_segment()
            return
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        write_postings(self.fieldwriter, self.schema, lengths, sorted_postings(self.pool))
        self.fieldwriter.close()
        lengths.close()


def fast_flush_applies(writer: SegmentWriter) -> bool:
    """Whether `write_postings` writes what Whoosh would for this writer's codec."""
    codec = writer.codec
    return (
        type(codec) is whoosh3.W3Codec
        and type(writer.fieldwriter) is whoosh3.W3FieldWriter
        and codec.length_stats
        and codec._inlinelimit <= 1  # Whoosh inlines no posting list then (len < 1 never holds)
        and not any(field.separate_spelling() for _, field in writer.schema.items())
    )


def sorted_postings(pool) -> Iterator[tuple[str, Iterable[tuple]]]:
    """(fieldname, its postings) in the order Whoosh's pool gives them: by field, term, document.

    Whoosh sorts the pool's tuples whole. A pool held in memory (no runs on disk) is in the
    order its postings were added, and documents are numbered in that order, so a term's
    postings are already by document: each field's are sorted by term only, stably (half the
    time). A pool with runs on disk is merged by Whoosh."""
    if pool.runs:
        return groupby(pool.iter_postings(), _FIELD)
    fields: dict[str, list[tuple]] = {}
    for item in pool.current:
        postings = fields.get(item[0])
        if postings is None:
            postings = fields[item[0]] = []
        postings.append(item)
    return ((name, sorted(fields[name], key=_TEXT)) for name in sorted(fields))


def write_postings(fieldwriter, schema, lengths, fields) -> None:
    """Write the pool's postings, `sorted_postings`, through `fieldwriter` (a W3FieldWriter) as
    Whoosh's `FieldWriter.add_postings` does; `lengths` is the segment's per-document reader."""
    codec = fieldwriter._codec
    postfile = fieldwriter._postfile
    fieldmap = fieldwriter._fieldmap
    terms = _TermTable(fieldwriter._tindex)
    blocklimit, compression = codec._blocklimit, codec._compression
    offset = postfile.tell()  # kept here: only this loop writes the postings file
    for fieldname, postings in fields:
        if fieldname not in fieldmap:
            fieldmap[fieldname] = len(fieldmap)
        prefix = pack_ushort(fieldmap[fieldname])
        fixedsize = schema[fieldname].format.fixed_value_size()
        length_bytes = _length_bytes(lengths, fieldname)
        chunks: list[bytes] = []
        for (_, btext), term_postings in groupby(postings, _TERM):
            term = list(term_postings)
            if len(term) == 1:
                info, data = _one_posting(term[0], length_bytes, fixedsize, compression)
            else:
                info, data = _postings(term, length_bytes, fixedsize, blocklimit, compression)
            chunks.append(data)
            terms.add(prefix + btext, info + pack_long(offset) + pack_int(len(data)))
            offset += len(data)
        postfile.write(b"".join(chunks))
        terms.flush()


class _TermTable:
    """`OrderedHashWriter.add` (the term table), buffered: the same bytes, one write a field."""

    def __init__(self, table) -> None:
        self._table = table
        self._position = table.dbfile.tell()
        self._chunks: list[bytes] = []
        self._lastkey = table.lastkey

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self._lastkey:
            raise ValueError(f"Keys must increase: {self._lastkey!r}..{key!r}")
        table = self._table
        table.index.append(self._position)
        h = table.hashfn(key)
        table.buckets[h & 255].append((h, self._position))
        self._chunks += (_KEY_VALUE_LENGTHS(len(key), len(value)), key, value)
        self._position += _KEY_VALUE_SIZE + len(key) + len(value)
        self._lastkey = key

    def flush(self) -> None:
        self._table.dbfile.write(b"".join(self._chunks))
        self._chunks = []
        self._table.lastkey = self._lastkey


def _length_bytes(lengths, fieldname: str):
    """Each document's length byte in field `fieldname` (0: none), or None without lengths."""
    column = whoosh3._lenfield(fieldname)
    if not lengths.has_column(column):
        return None
    return lengths.column_reader(column, whoosh3.LENGTHS_COLUMN).load()


def _one_posting(posting: tuple, length_bytes, fixedsize, compression: int) -> tuple[bytes, bytes]:
    """`_postings` of a term with one posting (most terms), with no lists to build."""
    _, _, docnum, weight, value = posting
    weight32 = array("f", (weight,))[0]
    top = weight if weight > 0 else 0
    length = length_bytes[docnum] if length_bytes is not None else 0
    if fixedsize is None or fixedsize < 0:
        values = (value,) if value else ()
    else:
        values = None if fixedsize == 0 else (value or b"")
    data = dumps(((docnum,), None if weight32 == 1.0 else weight32, values), 2)
    if compression:
        data = zlib.compress(data, compression)
    info = dumps((1, docnum, top, compression, length, length), 2)
    block = _MAGIC + pack_int(-(len(info) + len(data))) + info + data
    return _INFO(False, 0 + weight32, 1, length, length, max(0, top), docnum, docnum), block


def _postings(postings: list, length_bytes, fixedsize, blocklimit: int, compression: int) -> tuple[bytes, bytes]:
    """One term's posting blocks as W3PostingsWriter writes them, and its packed term info
    (W3TermInfo's fixed part, without the extent)."""
    weight_sum, maxweight, minlen, maxlen = 0, 0, None, 0
    last = len(postings) - 1
    blocks = [_MAGIC]
    for at in range(0, len(postings), blocklimit):
        _, _, ids, raw_weights, values = zip(*postings[at : at + blocklimit], strict=True)
        weights = array("f", raw_weights)  # Whoosh keeps a block's weights as 32-bit floats
        block_max = max(raw_weights)
        block_max = block_max if block_max > 0 else 0
        if length_bytes is None:
            block_min_len = block_max_len = 0
        else:
            found = [b for b in map(length_bytes.__getitem__, ids) if b]
            block_min_len, block_max_len = (min(found), max(found)) if found else (0, 0)
        weight_sum += sum(weights)
        maxweight = max(maxweight, block_max)
        if block_min_len:
            minlen = block_min_len if minlen is None else min(minlen, block_min_len)
        maxlen = max(maxlen, block_max_len)
        deltas = (ids[0], *map(sub, ids[1:], ids))
        data = dumps((deltas, _mini_weights(weights), _mini_values(values, fixedsize)), 2)
        if compression:
            data = zlib.compress(data, compression)
        info = dumps((len(ids), ids[-1], block_max, compression, block_min_len, block_max_len), 2)
        size = len(info) + len(data)
        blocks += (pack_int(-size if at + blocklimit > last else size), info, data)
    info = _INFO(False, weight_sum, len(postings), minlen or 0, maxlen, maxweight, postings[0][2], postings[-1][2])
    return info, b"".join(blocks)


def _mini_weights(weights: array):
    """None when every weight is 1, the weight when all are equal, else all of them."""
    n = len(weights)
    if weights.count(1.0) == n:
        return None
    if weights.count(weights[0]) == n:
        return weights[0]
    return tuple(weights)


def _mini_values(values: tuple, fixedsize):
    """A block's values as Whoosh stores them: the non-empty ones, or all in one string when
    they have a fixed size (none when that size is 0)."""
    if fixedsize == 0:
        return None
    kept = [v for v in values if v]
    if fixedsize is None or fixedsize < 0:
        return tuple(kept)
    return b"".join(kept)
