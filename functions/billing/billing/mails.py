"""What billing tells a tenant's admins: paid activations with their terms, expiry reminders."""

from __future__ import annotations

from kontor import mail
from kontor.catalog import ModuleOffer, catalog
from kontor.licences import Licence


def _price(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d} {catalog().currency}"


def licence_booked(tenant_id: str, offer: ModuleOffer, licence: Licence) -> None:
    mail.to_admins(
        tenant_id,
        f"Kontor: {offer.name.de} ist freigeschaltet",
        (
            f"Hallo,\n\ndas Modul {offer.name.de} ist für Ihren Mandanten freigeschaltet "
            f"bis {licence.expires_at} ({_price(offer.monthly_price_cents)} im Monat, "
            "auf Ihrer monatlichen Rechnung).\n\n"
            f"Es gelten diese Bedingungen (Version {offer.terms.version}):\n\n{offer.terms.text}\n"
        ),
    )


def licence_reminder(tenant_id: str, offer: ModuleOffer, licence: Licence, days: int) -> None:
    if days == 0:
        subject = f"Kontor: {offer.name.de} ist abgelaufen und gesperrt"
        text = (
            f"Hallo,\n\ndie Lizenz für {offer.name.de} ist am {licence.expires_at} abgelaufen; das Modul "
            f"ist gesperrt. Ihre Daten bleiben bis {licence.purge_at} erhalten: buchen Sie das Modul "
            "bis dahin erneut, ist alles wieder da.\n"
        )
    else:
        subject = f"Kontor: {offer.name.de} läuft in {days} Tagen ab"
        text = (
            f"Hallo,\n\ndie Lizenz für {offer.name.de} läuft am {licence.expires_at} ab. Verlängern "
            "Sie sie rechtzeitig, sonst wird das Modul gesperrt.\n"
        )
    mail.to_admins(tenant_id, subject, text)
