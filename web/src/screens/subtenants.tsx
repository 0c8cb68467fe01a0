/** A partner's sub-tenants: create, enter, copy the partner's templates into one. */
import { useState } from "preact/hooks";
import { api, idempotencyKey, ok, type Schemas } from "../api/client";
import { t } from "../i18n";
import { atLeast, useApp, useTenant } from "../state";
import { Button, Checkbox, Dialog, Empty, ErrorBox, Input, More, Page, Select, Status, Table, label, usePaged, useSubmit, when } from "../ui";

type Sub = Schemas["SubtenantResponse"];

export function Subtenants() {
  const { tenant, reload } = useTenant();
  const { reloadMe } = useApp();
  const admin = atLeast(tenant.role, "admin");
  const path = { tenantId: tenant.id };
  const list = usePaged((cursor) => ok(api.GET("/tenants/{tenantId}/subtenants", { params: { path, query: { cursor } } })), [tenant.id]);
  const [name, setName] = useState("");
  const [type, setType] = useState<Schemas["TenantType"]>("STANDARD");
  const [edition, setEdition] = useState<Schemas["Edition"]>("BASIC");
  const [key, setKey] = useState(idempotencyKey);
  const [copyTo, setCopyTo] = useState<Sub | null>(null);
  const create = useSubmit(async () => {
    await ok(
      api.POST("/tenants/{tenantId}/subtenants", {
        params: { path },
        body: { name, type, plan: edition, charset: "UTF-8" },
        headers: { "Idempotency-Key": key },
      }),
    );
    setKey(idempotencyKey());
    setName("");
    list.reload();
    reload();
    await reloadMe(); // the switcher lists the new tenant (via partner)
  });
  return (
    <Page title={t("nav.subtenants")}>
      <p class="hint">{t("subtenants.hint")}</p>
      <ErrorBox error={list.error} />
      <Empty show={!list.loading && list.items.length === 0} text={t("subtenants.none")} />
      {list.items.length > 0 && (
        <Table caption={t("nav.subtenants")} columns={[t("field.name"), t("settings.type"), t("settings.edition"), t("subtenants.partnerAccess"), t("subtenants.handedOver")]} actions>
          {list.items.map((s) => (
            <tr key={s.id}>
              <td>
                <a href={`/t/${s.id}/contacts`}>{s.name}</a>
              </td>
              <td>{s.type}</td>
              <td>{s.edition}</td>
              <td>{s.partner_access ? t("yes") : t("no")}</td>
              <td>{s.handed_over_at ? when(s.handed_over_at) : "—"}</td>
              <td class="row-actions">
                {admin && s.partner_access && (
                  <Button onClick={() => setCopyTo(s)} aria-label={t("copy.to", { name: s.name })}>
                    {t("copy.button")}
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <More list={list} />
      {admin && (
        <form class="card" onSubmit={create.onSubmit}>
          <h2>{t("subtenants.create")}</h2>
          <Input label={t("field.name")} required maxLength={120} value={name} onValue={setName} />
          <Select label={t("settings.type")} value={type} options={[["STANDARD", "STANDARD"], ["CUSTOM", "CUSTOM"]]} onValue={setType} />
          <Select label={t("settings.edition")} value={edition} options={(["BASIC", "PROFESSIONAL", "ENTERPRISE"] as const).map((e) => [e, e] as const)} onValue={setEdition} />
          <ErrorBox error={create.error} />
          <Button kind="primary" type="submit" busy={create.busy}>
            {t("subtenants.submit")}
          </Button>
        </form>
      )}
      {copyTo && <CopyContent sub={copyTo} onClose={() => setCopyTo(null)} />}
    </Page>
  );
}

function CopyContent({ sub, onClose }: { sub: Sub; onClose: () => void }) {
  const { tenant } = useTenant();
  const [email, setEmail] = useState(true);
  const [document, setDocument] = useState(true);
  const [onConflict, setOnConflict] = useState<"skip" | "overwrite">("skip");
  const [result, setResult] = useState<Schemas["CopyContentResponse"] | null>(null);
  const copy = useSubmit(async () => {
    const kinds = [...(email ? ["email" as const] : []), ...(document ? ["document" as const] : [])];
    setResult(
      await ok(
        api.POST("/tenants/{tenantId}/subtenants/{subId}/copy-content", {
          params: { path: { tenantId: tenant.id, subId: sub.id } },
          body: { kinds, on_conflict: onConflict },
        }),
      ),
    );
  });
  return (
    <Dialog open title={t("copy.title", { name: sub.name })} onClose={onClose}>
      <form onSubmit={copy.onSubmit}>
        <p>{t("copy.text")}</p>
        <fieldset>
          <legend>{t("copy.kinds")}</legend>
          <Checkbox label={label("kind", "email")} checked={email} onValue={setEmail} />
          <Checkbox label={label("kind", "document")} checked={document} onValue={setDocument} />
        </fieldset>
        <Select
          label={t("copy.onConflict")}
          value={onConflict}
          options={[
            ["skip", t("copy.skip")],
            ["overwrite", t("copy.overwrite")],
          ]}
          onValue={setOnConflict}
        />
        <ErrorBox error={copy.error} />
        {result && (
          <Status>
            {t("copy.result", { copied: String(result.copied.length), overwritten: String(result.overwritten.length), skipped: String(result.skipped.length) })}
          </Status>
        )}
        <div class="dialog-actions">
          <Button kind="primary" type="submit" busy={copy.busy} disabled={!email && !document}>
            {t("copy.submit")}
          </Button>
          <Button type="button" onClick={onClose}>
            {t("close")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
