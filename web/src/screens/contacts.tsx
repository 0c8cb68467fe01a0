/** Contacts: search by name start, create, and edit with If-Match (412 → what changed, reload). */
import { useState } from "preact/hooks";
import { api, ApiError, idempotencyKey, ok, type Schemas, withEtag } from "../api/client";
import { t } from "../i18n";
import { navigate } from "../router";
import { atLeast, useTenant } from "../state";
import { Button, Empty, ErrorBox, Input, More, Page, Select, Status, Table, TextArea, label, useAsync, usePaged, useSubmit, when } from "../ui";
import { type Change, changes, ConflictDialog } from "./conflict";

type Contact = Schemas["ContactResponse"];
type Kind = "person" | "company";
type Form = { kind: Kind; name: string; email: string; phone: string; notes: string; tags: string };

const formOf = (c: Contact | null): Form => ({
  kind: (c?.kind as Kind) ?? "person",
  name: c?.name ?? "",
  email: c?.email ?? "",
  phone: c?.phone ?? "",
  notes: c?.notes ?? "",
  tags: c?.tags.join(", ") ?? "",
});

const bodyOf = (form: Form) => ({
  kind: form.kind,
  name: form.name,
  email: form.email || null,
  phone: form.phone || null,
  notes: form.notes || null,
  tags: form.tags
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean),
});

export function Contacts() {
  const { tenant } = useTenant();
  const writer = atLeast(tenant.role, "member");
  const path = { tenantId: tenant.id };
  const [search, setSearch] = useState("");
  const [prefix, setPrefix] = useState("");
  const list = usePaged(
    (cursor) => ok(api.GET("/tenants/{tenantId}/contacts", { params: { path, query: { cursor, prefix: prefix || undefined } } })),
    [tenant.id, prefix],
  );
  const [adding, setAdding] = useState(false);
  return (
    <Page
      title={t("nav.contacts")}
      actions={
        writer && (
          <Button kind="primary" onClick={() => setAdding(true)} aria-expanded={adding}>
            {t("contacts.new")}
          </Button>
        )
      }
    >
      {adding && <ContactForm onDone={() => setAdding(false)} />}
      <form
        class="inline"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setPrefix(search.trim());
        }}
      >
        <Input label={t("contacts.search")} type="search" value={search} onValue={setSearch} />
        <Button type="submit">{t("contacts.searchSubmit")}</Button>
      </form>
      <ErrorBox error={list.error} />
      <Empty show={!list.loading && list.items.length === 0} text={t("contacts.none")} />
      {list.items.length > 0 && (
        <Table caption={t("nav.contacts")} columns={[t("field.name"), t("contacts.kind"), t("field.email"), t("contacts.phone"), t("contacts.tags")]}>
          {list.items.map((c) => (
            <tr key={c.id}>
              <td>
                <a href={`/t/${tenant.id}/contacts/${c.id}`}>{c.name}</a>
              </td>
              <td>{label("contactKind", c.kind)}</td>
              <td>{c.email ?? "—"}</td>
              <td>{c.phone ?? "—"}</td>
              <td>{c.tags.join(", ") || "—"}</td>
            </tr>
          ))}
        </Table>
      )}
      <More list={list} />
    </Page>
  );
}

function Fields({ form, set }: { form: Form; set: <K extends keyof Form>(key: K) => (value: Form[K]) => void }) {
  return (
    <>
      <Select
        label={t("contacts.kind")}
        value={form.kind}
        options={[
          ["person", label("contactKind", "person")],
          ["company", label("contactKind", "company")],
        ]}
        onValue={set("kind")}
      />
      <Input label={t("field.name")} required maxLength={200} value={form.name} onValue={set("name")} />
      <Input label={t("field.email")} type="email" value={form.email} onValue={set("email")} />
      <Input label={t("contacts.phone")} type="tel" value={form.phone} onValue={set("phone")} />
      <Input label={t("contacts.tags")} value={form.tags} onValue={set("tags")} hint={t("contacts.tagsHint")} />
      <TextArea label={t("contacts.notes")} value={form.notes} onValue={set("notes")} />
    </>
  );
}

function ContactForm({ onDone }: { onDone: () => void }) {
  const { tenant } = useTenant();
  const [form, setForm] = useState<Form>(formOf(null));
  const [key] = useState(idempotencyKey);
  const set = <K extends keyof Form>(k: K) => (value: Form[K]) => setForm({ ...form, [k]: value });
  const create = useSubmit(async () => {
    const made = await ok(api.POST("/tenants/{tenantId}/contacts", { params: { path: { tenantId: tenant.id } }, body: bodyOf(form), headers: { "Idempotency-Key": key } }));
    onDone();
    navigate(`/t/${tenant.id}/contacts/${made.id}`);
  });
  return (
    <form class="card" onSubmit={create.onSubmit} aria-label={t("contacts.new")}>
      <h2>{t("contacts.new")}</h2>
      <Fields form={form} set={set} />
      <ErrorBox error={create.error} />
      <div class="row-actions">
        <Button kind="primary" type="submit" busy={create.busy}>
          {t("create")}
        </Button>
        <Button type="button" onClick={onDone}>
          {t("cancel")}
        </Button>
      </div>
    </form>
  );
}

