"""Google Cloud on-demand Linux list prices (USD) for what the GCP stacks create, per region.

Compute Engine, Persistent Disk, Cloud NAT and Cloud Storage figures come from Google's Cloud
Billing Catalog API as exported (SKU by SKU, region by region) into pricing.yml of
Cyclenerd/google-cloud-pricing-cost-calculator, commit fd66b26 (file generated 2026-07-30):
`compute.instance.<type>.cost.<region>.hour`, `compute.storage.<disk>.cost.<region>.month`,
`compute.network.nat.gateway.cost.<region>.hour` (the tool stores the 32-VM cap: 32 x the
per-VM SKU) and `storage.bucket.standard.cost.<region>.month`. The file was read, not copied.
A figure that could not be read is `usd=None`: estimates print "unknown" for it.
"""

from __future__ import annotations

from components.cluster.pricing import Price, PriceTable, Source, unreadable

READ_ON = "2026-12-01"

CATALOG = Source(
    "https://github.com/Cyclenerd/google-cloud-pricing-cost-calculator/blob/fd66b26/pricing.yml",
    READ_ON,
    "Cloud Billing Catalog API prices exported 2026-07-30 (the Compute Engine, Networking and "
    "Cloud Storage SKUs of the region)",
)
NAT_CATALOG = Source(
    CATALOG.url,
    READ_ON,
    "SKU 'Networking Cloud Nat Gateway Uptime': $0.0448/h stored for the 32-VM cap, i.e. "
    "$0.0014 per VM-hour; more than 32 VMs are charged the cap",
)
GKE_PRICING = Source(
    "https://cloud.google.com/kubernetes-engine/pricing",
    READ_ON,
    "cluster management fee $0.10 per cluster per hour; the $74.40 monthly free-tier credit "
    "applies to zonal and Autopilot clusters only",
)
KMS_PRICING = Source(
    "https://github.com/petrilli/aletheia/blob/master/docs/costs.rst",
    READ_ON,
    "third party quoting Cloud KMS list pricing: $0.06 per key (version) per month",
)
LB_UNREAD = unreadable("https://cloud.google.com/vpc/network-pricing#lb", READ_ON)
LOGGING_UNREAD = unreadable("https://cloud.google.com/stackdriver/pricing", READ_ON)

EUROPE_WEST1 = "europe-west1"
US_CENTRAL1 = "us-central1"


def _same_everywhere(region: str) -> tuple[Price, ...]:
    """Rows whose source gives one price and names no region (the GKE fee: "applies to all GKE
    clusters"; Cloud KMS key versions), and those that could not be read for any region."""
    return (
        Price("gke-cluster", "standard", region, 0.10, "hour", GKE_PRICING),
        Price("cloud-kms", "software-key-version", region, 0.06, "month", KMS_PRICING),
        Price("network-lb", "forwarding-rule", region, None, "hour", LB_UNREAD),
        Price("cloud-logging", "ingestion", region, None, "GB", LOGGING_UNREAD),
    )


# What the catalog export states for each region (USD): machine types per hour, Persistent Disk
# types per GB-month, Cloud NAT per VM-hour, Cloud Storage standard per GB-month.
MACHINES_PER_HOUR = {
    EUROPE_WEST1: {"e2-standard-2": 0.07371546, "e2-standard-4": 0.14743092, "e2-standard-8": 0.29486184,
                   "e2-standard-16": 0.58972368},
    US_CENTRAL1: {"e2-standard-2": 0.06701142, "e2-standard-4": 0.13402284, "e2-standard-8": 0.26804568,
                  "e2-standard-16": 0.53609136},
}
DISKS_PER_GB_MONTH = {
    EUROPE_WEST1: {"pd-balanced": 0.10, "pd-ssd": 0.17, "pd-standard": 0.04},
    US_CENTRAL1: {"pd-balanced": 0.10, "pd-ssd": 0.17, "pd-standard": 0.04},
}
NAT_PER_VM_HOUR = {EUROPE_WEST1: 0.0014, US_CENTRAL1: 0.0014}
BUCKET_PER_GB_MONTH = {EUROPE_WEST1: 0.02, US_CENTRAL1: 0.02}


def _catalog(region: str) -> tuple[Price, ...]:
    """The rows of `region` read from the catalog export."""
    return (
        *(Price("compute-instance", m, region, usd, "hour", CATALOG) for m, usd in MACHINES_PER_HOUR[region].items()),
        *(Price("persistent-disk", d, region, usd, "GB-month", CATALOG)
          for d, usd in DISKS_PER_GB_MONTH[region].items()),
        Price("cloud-nat", "gateway-uptime", region, NAT_PER_VM_HOUR[region], "VM-hour", NAT_CATALOG),
        Price("cloud-storage", "standard", region, BUCKET_PER_GB_MONTH[region], "GB-month", CATALOG),
    )


ROWS = (
    *_same_everywhere(EUROPE_WEST1),
    *_same_everywhere(US_CENTRAL1),
    *_catalog(EUROPE_WEST1),
    *_catalog(US_CENTRAL1),
)

PRICES = PriceTable("gcp", ROWS)
