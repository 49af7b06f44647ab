"""The issue taxonomy as data: seed 002's "三个聚焦" and seed 003's four areas. Editable by the office."""

from django.db import migrations

THREE_FOCUSES = [
    (
        "聚焦党的理论路线方针政策和党中央决策部署",
        [
            "贯彻落实习近平新时代中国特色社会主义思想、做到“两个维护”",
            "履行职能责任、贯彻落实重大决策部署",
            "坚持和加强党的全面领导",
        ],
    ),
    (
        "聚焦群众身边腐败问题和不正之风",
        [
            "形式主义、官僚主义",
            "担当尽责、为民服务",
            "依法廉洁用权、侵害群众利益",
            "中央八项规定精神",
            "资金、资产、资源、资本和工程项目",
        ],
    ),
    (
        "聚焦基层党组织领导班子和干部队伍建设",
        [
            "党组织建设",
            "新时代党的组织路线和选人用人",
            "管党治党政治责任（含巡视巡察、审计等整改）",
        ],
    ),
]

FOUR_AREAS = [
    ("落实党的路线方针、党中央重大决策部署和上级工作要求方面", []),
    ("纠治群众身边腐败和不正之风方面", []),
    ("落实新时代党的组织路线方面", []),
    ("落实巡视巡察、审计、主题教育整改方面", []),
]


def seed(apps, schema_editor):
    Category = apps.get_model("clues", "Category")
    for scheme, tree in (("三个聚焦", THREE_FOCUSES), ("四个方面", FOUR_AREAS)):
        for i, (area, children) in enumerate(tree, start=1):
            parent, _ = Category.objects.get_or_create(scheme=scheme, parent=None, name=area, defaults={"order": i})
            for j, name in enumerate(children, start=1):
                Category.objects.get_or_create(scheme=scheme, parent=parent, name=name, defaults={"order": j})


class Migration(migrations.Migration):
    dependencies = [("clues", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
