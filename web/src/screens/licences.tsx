/** Licences and plan: the tenant's plan and its change, every module of the catalogue with its price,
 * retention and this tenant's licence, booking and extending (admins, self-service modules). */
import { useState } from "preact/hooks";
import { api, idempotencyKey, ok, type Schemas } from "../api/client";
import { lang, t } from "../i18n";
import { atLeast, useTenant } from "../state";
import { Button, Checkbox, Dialog, ErrorBox, Page, Select, Status, Table, useAsync, useSubmit } from "../ui";

type Catalog = Schemas["CatalogResponse"];
type Offer = Schemas["ModuleOfferResponse"];
type PlanOffer = Schemas["PlanOfferResponse"];
type Licence = Schemas["LicenceResponse"];

/** Cents as the catalogue's currency, in the console's language. */
function money(cents: number, currency: string, signed = false): string {
  return new Intl.NumberFormat(lang(), { style: "currency", currency, signDisplay: signed ? "exceptZero" : "auto" }).format(cents / 100);
}

/** A date of the billing calendar, which runs on UTC (a change "on the first" is 00:00 UTC). */
function day(value: string | null | undefined): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(lang(), { dateStyle: "long", timeZone: "UTC" }).format(new Date(value));
}

const name = (offer: { name: { de: string; en: string } }) => offer.name[lang()];
const MONTHS: Record<string, number> = { P1M: 1, P3M: 3, P12M: 12 };

