/** Price calculation (module `price_calculation`): calculation sheets, forward from the purchase
 * cost or backward from a target net price, with every step of the trading calculation. */
import { useState } from "preact/hooks";
import { api, idempotencyKey, ok, type Schemas } from "../api/client";
import { addTexts, lang, t } from "../i18n";
import { atLeast, useTenant } from "../state";
import { Button, Empty, ErrorBox, Input, More, Page, Select, Table, usePaged, useSubmit } from "../ui";

type Sheet = Schemas["CalculationResponse"];
type Direction = "forward" | "backward";

const tr = addTexts({
  en: {
    "pricing.sheets": "Calculation sheets",
    "pricing.none": "No calculation sheets yet.",
    "pricing.new": "New calculation",
    "pricing.name": "Article or service",
    "pricing.direction": "Direction",
    "pricing.forward": "forward: from the purchase cost",
    "pricing.backward": "backward: from a target net price",
    "pricing.purchaseCost": "Purchase cost",
    "pricing.targetNet": "Target net price",
    "pricing.amount": "{what} ({currency})",
    "pricing.overhead": "Overhead %",
    "pricing.margin": "Profit margin %",
    "pricing.cashDiscount": "Cash discount %",
    "pricing.discount": "Customer discount %",
    "pricing.vat": "VAT %",
    "pricing.calculate": "Calculate and save",
    "pricing.net": "Net price",
    "pricing.gross": "Gross price",
    "pricing.steps": "Steps of {name}",
    "pricing.step": "Step",
    "pricing.percent": "%",
    "pricing.show": "Show the steps of {name}",
    "pricing.deleteOne": "Delete {name}",
    "step.purchase_cost": "Purchase cost",
    "step.overhead": "+ overhead",
    "step.cost_price": "= cost price",
    "step.profit": "+ profit",
    "step.cash_price": "= cash price",
    "step.cash_discount": "+ cash discount",
    "step.target_price": "= target price",
    "step.discount": "+ customer discount",
    "step.net_price": "= net price",
    "step.vat": "+ VAT",
    "step.gross_price": "= gross price",
  },
  de: {
    "pricing.sheets": "Kalkulationen",
    "pricing.none": "Noch keine Kalkulationen.",
    "pricing.new": "Neue Kalkulation",
    "pricing.name": "Artikel oder Leistung",
    "pricing.direction": "Richtung",
    "pricing.forward": "vorwärts: vom Einkaufspreis",
    "pricing.backward": "rückwärts: vom angestrebten Nettopreis",
    "pricing.purchaseCost": "Einkaufspreis",
    "pricing.targetNet": "Angestrebter Nettopreis",
    "pricing.amount": "{what} ({currency})",
    "pricing.overhead": "Handlungskosten %",
    "pricing.margin": "Gewinnzuschlag %",
    "pricing.cashDiscount": "Kundenskonto %",
    "pricing.discount": "Kundenrabatt %",
    "pricing.vat": "Umsatzsteuer %",
    "pricing.calculate": "Berechnen und speichern",
    "pricing.net": "Nettopreis",
    "pricing.gross": "Bruttopreis",
    "pricing.steps": "Schritte von {name}",
    "pricing.step": "Schritt",
    "pricing.percent": "%",
    "pricing.show": "Schritte von {name} zeigen",
    "pricing.deleteOne": "{name} löschen",
    "step.purchase_cost": "Einkaufspreis",
    "step.overhead": "+ Handlungskosten",
    "step.cost_price": "= Selbstkosten",
    "step.profit": "+ Gewinn",
    "step.cash_price": "= Barverkaufspreis",
    "step.cash_discount": "+ Kundenskonto",
    "step.target_price": "= Zielverkaufspreis",
    "step.discount": "+ Kundenrabatt",
    "step.net_price": "= Nettoverkaufspreis",
    "step.vat": "+ Umsatzsteuer",
    "step.gross_price": "= Bruttoverkaufspreis",
  },
});

const money = (cents: number, currency: string) => new Intl.NumberFormat(lang(), { style: "currency", currency }).format(cents / 100);

/** "12,50" or "12.50" → 1250 cents; null when it is no amount. */
function cents(text: string): number | null {
  const normal = text.trim().replace(/\s/g, "").replace(/\.(?=\d{3}(\D|$))/g, "").replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(normal)) return null;
  return Math.round(Number(normal) * 100);
}

const pct = (text: string) => text.trim().replace(",", ".") || "0";

