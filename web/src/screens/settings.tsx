/** Tenant settings (If-Match; 412 shows what changed), the logo, handover and the connection file. */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, ok, type Schemas, withEtag } from "../api/client";
import { t } from "../i18n";
import { atLeast, type Tenant, useTenant } from "../state";
import { Button, Checkbox, ErrorBox, Input, label, lazy, Page, Select, Status, useSubmit, when } from "../ui";
import { type Change, changes, ConflictDialog } from "./conflict";

const CloseTenant = lazy(() => import("./closing").then((m) => m.CloseTenant));

const CHARSETS: Schemas["Charset"][] = ["UTF-8", "ISO-8859-1", "ISO-8859-15", "Windows-1252"];

type Form = { name: string; edition: Schemas["Edition"]; charset: Schemas["Charset"]; configuration: "ready" | "awaiting_configuration"; partner_access: boolean };
const formOf = (tenant: Tenant): Form => ({
  name: tenant.name,
  edition: tenant.edition as Form["edition"],
  charset: tenant.charset as Form["charset"],
  configuration: tenant.configuration as Form["configuration"],
  partner_access: tenant.partner_access,
});

export function Settings() {
  const { tenant, etag, setTenant } = useTenant();
  const admin = atLeast(tenant.role, "admin");
  const [base, setBase] = useState({ tenant, etag });
  const [form, setForm] = useState<Form>(formOf(tenant));
  const [conflict, setConflict] = useState<{ changes: Change[]; tenant: Tenant; etag: string } | null>(null);
  const [saved, setSaved] = useState(false);
  // The logo's own routes move the tenant's version: edits on this form stay based on the newest.
  useEffect(() => setBase((old) => (old.etag === etag ? old : { tenant, etag })), [etag]);
  const path = { tenantId: tenant.id };
  const labels = { name: t("field.name"), edition: t("settings.edition"), charset: t("settings.charset"), configuration: t("settings.configuration"), partner_access: t("settings.partnerAccess") };
  const save = useSubmit(async () => {
    setSaved(false);
    const before = formOf(base.tenant);
    const body = Object.fromEntries(Object.entries(form).filter(([key, value]) => before[key as keyof Form] !== value));
    // Nothing changed: the API refuses an empty PATCH (422 nothing_to_change), and there is nothing to save.
    if (Object.keys(body).length === 0) return setSaved(true);
    try {
      const done = await withEtag(api.PATCH("/tenants/{tenantId}", { params: { path, header: { "If-Match": base.etag } }, body }));
      setBase({ tenant: done.data, etag: done.etag });
      setTenant(done.data, done.etag);
      setSaved(true);
    } catch (ex) {
      if (!(ex instanceof ApiError) || ex.status !== 412) throw ex;
      const now = await withEtag(api.GET("/tenants/{tenantId}", { params: { path } }));
      setConflict({ changes: changes(formOf(base.tenant), formOf(now.data), body, labels), tenant: now.data, etag: now.etag });
    }
  });
  const set = <K extends keyof Form>(key: K) => (value: Form[K]) => setForm({ ...form, [key]: value });
  return (
    <Page title={t("nav.settings")}>
      <form class="card" onSubmit={save.onSubmit}>
        <h2>{t("settings.general")}</h2>
        <dl class="facts">
          <dt>{t("settings.type")}</dt>
          <dd>{tenant.type}</dd>
          <dt>{t("settings.status")}</dt>
          <dd>{label("status", tenant.status)}</dd>
          <dt>{t("settings.yourRole")}</dt>
          <dd>
            {label("role", tenant.role)} ({label("via", tenant.via)})
          </dd>
          <dt>{t("settings.created")}</dt>
          <dd>{when(tenant.created_at)}</dd>
          <dt>{t("settings.edition")}</dt>
          <dd>
            {tenant.edition} · <a href={`/t/${tenant.id}/licences`}>{t("settings.editionHint")}</a>
          </dd>
        </dl>
        <fieldset disabled={!admin}>
          <legend class="sr-only">{t("settings.general")}</legend>
          <Input label={t("field.name")} required maxLength={120} value={form.name} onValue={set("name")} />
          <Select
            label={t("settings.charset")}
            value={form.charset}
            options={CHARSETS.map((c) => [c, c] as const)}
            onValue={set("charset")}
            disabled={tenant.type === "STANDARD"}
          />
          {tenant.type === "CUSTOM" && (
            <Select
              label={t("settings.configuration")}
              value={form.configuration}
              options={[
                ["awaiting_configuration", label("configuration", "awaiting_configuration")],
                ["ready", label("configuration", "ready")],
              ]}
              onValue={set("configuration")}
            />
          )}
          {tenant.parent_id && tenant.via === "member" && (
            <Checkbox label={t("settings.partnerAccess")} checked={form.partner_access} onValue={set("partner_access")} />
          )}
        </fieldset>
        <ErrorBox error={save.error} />
        {saved && <Status>{t("saved")}</Status>}
        {admin && (
          <Button kind="primary" type="submit" busy={save.busy}>
            {t("save")}
          </Button>
        )}
      </form>
      <ConflictDialog
        changes={conflict?.changes ?? null}
        onReload={() => {
          if (!conflict) return;
          setBase({ tenant: conflict.tenant, etag: conflict.etag });
          setForm(formOf(conflict.tenant));
          setTenant(conflict.tenant, conflict.etag);
          setConflict(null);
        }}
        onKeep={() => {
          if (conflict) setBase({ tenant: conflict.tenant, etag: conflict.etag });
          setConflict(null);
        }}
      />
      {admin && <Logo />}
      {admin && tenant.via === "partner" && tenant.parent_id && !tenant.handed_over_at && <Handover />}
      {tenant.handed_over_at && <Status>{t("handover.done", { at: when(tenant.handed_over_at) })}</Status>}
      {atLeast(tenant.role, "member") && <ConnectionFile />}
      {admin && <CloseTenant />}
    </Page>
  );
}

