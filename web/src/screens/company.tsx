/** The company profile (what an invoice is addressed to; admins edit it with If-Match, a 412 shows
 * what changed) and the account's invoices, each with its PDF. */
import { useState } from "preact/hooks";
import { api, ApiError, ok, type Schemas, withEtag } from "../api/client";
import { addTexts, lang, t } from "../i18n";
import { atLeast, useTenant } from "../state";
import { Button, day, Empty, ErrorBox, Input, More, Page, Status, Table, useAsync, usePaged, useSubmit } from "../ui";
import { type Change, changes, ConflictDialog } from "./conflict";

type Company = Schemas["CompanyResponse"];
type Invoice = Schemas["InvoiceSummaryResponse"];

const tr = addTexts({
  en: {
    "company.profile": "Company profile",
    "company.intro": "Invoices are addressed to this company. Its owner is also kept as a contact (tag “owner”).",
    "company.complete": "The profile has everything an invoice needs.",
    "company.missing": "An invoice still needs: {fields}.",
    "company.legal_name": "Legal name",
    "company.street": "Street and number",
    "company.postal_code": "Postal code",
    "company.city": "City",
    "company.country": "Country (ISO code, e.g. DE)",
    "company.vat_id": "VAT id",
    "company.registration_number": "Commercial register number",
    "company.billing_email": "Invoices by email to",
    "company.owner": "Owner",
    "company.owner_name": "Owner's name",
    "company.owner_email": "Owner's email address",
    "company.owner_phone": "Owner's phone",
    "company.readOnly": "Only the tenant's admins change the profile.",
    "invoices.title": "Invoices",
    "invoices.none": "No invoices yet. They are issued on the first of each month; a sub-tenant its partner pays for gets none of its own.",
    "invoices.number": "Number",
    "invoices.month": "Month",
    "invoices.net": "Net",
    "invoices.vat": "VAT",
    "invoices.gross": "Total",
    "invoices.issued": "Issued",
    "invoices.pdf": "Open PDF",
    "invoices.pdfOne": "Open the PDF of invoice {number}",
  },
  de: {
    "company.profile": "Firmenprofil",
    "company.intro": "An diese Firma gehen die Rechnungen. Der Inhaber steht auch als Kontakt bereit (Schlagwort „owner“).",
    "company.complete": "Das Profil enthält alles, was eine Rechnung braucht.",
    "company.missing": "Für eine Rechnung fehlt noch: {fields}.",
    "company.legal_name": "Firmenname laut Register",
    "company.street": "Straße und Hausnummer",
    "company.postal_code": "Postleitzahl",
    "company.city": "Ort",
    "company.country": "Land (ISO-Code, z. B. DE)",
    "company.vat_id": "USt-IdNr.",
    "company.registration_number": "Handelsregisternummer",
    "company.billing_email": "Rechnungen per E-Mail an",
    "company.owner": "Inhaber",
    "company.owner_name": "Name des Inhabers",
    "company.owner_email": "E-Mail-Adresse des Inhabers",
    "company.owner_phone": "Telefon des Inhabers",
    "company.readOnly": "Nur die Administratoren des Mandanten ändern das Profil.",
    "invoices.title": "Rechnungen",
    "invoices.none": "Noch keine Rechnungen. Sie entstehen am Ersten jedes Monats; ein Untermandant, den sein Partner bezahlt, bekommt keine eigenen.",
    "invoices.number": "Nummer",
    "invoices.month": "Monat",
    "invoices.net": "Netto",
    "invoices.vat": "USt.",
    "invoices.gross": "Gesamt",
    "invoices.issued": "Ausgestellt",
    "invoices.pdf": "PDF öffnen",
    "invoices.pdfOne": "PDF der Rechnung {number} öffnen",
  },
});

type Form = {
  legal_name: string;
  street: string;
  postal_code: string;
  city: string;
  country: string;
  vat_id: string;
  registration_number: string;
  billing_email: string;
  owner_name: string;
  owner_email: string;
  owner_phone: string;
};
const FIELDS = Object.keys({
  legal_name: 0, street: 0, postal_code: 0, city: 0, country: 0, vat_id: 0, registration_number: 0, billing_email: 0, owner_name: 0, owner_email: 0, owner_phone: 0,
}) as (keyof Form)[];

