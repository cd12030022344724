"""Pure value rules a service spec needs beyond object names (those live in `components.names`).

Each rule follows the Kubernetes API server's own validation, so a spec that passes here is not
rejected at apply time for the same reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# --- Resource quantities (k8s.io/apimachinery/pkg/api/resource/quantity.go) --------------------

_QUANTITY = re.compile(r"(?P<number>[+-]?(\d+\.?\d*|\.\d+))(?P<suffix>[a-zA-Z]*|[eE][+-]?\d+)")
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}
QUANTITY_RULE = "must be a Kubernetes quantity such as '250m', '0.5', '128Mi' or '1Gi'"


def parse_quantity(text: str) -> Decimal | None:
    """The quantity's value in base units (cores, bytes), or None if it is not a quantity."""
    match = _QUANTITY.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    try:
        number = Decimal(match["number"])
    except InvalidOperation:
        return None
    suffix = match["suffix"]
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * _DECIMAL[suffix]
    if suffix[:1] in ("e", "E"):
        return number * (Decimal(10) ** int(suffix[1:]))
    return None


# --- Container images (distribution/reference) -------------------------------------------------

_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")


@dataclass(frozen=True)
class ImageRef:
    repository: str
    tag: str | None
    digest: str | None


def parse_image(image: str) -> ImageRef | None:
    """Splits `repo[:tag][@digest]`; a ':' before the last '/' is a registry port, not a tag."""
    if not isinstance(image, str) or not image or any(c.isspace() for c in image):
        return None
    rest, _, digest = image.partition("@")
    if digest and not _DIGEST.fullmatch(digest):
        return None
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    tag = None
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
        if not _TAG.fullmatch(tag):
            return None
    if not rest:
        return None
    return ImageRef(rest, tag, digest or None)


# --- Names that are not object names -----------------------------------------------------------

# IANA_SVC_NAME (validation.IsValidPortName): a container port's name.
_PORT_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")
PORT_NAME_RULE = (
    "must be an IANA service name: 1-15 lowercase letters, digits or '-', with at least one "
    "letter, no leading, trailing or doubled '-'"
)


def is_port_name(name: str) -> bool:
    return (
        isinstance(name, str)
        and 0 < len(name) <= 15
        and _PORT_NAME.fullmatch(name) is not None
        and "--" not in name
        and any(c.isalpha() for c in name)
    )


# A shell-safe environment variable name. Kubernetes >= 1.34 accepts any printable name, but a
# name a shell cannot export is a trap for the image's entrypoint script.
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ENV_NAME_RULE = (
    "must be an environment variable name: letters, digits and '_', not starting with a digit"
)


def is_env_name(name: str) -> bool:
    return isinstance(name, str) and _ENV_NAME.fullmatch(name) is not None


# --- Intervals and percentages -----------------------------------------------------------------

# Prometheus' duration syntax (ServiceMonitor endpoints[].interval).
_DURATION = re.compile(r"(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?")
DURATION_RULE = "must be a Prometheus duration such as '30s' or '1m30s'"


def is_duration(text: str) -> bool:
    return isinstance(text, str) and text != "" and _DURATION.fullmatch(text) is not None


_PERCENT = re.compile(r"(\d{1,3})%")
INT_OR_PERCENT_RULE = "must be a whole number >= 0 or a percentage such as '25%'"


def int_or_percent(value: object) -> tuple[int, bool] | None:
    """(amount, is_percent) for `3` or `"25%"`; None when the value is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (value, False) if value >= 0 else None
    if isinstance(value, str):
        match = _PERCENT.fullmatch(value)
        if match and int(match[1]) <= 100:
            return int(match[1]), True
    return None
