from decimal import Decimal

from django.db import migrations

from kesu.complaints import reference


def load(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    CompensationTier = apps.get_model("complaints", "CompensationTier")
    DeskSettings = apps.get_model("complaints", "DeskSettings")
    AuthorityLimit = apps.get_model("accounts", "AuthorityLimit")
    Department = apps.get_model("accounts", "Department")

    for i, (code, name, name_en) in enumerate(reference.CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "sort_order": i})
    if not SlaPolicy.objects.exists():
        for name, cat, sev, tier, special, basis, ack, first, resolve, follow, rank in reference.SLA_POLICIES:
            SlaPolicy.objects.create(
                name=name, category=Category.objects.get(code=cat) if cat else None, severity=sev, customer_tier=tier,
                special_group_only=special, basis=basis, acknowledge_hours=Decimal(str(ack)),
                first_response_hours=Decimal(str(first)), resolve_hours=Decimal(str(resolve)),
                follow_up_hours=Decimal(str(follow)), rank=rank,
            )
    for severity, name, description, types, suggested, maximum in reference.COMPENSATION_TIERS:
        CompensationTier.objects.get_or_create(
            severity=severity,
            defaults={"name": name, "description": description, "allowed_types": types,
                      "suggested_amount": Decimal(suggested), "max_amount": Decimal(maximum)},
        )
    for role, amount in reference.AUTHORITY_LIMITS:
        AuthorityLimit.objects.get_or_create(role=role, defaults={"max_amount": Decimal(amount)})
    for code, name, kind, cats in reference.DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "handles_categories": cats})
    if not DeskSettings.objects.exists():
        DeskSettings.objects.create()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
