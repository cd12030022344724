"""What the engine (or the SDK) would refuse, refused by the preview with the same words.

The engine's checks, made by the monitor as each registration arrives (`EngineRefusal`):
- a URN registered twice: "Duplicate resource URN '<urn>'; try giving it a unique name"
  (pulumi/pulumi sdk/go/common/diag/errors.go, `GetDuplicateResourceURNError`, raised by
  `stepGenerator.generateURN`);
- a parent never registered: "could not find parent resource <urn>" (pkg/resource/deploy/
  step_generator.go, `checkParent`);
- a dependency never registered: "resource <urn>'s dependency <urn> refers to missing resource"
  (pkg/resource/deploy/snapshot.go, `VerifyIntegrity`: the engine cannot save such a state).

And one the Python SDK gets silently wrong: a custom resource given `provider=` of another package
(a Kubernetes object given a cloud provider, or a cloud resource given a Kubernetes provider). The
SDK moves that provider to the children's provider map and registers the resource with the
*default* provider (sdk/python/lib/pulumi/resource.py, `_get_providers`): a Kubernetes object
then goes to whatever cluster the ambient kubeconfig points at, a cloud resource to the ambient
account. The preview refuses it with the SDK's own wording for a provider of the wrong package
("Attempted to register resource <type> with a provider for '<package>'").
"""

from __future__ import annotations

from typing import Any

import pulumi


class EngineRefusal(Exception):
    """The engine would stop the update here; the message is its own."""


def duplicate_urn(urn: str) -> str:
    return f"Duplicate resource URN '{urn}'; try giving it a unique name"


def missing_parent(parent: str) -> str:
    return f"could not find parent resource {parent}"


def missing_dependency(urn: str, dependency: str) -> str:
    return f"resource {urn}'s dependency {dependency} refers to missing resource"


def refuse_foreign_providers(args: pulumi.ResourceTransformationArgs) -> None:
    """A stack transformation: runs for every resource before the SDK picks its provider."""
    provider: Any = args.opts.provider if args.opts is not None else None
    if provider is None or not isinstance(args.resource, pulumi.CustomResource):
        return None
    if isinstance(args.resource, pulumi.ProviderResource):
        return None
    package = args.type_.split(":", 1)[0]
    if getattr(provider, "package", package) != package:
        raise EngineRefusal(
            f"Attempted to register resource {args.type_} with a provider for '{provider.package}' "
            f"(resource {args.name!r}: a {package} resource needs a {package} provider, or it goes to the "
            "ambient default one)"
        )
    return None
