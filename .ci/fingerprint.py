"""Prints a JSON fingerprint of the database and the media files, for the restore drill (.ci/restore-drill):
every model's row count, every dashboard figure of every term and round, every generated document's
SHA-256 as recorded and as computed from its file, and how many reporter identities decrypt.

    python .ci/fingerprint.py > before.json   (DATABASE_URL, XUNCHA_VAR_DIR / MEDIA_ROOT as the app's)
"""

import hashlib
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402

from dashboards.selectors.figures import Scope, figures  # noqa: E402
from rounds.models import Round, Term  # noqa: E402
from xuncha.core.crypto import Undecryptable, encrypted_fields  # noqa: E402
from xuncha.core.models import GeneratedDocument  # noqa: E402


def main() -> dict:
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label not in ("core.Heartbeat",)
        and model._meta.app_label not in ("sessions", "audit")
    }
    dashboards = {}
    for term in Term.objects.order_by("pk"):
        dashboards[f"term {term.pk}"] = figures(Scope(term))
        for round in Round.objects.filter(term=term).order_by("pk"):
            dashboards[f"round {round.pk}"] = figures(Scope(term, round))
    documents = {}
    for doc in GeneratedDocument.objects.order_by("pk"):
        actual = ""
        if doc.file:
            with doc.file.open("rb") as handle:
                actual = hashlib.sha256(handle.read()).hexdigest()
        documents[str(doc.pk)] = {"kind": doc.kind, "status": doc.status, "recorded": doc.sha256, "file": actual}
    identities = {"readable": 0, "unreadable": 0}
    for model, names in encrypted_fields():
        if model._meta.label.startswith("clues.Historical"):
            continue
        for row in model._default_manager.all().only("pk", *names):
            for name in names:
                value = getattr(row, name)
                if isinstance(value, Undecryptable):
                    identities["unreadable"] += 1
                elif value:
                    identities["readable"] += 1
    return {"counts": counts, "dashboards": dashboards, "documents": documents, "identities": identities}


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False, indent=1, sort_keys=True, default=str))
