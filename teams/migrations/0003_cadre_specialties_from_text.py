"""Fill the structured specialties (专长) from the free text the pool had so far: 纪检监察 → 纪检,
财务审计 → 财务、审计, 组织人事 → 组织. The text stays, as 专长说明."""

from django.db import migrations

KEYWORDS = [
    ("财务", ("财务", "会计")),
    ("审计", ("审计",)),
    ("纪检", ("纪检", "监察")),
    ("组织", ("组织", "人事")),
    ("法律", ("法律", "法务")),
    ("工程", ("工程", "建设")),
    ("信息化", ("信息",)),
]


def forwards(apps, schema_editor):
    Cadre = apps.get_model("teams", "Cadre")
    for cadre in Cadre.objects.exclude(specialty="").filter(specialties=""):
        found = [code for code, words in KEYWORDS if any(w in cadre.specialty for w in words)]
        cadre.specialties = "、".join(found or ["其他"])
        cadre.save(update_fields=["specialties"])


class Migration(migrations.Migration):
    dependencies = [("teams", "0002_cadre_birth_month_specialties_past_teams")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
