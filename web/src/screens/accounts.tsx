/** Every tenant the user can enter (the switcher's home), pending invitations, a second account. */
import { useState } from "preact/hooks";
import { api, idempotencyKey, ok } from "../api/client";
import { t } from "../i18n";
import { navigate } from "../router";
import { takeFlash, useApp } from "../state";
import { Button, ErrorBox, Input, Page, Status, Table, label, useSubmit, when } from "../ui";

export function Accounts() {
  const { me, reloadMe } = useApp();
  const [name, setName] = useState("");
  const [key, setKey] = useState(idempotencyKey);
  const [note] = useState(takeFlash);
  const create = useSubmit(async () => {
    const tenant = await ok(api.POST("/tenants", { body: { name, plan: "BASIC" }, headers: { "Idempotency-Key": key } }));
    setKey(idempotencyKey());
    setName("");
    await reloadMe();
    navigate(`/t/${tenant.id}/contacts`);
  });
  if (!me) return <Status>{t("loading")}</Status>;
  return (
    <Page title={t("accounts.title")}>
      {note && <Status>{note}</Status>}
      <p>{t("accounts.hello", { name: me.user.name })}</p>
      <Table caption={t("accounts.title")} columns={[t("field.company"), t("field.role"), t("accounts.via")]}>
        {me.memberships.map((m) => (
          <tr key={m.tenant_id}>
            <td>
              <a href={`/t/${m.tenant_id}/contacts`}>{m.tenant_name}</a>
            </td>
            <td>{label("role", m.role)}</td>
            <td>
              {label("via", m.via)}
              {m.subtenant_count > 0 && (
                <>
                  {" · "}
                  <a href={`/t/${m.tenant_id}/subtenants`}>{t("switcher.subtenants", { count: String(m.subtenant_count) })}</a>
                </>
              )}
            </td>
          </tr>
        ))}
      </Table>
      {me.invitations.length > 0 && (
        <>
          <h2>{t("accounts.invitations")}</h2>
          <ul>
            {me.invitations.map((i) => (
              <li key={i.id}>
                {t("accounts.invitation", { tenant: i.tenant_name, role: label("role", i.role), inviter: i.inviter_name, until: when(i.expires_at) })}
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{t("accounts.create")}</h2>
      <p class="hint">{t("accounts.createHint")}</p>
      <form class="inline" onSubmit={create.onSubmit}>
        <Input label={t("accounts.newName")} required maxLength={120} value={name} onValue={setName} />
        <Button kind="primary" type="submit" busy={create.busy}>
          {t("accounts.createSubmit")}
        </Button>
      </form>
      <ErrorBox error={create.error} />
    </Page>
  );
}
