"""Re-encrypting every encrypted field under the newest key and the configured algorithm
(`manage.py rotate_field_key`).

All or nothing: every value is decrypted (one that no configured key opens stops the run before anything
is written), re-encrypted, checked by decrypting the new ciphertext, written, then read back from the
database and checked again, in one transaction. Any failure rolls everything back; the old ciphertext stays.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction

from .crypto import DecryptionError, decrypt, describe, encrypt, encrypted_fields, is_current


class RotationError(Exception):
    pass


@dataclass
class RotationReport:
    checked: int = 0
    rotated: int = 0
    by_algorithm: dict = field(default_factory=dict)  # "sm4gcm:ab12cd34" -> count, before rotation
    tables: dict = field(default_factory=dict)  # table -> rows changed


def _rows(model, columns, *, lock: bool):
    qn = connection.ops.quote_name
    sql = f"SELECT {qn(model._meta.pk.column)}, {', '.join(qn(c) for c in columns)} FROM {qn(model._meta.db_table)}"
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def rotate(*, dry_run: bool = False) -> RotationReport:
    report = RotationReport()
    qn = connection.ops.quote_name
    with transaction.atomic():
        for model, names in encrypted_fields():
            columns = [model._meta.get_field(n).column for n in names]
            expected = {}
            for row in _rows(model, columns, lock=True):
                pk, values = row[0], row[1:]
                changes = {}
                for column, token in zip(columns, values, strict=True):
                    if not token:
                        continue
                    report.checked += 1
                    algorithm, kid = describe(token)
                    label = f"{algorithm}:{kid or 'legacy'}"
                    report.by_algorithm[label] = report.by_algorithm.get(label, 0) + 1
                    try:
                        plain = decrypt(token)
                    except DecryptionError as exc:
                        raise RotationError(
                            f"{model._meta.db_table}.{column} #{pk}: cannot be decrypted with the configured keys "
                            f"({exc}); nothing was changed. Put the old key back in FIELD_ENCRYPTION_KEY "
                            "(after the new one) and run again."
                        ) from exc
                    if is_current(token):
                        continue
                    new = encrypt(plain)
                    if decrypt(new) != plain:
                        raise RotationError(f"{model._meta.db_table}.{column} #{pk}: verification failed")
                    changes[column] = new
                    expected[(pk, column)] = plain
                if changes and not dry_run:
                    sets = ", ".join(f"{qn(c)} = %s" for c in changes)
                    with connection.cursor() as cursor:
                        cursor.execute(
                            f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(model._meta.pk.column)} = %s",
                            [*changes.values(), pk],
                        )
                report.rotated += len(changes)
                if changes:
                    report.tables[model._meta.db_table] = report.tables.get(model._meta.db_table, 0) + 1
            if dry_run or not expected:
                continue
            # Read back what was written: every value decrypts to what it was before, with the newest key.
            for row in _rows(model, columns, lock=False):
                pk, values = row[0], row[1:]
                for column, token in zip(columns, values, strict=True):
                    if (pk, column) in expected and (not is_current(token) or decrypt(token) != expected[(pk, column)]):
                        raise RotationError(f"{model._meta.db_table}.{column} #{pk}: read-back verification failed")
        if dry_run:
            transaction.set_rollback(True)
    return report
