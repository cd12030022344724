"""Pure value rules a service spec needs beyond object names (those live in `components.names`).

Each rule follows the Kubernetes API server's own validation, so a spec that passes here is not
rejected at apply time for the same reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from components.durations import DURATION_RULE as DURATION_RULE
from components.durations import is_duration as is_duration
from components.errors import Problems

# --- Resource quantities (k8s.io/apimachinery/pkg/api/resource/quantity.go) --------------------

# The grammar of quantity.go, ASCII digits only and no surrounding spaces (the API server trims
# nothing): a suffix is binary SI, decimal SI or an exponent, never anything else.
_QUANTITY = re.compile(
    r"(?P<number>[+-]?([0-9]+\.?[0-9]*|\.[0-9]+))(?P<suffix>[KMGTPE]i|[numkMGTPE]?|[eE][+-]?[0-9]+)"
)
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
    match = _QUANTITY.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    suffix = match["suffix"]
    try:
        number = Decimal(match["number"])
        if suffix in _BINARY:
            return number * _BINARY[suffix]
        if suffix in _DECIMAL:
            return number * _DECIMAL[suffix]
        return number * (Decimal(10) ** int(suffix[1:]))
    except ArithmeticError:  # InvalidOperation, or an exponent too large for any resource
        return None


# Kubernetes keeps a quantity in an int64 of its smallest unit and caps anything larger without
# an error (quantity.go: "no quantity may represent a number greater than 2^63-1"); CPU is never
# finer than 1m ("Kubernetes doesn't allow you to specify CPU resources with a precision finer
# than 1m", kubernetes.io/docs/concepts/configuration/manage-resources-containers/#meaning-of-cpu)
# and memory is whole bytes. Refuse rather than let the API server round or cap silently.
_QUANTITY_MAX = Decimal(2**63 - 1)
_QUANTUM = {"cpu": (Decimal("0.001"), "1m (0.001 CPU)"), "memory": (Decimal(1), "one byte")}


def check_quantity_bounds(problems: Problems, path: str, text: str, amount: Decimal, resource: str) -> bool:
    """`amount` (of `text`) within what Kubernetes stores for `resource` exactly; records why not."""
    quantum, name = _QUANTUM.get(resource, (Decimal(1), "one unit"))
    if not problems.check(amount / quantum <= _QUANTITY_MAX, path, text,
                          f"must be at most {_QUANTITY_MAX} times {name}: Kubernetes caps larger "
                          "quantities silently"):
        return False
    return problems.check((amount / quantum) == (amount / quantum).to_integral_value(), path, text,
                          f"must not be more precise than {name}: Kubernetes would round it up")


# --- Container images (distribution/reference) -------------------------------------------------

_TAG = re.compile(r"[\w][\w.-]{0,127}", re.ASCII)
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")
# The repository: an optional registry (host[:port]) and lowercase path components, as
# distribution/reference's grammar has it; anything else fails the pull with InvalidImageName.
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY = re.compile(rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*")
REPOSITORY_MAX = 255


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
    if len(rest) > REPOSITORY_MAX or not _REPOSITORY.fullmatch(rest):
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

# ServiceMonitor endpoints[].interval is a Prometheus duration: `DURATION_RULE` and `is_duration`
# come from components.durations, the one grammar for every layer.


_PERCENT = re.compile(r"([0-9]{1,3})%")
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
