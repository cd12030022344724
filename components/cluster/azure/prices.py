"""Azure pay-as-you-go Linux list prices (USD) for what the Azure stacks create, per region.

Azure's pricing pages render their figures from JavaScript and the Retail Prices API
(https://prices.azure.com/api/retail/prices) cannot be reached from here; no stored source
quoting West Europe figures for these SKUs was found, so most rows are `usd=None` and estimates
print "unknown" for them, naming the row. Fill a row by querying the Retail Prices API, e.g.
`$filter=serviceName eq 'Virtual Machines' and armRegionName eq 'westeurope' and armSkuName eq
'Standard_D4s_v5' and priceType eq 'Consumption'` (the Linux meter, not the Windows one), and
record the date.
"""

from __future__ import annotations

from components.cluster.pricing import Price, PriceTable, Source, unreadable

READ_ON = "2026-12-01"

AKS_PRICING = Source(
    "https://techmarmot.com/post/6188/architectural-economics-of-azure-kubernetes-service-a-"
    "comprehensive-analysis-of-pricing-tiers-resource-consumption-and-cost-optimization-strategies/",
    READ_ON,
    "third party quoting the AKS pricing page: Free tier $0, Standard tier $0.10 per cluster "
    "per hour",
)
VM_UNREAD = unreadable("https://azure.microsoft.com/pricing/details/virtual-machines/linux/", READ_ON)
DISK_UNREAD = unreadable("https://azure.microsoft.com/pricing/details/managed-disks/", READ_ON)
LB_UNREAD = unreadable("https://azure.microsoft.com/pricing/details/load-balancer/", READ_ON)
IP_UNREAD = unreadable("https://azure.microsoft.com/pricing/details/ip-addresses/", READ_ON)
LOGS_UNREAD = unreadable("https://azure.microsoft.com/pricing/details/monitor/", READ_ON)

WESTEUROPE = "westeurope"

_VM_SIZES = ("Standard_D2s_v5", "Standard_D4s_v5", "Standard_D8s_v5", "Standard_D16s_v5")
# Managed disks are billed per size tier, not per GB (Premium SSD P*, Standard SSD E*).
_DISK_TIERS = (*(f"P{n}" for n in (1, 2, 3, 4, 6, 10, 15, 20)), *(f"E{n}" for n in (1, 2, 3, 4, 6, 10, 15, 20)))

ROWS = (
    Price("aks-cluster", "free", WESTEUROPE, 0.0, "hour", AKS_PRICING),
    Price("aks-cluster", "standard", WESTEUROPE, 0.10, "hour", AKS_PRICING),
    *(Price("virtual-machine", size, WESTEUROPE, None, "hour", VM_UNREAD) for size in _VM_SIZES),
    *(Price("managed-disk", tier, WESTEUROPE, None, "month", DISK_UNREAD) for tier in _DISK_TIERS),
    Price("load-balancer", "standard", WESTEUROPE, None, "hour", LB_UNREAD),
    Price("public-ip", "standard-static-ipv4", WESTEUROPE, None, "hour", IP_UNREAD),
    Price("log-analytics", "ingestion", WESTEUROPE, None, "GB", LOGS_UNREAD),
)

PRICES = PriceTable("azure", ROWS)
