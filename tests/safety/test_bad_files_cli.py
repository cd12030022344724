"""Issue 17: every mistake a user can make in the files they edit is one clear error from the CLI.

Each case edits the text of a shipped stack file or of `stacks/workloads.yaml` (one mistake),
runs `skyfleet preview --stack S` and checks: exit status 2 (invalid input), no traceback,
nothing written for the stack, and exactly the expected problems, each naming the file, the
path (or line and column) and the rule.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from .cli_cases import (
    WORKLOADS,
    Case,
    after,
    append,
    at,
    check_run,
    in_stack,
    in_workloads,
    replace,
    run_case,
    stack_file,
    stack_key,
    whole,
    whole_file,
)

AWS, GCP, AZ, LOCAL, AWS_PROD = "aws-dev", "gcp-dev", "azure-dev", "local", "aws-prod"
DEV = "clusters.skyfleet-dev"
POOLS = "      nodePools:\n"
API = "  api:\n"
WEB = "  web:\n"
SHIPPED_LINES = {AWS: len((Path(__file__).resolve().parents[2] / stack_file(AWS)).read_text().splitlines())}
SECRET_LINE = "    apiDatabasePassword:\n      secure: v1:c2t5ZmxlZXQtcHJldmlldy1wbGFjZWhvbGRlcg==\n"
LAUGHS = (
    "  skyfleet:laughs:\n"
    "    a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    "    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
)

CASES = [
    # --- malformed files --------------------------------------------------------------------
    Case("stack-unclosed-bracket", "malformed", AWS,
         [at(stack_file(AWS), 18, 11, "flow sequence started at line 17, column 28; expected ',' or ']'")],
         stack_edits=[replace("publicAccessCidrs: [203.0.113.0/24]", "publicAccessCidrs: [203.0.113.0/24")]),
    Case("stack-tab-indentation", "malformed", GCP,
         [at(stack_file(GCP), 13, 1, "YAML indents with spaces, never tabs")],
         stack_edits=[replace("      nodePools:\n        system", "      nodePools:\n\t  system")]),
    Case("workloads-unclosed-brace", "malformed", AWS,
         [at(WORKLOADS, 12, 13, "flow mapping started at line 11, column 13; expected ',' or '}'")],
         workloads_edits=[replace("http: {port: 8080}\n    liveness", "http: {port: 8080\n    liveness")]),
    Case("workloads-unclosed-quote", "malformed", AZ,
         [at(WORKLOADS, 51, 14, "YAML syntax error")],
         workloads_edits=[replace('HTTP_ADDR: ":8080"', 'HTTP_ADDR: ":8080')]),
    Case("stack-not-utf8", "malformed", AWS,
         [at(stack_file(AWS), 18, 24, "byte 0xe9 is not UTF-8")],
         stack_edits=[lambda t: t.replace(b"tags: {team: platform}", b"tags: {team: plat\xe9form}")]),
    Case("workloads-not-utf8", "malformed", GCP,
         [at(WORKLOADS, 6, 16, "byte 0xff is not UTF-8")],
         workloads_edits=[lambda t: t.replace(b"namespace: apps", b"namespace: \xff\xfeapps", 1)]),
    Case("stack-empty", "malformed", AWS,
         [whole_file(stack_file(AWS), "is empty: expected a mapping with a `config:` section")],
         stack_edits=[whole("# nothing yet\n")]),
    Case("workloads-empty", "malformed", AWS,
         [whole_file(WORKLOADS, "is empty")],
         workloads_edits=[whole("")]),
    Case("stack-top-level-list", "malformed", GCP,
         [at(stack_file(GCP), 1, 1, "top level is a list: expected a mapping with a `config:` section")],
         stack_edits=[whole("- config:\n    skyfleet:environment: dev\n")]),
    Case("workloads-top-level-string", "malformed", AWS,
         [at(WORKLOADS, 1, 1, "top level is a string")],
         workloads_edits=[whole("services web and api\n")]),
    Case("stack-without-config", "malformed", AZ,
         [stack_key(AZ, "config", "is missing: a stack file keeps its settings under `config:`"),
          stack_key(AZ, "skyfleet:environment", "unknown key")],
         stack_edits=[whole("skyfleet:environment: dev\n")]),
    Case("stack-config-is-a-list", "malformed", AWS,
         [stack_key(AWS, "config", "must be a mapping of keys")],
         stack_edits=[whole("config:\n  - skyfleet:environment: dev\n")]),
    Case("stack-top-level-typo", "malformed", LOCAL,
         [stack_key(LOCAL, "confg", "unknown key (did you mean config?)"),
          stack_key(LOCAL, "config", "is missing")],
         stack_edits=[replace("config:\n", "confg:\n")]),
    Case("workloads-top-level-typo", "malformed", AWS,
         [in_workloads("service", "unknown key (did you mean services?)")],
         workloads_edits=[replace("services:\n", "service:\n")]),
    Case("stack-two-documents", "malformed", AWS,
         [at(stack_file(AWS), 19, 1, "expected a single document")],
         stack_edits=[after("tags: {team: platform}", "---\nconfig: {}\n")]),
    Case("both-files-broken-reported-together", "malformed", AWS,
         [at(stack_file(AWS), 18, 11, "flow sequence started at line 17"),
          at(WORKLOADS, 6, 16, "is not UTF-8")],
         stack_edits=[replace("publicAccessCidrs: [203.0.113.0/24]", "publicAccessCidrs: [203.0.113.0/24")],
         workloads_edits=[lambda t: t.replace(b"namespace: apps", b"namespace: \xff\xfeapps", 1)]),
    # --- files that attack the parser ----------------------------------------------------------
    Case("stack-billion-laughs", "attack", AWS,
         [at(stack_file(AWS), 12, 8, "refused as an alias bomb")],
         stack_edits=[after("skyfleet:environment: dev", LAUGHS)]),
    Case("workloads-billion-laughs", "attack", AWS,
         [at(WORKLOADS, 9, 8, "refused as an alias bomb")],
         workloads_edits=[replace("services:\n", LAUGHS.replace("  skyfleet:laughs", "x-laughs") + "services:\n")]),
    Case("workloads-recursive-alias", "attack", GCP,
         [at(WORKLOADS, 49, 14, "refused as an alias bomb")],
         workloads_edits=[replace("    callers: [web]", "    callers: &loop [*loop]")]),
    Case("stack-deep-nesting", "attack", AWS,
         [at(stack_file(AWS), 6, 55, "nested more than 32 levels deep")],
         stack_edits=[replace("skyfleet:environment: dev", "skyfleet:environment: " + "[" * 5000 + "]" * 5000)]),
    Case("workloads-huge", "attack", AWS,
         [whole_file(WORKLOADS, "refused above 262144")],
         workloads_edits=[append("# " + "x" * 300_000 + "\n")]),
    Case("workloads-too-many-values", "attack", AWS,
         [at(WORKLOADS, 49, 99390, "holds more than 20000 values")],
         workloads_edits=[replace("    callers: [web]", "    callers: [" + "web, " * 21_000 + "web]")]),
    # --- duplicate keys ---------------------------------------------------------------------------
    Case("duplicate-cluster-key", "duplicate", AWS,
         [at(stack_file(AWS), 11, 7, "duplicate key 'region': first at line 10, again at line 11")],
         stack_edits=[after("region: us-east-1", "      region: us-west-2\n")]),
    Case("duplicate-config-key", "duplicate", GCP,
         [at(stack_file(GCP), 6, 3, "duplicate key 'skyfleet:environment': first at line 5, again at line 6")],
         stack_edits=[after("skyfleet:environment: dev", "  skyfleet:environment: prod\n")]),
    Case("duplicate-service", "duplicate", AWS,
         [at(WORKLOADS, 23, 3, "duplicate key 'web': first at line 5, again at line 23")],
         workloads_edits=[replace("  api:\n", "  web:\n")]),
    Case("duplicate-port-name", "duplicate", AWS,
         [at(WORKLOADS, 29, 7, "duplicate key 'http': first at line 28, again at line 29")],
         workloads_edits=[replace("      metrics: {port: 9090}", "      http: {port: 9090}")]),
    Case("duplicate-in-flow-mapping", "duplicate", AZ,
         [at(stack_file(AZ), 14, 55, "duplicate key 'maxSize': first at line 14, again at line 14")],
         stack_edits=[replace("system: {size: small, minSize: 1, maxSize: 3}",
                              "system: {size: small, minSize: 1, maxSize: 3, maxSize: 4}")]),
    Case("duplicate-secret", "duplicate", AWS,
         # The appended key sits on the file's first line after the shipped ones.
         [at(stack_file(AWS), SHIPPED_LINES[AWS] + 1, 5, "duplicate key 'apiDatabasePassword'")],
         stack_edits=[append(SECRET_LINE)]),
    # --- unknown keys ------------------------------------------------------------------------------
    Case("unknown-namespace-key", "unknown", AWS,
         [in_stack(AWS, "enviroment", "unknown key (did you mean skyfleet:environment?)")],
         stack_edits=[replace("skyfleet:environment: dev", "skyfleet:enviroment: dev")]),
    Case("unknown-endpoint-key", "unknown", GCP,
         [in_stack(GCP, f"{DEV}.endpoint.publicAccessCidr", "unknown key (did you mean publicAccessCidrs?)")],
         stack_edits=[replace("publicAccessCidrs:", "publicAccessCidr:")]),
    Case("unknown-platform-addon", "unknown", AWS,
         [in_stack(AWS, "platform.monitorng", "unknown key (did you mean monitoring?)")],
         stack_edits=[append("  skyfleet:platform:\n    monitorng: {enabled: false}\n")]),
    Case("unknown-gitops-key", "unknown", AWS,
         [in_stack(AWS, "gitops.repoURL", "unknown key (did you mean repoUrl?)")],
         stack_edits=[append("  skyfleet:gitops: {repoURL: https://example.com/x.git}\n")]),
    Case("unknown-existing-key", "unknown", LOCAL,
         [in_stack(LOCAL, "clusters.local.existing.kubeContext", "unknown key (did you mean context?)")],
         stack_edits=[replace("context: kind-skyfleet", "kubeContext: kind-skyfleet")]),
    Case("unknown-probe-key", "unknown", AWS,
         [in_workloads("services.web.readiness.periodSecond", "unknown key (did you mean periodSeconds?)")],
         workloads_edits=[replace("periodSeconds: 5", "periodSecond: 5")]),
    Case("unknown-route-key", "unknown", AWS,
         [in_workloads("services.web.route.hostname", "unknown key (did you mean host?)")],
         workloads_edits=[replace("host: web.example.com", "hostname: web.example.com")]),
    Case("unknown-autoscaling-key", "unknown", GCP,
         [in_workloads("services.web.autoscaling.maxReplica", "unknown key (did you mean maxReplicas?)")],
         workloads_edits=[replace("maxReplicas: 6", "maxReplica: 6")]),
    Case("unknown-policy", "unknown", AWS,
         [in_stack(AWS, "policyConfig.image-pined", "unknown key (did you mean image-pinned?)")],
         stack_edits=[append("  skyfleet:policyConfig: {image-pined: mandatory}\n")]),
    Case("unknown-policy-setting", "unknown", AWS,
         [in_stack(AWS, "policyConfig.replicas-minimum.minReplica", "unknown key (did you mean minReplicas?)")],
         stack_edits=[append("  skyfleet:policyConfig: {replicas-minimum: {minReplica: 3}}\n")]),
    # --- wrong types -----------------------------------------------------------------------------
    Case("type-environment-number", "type", AWS,
         [in_stack(AWS, "environment", "must be 'dev' or 'prod'")],
         stack_edits=[replace("skyfleet:environment: dev", "skyfleet:environment: 1")]),
    Case("type-clusters-list", "type", AWS,
         [in_stack(AWS, "clusters", "a mapping of cluster name to cluster settings")],
         stack_edits=[replace("  skyfleet:clusters:\n    skyfleet-dev:\n",
                              "  skyfleet:clusters:\n    - skyfleet-dev:\n")]),
    Case("type-node-pools-list", "type", GCP,
         [in_stack(GCP, f"{DEV}.nodePools", "must be a mapping")],
         stack_edits=[replace("        system: {size", "        - system: {size"),
                      replace("        general: {size", "        - general: {size")]),
    Case("type-pool-size-string", "type", AZ,
         [in_stack(AZ, f"{DEV}.nodePools.general.maxSize", "must be a whole number")],
         stack_edits=[replace("minSize: 1, maxSize: 5", "minSize: 1, maxSize: five")]),
    Case("type-tags-list", "type", AWS,
         [in_stack(AWS, f"{DEV}.tags", "must be a mapping")],
         stack_edits=[replace("tags: {team: platform}", "tags: [team, platform]")]),
    Case("type-zones-string", "type", AWS_PROD,
         [in_stack(AWS_PROD, "clusters.skyfleet-prod.zones", "must be a list, not a string")],
         stack_edits=[replace("zones: [us-east-1a, us-east-1b, us-east-1c]", "zones: us-east-1a")]),
    Case("type-platform-addon-string", "type", AWS,
         [in_stack(AWS, "platform.monitoring", "must be a mapping")],
         stack_edits=[append("  skyfleet:platform: {monitoring: off}\n")]),
    Case("type-ports-list", "type", AWS,
         [in_workloads("services.web.ports", "must be a mapping")],
         workloads_edits=[replace("      http: {port: 8080}\n    liveness:\n      httpGet: {path: /, port: http}",
                                  "      - 8080\n    liveness:\n      httpGet: {path: /, port: http}")]),
    Case("type-replicas-string", "type", AWS,
         [in_workloads("services.api.replicas", "must be a whole number")],
         workloads_edits=[replace("replicas: 3", 'replicas: "3"')]),
    Case("type-callers-string", "type", GCP,
         [in_workloads("services.api.callers", "must be a list")],
         workloads_edits=[replace("callers: [web]", "callers: web")]),
    Case("type-config-value-number", "type", AWS,
         [in_workloads("services.api.config.WORKERS", "must be a string")],
         workloads_edits=[replace("LOG_LEVEL: info", "LOG_LEVEL: info\n      WORKERS: 4")]),
    Case("type-service-name-number", "type", AWS,
         [in_workloads("services.123", "must be a name, but YAML read 123 as a number"),
          in_workloads("services.api.callers[0]", "names no service")],  # web is gone: a true consequence
         workloads_edits=[replace("  web:\n", "  123:\n")]),
    Case("type-policy-config-list", "type", AWS,
         [in_stack(AWS, "policyConfig", "must map policy names to a level or settings")],
         stack_edits=[append("  skyfleet:policyConfig: [image-pinned]\n")]),
    Case("type-policy-level", "type", GCP,
         [in_stack(GCP, "policyConfig.image-pinned", "must be an enforcement level")],
         stack_edits=[append("  skyfleet:policyConfig: {image-pinned: 3}\n")]),
    Case("type-policy-setting", "type", AWS,
         [in_stack(AWS, "policyConfig.replicas-minimum.minReplicas", "must be a whole number")],
         stack_edits=[append("  skyfleet:policyConfig: {replicas-minimum: {minReplicas: three}}\n")]),
    Case("type-secrets-list", "type", AWS,
         [in_stack(AWS, "secrets", "must map secret names to encrypted values")],
         stack_edits=[replace(SECRET_LINE, "    - apiDatabasePassword\n")]),
    Case("type-delivery-list", "type", AZ,
         [in_stack(AZ, "delivery", "must be 'pulumi' or 'argocd'")],
         stack_edits=[append("  skyfleet:delivery: [pulumi]\n")]),
    # --- values out of what the target accepts ----------------------------------------------------
    Case("bound-replicas-int32", "bounds", AWS,
         [in_workloads("services.api.replicas", "must be at most")],
         workloads_edits=[replace("replicas: 3", "replicas: 99999999999")]),
    Case("bound-replicas-float-overflow", "bounds", AWS,
         [in_workloads("services.api.replicas", "must be a whole number")],
         workloads_edits=[replace("replicas: 3", "replicas: 1e999")]),
    Case("bound-max-replicas", "bounds", GCP,
         [in_workloads("services.web.autoscaling.maxReplicas", "must be at most")],
         workloads_edits=[replace("maxReplicas: 6", "maxReplicas: 5000000000")]),
    Case("bound-eks-pool-size", "bounds", AWS,
         [in_stack(AWS, f"{DEV}.nodePools.general.maxSize", "EKS")],
         stack_edits=[replace("minSize: 1, maxSize: 5", "minSize: 1, maxSize: 100000")]),
    Case("bound-aks-pool-size", "bounds", AZ,
         [in_stack(AZ, f"{DEV}.nodePools.general.maxSize", "AKS")],
         stack_edits=[replace("minSize: 1, maxSize: 5", "minSize: 1, maxSize: 5000")]),
    Case("bound-pool-min-negative", "bounds", GCP,
         [in_stack(GCP, f"{DEV}.nodePools.general.minSize", "must be >= 0")],
         stack_edits=[replace("general: {size: medium, minSize: 1", "general: {size: medium, minSize: -1")]),
    Case("bound-gke-disk", "bounds", GCP,
         [in_stack(GCP, f"{DEV}.nodePools.general.diskSizeGb", "must be between")],
         stack_edits=[replace("general: {size: medium,", "general: {diskSizeGb: 100000, size: medium,")]),
    Case("bound-port-zero", "bounds", AWS,
         [in_workloads("services.web.ports.http.port", "must be a port number 1-65535")],
         workloads_edits=[replace("http: {port: 8080}", "http: {port: 0}")]),
    Case("bound-probe-period", "bounds", AWS,
         [in_workloads("services.web.readiness.periodSeconds", "must be")],
         workloads_edits=[replace("periodSeconds: 5", "periodSeconds: 0")]),
    Case("bound-quantity-huge", "bounds", AWS,
         [in_workloads("services.api.resources.limits.memory", "at most")],
         workloads_edits=[replace("memory: 512Mi", "memory: 99999999999999999999Ei")]),
    Case("bound-quantity-too-precise", "bounds", AWS,
         [in_workloads("services.api.resources.requests.cpu", "more precise than")],
         workloads_edits=[replace("cpu: 250m", "cpu: '0.0001'")]),
    Case("bound-namespace-64", "bounds", AWS,
         [in_workloads("services.web.namespace", "must be a DNS-1123 label")],
         workloads_edits=[replace("namespace: apps\n    image: nginx",
                                  "namespace: " + "a" * 64 + "\n    image: nginx")]),
    Case("bound-host-label-64", "bounds", AWS,
         [in_workloads("services.web.route.host", "labels are at most 63 characters")],
         workloads_edits=[replace("host: web.example.com", "host: " + "w" * 64 + ".example.com")]),
    Case("bound-host-254", "bounds", GCP,
         [in_workloads("services.web.route.host", "must be a DNS-1123 subdomain")],
         workloads_edits=[replace("host: web.example.com", "host: " + ("a" * 60 + ".") * 4 + "example.com")]),
    Case("bound-chart-version", "bounds", AWS,
         [in_stack(AWS, "platform.ingress.chartVersion", "must be a chart version")],
         stack_edits=[append("  skyfleet:platform: {ingress: {chartVersion: latest}}\n")]),
    Case("bound-cpu-utilization", "bounds", AWS,
         [in_workloads("services.web.autoscaling.cpuUtilization", "must be")],
         workloads_edits=[replace("maxReplicas: 6", "maxReplicas: 6\n      cpuUtilization: 0")]),
    # --- fields that do not belong to the cloud; contradictions ------------------------------------
    Case("gcp-machine-type-on-eks", "cloud", AWS,
         [in_stack(AWS, f"{DEV}.nodePools.general.machineType", "is not an EC2 instance type")],
         stack_edits=[replace("general: {size: medium,", "general: {machineType: e2-standard-4,")]),
    Case("azure-vm-size-on-gke", "cloud", GCP,
         [in_stack(GCP, f"{DEV}.nodePools.general.machineType", "is not a Compute Engine machine type")],
         stack_edits=[replace("general: {size: medium,", "general: {machineType: Standard_D4s_v5,")]),
    Case("aws-instance-type-on-aks", "cloud", AZ,
         [in_stack(AZ, f"{DEV}.nodePools.general.machineType", "is not an Azure VM size")],
         stack_edits=[replace("general: {size: medium,", "general: {machineType: m5.xlarge,")]),
    Case("size-and-machine-type", "cloud", GCP,
         [in_stack(GCP, f"{DEV}.nodePools.general", "set size or machineType, not both")],
         stack_edits=[replace("general: {size: medium,", "general: {machineType: e2-standard-8, size: medium,")]),
    Case("region-on-existing", "cloud", LOCAL,
         [in_stack(LOCAL, "clusters.local.region", "has no effect on an existing cluster")],
         stack_edits=[replace("cloud: existing", "cloud: existing\n      region: us-east-1")]),
    Case("gcp-role-under-aws", "cloud", AWS,
         [in_workloads("services.api.cloudAccess.aws[0]", "must be an IAM policy ARN")],
         workloads_edits=[replace('aws: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]',
                                  'aws: ["roles/storage.objectViewer"]')]),
    Case("aws-policy-under-azure", "cloud", AZ,
         [in_workloads("services.api.cloudAccess.azure[0]", "must be an Azure role name")],
         workloads_edits=[replace('azure: ["Storage Blob Data Reader"]',
                                  'azure: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]')]),
    Case("project-on-azure", "cloud", AZ,
         [in_stack(AZ, f"{DEV}.project", "is only used on gcp")],
         stack_edits=[replace("      cloud: azure\n", "      cloud: azure\n      project: skyfleet-dev\n")]),
    # --- broken references ---------------------------------------------------------------------
    Case("caller-names-no-service", "reference", AWS,
         [in_workloads("services.api.callers[0]", "names no service")],
         workloads_edits=[replace("callers: [web]", "callers: [wbe]")]),
    Case("caller-in-other-namespace", "reference", AWS,
         [in_workloads("services.api.callers[0]", "names no service")],
         workloads_edits=[replace("callers: [web]", "callers: [shop/web]")]),
    Case("secret-key-missing", "reference", GCP,
         [in_workloads("services.api.secrets.DATABASE_PASSWORD", "no such key in skyfleet:secrets")],
         workloads_edits=[replace("DATABASE_PASSWORD: apiDatabasePassword", "DATABASE_PASSWORD: apiDbPassword")]),
    Case("same-host-and-path", "reference", AWS,
         [in_workloads("services.api.route", "already routed to service 'web'")],
         workloads_edits=[replace("    metrics:\n      port: metrics",
                                  "    route: {host: web.example.com}\n    metrics:\n      port: metrics")]),
    Case("route-port-missing", "reference", AWS,
         [in_workloads("services.web.route.port", "is not a container port of service 'web'")],
         workloads_edits=[replace("host: web.example.com", "host: web.example.com\n      port: https")]),
    Case("metrics-port-missing", "reference", AZ,
         [in_workloads("services.api.metrics.port", "is not a container port of service 'api'")],
         workloads_edits=[replace("      port: metrics\n", "      port: prometheus\n")]),
    Case("namespace-of-an-addon", "reference", AWS,
         [in_workloads("services.web.namespace", "belongs to the platform (the monitoring add-on creates it)"),
          in_workloads("services.api.callers[0]", "names no service")],  # web left api's namespace
         workloads_edits=[replace("  web:\n    namespace: apps", "  web:\n    namespace: monitoring")]),
    Case("namespace-of-node-exporter", "reference", AZ,
         [in_workloads("services.web.namespace", "belongs to the platform (the monitoring add-on creates it)"),
          in_workloads("services.api.callers[0]", "names no service")],  # web left api's namespace
         workloads_edits=[replace("  web:\n    namespace: apps", "  web:\n    namespace: node-exporter")]),
    Case("namespace-kube-system", "reference", GCP,
         [in_workloads("services.api.namespace", "belongs to Kubernetes")],
         workloads_edits=[replace("  api:\n    namespace: apps", "  api:\n    namespace: kube-system")]),
    # --- plaintext secrets ----------------------------------------------------------------------
    Case("secret-plaintext", "secret", AWS,
         [in_stack(AWS, "secrets.apiDatabasePassword",
                   "pulumi config set --secret --path 'skyfleet:secrets.apiDatabasePassword' <value> -s aws-dev")],
         stack_edits=[replace(SECRET_LINE, "    apiDatabasePassword: hunter2-swordfish\n")],
         hidden=["hunter2-swordfish"]),
    Case("secret-plaintext-number", "secret", GCP,
         [in_stack(GCP, "secrets.apiDatabasePassword", "is not encrypted")],
         stack_edits=[replace(SECRET_LINE, "    apiDatabasePassword: 31415926535\n")],
         hidden=["31415926535"]),
    Case("secret-plaintext-beside-encrypted", "secret", AZ,
         [in_stack(AZ, "secrets.extraToken", "is not encrypted")],
         stack_edits=[append("    extraToken: tok-abcdef-123456\n")],
         hidden=["tok-abcdef-123456"]),
    Case("secret-plaintext-mapping", "secret", AWS,
         [in_stack(AWS, "secrets.apiDatabasePassword", "is not encrypted")],
         stack_edits=[replace(SECRET_LINE, "    apiDatabasePassword: {value: pa55-w0rd-xyz}\n")],
         hidden=["pa55-w0rd-xyz"]),
    # --- explicit empties never silently defaulted -----------------------------------------------
    Case("empty-node-pools", "empty", AWS,
         [in_stack(AWS, f"{DEV}.nodePools", "is empty")],
         stack_edits=[replace("      nodePools:\n        system: {size: small, minSize: 1, maxSize: 3}\n"
                              "        general: {size: medium, minSize: 1, maxSize: 5}\n", "      nodePools: {}\n")]),
    Case("empty-services", "empty", AWS,
         [in_workloads("services", "is empty")],
         workloads_edits=[whole("services: {}\n")]),
    Case("null-services", "empty", GCP,
         [in_workloads("services", "is empty")],
         workloads_edits=[whole("services:\n")]),
    Case("empty-ports", "empty", AWS,
         [in_workloads("services.web.ports", "must declare at least one port")],
         workloads_edits=[replace("    ports:\n      http: {port: 8080}\n    liveness:",
                                  "    ports: {}\n    liveness:")]),
    Case("empty-clusters", "empty", AZ,
         [in_stack(AZ, "clusters", "a mapping of cluster name to cluster settings")],
         stack_edits=[whole("config:\n  skyfleet:clusters: {}\n  skyfleet:secrets:\n" + SECRET_LINE)]),
    Case("null-platform", "empty", AWS,
         [in_stack(AWS, "platform", "is empty")],
         stack_edits=[append("  skyfleet:platform:\n")]),
    Case("null-replicas", "empty", AWS,
         [in_workloads("services.api.replicas", "is empty (null)")],
         workloads_edits=[replace("replicas: 3", "replicas:")]),
    Case("null-gcp-project", "empty", GCP,
         [in_stack(GCP, f"{DEV}.project", "is empty (null)")],
         stack_edits=[replace("project: skyfleet-dev", "project:")]),
    Case("empty-zones", "empty", AWS_PROD,
         [in_stack(AWS_PROD, "clusters.skyfleet-prod.zones", "is empty")],
         stack_edits=[replace("zones: [us-east-1a, us-east-1b, us-east-1c]", "zones: []")]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_file_is_one_clear_error_with_exit_status_2(case: Case, tmp_path: Path) -> None:
    check_run(case, run_case(tmp_path, case))


KINDS = ("malformed", "attack", "duplicate", "unknown", "type", "bounds", "cloud", "reference", "secret", "empty")


def test_every_class_of_mistake_has_cases() -> None:
    counts = Counter(case.kind for case in CASES)
    assert set(counts) == set(KINDS), counts
    assert min(counts.values()) >= 4, counts
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


README_MISTAKES = Case(
    "readme-example", "example", GCP, [],
    stack_edits=[replace("system: {size: small, minSize: 1, maxSize: 3}",
                         "system: {size: small, minSize: 1, maxSzie: 3}"),
                 after("general: {size: medium", "        gpu: {size: large, maxSize: ten}\n"),
                 append("  skyfleet:platform:\n    monitoring: {retention: two weeks}\n")],
    workloads_edits=[replace("image: ghcr.io/skyfleet/api:1.4.2", "image: ghcr.io/skyfleet/api:latest"),
                     replace("requests: {cpu: 250m, memory: 256Mi}", "requests: {cpu: 250m, memory: 1Gi}")],
)


def test_the_readme_example_is_what_the_cli_prints(tmp_path: Path) -> None:
    """README "Safety" shows the error of five mistakes in gcp-dev: it is the real output."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    shown = readme.split("five mistakes; exit 2, nothing written):\n\n```\n", 1)[1].split("```", 1)[0]
    run = run_case(tmp_path, README_MISTAKES)
    assert (run.code, run.written) == (2, False)
    assert run.stderr == shown


@pytest.mark.parametrize("command", [["policy"], ["graph", "--out", "graph-out"], ["render", "--check"]])
def test_every_command_that_runs_a_stack_exits_2_on_invalid_input(command: list[str], tmp_path: Path) -> None:
    import contextlib
    import io

    from skyfleet import cli

    from .project import copy_project

    project = copy_project(tmp_path)
    path = project / stack_file(AWS)
    path.write_text(path.read_text().replace("maxSize: 5}", "maxSize: 5"))
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["--project", str(project), command[0], "--stack", AWS, *command[1:]])
    assert code == 2, stderr.getvalue()
    assert f"  - {stack_file(AWS)}:15:" in stderr.getvalue(), stderr.getvalue()
