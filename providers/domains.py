"""Host names as they are stored: one spelling per host, whatever form it was written in.

``Bücher.example``, ``bücher.example`` and ``xn--bcher-kva.example`` are one host; it is stored
in its IDNA ASCII form (UTS #46 mapping, non-transitional, as browsers resolve it), which is
what DNS and every database index compare. Pure: the article parser uses it in worker
processes that never set Django up.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

DOMAIN_PATTERN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
ACE_PREFIX = "xn--"


def ascii_host(host: str) -> str:
    """``WWW.Bücher.example`` → ``www.xn--bcher-kva.example``; raises ValueError for an invalid international name.

    Only international labels (non-ASCII, or ``xn--``) go through IDNA: its rules would refuse
    ASCII names that DNS and browsers accept (``my_host``, ``ab--cd``), so those are only lowercased.
    """
    if host.isascii():
        host = host.lower()
        if ACE_PREFIX not in host:
            return host
    import idna  # here, not at the top: loading its tables costs a worker 12 ms, and most hosts are ASCII

    try:
        labels = idna.uts46_remap(host, std3_rules=False, transitional=False).split(".")
        return ".".join(_ascii_label(label) for label in labels)
    except UnicodeError as error:  # idna.IDNAError is one
        raise ValueError(str(error)) from None


def _ascii_label(label: str) -> str:
    import idna

    if not label.isascii():
        return idna.alabel(label).decode("ascii")
    if label.startswith(ACE_PREFIX):
        idna.ulabel(label)  # refuses Punycode that is malformed, or not the one a name encodes to
    return label


def unicode_host(host: str) -> str:
    """An ASCII host as readers know it: ``xn--bcher-kva.example`` → ``bücher.example``."""
    if ACE_PREFIX not in host:
        return host
    import idna

    try:
        return ".".join(idna.ulabel(label) if label.startswith(ACE_PREFIX) else label for label in host.split("."))
    except UnicodeError:
        return host


def normalise_domain(raw: str) -> str:
    """``https://WWW.Bücher.example/`` → ``xn--bcher-kva.example``: a provider's domain, lowercase, IDNA-encoded,
    without ``www.``; raises ValueError for anything that is not a host name."""
    value = raw.strip()
    try:
        if "://" in value:
            value = urlsplit(value).hostname or ""
        value = ascii_host(value.split("/", 1)[0]).rstrip(".")
    except ValueError as error:
        raise ValueError(f"is not a valid domain: {_quoted(raw)} ({error})") from None
    if value.startswith("www."):
        value = value[4:]
    if not DOMAIN_PATTERN.match(value):
        raise ValueError(f"is not a valid domain: {_quoted(raw)}")
    return value


def _quoted(value: str) -> str:
    shown = repr(value)  # escapes control characters: messages go to terminals and logs
    return shown if len(shown) <= 40 else shown[:37] + "..."
