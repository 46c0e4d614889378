"""Text that XML can carry: XML 1.0 forbids most control characters (a vertical tab pasted
from Word), and a workbook, a PDF's metadata or an Atom feed holding one fails to write or to
open. One rule for every writer: tabs and line breaks stay, other control characters become
a space, and what is not a character at all (a lone surrogate, U+FFFE, U+FFFF) is dropped."""

import re

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_CHARACTERS = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` with nothing XML 1.0 forbids."""
    return _NOT_CHARACTERS.sub("", _CONTROL.sub(" ", text))
