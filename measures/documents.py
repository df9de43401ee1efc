"""The one document renderer: a template as a standalone HTML file or as a PDF.

The bijlage's HTML and PDF downloads and the changes documents all go through
``document_response()``: the stylesheets are embedded (the file stands on its own), the HTML
file carries its own strict Content-Security-Policy (django-csp leaves a response that already
has one alone), and WeasyPrint is called in one place.
"""

import functools
import threading

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}

# PDF/A-2b (archival) and tagged (structure tree, table headers, language) for PDF/UA-1.
PDF_VARIANT = "pdf/a-2b"
_PDFUA_ID = b'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1" '


# A standalone file may use its own <style> and data: images, and load or run nothing else.
STANDALONE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@functools.cache
def stylesheet(name: str) -> str:
    """A stylesheet of ``static/css/``, to embed in a document."""
    path = finders.find(f"css/{name}")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def css_string(text: str) -> str:
    """Text made safe for a double-quoted CSS string inside a <style> element."""
    out = []
    for char in str(text):
        if char in '"\\<>&' or ord(char) < 32:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return "".join(out)


def _identify_pdfua(document, pdf) -> None:
    """WeasyPrint writes one identification: add PDF/UA-1's beside PDF/A's in the XMP."""
    metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    content = metadata.stream[0]
    marker = b"pdfaid:part="
    if marker in content and b"pdfuaid:part" not in content:
        metadata.stream[0] = content.replace(marker, _PDFUA_ID + marker, 1)


class RendererBusy(Exception):
    """Every PDF slot of this process is taken: the request gets a 503 with Retry-After
    (``toeslagen_vm.middleware.RendererBusyMiddleware``)."""


@functools.cache
def pdf_slots(limit: int) -> threading.BoundedSemaphore:
    """The per-process limit on PDFs drawn at once (settings.PDF_MAX_CONCURRENT)."""
    return threading.BoundedSemaphore(limit)


def render_pdf(html: str) -> bytes:
    """HTML as a PDF/A-2b, tagged and identified as PDF/UA-1, through WeasyPrint.

    At most PDF_MAX_CONCURRENT PDFs are drawn at once in one process; a request that waits
    longer than PDF_WAIT_SECONDS for a slot gets RendererBusy, so a burst of PDF requests
    leaves threads (and the CPU) for every other page.
    """
    slots = pdf_slots(settings.PDF_MAX_CONCURRENT)
    if not slots.acquire(timeout=settings.PDF_WAIT_SECONDS):
        raise RendererBusy()
    try:
        return _write_pdf(html)
    finally:
        slots.release()


def _write_pdf(html: str) -> bytes:
    """WeasyPrint's part, the CPU-heavy part of every PDF: reading the HTML, drawing the pages."""
    import weasyprint  # imported lazily: it is heavy and only PDFs need it

    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, finisher=_identify_pdfua)


def render_document(template: str, context: dict, *, fmt: str, stylesheets=()) -> bytes:
    """The template with its stylesheets embedded, as HTML bytes or a PDF."""
    css = "\n".join(stylesheet(name) for name in stylesheets)
    html = render_to_string(template, {**context, "inline_css": css, "for_pdf": fmt == "pdf"})
    return render_pdf(html) if fmt == "pdf" else html.encode("utf-8")


def document_response(content: bytes, *, fmt: str, filename: str) -> HttpResponse:
    """A rendered document as a download, with the CSP a standalone file needs."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if fmt == "html":
        response["Content-Security-Policy"] = STANDALONE_CSP
    return response
