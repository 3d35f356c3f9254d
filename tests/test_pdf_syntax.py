"""Plain PDF objects parsed in one pass (syntax.py) are what pdfminer's parser reads."""

from __future__ import annotations

import io

import pytest
from pdfbytes import assemble
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, PDFStream
from pdfminer.psparser import PSLiteral

from pipeline.extract.pdf.syntax import plain_object, read_plain_objects

PLAIN = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    (b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595.276 841.89]/Resources<</Font<</F1 4 0 R"
     b"/F2 5 0 R>>>>/Rotate 0>>"),
    # numbers as pdfminer reads them: signs, a leading or trailing point; nulls left out of a
    # dictionary, kept in an array; booleans; an empty name; nested arrays
    (b"<< /W [ 500 333.3 -.5 +7 5. -0 ] /N null /B true /F false /E / /A [null [1 [2]] []]"
     b" /Fn /Helvetica-Bold /Nested << /K << >> >> >>"),
    b"[\n1 0 R\r\n2 0 R /Name 12 ]",
    b"6",  # a number alone: a stream's /Length
    # streams: the /Length bytes after the ``stream`` line (CR LF, LF or CR), the length
    # direct or a reference, resolved as pdfminer resolves it
    b"<< /Length 3 >>\nstream\r\nabc\nendstream",
    b"<< /Length 6 0 R /Filter /FlateDecode >>stream\nab\x00\xffz\r\nendstream",
    b"<</Length 2>> stream\rxyz endstream",  # shorter than its data: pdfminer's two bytes
    b"-12.5",
]
NOT_PLAIN = [
    b"<< /Title (A string) >>",  # strings
    b"<< /ID <0A1B> >>",  # hex strings
    b"<< /Name /A#20B >>",  # an escaped name
    b"<< /A 1 % a comment\n >>",
    b"7 0 R",  # a top-level reference
    b"/Name",  # a top-level name
    b"<< /Length 3 >>\nstream\nabc\nendstreamx",  # no ``endstream`` keyword
    b"[ 1 ] stream\nabc\nendstream",  # a stream that is no dictionary
    b"<< /A 1 2 >>",  # a dictionary of odd length
    b"<< /A [1 2 >> ]",  # brackets crossed
    b"<< 1 /A >>",  # a key that is no name
    b"[ /A 0 R ]",  # a reference whose number is a name
    b"[ 1.2.3 ]",  # two numbers to pdfminer
    b"[ 12abc ]",  # a number, then a keyword
    b"[ trueish ]",  # a keyword
    b"<< /A 1 >> << /B 2 >>",  # two objects
    b"<< /A \xe9 >>",  # bytes past ASCII
    b"[ 1 " + b"9" * 5000 + b" 2 ]",  # an integer too long to convert: pdfminer drops it
]


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, PDFObjRef):
        return a.objid == b.objid and a.doc is b.doc
    if isinstance(a, PSLiteral):
        return a is b
    if isinstance(a, PDFStream):
        return _same(a.attrs, b.attrs) and (a.rawdata, a.decipher) == (b.rawdata, b.decipher)
    return bool(a == b)


def test_plain_objects_are_what_pdfminer_parses():
    """Each plain object parsed in one pass equals pdfminer's, down to its literals' and
    references' identity; any other is left to pdfminer."""
    data = assemble(PLAIN + NOT_PLAIN)
    doc = PDFDocument(PDFParser(io.BytesIO(data)))
    for objid in range(1, len(PLAIN) + len(NOT_PLAIN) + 1):
        pos = doc.xrefs[0].get_pos(objid)[1]
        if objid <= len(PLAIN):
            found = plain_object(data, pos, objid, doc)
            assert found is not None and _same(found, doc._getobj_parse(pos, objid)), objid
        else:
            try:
                refused = plain_object(data, pos, objid, doc) is None
            except ValueError:  # the document's reader then asks pdfminer
                refused = True
            assert refused, NOT_PLAIN[objid - len(PLAIN) - 1]
    assert plain_object(data, doc.xrefs[0].get_pos(2)[1], 3, doc) is None  # not object 3
    streams = [plain_object(data, doc.xrefs[0].get_pos(objid)[1], objid, doc)
               for objid in (7, 8, 9)]
    assert [stream.rawdata for stream in streams] == [b"abc", b"ab\x00\xffz\r", b"xy"]


@pytest.mark.parametrize("objid", range(1, len(PLAIN) + len(NOT_PLAIN) + 1))
def test_a_document_reads_every_object_as_pdfminer_reads_it(objid):
    """Through pdfminer's document, plain or not, broken or not."""
    data = assemble(PLAIN + NOT_PLAIN)
    expected = PDFDocument(PDFParser(io.BytesIO(data)))
    doc = PDFDocument(PDFParser(io.BytesIO(data)))
    read_plain_objects(doc, data)
    assert _read(expected, objid) == _read(doc, objid)


def _read(doc: PDFDocument, objid: int) -> str:
    """The object as text, or the error reading it raises (a broken dictionary)."""
    try:
        return repr(doc.getobj(objid))
    except Exception as e:
        return type(e).__name__