const formOf = (c: Company): Form => ({
  legal_name: c.legal_name ?? "",
  street: c.address.street ?? "",
  postal_code: c.address.postal_code ?? "",
  city: c.address.city ?? "",
  country: c.country ?? "",
  vat_id: c.vat_id ?? "",
  registration_number: c.registration_number ?? "",
  billing_email: c.billing_email ?? "",
  owner_name: c.owner?.name ?? "",
  owner_email: c.owner?.email ?? "",
  owner_phone: c.owner?.phone ?? "",
});

/** The whole profile as the API replaces it: an empty field is sent as cleared. */
function bodyOf(f: Form): Schemas["CompanyRequest"] {
  const v = (s: string) => s.trim() || null;
  return {
    legal_name: v(f.legal_name),
    address: { street: v(f.street), postal_code: v(f.postal_code), city: v(f.city) },
    country: v(f.country.toUpperCase()),
    vat_id: v(f.vat_id.replace(/\s+/g, "").toUpperCase()),
    registration_number: v(f.registration_number),
    billing_email: v(f.billing_email),
    owner: v(f.owner_name) ? { name: f.owner_name.trim(), email: v(f.owner_email), phone: v(f.owner_phone) } : null,
  };
}

const MISSING: Record<string, Parameters<typeof tr>[0]> = {
  legal_name: "company.legal_name",
  "address.street": "company.street",
  "address.postal_code": "company.postal_code",
  "address.city": "company.city",
  country: "company.country",
  billing_email: "company.billing_email",
  owner: "company.owner",
};

export function CompanyScreen() {
  const { tenant } = useTenant();
  const admin = atLeast(tenant.role, "admin");
  const profile = useAsync(() => withEtag(api.GET("/tenants/{tenantId}/company", { params: { path: { tenantId: tenant.id } } })), [tenant.id]);
  return (
    <Page title={t("nav.company")}>
      <ErrorBox error={profile.error} />
      {!profile.data && !profile.error && <Status>{t("loading")}</Status>}
      {profile.data && <Profile key={tenant.id} initial={profile.data} admin={admin} />}
      {admin && <Invoices />}
    </Page>
  );
}

function Profile({ initial, admin }: { initial: { data: Company; etag: string }; admin: boolean }) {
  const { tenant } = useTenant();
  const path = { tenantId: tenant.id };
  const [base, setBase] = useState(initial);
  const [form, setForm] = useState<Form>(formOf(initial.data));
  const [saved, setSaved] = useState(false);
  const [conflict, setConflict] = useState<{ changes: Change[]; fresh: { data: Company; etag: string } } | null>(null);
  const labels = Object.fromEntries(FIELDS.map((f) => [f, tr(`company.${f}` as Parameters<typeof tr>[0])]));
  const save = useSubmit(async () => {
    setSaved(false);
    try {
      const done = await withEtag(api.PUT("/tenants/{tenantId}/company", { params: { path, header: { "If-Match": base.etag || '"0"' } }, body: bodyOf(form) }));
      setBase(done);
      setForm(formOf(done.data));
      setSaved(true);
    } catch (ex) {
      if (!(ex instanceof ApiError) || ex.status !== 412) throw ex;
      const fresh = await withEtag(api.GET("/tenants/{tenantId}/company", { params: { path } }));
      const before = formOf(base.data);
      const mine = Object.fromEntries(FIELDS.filter((f) => form[f] !== before[f]).map((f) => [f, form[f]]));
      setConflict({ changes: changes(before, formOf(fresh.data), mine, labels), fresh });
    }
  });
  const set = (key: keyof Form) => (value: string) => setForm({ ...form, [key]: value });
  const company = base.data;
  return (
    <form class="card" onSubmit={save.onSubmit} aria-labelledby="profile-title">
      <h2 id="profile-title">{tr("company.profile")}</h2>
      <p class="hint">{tr("company.intro")}</p>
      {company.complete ? (
        <p class="badge completed">{tr("company.complete")}</p>
      ) : (
        <p class="badge pending">{tr("company.missing", { fields: company.missing.map((m) => (MISSING[m] ? tr(MISSING[m]) : m)).join(", ") })}</p>
      )}
      {!admin && <p class="hint">{tr("company.readOnly")}</p>}
      <fieldset disabled={!admin}>
        <legend class="sr-only">{tr("company.profile")}</legend>
        <Input label={tr("company.legal_name")} maxLength={200} value={form.legal_name} onValue={set("legal_name")} />
        <Input label={tr("company.street")} maxLength={200} value={form.street} onValue={set("street")} autoComplete="street-address" />
        <div class="grid2">
          <Input label={tr("company.postal_code")} maxLength={20} value={form.postal_code} onValue={set("postal_code")} autoComplete="postal-code" />
          <Input label={tr("company.city")} maxLength={120} value={form.city} onValue={set("city")} autoComplete="address-level2" />
          <Input label={tr("company.country")} maxLength={2} value={form.country} onValue={set("country")} autoComplete="country" />
          <Input label={tr("company.vat_id")} maxLength={20} value={form.vat_id} onValue={set("vat_id")} />
          <Input label={tr("company.registration_number")} maxLength={60} value={form.registration_number} onValue={set("registration_number")} />
          <Input label={tr("company.billing_email")} type="email" value={form.billing_email} onValue={set("billing_email")} />
        </div>
        <h3>{tr("company.owner")}</h3>
        <div class="grid2">
          <Input label={tr("company.owner_name")} maxLength={200} value={form.owner_name} onValue={set("owner_name")} />
          <Input label={tr("company.owner_email")} type="email" value={form.owner_email} onValue={set("owner_email")} />
          <Input label={tr("company.owner_phone")} type="tel" value={form.owner_phone} onValue={set("owner_phone")} />
        </div>
      </fieldset>
      <ErrorBox error={save.error} />
      {saved && <Status>{t("saved")}</Status>}
      {admin && (
        <Button kind="primary" type="submit" busy={save.busy}>
          {t("save")}
        </Button>
      )}
      <ConflictDialog
        changes={conflict?.changes ?? null}
        onReload={() => {
          if (!conflict) return;
          setBase(conflict.fresh);
          setForm(formOf(conflict.fresh.data));
          setConflict(null);
        }}
        onKeep={() => {
          if (conflict) setBase(conflict.fresh);
          setConflict(null);
        }}
      />
    </form>
  );
}

