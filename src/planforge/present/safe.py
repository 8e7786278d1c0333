"""Characters a report must not carry as they are, shown as ``\\u202e`` instead.

A plan's text reaches every report (keys in messages, source lines in excerpts).
Three readers need protecting:

* a terminal: control characters (ESC, BEL, OSC sequences, carriage returns, line
  breaks inside a value) could retitle the window, move the cursor or forge a
  diagnostic line; bidi overrides and invisible characters could reorder or hide
  text under review. :func:`visible` shows each as its ``\\uXXXX`` escape;
* XML 1.0, which forbids most control characters and lone surrogates outright:
  :func:`xml_safe` replaces exactly those, keeping the rest of the message;
* JSON written as UTF-8, which cannot hold a lone surrogate: :func:`json_safe`
  escapes them, as ``ensure_ascii`` would, so the file parses and reads the same.

Everything else, Chinese text and emoji included, is kept as written.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, bidi embeddings/overrides/isolates and marks, zero-width
#: and other invisible format characters, lone surrogates and non-characters.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2069\u3164\ufeff\ufff9-\ufffb\ufffe\uffff\ud800-\udfff]"
)
#: What XML 1.0 forbids: controls other than tab, LF and CR; surrogates; U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str) -> str:
    """``text`` for a terminal: controls, bidi and invisible characters as ``\\uXXXX``."""
    return _INVISIBLE.sub(_escape, text)


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids written as ``\\uXXXX``."""
    return _NOT_XML.sub(_escape, text)


def json_safe(json_text: str) -> str:
    """Serialised JSON with lone surrogates escaped, so it encodes as UTF-8."""
    return _SURROGATE.sub(_escape, json_text)
