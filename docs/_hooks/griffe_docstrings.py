"""griffe extension: docstrings read as Markdown on the site without markup they never meant.

A doctest (`>>> ...` lines, in the description or an `Example:` section) is Markdown's
blockquote syntax: the site showed it as three nested quote bars around one run-on line. Each
such block is fenced as `pycon` code here.

The generated docstrings carry the API docs' `(*)` footnote mark ("the CRM parameters page
lists the accepted values") after a field's description. In `help()` it is plain text; on the
site Markdown reads its `*` as the start of emphasis, and everything up to the next `*` of the
page turns italic. The footnote itself is not on the site (the docstring names the open code
instead), so the mark is dropped, as the reference's parameter tables drop it
(`docs/_hooks/reference.py`). mkdocs.yml loads this file as a mkdocstrings-python extension.
"""

from __future__ import annotations

from typing import Any

import griffe

__all__ = ["DocstringMarkdown", "fenced_doctests", "without_footnote_marks"]

FOOTNOTE = " (*)"


def without_footnote_marks(text: str) -> str:
    """`text` without the API docs' ` (*)` footnote marks."""
    return text.replace(FOOTNOTE, "")


def fenced_doctests(text: str) -> str:
    """`text` with each doctest block fenced as `pycon` code, at the block's indentation.

    A block starts at a line beginning with `>>>` and ends at the next blank line.
    """
    out: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.lstrip().startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            end = index
            while end < len(lines) and lines[end].strip():
                end += 1
            out += [f"{indent}```pycon", *lines[index:end], f"{indent}```"]
            index = end
            continue
        out.append(line)
        index += 1
    return "\n".join(out)


class DocstringMarkdown(griffe.Extension):
    """Drop ` (*)` marks and fence bare doctests, in every docstring of the documented package."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is None:
            return
        value = obj.docstring.value
        if FOOTNOTE in value:
            value = without_footnote_marks(value)
        if ">>>" in value:
            value = fenced_doctests(value)
        obj.docstring.value = value
