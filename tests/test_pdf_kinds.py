"""PDF kinds the widened set lacked until #15's session 21 (a thesis, a form), each shown by a
small page typeset here: the failure its real file showed, fixed by method."""

from __future__ import annotations

from tests.test_pdf_unseen import _typeset, _typeset_pages

ITALIAN = ("La liberalizzazione del mercato dell'energia ha delle notevoli conseguenze nel campo "
           "della qualità dei segnali di potenza. La necessità di aumentare i margini di "
           "guadagno porta le compagnie operanti nel settore a ridurre la manutenzione e lo "
           "sviluppo dei sistemi di distribuzione, che sono per questo meno affidabili. Gli "
           "studi della rete elettrica sono numerosi e il numero dei disturbi non diminuisce.")


def _paragraph_page(lines: list[str]):
    """A page drawing ``lines`` in 10-point Times, 12 points apart."""
    def page(canvas):
        canvas.setFont("Times-Roman", 10)
        for row, text in enumerate(lines):
            canvas.drawString(72, 700 - 12 * row, text)
    return page


def test_italian_text_is_dehyphenated_by_the_italian_lexicon(tmp_path):
    """An Italian thesis read as French (the guess knew no Italian stop words) kept
    ``coo-|perazione``: the French lexicon has no such word; the Italian one has."""
    lines, line = [], ""
    for word in ITALIAN.split():
        if len(line) + len(word) > 70:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    lines.append(line + " Inoltre, la ridotta coo-")
    lines.append("perazione tra società in concorrenza tra loro impatta lo sviluppo.")

    result = _typeset(tmp_path, _paragraph_page(lines))
    text = " ".join(b.text for b in result.blocks)
    assert "ridotta cooperazione tra" in text
    assert [t.detail for t in result.transforms if t.name == "language"] == [
        "it (stop words)"]


def test_portuguese_text_is_read_as_portuguese(tmp_path):
    """Portuguese shares ``de``, ``a``, ``que``, ``para`` with Spanish; its own words (``não``,
    ``em``, ``uma``) tell it apart, so its line ends are decided by the Portuguese lexicon
    (``pesqui-|sadores``)."""
    lines = ["Este trabalho tem como objetivo analisar a base intelectual da literatura",
             "científica publicada em periódicos brasileiros pelos pesquisadores com uma",
             "bolsa de produtividade. Os resultados não indicam uma influência maior dos",
             "autores europeus, mas são os autores brasileiros que citam os pesqui-",
             "sadores com mais frequência em seus artigos sobre o domínio estudado."]

    result = _typeset(tmp_path, _paragraph_page(lines))
    text = " ".join(b.text for b in result.blocks)
    assert "citam os pesquisadores com" in text
    assert [t.detail for t in result.transforms if t.name == "language"] == [
        "pt (stop words)"]


def test_prose_line_under_a_larger_heading_keeps_its_short_words(tmp_path):
    """A form's instructions set a bold 14.5-point heading a hair above their 12-point text:
    the text's line box reaches into the heading's, and its short words (``To``, ``the``,
    ``on``) were taken for subscripts of the heading and read among its letters. A row of
    prose, words too long for scripts among them, is a line of its own."""
    def page(canvas):
        canvas.setFont("Helvetica-Bold", 14.5)
        canvas.drawString(24, 700, "Changing Information on Your Social Security Record")
        canvas.setFont("Helvetica", 12)
        lines = ["To change the information on your Social Security number record (i.e., a",
                 "name or citizenship change, or corrected date of birth) you must provide",
                 "documents to prove your identity, support the requested change, and",
                 "establish the reason for the change. For example, you may provide a birth"]
        for row, text in enumerate(lines):
            canvas.drawString(24, 690 - 14.4 * row, text)

    result = _typeset(tmp_path, page)
    texts = [b.text for b in result.blocks]
    assert "Changing Information on Your Social Security Record" in texts
    assert any(t.startswith("To change the information on your Social") for t in texts)


def test_footer_beside_the_folio_of_a_page_that_is_one_table(tmp_path):
    """A form's last page is its ruled form alone: no line of text between the margins, so a
    verdict there stood only for a bare page number or a text convicted on a page of text. Its
    footer's ``Destroy Prior Editions``, small print on the row of its ``Page 5`` (printed
    inside a longer footer line on page 1), stayed in the text. A page whose body is a table
    has its body between its margins as a page of text does."""
    def footer(page, parts):
        def draw(canvas):
            canvas.setFont("Helvetica", 8)
            for x, text in parts:
                canvas.drawString(x, 30, text)
            canvas.setFont("Helvetica", 9)
            canvas.drawString(300, 30, f"Page {page}")
        return draw

    def text_page(page, parts):
        def draw(canvas):
            canvas.setFont("Helvetica", 11)
            for row in range(40):
                canvas.drawString(72, 740 - 15 * row, f"Instruction {row} for page {page}: "
                                  "complete every item of the form in black ink.")
            footer(page, parts)(canvas)
        return draw

    def form_page(canvas):
        canvas.setFont("Helvetica", 9)
        for row in range(20):
            top = 740 - 30 * row
            for x0, x1 in ((40, 200), (200, 400), (400, 572)):
                canvas.rect(x0, top - 30, x1 - x0, 30)
                canvas.drawString(x0 + 4, top - 12, f"Item {row} field {x0}")
        footer(5, [(22, "Form SS-5 (08-2011) ef (08-2011)"), (174, "Destroy Prior Editions")])(
            canvas)

    result = _typeset_pages(tmp_path, [
        text_page(1, [(24, "Form SS-5 (08-2011) ef (08-2011) Destroy Prior Editions")]),
        text_page(3, [(24, "Form SS-5 (08-2011) ef (08-2011)")]),
        form_page])
    assert not any("Destroy Prior Editions" in b.text for b in result.blocks)
    assert [r.locator.page_number for r in result.removed
            if r.text == "Destroy Prior Editions"] == [3]
