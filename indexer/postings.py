"""The index writer: Whoosh's SegmentWriter, adding documents and flushing postings faster,
writing the same bytes.

Adding: a field KbAnalyzer analyses into positions (title, body) takes its postings from
`kb.analysis.token_positions` instead of Whoosh's stream of Token objects through the analyzer's
generators and the Positions format (a quarter of adding a document), and the pool takes a
posting without type checks. Flushing: at commit Whoosh turns its sorted pool into posting
blocks and term entries one posting at a time, through several method calls each and a read of
the document's field length back from the column file just written (two thirds of a full
rebuild's commit); `write_postings` writes the same blocks, block statistics, term infos and
term table, in the same order, a term at a time, with each field's length bytes loaded once and
each field's postings and term entries in one write. The flush applies to Whoosh's W3 codec
without inlined postings (this index's); any other codec flushes as Whoosh does.
`tests/test_postings.py` compares every file with Whoosh's writer's.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter, sub
from pickle import dumps

from whoosh import formats
from whoosh.codec import whoosh3
from whoosh.filedb import filetables
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.writing import PostingPool, SegmentWriter

from kb.analysis import KbAnalyzer, token_positions

# a pool item: (fieldname, term bytes, docnum, weight, value)
_FIELD, _TEXT, _TERM = itemgetter(0), itemgetter(1), itemgetter(0, 1)
_INFO = whoosh3.W3TermInfo._struct.pack
_MAGIC = whoosh3.WHOOSH3_HEADER_MAGIC  # before the first block of a posting list
_KEY_VALUE_LENGTHS = filetables._lengths.pack  # before each term table entry
_KEY_VALUE_SIZE = filetables._lengths.size


class IndexWriter(SegmentWriter):
    """`SegmentWriter` that adds documents and flushes the postings faster, writing the same."""

    def __init__(self, ix, limitmb: float = 128, **kwargs) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = _Pool(self._tempstorage, self.newsegment, limitmb=limitmb)
        analyzer = KbAnalyzer()
        self._kb_text = {
            name
            for name, field in self.schema.items()
            if type(field.format) is formats.Positions and field.analyzer == analyzer
        }
        # the schema has no spelling or vector fields (else documents are added as Whoosh does)
        self._plain_fields = not any(f.separate_spelling() or f.vector for _, f in self.schema.items())

    def add_document(self, **fields) -> None:
        """Whoosh's `SegmentWriter.add_document`, but a field analysed by KbAnalyzer into
        positions takes its postings from `kb.analysis.token_positions` (what Whoosh's Positions
        format makes of the analyzer's token stream, without the stream)."""
        if not self._plain_fields:
            super().add_document(**fields)
            return
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        add_post = self.pool.add
        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    if fieldname in self._kb_text and isinstance(value, str):
                        items = _text_postings(field.format, value)
                    else:
                        items = field.index(value)
                    scorable = field.scorable
                    for tbytes, freq, weight, vbytes in items:
                        if scorable:
                            length += freq
                        add_post((fieldname, tbytes, docnum, weight * fieldboost, vbytes))
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        if not fast_flush_applies(self):
            super()._flush_segment()
            return
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        write_postings(self.fieldwriter, self.schema, lengths, sorted_postings(self.pool))
        self.fieldwriter.close()
        lengths.close()


class _Pool(PostingPool):
    """Whoosh's posting pool without its type checks of every posting (the same size
    estimate, so the same runs on disk)."""

    def add(self, item: tuple) -> None:
        self.fieldnames.add(item[0])
        self.currentsize += _POSTING_SIZE + len(item[0]) + 2 * len(item[1]) + len(item[4] or "")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)


#: PostingPool.add's estimate of a posting's size, less its strings' lengths
_POSTING_SIZE = 28 + 4 * 5 + 21 + 26 + 18 + 16 + 21


def _text_postings(fmt: formats.Positions, value: str) -> list[tuple[bytes, int, float, bytes]]:
    """(term, frequency, weight, positions) of `value` as Positions.word_values gives them
    for KbAnalyzer: each token's boost is 1."""
    boost, encode = fmt.field_boost, fmt.encode
    return [
        (token.encode("utf-8"), len(positions), float(len(positions)) * boost, encode(positions))
        for token, positions in token_positions(value).items()
    ]


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
