/** Members with their roles, and (for admins) the invitations: invite, resend, revoke. */
import { useState } from "preact/hooks";
import { api, idempotencyKey, ok, type Schemas } from "../api/client";
import { t } from "../i18n";
import { navigate } from "../router";
import { atLeast, useApp, useTenant } from "../state";
import { Button, Empty, ErrorBox, Input, More, Page, Select, Status, Table, label, usePaged, useSubmit, when } from "../ui";

type Role = Schemas["Role"];
const ROLES: Role[] = ["admin", "member", "viewer"];

export function Members() {
  const { tenant } = useTenant();
  const { me, reloadMe } = useApp();
  const admin = atLeast(tenant.role, "admin");
  const path = { tenantId: tenant.id };
  const members = usePaged((cursor) => ok(api.GET("/tenants/{tenantId}/members", { params: { path, query: { cursor } } })), [tenant.id]);
  const [action, setAction] = useState<unknown>(null);
  const [note, setNote] = useState("");
  const run = async (work: () => Promise<unknown>, done: string) => {
    setAction(null);
    setNote("");
    try {
      await work();
      setNote(done);
    } catch (ex) {
      setAction(ex);
    }
  };
  const changeRole = (userId: string, role: Role) =>
    run(async () => {
      await ok(api.PATCH("/tenants/{tenantId}/members/{userId}", { params: { path: { ...path, userId } }, body: { role } }));
      members.reload();
    }, t("members.roleChanged"));
  const remove = (userId: string) =>
    run(async () => {
      await ok(api.DELETE("/tenants/{tenantId}/members/{userId}", { params: { path: { ...path, userId } } }));
      if (userId === me?.user.id) {
        await reloadMe();
        navigate("/");
      } else members.reload();
    }, t("members.removed"));
  return (
    <Page title={t("nav.members")}>
      <ErrorBox error={members.error ?? action} />
      {note && <Status>{note}</Status>}
      <Table caption={t("nav.members")} columns={[t("field.name"), t("field.email"), t("field.role"), t("members.joined")]} actions>
        {members.items.map((m) => (
          <tr key={m.user_id}>
            <td>{m.name}</td>
            <td>{m.email}</td>
            <td>
              {admin ? (
                <Select
                  label={t("members.roleOf", { name: m.name })}
                  value={m.role as Role}
                  options={ROLES.map((r) => [r, label("role", r)] as const)}
                  onValue={(role) => changeRole(m.user_id, role)}
                />
              ) : (
                label("role", m.role)
              )}
            </td>
            <td>{when(m.joined_at)}</td>
            <td>
              {(admin || m.user_id === me?.user.id) && (
                <Button kind="danger" onClick={() => remove(m.user_id)}>
                  {m.user_id === me?.user.id ? t("members.leave") : t("members.remove")}
                </Button>
              )}
            </td>
          </tr>
        ))}
      </Table>
      <More list={members} />
      {admin && <Invitations />}
    </Page>
  );
}

function Invitations() {
  const { tenant } = useTenant();
  const path = { tenantId: tenant.id };
  const list = usePaged((cursor) => ok(api.GET("/tenants/{tenantId}/invitations", { params: { path, query: { cursor } } })), [tenant.id]);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [key, setKey] = useState(idempotencyKey);
  const [sent, setSent] = useState("");
  const invite = useSubmit(async () => {
    const made = await ok(api.POST("/tenants/{tenantId}/invitations", { params: { path }, body: { email, role }, headers: { "Idempotency-Key": key } }));
    setKey(idempotencyKey());
    setEmail("");
    setSent(t("invitations.sent", { email: made.email }));
    list.reload();
  });
  const act = useSubmit(async () => undefined);
  const revoke = (invitationId: string) =>
    act.onSubmit().then(async () => {
      try {
        await ok(api.DELETE("/tenants/{tenantId}/invitations/{invitationId}", { params: { path: { ...path, invitationId } } }));
        list.reload();
      } catch (ex) {
        act.setError(ex);
      }
    });
  const resend = (invitationId: string) =>
    ok(api.POST("/tenants/{tenantId}/invitations/{invitationId}/resend", { params: { path: { ...path, invitationId } } })).then(
      (made) => {
        setSent(t("invitations.sent", { email: made.email }));
        list.reload();
      },
      act.setError,
    );
  return (
    <>
      <h2>{t("invitations.title")}</h2>
      <form class="inline" onSubmit={invite.onSubmit}>
        <Input label={t("field.email")} type="email" required value={email} onValue={setEmail} />
        <Select label={t("field.role")} value={role} options={ROLES.map((r) => [r, label("role", r)] as const)} onValue={setRole} />
        <Button kind="primary" type="submit" busy={invite.busy}>
          {t("invitations.submit")}
        </Button>
      </form>
      <ErrorBox error={invite.error ?? act.error ?? list.error} />
      {sent && <Status>{sent}</Status>}
      <Empty show={!list.loading && list.items.length === 0} text={t("invitations.none")} />
      {list.items.length > 0 && (
        <Table caption={t("invitations.title")} columns={[t("field.email"), t("field.role"), t("field.state"), t("invitations.expires")]} actions>
          {list.items.map((i) => (
            <tr key={i.id}>
              <td>{i.email}</td>
              <td>{label("role", i.role)}</td>
              <td>{label("state", i.state)}</td>
              <td>{when(i.expires_at)}</td>
              <td class="row-actions">
                {i.state === "pending" && (
                  <>
                    <Button onClick={() => resend(i.id)} aria-label={t("invitations.resendTo", { email: i.email })}>
                      {t("invitations.resend")}
                    </Button>
                    <Button kind="danger" onClick={() => revoke(i.id)} aria-label={t("invitations.revokeTo", { email: i.email })}>
                      {t("invitations.revoke")}
                    </Button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <More list={list} />
    </>
  );
}