function money(cents: number, currency: string): string {
  return new Intl.NumberFormat(lang(), { style: "currency", currency }).format(cents / 100);
}

function Invoices() {
  const { tenant } = useTenant();
  const path = { tenantId: tenant.id };
  const list = usePaged((cursor) => ok(api.GET("/tenants/{tenantId}/invoices", { params: { path, query: { cursor } } })), [tenant.id]);
  const pdf = useSubmit(async () => undefined);
  const [opening, setOpening] = useState<string | null>(null);
  const open = async (invoice: Invoice) => {
    setOpening(invoice.id);
    pdf.setError(null);
    try {
      const { data, response } = await api.GET("/tenants/{tenantId}/invoices/{invoiceId}/pdf", {
        params: { path: { ...path, invoiceId: invoice.id } },
        headers: { Accept: "application/pdf" },
        parseAs: "blob",
      });
      if (!response.ok || !data) throw new ApiError(response.status, `http_${response.status}`, response.statusText, response.headers.get("X-Request-Id"));
      const named = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") ?? "")?.[1];
      const link = document.createElement("a");
      link.href = URL.createObjectURL(data as Blob);
      link.download = named ?? `${invoice.number}.pdf`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    } catch (ex) {
      pdf.setError(ex);
    } finally {
      setOpening(null);
    }
  };
  return (
    <section class="card" aria-labelledby="invoices-title">
      <h2 id="invoices-title">{tr("invoices.title")}</h2>
      <ErrorBox error={list.error ?? pdf.error} />
      <Empty show={!list.loading && !list.error && list.items.length === 0} text={tr("invoices.none")} />
      {list.items.length > 0 && (
        <Table
          caption={tr("invoices.title")}
          columns={[tr("invoices.number"), tr("invoices.month"), tr("invoices.net"), tr("invoices.vat"), tr("invoices.gross"), tr("invoices.issued")]}
          actions
        >
          {list.items.map((invoice) => (
            <tr key={invoice.id}>
              <th scope="row">{invoice.number}</th>
              <td>{new Intl.DateTimeFormat(lang(), { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${invoice.month}-01T00:00:00Z`))}</td>
              <td>{money(invoice.net_cents, invoice.currency)}</td>
              <td>
                {money(invoice.vat_cents, invoice.currency)} ({invoice.vat_rate} %)
                {invoice.vat_note && <div class="hint">{invoice.vat_note}</div>}
              </td>
              <td>{money(invoice.gross_cents, invoice.currency)}</td>
              <td>{day(invoice.issued_at)}</td>
              <td>
                <Button onClick={() => void open(invoice)} busy={opening === invoice.id} aria-label={tr("invoices.pdfOne", { number: invoice.number })}>
                  {tr("invoices.pdf")}
                </Button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <More list={list} />
    </section>
  );
}