export function PriceCalculations() {
  const { tenant } = useTenant();
  const writer = atLeast(tenant.role, "member");
  const path = { tenantId: tenant.id };
  const list = usePaged((cursor) => ok(api.GET("/tenants/{tenantId}/price-calculations", { params: { path, query: { cursor } } })), [tenant.id]);
  const [shown, setShown] = useState<Sheet | null>(null);
  const remove = useSubmit(async () => undefined);
  const del = async (sheet: Sheet) => {
    remove.setError(null);
    try {
      await ok(api.DELETE("/tenants/{tenantId}/price-calculations/{calculationId}", { params: { path: { ...path, calculationId: sheet.id } } }));
      if (shown?.id === sheet.id) setShown(null);
      list.reload();
    } catch (ex) {
      remove.setError(ex);
    }
  };
  return (
    <Page title={t("nav.priceCalculations")}>
      <ErrorBox error={list.error ?? remove.error} />
      {!list.error && (
        <section class="card" aria-labelledby="sheets-title">
          <h2 id="sheets-title">{tr("pricing.sheets")}</h2>
          <Empty show={!list.loading && list.items.length === 0} text={tr("pricing.none")} />
          {list.items.length > 0 && (
            <Table caption={tr("pricing.sheets")} columns={[tr("pricing.name"), tr("pricing.direction"), tr("pricing.purchaseCost"), tr("pricing.net"), tr("pricing.gross")]} actions>
              {list.items.map((sheet) => (
                <tr key={sheet.id}>
                  <th scope="row">{sheet.name}</th>
                  <td>{tr(sheet.direction === "forward" ? "pricing.forward" : "pricing.backward")}</td>
                  <td>{money(sheet.purchase_cost_cents, sheet.currency)}</td>
                  <td>{money(sheet.net_price_cents, sheet.currency)}</td>
                  <td>{money(sheet.gross_price_cents, sheet.currency)}</td>
                  <td>
                    <div class="row-actions">
                      <Button onClick={() => setShown(sheet)} aria-label={tr("pricing.show", { name: sheet.name })}>
                        {tr("pricing.step")}
                      </Button>
                      {writer && (
                        <Button kind="danger" onClick={() => void del(sheet)} aria-label={tr("pricing.deleteOne", { name: sheet.name })}>
                          {t("delete")}
                        </Button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </Table>
          )}
          <More list={list} />
        </section>
      )}
      {shown && <Steps sheet={shown} />}
      {!list.error && writer && (
        <NewSheet
          onCreated={(sheet) => {
            setShown(sheet);
            list.reload();
          }}
        />
      )}
    </Page>
  );
}

function Steps({ sheet }: { sheet: Sheet }) {
  return (
    <section class="card" aria-labelledby="steps-title">
      <h2 id="steps-title">{tr("pricing.steps", { name: sheet.name })}</h2>
      <Table caption={tr("pricing.steps", { name: sheet.name })} columns={[tr("pricing.step"), tr("pricing.percent"), sheet.currency]}>
        {sheet.steps.map((step) => (
          <tr key={step.name} class={step.name.endsWith("price") || step.name === "purchase_cost" ? "subtotal" : ""}>
            <th scope="row">{tr(`step.${step.name}` as Parameters<typeof tr>[0])}</th>
            <td>{step.percent ?? ""}</td>
            <td class="num">{money(step.amount_cents, sheet.currency)}</td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

function NewSheet({ onCreated }: { onCreated: (s: Sheet) => void }) {
  const { tenant } = useTenant();
  const empty = { name: "", amount: "", overhead: "0", margin: "0", cash: "0", discount: "0", vat: "19" };
  const [f, setF] = useState(empty);
  const [direction, setDirection] = useState<Direction>("forward");
  const [key, setKey] = useState(idempotencyKey);
  const set = (name: keyof typeof empty) => (value: string) => setF({ ...f, [name]: value });
  const create = useSubmit(async () => {
    const amount = cents(f.amount);
    if (amount === null) throw new Error(`${tr(direction === "forward" ? "pricing.purchaseCost" : "pricing.targetNet")}: ${f.amount}`);
    const made = await ok(
      api.POST("/tenants/{tenantId}/price-calculations", {
        params: { path: { tenantId: tenant.id } },
        body: {
          name: f.name.trim(),
          currency: "EUR",
          direction,
          ...(direction === "forward" ? { purchase_cost_cents: amount } : { target_net_price_cents: amount }),
          overhead_pct: pct(f.overhead),
          margin_pct: pct(f.margin),
          cash_discount_pct: pct(f.cash),
          discount_pct: pct(f.discount),
          vat_pct: pct(f.vat),
        },
        headers: { "Idempotency-Key": key },
      }),
    );
    setKey(idempotencyKey());
    setF(empty);
    onCreated(made);
  });
  const what = tr(direction === "forward" ? "pricing.purchaseCost" : "pricing.targetNet");
  return (
    <form class="card" onSubmit={create.onSubmit} aria-labelledby="new-sheet">
      <h2 id="new-sheet">{tr("pricing.new")}</h2>
      <Input label={tr("pricing.name")} required maxLength={200} value={f.name} onValue={set("name")} />
      <div class="grid2">
        <Select
          label={tr("pricing.direction")}
          value={direction}
          options={[
            ["forward", tr("pricing.forward")],
            ["backward", tr("pricing.backward")],
          ]}
          onValue={setDirection}
        />
        <Input label={tr("pricing.amount", { what, currency: "EUR" })} required inputMode="decimal" value={f.amount} onValue={set("amount")} />
        <Input label={tr("pricing.overhead")} inputMode="decimal" value={f.overhead} onValue={set("overhead")} />
        <Input label={tr("pricing.margin")} inputMode="decimal" value={f.margin} onValue={set("margin")} />
        <Input label={tr("pricing.cashDiscount")} inputMode="decimal" value={f.cash} onValue={set("cash")} />
        <Input label={tr("pricing.discount")} inputMode="decimal" value={f.discount} onValue={set("discount")} />
        <Input label={tr("pricing.vat")} inputMode="decimal" value={f.vat} onValue={set("vat")} />
      </div>
      <ErrorBox error={create.error} />
      <Button kind="primary" type="submit" busy={create.busy}>
        {tr("pricing.calculate")}
      </Button>
    </form>
  );
}
