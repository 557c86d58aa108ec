"""Read an article (.txt, .md, .html) into plain text, refusing bad input in one line.

Evidence offsets point into the text this module returns. For .txt that is the file's
decoded text (without a byte-order mark); for .md it is the same text (Markdown marks are
kept, so offsets still match the file); for .html it is the visible text, since a tag soup
is not what an analyst reads.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from detente.errors import InputError
from detente.scenario.loader import read_text

MAX_ARTICLE_BYTES = 2 * 1024 * 1024  # about 300,000 words: far beyond any article
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
               "article", "blockquote", "header", "footer", "title", "pre", "ul", "ol", "table"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head"}


class _TextParser(HTMLParser):
    """Collects visible text; block tags become line breaks so sentences do not merge."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._title: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP_TAGS:
            self._skip += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        elif not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        lines = ["".join(self.parts)]
        body = "\n".join(line.strip() for line in "".join(lines).splitlines())
        while "\n\n\n" in body:
            body = body.replace("\n\n\n", "\n\n")
        title = " ".join("".join(self._title).split())
        if title and not body.lstrip().startswith(title):
            body = title + "\n\n" + body.strip()
        return body.strip() + "\n"


def html_to_text(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.text()


def check_article(text: str, file: str) -> str:
    """Checks an article needs beyond :func:`detente.scenario.loader.read_text` (which refuses
    missing, huge, binary and non-UTF-8 files): not empty, not mostly control characters."""
    if not text.strip():
        raise InputError("the article is empty", file)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise InputError("looks like a binary file, not text (many control characters)", file)
    return text


def read_article(path: str | Path) -> tuple[str, str]:
    """Return ``(text, kind)`` where kind is 'txt', 'md' or 'html'."""
    p = Path(path)
    file = str(p)
    text = check_article(read_text(p, max_bytes=MAX_ARTICLE_BYTES), file)
    suffix = p.suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        text = html_to_text(text)
        if not text.strip():
            raise InputError("the HTML page has no visible text", file)
        return text, "html"
    if suffix in (".md", ".markdown"):
        return text, "md"
    return text, "txt"