function Logo() {
  const { tenant, setTenant, etag } = useTenant();
  const [file, setFile] = useState<File | null>(null);
  const [done, setDone] = useState("");
  const path = { tenantId: tenant.id };
  const upload = useSubmit(async () => {
    if (!file) return;
    setDone("");
    const type = file.type as Schemas["LogoUploadRequest"]["content_type"];
    const form = await ok(api.POST("/tenants/{tenantId}/logo/upload", { params: { path }, body: { content_type: type } }));
    if (file.size > form.max_bytes) throw new Error(t("logo.tooLarge"));
    const post = new FormData();
    for (const [name, value] of Object.entries(form.fields)) post.append(name, value);
    post.append("file", file);
    const stored = await fetch(form.url, { method: "POST", body: post });
    if (!stored.ok) throw new Error(t("logo.uploadFailed", { status: String(stored.status) }));
    const confirmed = await withEtag(api.POST("/tenants/{tenantId}/logo/confirm", { params: { path }, body: { upload_id: form.upload_id } }));
    setTenant(confirmed.data, confirmed.etag || etag);
    setDone(t("logo.done"));
  });
  const remove = useSubmit(async () => {
    const removed = await withEtag(api.DELETE("/tenants/{tenantId}/logo", { params: { path } }));
    setTenant(removed.data, removed.etag || etag);
    setDone(t("logo.removed"));
  });
  return (
    <form class="card" onSubmit={upload.onSubmit}>
      <h2>{t("logo.title")}</h2>
      <p class="hint">{t("logo.hint")}</p>
      {tenant.display.kind === "logo" && tenant.display.logo_url && <img class="logo-preview" src={tenant.display.logo_url} alt={t("logo.current")} />}
      <div class="field">
        <label for="logo-file">{t("logo.file")}</label>
        <input id="logo-file" type="file" accept="image/png,image/jpeg,image/webp" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      </div>
      <ErrorBox error={upload.error ?? remove.error} />
      {done && <Status>{done}</Status>}
      <div class="row-actions">
        <Button kind="primary" type="submit" busy={upload.busy}>
          {t("logo.upload")}
        </Button>
        {tenant.display.kind === "logo" && (
          <Button kind="danger" type="button" onClick={() => remove.onSubmit()} busy={remove.busy}>
            {t("logo.remove")}
          </Button>
        )}
      </div>
    </form>
  );
}

function Handover() {
  const { tenant, reload } = useTenant();
  const go = useSubmit(async () => {
    await ok(api.POST("/tenants/{tenantId}/handover", { params: { path: { tenantId: tenant.id } } }));
    reload();
  });
  return (
    <div class="card">
      <h2>{t("handover.title")}</h2>
      <p>{t("handover.text")}</p>
      <ErrorBox error={go.error} />
      <Button kind="primary" onClick={() => go.onSubmit()} busy={go.busy}>
        {t("handover.submit")}
      </Button>
    </div>
  );
}

function ConnectionFile() {
  const { tenant } = useTenant();
  const get = useSubmit(async () => {
    const { data, response } = await api.GET("/tenants/{tenantId}/connection-file", { params: { path: { tenantId: tenant.id } }, parseAs: "blob" });
    if (!response.ok || !data) throw new ApiError(response.status, `http_${response.status}`, response.statusText);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(data as Blob);
    link.download = `kontor-${tenant.id}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  });
  return (
    <div class="card">
      <h2>{t("connection.title")}</h2>
      <p>{t("connection.text")}</p>
      <ErrorBox error={get.error} />
      <Button onClick={() => get.onSubmit()} busy={get.busy}>
        {t("connection.download")}
      </Button>
    </div>
  );
}
