"""What billing tells a tenant's admins: paid activations with their terms, expiry reminders (system
mails, in each admin's language, written with the change through the outbox); and the invoice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kontor import mail, system_mail
from kontor.catalog import ModuleOffer, catalog
from kontor.licences import Licence

if TYPE_CHECKING:
    from billing.charges import Section
    from billing.store.invoices import Invoice


def _price(cents: int, language: str) -> str:
    amount = f"{cents // 100},{cents % 100:02d}" if language == "de" else f"{cents // 100}.{cents % 100:02d}"
    return f"{amount} {catalog().currency}"


def licence_booked(offer: ModuleOffer, licence: Licence) -> system_mail.Message:
    """To every admin, with the module's terms: booked by an admin or granted by the vendor's staff."""
    terms = offer.terms
    return system_mail.Message(
        subject={
            "de": f"Kontor: {offer.name.de} ist freigeschaltet",
            "en": f"Kontor: {offer.name.en} is activated",
        },
        paragraphs={
            "de": [
                f"das Modul {offer.name.de} ist für Ihren Mandanten freigeschaltet bis {licence.expires_at} "
                f"({_price(offer.monthly_price_cents, 'de')} im Monat, auf Ihrer monatlichen Rechnung).",
                f"Es gelten diese Bedingungen (Version {terms.version}):",
                terms.text,
            ],
            "en": [
                f"the module {offer.name.en} is activated for your tenant until {licence.expires_at} "
                f"({_price(offer.monthly_price_cents, 'en')} a month, on your monthly invoice).",
                f"These terms apply (version {terms.version}):",
                terms.text,
            ],
        },
    )


def licence_reminder(offer: ModuleOffer, licence: Licence, days: int) -> system_mail.Message:
    """`days` before expiry a warning; 0: it expired and is locked, its data kept until the purge."""
    de, en = offer.name.de, offer.name.en
    if days == 0:
        return system_mail.Message(
            subject={
                "de": f"Kontor: {de} ist abgelaufen und gesperrt",
                "en": f"Kontor: {en} has expired and is locked",
            },
            paragraphs={
                "de": [
                    f"die Lizenz für {de} ist am {licence.expires_at} abgelaufen; das Modul ist gesperrt. "
                    f"Ihre Daten bleiben bis {licence.purge_at} erhalten: buchen Sie das Modul bis dahin "
                    "erneut, ist alles wieder da."
                ],
                "en": [
                    f"the licence for {en} expired on {licence.expires_at}; the module is locked. Your data "
                    f"is kept until {licence.purge_at}: book the module again by then and all of it is back."
                ],
            },
        )
    return system_mail.Message(
        subject={
            "de": f"Kontor: {de} läuft in {days} Tagen ab",
            "en": f"Kontor: {en} expires in {days} days",
        },
        paragraphs={
            "de": [
                f"die Lizenz für {de} läuft am {licence.expires_at} ab. Verlängern Sie sie rechtzeitig, "
                "sonst wird das Modul gesperrt."
            ],
            "en": [
                f"the licence for {en} expires on {licence.expires_at}. Renew it in time, or the module "
                "will be locked."
            ],
        },
    )


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
    recipients = sorted(system_mail.addresses(invoice.account_id))
    if recipients:
        mail.send(mail.Mail(to=recipients, subject=subject, text=text))
    return recipients
