"""PDF objects parsed from the file's bytes with one regular expression, as pdfminer parses them.

pdfminer reads an indirect object token by token, several Python calls a token (a book's page
dictionaries, fonts, descriptors and /Widths arrays: a twelfth of its extraction time). Most
such objects are plain: a dictionary or an array of names, numbers, references, booleans and
nulls, nested. ``plain_object`` parses those in one pass and gives what pdfminer's parser gives
(the same dicts, lists, ``PSLiteral``s and ``PDFObjRef``s); any other object (a stream, a
string, a name with ``#`` escapes, a comment, an object that is not a dictionary or an array)
it leaves to pdfminer.
"""

from __future__ import annotations

import re
from typing import Any

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdftypes import PDFObjRef
from pdfminer.psparser import LIT, PSLiteral

_HEADER = re.compile(rb"(\d+)\s+\d+\s+obj(?![^\s/\[\]<>(){}%#])")
"""An indirect object's number, generation and ``obj``, as pdfminer reads them at its offset."""
_END = b"endobj"
_PLAIN = re.compile(rb"[\t\n\f\r !\"$&'*-z|~]*")
"""The bytes a plain object may hold (printable ASCII and white space, but for ``%``, ``(``,
``)``, ``#``, ``{``, ``}``): no comment, string, escaped name or procedure."""
_TOKEN = re.compile(rb"\s*(?:(<<|>>|\[|\])|(/[^/%\[\]()<>{}\s]*)|([-+]?(?:\d+\.?\d*|\.\d+))"
                    rb"(?![^/\[\]<>\s])|(true|false|null|R)(?![^/\[\]<>\s])|(\S))")
"""One token: a bracket, a name, a number, one of the four keywords, or anything else (which
sends the object to pdfminer). A number or keyword must end where pdfminer's token ends."""


def plain_object(data: bytes, pos: int, objid: int, doc: PDFDocument) -> Any:
    """The indirect object ``objid`` at offset ``pos`` of ``data`` as pdfminer's parser reads
    it, or None when it is not a plain dictionary or array (or not ``objid``)."""
    header = _HEADER.match(data, pos)
    if header is None or int(header[1]) != objid:
        return None
    start = header.end()
    end = data.find(_END, start)
    if end < 0 or _PLAIN.match(data, start, end).end() != end:  # type: ignore[union-attr]
        return None
    stack: list[list[Any]] = []
    kinds: list[bytes] = []
    items: list[Any] = []
    found: Any = None
    for token in _TOKEN.finditer(data, start, end):
        bracket, name, number, keyword, other = token.groups()
        if found is not None or other:
            return None  # a second object, or a token pdfminer reads otherwise
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
            if not kinds:
                found = value
                continue
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
        if not kinds:
            return None  # a top-level number, name or reference: left to pdfminer
        items.append(value)
    return found


def read_plain_objects(doc: PDFDocument, data: bytes) -> None:
    """Have ``doc`` (pdfminer's document of ``data``) parse its plain indirect objects with
    ``plain_object``, the others as before; not where they are encrypted."""
    if doc.decipher:
        return
    parse = doc._getobj_parse

    def getobj_parse(pos: int, objid: int) -> object:
        found = plain_object(data, pos, objid, doc)
        return parse(pos, objid) if found is None else found

    doc._getobj_parse = getobj_parse  # type: ignore[method-assign]
