"""Kesu's shipped reference data: categories, SLA policies, the compensation standard, authority limits
and the default departments. Plain data (no model imports) so that the data migration, the demo and the
tests share it. Administrators change all of it in the admin afterwards."""

from decimal import Decimal

CATEGORIES = [
    # code, zh name, en name
    ("promise_broken", "服务承诺未兑现", "Service promise not kept"),
    ("technical_error", "专业技术失误", "Technical error"),
    ("attitude", "服务态度争议", "Staff attitude"),
    ("special_needs", "特殊需求", "Special needs"),
    ("product_quality", "产品质量", "Product quality"),
    ("logistics", "物流配送", "Logistics and delivery"),
    ("refund_return", "退款退货", "Refunds and returns"),
    ("privacy", "隐私与数据安全", "Privacy and data security"),
    ("safety", "人身财产安全", "Personal and property safety"),
    ("other", "其他", "Other"),
]

# name, category code or "", severity or "", tier or "", special group only, basis, ack, first response, resolve, follow-up, rank
SLA_POLICIES = [
    ("标准时效（工作时间）", "", "", "", False, "working", 2, 8, 40, 16, 100),
    ("轻微问题", "", "low", "", False, "working", 4, 16, 80, 24, 90),
    ("严重问题", "", "high", "", False, "working", 1, 4, 24, 8, 50),
    ("特别重大（自然时间，2小时内响应）", "", "critical", "", False, "natural", 0.5, 2, 24, 8, 5),
    ("特殊群体优先", "", "", "", True, "working", 1, 4, 24, 8, 10),
    ("白金会员", "", "", "platinum", False, "working", 1, 4, 32, 8, 40),
    ("钻石会员", "", "", "diamond", False, "working", 1, 4, 24, 8, 30),
    ("人身财产安全（自然时间）", "safety", "", "", False, "natural", 0.5, 2, 24, 8, 6),
    ("隐私与数据安全（自然时间）", "privacy", "", "", False, "natural", 1, 4, 48, 12, 7),
]

# severity, name, description, allowed types, suggested, max
COMPENSATION_TIERS = [
    (
        "low",
        "一般问题",
        "轻微延误、体验不佳：以致歉和小额代金券/积分为主。",
        ["voucher", "points", "written_apology"],
        20,
        100,
    ),
    (
        "medium",
        "较重问题",
        "服务失误、承诺未兑现：可减免费用或退还差价，必要时书面致歉。",
        ["voucher", "points", "fee_waiver", "written_apology", "value_added", "refund"],
        100,
        800,
    ),
    (
        "high",
        "重大问题",
        "重大故障或财产损失：费用减免、退款或换货，并出具书面道歉。",
        ["voucher", "points", "fee_waiver", "written_apology", "value_added", "refund", "replacement"],
        500,
        5000,
    ),
    (
        "critical",
        "特别重大",
        "人身安全、大面积影响：按实际损失赔偿，管理层书面致歉，启动危机处理。",
        ["voucher", "points", "fee_waiver", "written_apology", "value_added", "refund", "replacement"],
        2000,
        50000,
    ),
]

AUTHORITY_LIMITS = [("handler", 200), ("senior_handler", 1000), ("supervisor", 5000), ("admin", 50000)]

# code, name, kind, categories handled first
DEPARTMENTS = [
    ("complaints", "客诉中心", "complaint_team", []),
    ("legal", "法务部", "business", []),
    ("quality", "质检部", "business", []),
    ("logistics", "物流部", "business", []),
    ("tech", "技术部", "business", []),
    ("finance", "财务部", "business", []),
]


def install(apps) -> None:
    """Create the shipped reference data that is missing (idempotent). ``apps`` is a migration's
    historical registry or django.apps.apps; tests call it again after a transactional test flushed
    the tables."""
    Category = apps.get_model("complaints", "Category")
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    CompensationTier = apps.get_model("complaints", "CompensationTier")
    DeskSettings = apps.get_model("complaints", "DeskSettings")
    AuthorityLimit = apps.get_model("accounts", "AuthorityLimit")
    Department = apps.get_model("accounts", "Department")

    for i, (code, name, name_en) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": i}
        )
    if not SlaPolicy.objects.exists():
        for name, cat, sev, tier, special, basis, ack, first, resolve, follow, rank in SLA_POLICIES:
            SlaPolicy.objects.create(
                name=name,
                category=Category.objects.get(code=cat) if cat else None,
                severity=sev,
                customer_tier=tier,
                special_group_only=special,
                basis=basis,
                acknowledge_hours=Decimal(str(ack)),
                first_response_hours=Decimal(str(first)),
                resolve_hours=Decimal(str(resolve)),
                follow_up_hours=Decimal(str(follow)),
                rank=rank,
            )
    for severity, name, description, types, suggested, maximum in COMPENSATION_TIERS:
        CompensationTier.objects.get_or_create(
            severity=severity,
            defaults={
                "name": name,
                "description": description,
                "allowed_types": types,
                "suggested_amount": Decimal(suggested),
                "max_amount": Decimal(maximum),
            },
        )
    for role, amount in AUTHORITY_LIMITS:
        AuthorityLimit.objects.get_or_create(role=role, defaults={"max_amount": Decimal(amount)})
    for code, name, kind, cats in DEPARTMENTS:
        Department.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "handles_categories": cats}
        )
    if not DeskSettings.objects.exists():
        DeskSettings.objects.create()
