/** Mail and document templates: list by kind, create, edit (If-Match), delete. */
import { useState } from "preact/hooks";
import { api, ApiError, idempotencyKey, ok, type Schemas, withEtag } from "../api/client";
import { t } from "../i18n";
import { atLeast, useTenant } from "../state";
import { Button, Dialog, Empty, ErrorBox, Input, More, Page, Select, Table, TextArea, label, usePaged, useSubmit, when } from "../ui";

type Template = Schemas["TemplateResponse"];
type Kind = "email" | "document";

export function Templates() {
  const { tenant } = useTenant();
  const writer = atLeast(tenant.role, "member");
  const path = { tenantId: tenant.id };
  const [kind, setKind] = useState<"" | Kind>("");
  const list = usePaged(
    (cursor) => ok(api.GET("/tenants/{tenantId}/templates", { params: { path, query: { cursor, kind: kind || undefined } } })),
    [tenant.id, kind],
  );
  const [editing, setEditing] = useState<{ template: Template | null; etag: string } | null>(null);
  const open = async (id: string) => {
    const { data, etag } = await withEtag(api.GET("/tenants/{tenantId}/templates/{templateId}", { params: { path: { ...path, templateId: id } } }));
    setEditing({ template: data, etag });
  };
  return (
    <Page
      title={t("nav.templates")}
      actions={
        writer && (
          <Button kind="primary" onClick={() => setEditing({ template: null, etag: "" })}>
            {t("templates.new")}
          </Button>
        )
      }
    >
      <div class="inline">
        <Select
          label={t("templates.kind")}
          value={kind}
          options={[
            ["", t("templates.allKinds")],
            ["email", label("kind", "email")],
            ["document", label("kind", "document")],
          ]}
          onValue={setKind}
        />
      </div>
      <ErrorBox error={list.error} />
      <Empty show={!list.loading && list.items.length === 0} text={t("templates.none")} />
      {list.items.length > 0 && (
        <Table caption={t("nav.templates")} columns={[t("field.name"), t("templates.kind"), t("templates.subject"), t("updated")]}>
          {list.items.map((item) => (
            <tr key={item.id}>
              <td>
                <button class="btn link" onClick={() => void open(item.id)}>
                  {item.name}
                </button>
              </td>
              <td>{label("kind", item.kind)}</td>
              <td>{item.subject ?? "—"}</td>
              <td>{when(item.updated_at)}</td>
            </tr>
          ))}
        </Table>
      )}
      <More list={list} />
      {editing && (
        <TemplateEditor
          editing={editing}
          readOnly={!writer}
          onClose={(changed) => {
            setEditing(null);
            if (changed) list.reload();
          }}
        />
      )}
    </Page>
  );
}

function TemplateEditor(props: { editing: { template: Template | null; etag: string }; readOnly: boolean; onClose: (changed: boolean) => void }) {
  const { tenant } = useTenant();
  const path = { tenantId: tenant.id };
  const start = props.editing.template;
  const [name, setName] = useState(start?.name ?? "");
  const [kind, setKind] = useState<Kind>((start?.kind as Kind) ?? "email");
  const [subject, setSubject] = useState(start?.subject ?? "");
  const [body, setBody] = useState(start?.body ?? "");
  const [key] = useState(idempotencyKey);
  const save = useSubmit(async () => {
    const fields = { name, kind, subject: subject || null, body };
    if (start) {
      try {
        await ok(
          api.PATCH("/tenants/{tenantId}/templates/{templateId}", {
            params: { path: { ...path, templateId: start.id }, header: { "If-Match": props.editing.etag } },
            body: fields,
          }),
        );
      } catch (ex) {
        if (ex instanceof ApiError && ex.status === 412) throw new Error(t("templates.conflict"));
        throw ex;
      }
    } else {
      await ok(api.POST("/tenants/{tenantId}/templates", { params: { path }, body: fields, headers: { "Idempotency-Key": key } }));
    }
    props.onClose(true);
  });
  const remove = useSubmit(async () => {
    if (!start) return;
    await ok(api.DELETE("/tenants/{tenantId}/templates/{templateId}", { params: { path: { ...path, templateId: start.id } } }));
    props.onClose(true);
  });
  return (
    <Dialog open title={start ? start.name : t("templates.new")} onClose={() => props.onClose(false)}>
      <form onSubmit={save.onSubmit}>
        <fieldset disabled={props.readOnly}>
          <legend class="sr-only">{t("nav.templates")}</legend>
          <Input label={t("field.name")} required maxLength={120} value={name} onValue={setName} />
          <Select
            label={t("templates.kind")}
            value={kind}
            options={[
              ["email", label("kind", "email")],
              ["document", label("kind", "document")],
            ]}
            onValue={setKind}
          />
          <Input label={t("templates.subject")} maxLength={300} value={subject} onValue={setSubject} />
          <TextArea label={t("templates.body")} required rows={8} value={body} onValue={setBody} />
        </fieldset>
        {start?.copied_from && <p class="hint">{t("templates.copied")}</p>}
        <ErrorBox error={save.error ?? remove.error} />
        <div class="dialog-actions">
          {!props.readOnly && (
            <Button kind="primary" type="submit" busy={save.busy}>
              {t("save")}
            </Button>
          )}
          {!props.readOnly && start && (
            <Button kind="danger" type="button" onClick={() => remove.onSubmit()} busy={remove.busy}>
              {t("delete")}
            </Button>
          )}
          <Button type="button" onClick={() => props.onClose(false)}>
            {t("close")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
