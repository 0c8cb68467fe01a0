"""What billing tells a tenant's admins: paid activations with their terms, expiry reminders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kontor import mail
from kontor.catalog import ModuleOffer, catalog
from kontor.licences import Licence

if TYPE_CHECKING:
    from billing.charges import Section
    from billing.store.invoices import Invoice


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


def _money(cents: int, currency: str) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100:,}".replace(",", ".") + f",{abs(cents) % 100:02d} {currency}"


def invoice_issued(invoice: Invoice, sections: list[Section]) -> list[str]:
    """Mail the invoice to the profile's billing address (else the account's admins); who got it."""
    lines = []
    for section in sections:
        lines.append(f"\n{mail.plain(section.tenant_name)}:")
        for line in section.lines:
            days = "" if line.days == line.days_in_month else f" ({line.days}/{line.days_in_month} Tage)"
            lines.append(f"  {line.description}{days}: {_money(line.amount_cents, invoice.currency)}")
    vat = f"USt. {invoice.vat_rate} %: {_money(invoice.vat_cents, invoice.currency)}"
    text = (
        f"Hallo,\n\nanbei die Rechnung {invoice.number} für {invoice.month}.\n"
        + "\n".join(lines)
        + f"\n\nNetto: {_money(invoice.net_cents, invoice.currency)}\n{vat}\n"
        + (f"{invoice.vat_note}\n" if invoice.vat_note else "")
        + f"Brutto: {_money(invoice.gross_cents, invoice.currency)}\n\n"
        "Die Rechnung als PDF finden Sie in Kontor unter Rechnungen.\n"
    )
    subject = f"Kontor: Rechnung {invoice.number}"
    billing_email = invoice.recipient.get("billing_email")
    if billing_email:
        mail.send(mail.Mail(to=[billing_email], subject=subject, text=text))
        return [billing_email]
    recipients = mail.admins_of(invoice.account_id)
    if recipients:
        mail.send(mail.Mail(to=recipients, subject=subject, text=text))
    return recipients
