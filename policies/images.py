"""Parsing container image references (`[registry/]repository[:tag][@digest]`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# What the container runtime assumes when an image names no registry.
DEFAULT_REGISTRY = "docker.io"


@dataclass(frozen=True)
class ImageRef:
    registry: str
    repository: str
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """Registry and repository, e.g. `docker.io/library/nginx`."""
        return f"{self.registry}/{self.repository}"


def parse_image(image: str) -> ImageRef:
    name, _, digest = image.partition("@")
    tag = None
    # A colon in the last path segment starts the tag; earlier ones are a registry port.
    if ":" in name.rsplit("/", 1)[-1]:
        name, tag = name.rsplit(":", 1)
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, repository = first, rest
    else:
        registry, repository = DEFAULT_REGISTRY, name if slash else f"library/{name}"
    return ImageRef(registry, repository, tag or None, digest or None)


def from_registries(image: ImageRef, allowed: Iterable[str]) -> bool:
    """Whether `image` comes from one of `allowed`: registry hosts or repository prefixes
    such as `ghcr.io/acme`."""
    for entry in allowed:
        prefix = entry.rstrip("/")
        if image.registry == prefix or image.name == prefix or image.name.startswith(f"{prefix}/"):
            return True
    return False