export function ContactEdit({ contactId }: { contactId: string }) {
  const { tenant } = useTenant();
  const path = { tenantId: tenant.id, contactId };
  const loaded = useAsync(() => withEtag(api.GET("/tenants/{tenantId}/contacts/{contactId}", { params: { path } })), [tenant.id, contactId]);
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Status>{t("loading")}</Status>;
  return <ContactEditor key={loaded.data.etag} start={loaded.data.data} etag={loaded.data.etag} />;
}

function ContactEditor({ start, etag }: { start: Contact; etag: string }) {
  const { tenant } = useTenant();
  const writer = atLeast(tenant.role, "member");
  const path = { tenantId: tenant.id, contactId: start.id };
  const [base, setBase] = useState({ contact: start, etag });
  const [form, setForm] = useState<Form>(formOf(start));
  const [saved, setSaved] = useState(false);
  const [conflict, setConflict] = useState<{ changes: Change[]; contact: Contact; etag: string } | null>(null);
  const set = <K extends keyof Form>(k: K) => (value: Form[K]) => setForm({ ...form, [k]: value });
  const labels = { kind: t("contacts.kind"), name: t("field.name"), email: t("field.email"), phone: t("contacts.phone"), tags: t("contacts.tags"), notes: t("contacts.notes") };
  const save = useSubmit(async () => {
    setSaved(false);
    const before = formOf(base.contact);
    const changed = Object.fromEntries(Object.entries(bodyOf(form)).filter(([k]) => before[k as keyof Form] !== form[k as keyof Form]));
    // Nothing changed: the API refuses an empty PATCH (422 nothing_to_change), and there is nothing to save.
    if (Object.keys(changed).length === 0) return setSaved(true);
    try {
      const done = await withEtag(api.PATCH("/tenants/{tenantId}/contacts/{contactId}", { params: { path, header: { "If-Match": base.etag } }, body: changed }));
      setBase({ contact: done.data, etag: done.etag });
      setForm(formOf(done.data));
      setSaved(true);
    } catch (ex) {
      if (!(ex instanceof ApiError) || ex.status !== 412) throw ex;
      const now = await withEtag(api.GET("/tenants/{tenantId}/contacts/{contactId}", { params: { path } }));
      const mine = Object.fromEntries(Object.keys(changed).map((k) => [k, form[k as keyof Form]]));
      setConflict({ changes: changes(formOf(base.contact), formOf(now.data), mine, labels), contact: now.data, etag: now.etag });
    }
  });
  const remove = useSubmit(async () => {
    await ok(api.DELETE("/tenants/{tenantId}/contacts/{contactId}", { params: { path, header: { "If-Match": base.etag } } }));
    navigate(`/t/${tenant.id}/contacts`);
  });
  return (
    <Page title={base.contact.name}>
      <p>
        <a href={`/t/${tenant.id}/contacts`}>← {t("nav.contacts")}</a>
      </p>
      <form class="card" onSubmit={save.onSubmit}>
        <fieldset disabled={!writer}>
          <legend class="sr-only">{t("contacts.edit")}</legend>
          <Fields form={form} set={set} />
        </fieldset>
        <p class="hint">
          {t("contacts.version", { version: String(base.contact.version), at: when(base.contact.updated_at) })}
        </p>
        <ErrorBox error={save.error ?? remove.error} />
        {saved && <Status>{t("saved")}</Status>}
        {writer && (
          <div class="row-actions">
            <Button kind="primary" type="submit" busy={save.busy}>
              {t("save")}
            </Button>
            <Button kind="danger" type="button" onClick={() => remove.onSubmit()} busy={remove.busy}>
              {t("delete")}
            </Button>
          </div>
        )}
      </form>
      <ConflictDialog
        changes={conflict?.changes ?? null}
        onReload={() => {
          if (!conflict) return;
          setBase({ contact: conflict.contact, etag: conflict.etag });
          setForm(formOf(conflict.contact));
          setConflict(null);
        }}
        onKeep={() => {
          if (conflict) setBase({ contact: conflict.contact, etag: conflict.etag });
          setConflict(null);
        }}
      />
    </Page>
  );
}
