"""PDF objects parsed from the file's bytes with one regular expression, as pdfminer parses them.

pdfminer reads an indirect object token by token, several Python calls a token (a book's page
dictionaries, fonts, descriptors and /Widths arrays: a twelfth of its extraction time). Most
such objects are plain: a dictionary or an array of names, numbers, references, booleans and
nulls, nested, or a number; or a stream whose dictionary is plain. ``plain_object`` parses
those in one pass and gives what pdfminer's parser gives (the same dicts, lists,
``PSLiteral``s, ``PDFObjRef``s and ``PDFStream``s); any other object (a string, a name with
``#`` escapes, a comment, an object that does not end as pdfminer expects) it leaves to
pdfminer.
"""

from __future__ import annotations

import re
from typing import Any

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdftypes import PDFObjRef, PDFStream, int_value
from pdfminer.psparser import LIT, PSLiteral

_ENDS = rb"(?=[\s/\[\]<>(){}%#])"
"""Where pdfminer ends a keyword: before white space or a delimiter (and not at the file's
end, where it fails)."""
_HEADER = re.compile(rb"(\d+)\s+\d+\s+obj" + _ENDS)
"""An indirect object's number, generation and ``obj``, as pdfminer reads them at its offset."""
_TOKEN = re.compile(rb"\s*(?:(<<|>>|\[|\])|(/[^/%\[\]()<>{}\s#\x00-\x20\x7f-\xff]*)"
                    rb"|([-+]?(?:\d+\.?\d*|\.\d+))(?![^/\[\]<>\s])"
                    rb"|(true|false|null|R)(?![^/\[\]<>\s])|(\S|$))")
"""One token: a bracket, a name (printable ASCII, no ``#`` escape), a number, one of four
keywords, or anything else (which sends the object to pdfminer). A number or keyword must end
where pdfminer's token ends."""
_TAIL = re.compile(rb"\s*(?:(endobj)|(stream))" + _ENDS)
"""What follows the object: its end, or a stream's data (after a dictionary)."""
_EOL = re.compile(rb"\r\n?|\n")
"""The end of the ``stream`` line, as pdfminer's ``nextline`` takes it."""
_STREAM_END = re.compile(rb"endstream\s+endobj" + _ENDS)


def plain_object(data: bytes, pos: int, objid: int, doc: PDFDocument) -> Any:
    """The indirect object ``objid`` at offset ``pos`` of ``data`` as pdfminer's parser reads
    it, or None when it is not plain (or not ``objid``)."""
    header = _HEADER.match(data, pos)
    if header is None or int(header[1]) != objid:
        return None
    stack: list[list[Any]] = []
    kinds: list[bytes] = []
    items: list[Any] = []
    for token in _TOKEN.finditer(data, header.end()):
        bracket, name, number, keyword, other = token.groups()
        if other is not None:
            return None  # a token pdfminer reads otherwise
        if bracket:
            if bracket in (b"<<", b"["):
                stack.append(items)
                kinds.append(bracket)
                items = []
                continue
            if not kinds or kinds.pop() != (b"<<" if bracket == b">>" else b"["):
                return None
            if bracket == b">>":
                if len(items) % 2 or not all(type(k) is PSLiteral for k in items[::2]):
                    return None
                value: Any = {k.name: v for k, v in zip(items[::2], items[1::2])
                              if v is not None}
            else:
                value = items
            items = stack.pop()
        elif name:
            value = LIT(name[1:].decode("ascii"))
        elif number:
            value = float(number) if b"." in number else int(number)
        elif keyword == b"R":
            if len(items) < 2 or type(items[-1]) is not int or type(items[-2]) is not int:
                return None
            value = PDFObjRef(doc, items[-2])
            del items[-2:]
        else:
            value = True if keyword == b"true" else False if keyword == b"false" else None
        if kinds:
            items.append(value)
        elif isinstance(value, (dict, list, int, float)) and type(value) is not bool:
            return _ended(data, token.end(), value, doc)
        else:
            return None  # a top-level name, boolean or null: left to pdfminer
    return None


def _ended(data: bytes, pos: int, value: Any, doc: PDFDocument) -> Any:
    """``value``, the object parsed up to ``pos``, when ``endobj`` follows it as pdfminer
    needs; a dictionary followed by ``stream``, the stream pdfminer reads (its /Length
    bytes after the ``stream`` line, up to an ``endstream`` and ``endobj``); else None."""
    tail = _TAIL.match(data, pos)
    if tail is None:
        return None
    if tail[1]:
        return value
    if type(value) is not dict:
        return None
    line_end = _EOL.search(data, tail.start(2))
    if line_end is None:
        return None
    try:
        length = int_value(value["Length"])  # resolved here, as pdfminer's parser does
    except KeyError:
        length = 0
    start = line_end.end()
    end = data.find(b"endstream", start + length)
    if length < 0 or end < 0 or _STREAM_END.match(data, end) is None:
        return None
    return PDFStream(value, data[start:start + length], doc.decipher)


def read_plain_objects(doc: PDFDocument, data: bytes) -> None:
    """Have ``doc`` (pdfminer's document of ``data``) parse its plain indirect objects with
    ``plain_object``, the others as before; not where they are encrypted or the
    cross-reference table was rebuilt (pdfminer then reads streams up to ``endstream``)."""
    if doc.decipher or getattr(doc._parser, "fallback", True):
        return
    parse = doc._getobj_parse

    def getobj_parse(pos: int, objid: int) -> object:
        try:
            found = plain_object(data, pos, objid, doc)
        except ValueError:  # an integer too long to convert, which pdfminer's parser drops
            found = None
        return parse(pos, objid) if found is None else found

    doc._getobj_parse = getobj_parse  # type: ignore[method-assign]