export function Licences() {
  const { tenant, reload } = useTenant();
  const path = { tenantId: tenant.id };
  const catalog = useAsync(() => ok(api.GET("/catalog")), []);
  const licences = useAsync(() => ok(api.GET("/tenants/{tenantId}/licences", { params: { path } })), [tenant.id]);
  const [booking, setBooking] = useState<Offer | null>(null);
  const [booked, setBooked] = useState<{ offer: Offer; licence: Licence } | null>(null);
  const admin = atLeast(tenant.role, "admin");
  const data = catalog.data;
  const byModule = new Map((licences.data?.items ?? []).map((l) => [l.module, l] as const));
  return (
    <Page title={t("nav.licences")}>
      <ErrorBox error={catalog.error ?? licences.error} />
      {!data && !catalog.error && <Status>{t("loading")}</Status>}
      {data && <Plan catalog={data} admin={admin} />}
      {data && (
        <section class="card" aria-labelledby="modules-title">
          <h2 id="modules-title">{t("licences.modules")}</h2>
          {!admin && <p class="hint">{t("licences.readOnly")}</p>}
          {booked && (
            <Status>
              {t("licences.booked", { module: name(booked.offer), until: day(booked.licence.expires_at) })}
            </Status>
          )}
          <Table
            caption={t("licences.modules")}
            columns={[t("licences.module"), t("licences.price"), t("licences.retention"), t("licences.licence")]}
            actions
          >
            {data.modules.map((offer) => {
              const licence = byModule.get(offer.id);
              return (
                <tr key={offer.id}>
                  <th scope="row">{name(offer)}</th>
                  <td>{offer.included ? t("licences.inPlan") : t("licences.perMonth", { price: money(offer.monthly_price_cents, data.currency) })}</td>
                  <td>{offer.retention_days > 0 ? t("licences.days", { days: String(offer.retention_days) }) : "—"}</td>
                  <td>
                    <LicenceState offer={offer} licence={licence} loading={licences.loading && !licences.data} />
                  </td>
                  <td>
                    <div class="row-actions">
                      {offer.booking === "operator" && <span class="hint">{t("licences.operatorOnly")}</span>}
                      {offer.booking === "self_service" && admin && licence?.state !== "purging" && (
                        <Button
                          onClick={() => {
                            setBooked(null);
                            setBooking(offer);
                          }}
                          aria-label={t(licence?.state === "active" ? "licences.extendOne" : "licences.bookOne", { module: name(offer) })}
                        >
                          {t(licence?.state === "active" ? "licences.extend" : "licences.book")}
                        </Button>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </Table>
        </section>
      )}
      {data && booking && (
        <Book
          catalog={data}
          offer={booking}
          licence={byModule.get(booking.id)}
          onClose={() => setBooking(null)}
          onBooked={(licence) => {
            setBooked({ offer: booking, licence });
            setBooking(null);
            licences.reload();
            reload(); // the navigation offers the booked module's screen
          }}
        />
      )}
    </Page>
  );
}

function LicenceState({ offer, licence, loading }: { offer: Offer; licence?: Licence; loading: boolean }) {
  if (offer.included) return <span class="badge completed">{t("licences.included")}</span>;
  if (loading) return <>…</>;
  if (!licence) return <span class="badge">{t("licences.notBooked")}</span>;
  const by = licence.granted_by === "operator" ? ` ${t("licences.byStaff")}` : "";
  switch (licence.state) {
    case "active":
      return <span class="badge completed">{t("licences.activeUntil", { until: day(licence.expires_at) }) + by}</span>;
    case "locked":
      return <span class="badge failed">{t("licences.lockedKept", { until: day(licence.purge_at) })}</span>;
    case "purging":
      return <span class="badge failed">{t("licences.purging")}</span>;
    default:
      return <span class="badge">{t("licences.purged")}</span>;
  }
}

/** Booking (or extending) one module: its terms, the period, the price, accepting and confirming. */
function Book({ catalog, offer, licence, onClose, onBooked }: { catalog: Catalog; offer: Offer; licence?: Licence; onClose: () => void; onBooked: (l: Licence) => void }) {
  const { tenant } = useTenant();
  const [period, setPeriod] = useState(offer.periods[0] ?? "P1M");
  const [accepted, setAccepted] = useState(false);
  const [key] = useState(idempotencyKey);
  const extend = licence?.state === "active";
  const book = useSubmit(async () => {
    const done = await ok(
      api.POST("/tenants/{tenantId}/licences", {
        params: { path: { tenantId: tenant.id } },
        body: { module: offer.id, period: period as Schemas["BookLicenceRequest"]["period"], accept_terms: { version: offer.terms.version } },
        headers: { "Idempotency-Key": `${key}-${period}` },
      }),
    );
    onBooked(done);
  });
  const total = offer.monthly_price_cents * (MONTHS[period] ?? 1);
  return (
    <Dialog open title={t(extend ? "licences.extendTitle" : "licences.bookTitle", { module: name(offer) })} onClose={onClose}>
      <form onSubmit={book.onSubmit}>
        <p>
          {extend
            ? t("licences.extendText", { until: day(licence?.expires_at) })
            : licence?.state === "locked"
              ? t("licences.relockText")
              : t("licences.bookText")}
        </p>
        <Select
          label={t("licences.period")}
          value={period}
          options={offer.periods.map((p) => [p, t("licences.periodOption", { months: String(MONTHS[p] ?? p), price: money(offer.monthly_price_cents * (MONTHS[p] ?? 1), catalog.currency) })] as const)}
          onValue={setPeriod}
        />
        <Terms terms={offer.terms} />
        <Checkbox label={t("licences.accept", { version: offer.terms.version })} checked={accepted} onValue={setAccepted} />
        <ErrorBox error={book.error} />
        <div class="dialog-actions">
          <Button kind="primary" type="submit" busy={book.busy} disabled={!accepted}>
            {t(extend ? "licences.confirmExtend" : "licences.confirmBook", { price: money(total, catalog.currency) })}
          </Button>
          <Button type="button" onClick={onClose}>
            {t("cancel")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** The terms as the catalogue words them (German), in a region that can be read and scrolled by keyboard. */
function Terms({ terms }: { terms: Schemas["TermsResponse"] }) {
  return (
    <div class="terms" role="region" aria-label={t("licences.terms", { version: terms.version })} tabIndex={0}>
      <h3>{t("licences.terms", { version: terms.version })}</h3>
      <p lang="de">{terms.text}</p>
    </div>
  );
}

/** The tenant's plan, a pending downgrade, and (for admins) the change. */
function Plan({ catalog, admin }: { catalog: Catalog; admin: boolean }) {
  const { tenant } = useTenant();
  const [changing, setChanging] = useState(false);
  const [result, setResult] = useState<Schemas["PlanChangeResponse"] | null>(null);
  const current = catalog.plans.find((p) => p.id === tenant.edition);
  const pending = catalog.plans.find((p) => p.id === tenant.pending_plan);
  return (
    <section class="card" aria-labelledby="plan-title">
      <h2 id="plan-title">{t("plan.title")}</h2>
      <dl class="facts">
        <dt>{t("plan.current")}</dt>
        <dd>{current ? name(current) : tenant.edition}</dd>
        <dt>{t("plan.price")}</dt>
        <dd>{current ? t("licences.perMonth", { price: money(current.monthly_price_cents, catalog.currency) }) : "—"}</dd>
        {tenant.pending_plan && (
          <>
            <dt>{t("plan.pending")}</dt>
            <dd>{t("plan.pendingText", { plan: pending ? name(pending) : tenant.pending_plan, at: day(tenant.plan_changes_at) })}</dd>
          </>
        )}
      </dl>
      {result && <Status>{planResult(result, catalog)}</Status>}
      {admin && !tenant.pending_plan && (
        <Button
          onClick={() => {
            setResult(null);
            setChanging(true);
          }}
        >
          {t("plan.change")}
        </Button>
      )}
      {changing && current && (
        <ChangePlan
          catalog={catalog}
          current={current}
          onClose={() => setChanging(false)}
          onChanged={(change) => {
            setResult(change);
            setChanging(false);
          }}
        />
      )}
    </section>
  );
}

function planResult(change: Schemas["PlanChangeResponse"], catalog: Catalog): string {
  const plan = catalog.plans.find((p) => p.id === change.plan);
  const vars = { plan: plan ? name(plan) : change.plan, at: day(change.effective_at), extra: money(change.this_month_cents, change.currency) };
  return t(change.difference_cents > 0 ? "plan.upgraded" : "plan.downgraded", vars);
}

function ChangePlan({ catalog, current, onClose, onChanged }: { catalog: Catalog; current: PlanOffer; onClose: () => void; onChanged: (c: Schemas["PlanChangeResponse"]) => void }) {
  const { tenant, reload } = useTenant();
  const others = catalog.plans.filter((p) => p.id !== current.id);
  const [plan, setPlan] = useState<string>(others[0]?.id ?? "");
  const [accepted, setAccepted] = useState(false);
  const [key] = useState(idempotencyKey);
  const chosen = catalog.plans.find((p) => p.id === plan);
  const rank = (p: PlanOffer) => catalog.plans.indexOf(p);
  const upgrade = chosen ? rank(chosen) > rank(current) : false;
  const difference = chosen ? chosen.monthly_price_cents - current.monthly_price_cents : 0;
  const change = useSubmit(async () => {
    if (!chosen) return;
    const done = await ok(
      api.POST("/tenants/{tenantId}/plan", {
        params: { path: { tenantId: tenant.id } },
        body: { plan: chosen.id, accept_terms: { version: catalog.plan_terms.version } },
        headers: { "Idempotency-Key": `${key}-${chosen.id}` },
      }),
    );
    reload(); // the tenant row carries the plan (or the pending downgrade)
    onChanged(done);
  });
  const next = new Date();
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return (
    <Dialog open title={t("plan.changeTitle")} onClose={onClose}>
      <form onSubmit={change.onSubmit}>
        <Select
          label={t("plan.new")}
          value={plan}
          options={others.map((p) => [p.id, `${name(p)} · ${t("licences.perMonth", { price: money(p.monthly_price_cents, catalog.currency) })}`] as const)}
          onValue={setPlan}
        />
        {chosen && (
          <dl class="facts" aria-live="polite">
            <dt>{t("plan.difference")}</dt>
            <dd>{t("licences.perMonth", { price: money(difference, catalog.currency, true) })}</dd>
            <dt>{t("plan.when")}</dt>
            <dd>{upgrade ? t("plan.now") : t("plan.nextMonth", { at: day(next.toISOString()) })}</dd>
          </dl>
        )}
        <Terms terms={catalog.plan_terms} />
        <Checkbox label={t("licences.accept", { version: catalog.plan_terms.version })} checked={accepted} onValue={setAccepted} />
        <ErrorBox error={change.error} />
        <div class="dialog-actions">
          <Button kind="primary" type="submit" busy={change.busy} disabled={!accepted || !chosen}>
            {t("plan.confirm", { plan: chosen ? name(chosen) : "" })}
          </Button>
          <Button type="button" onClick={onClose}>
            {t("cancel")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}


