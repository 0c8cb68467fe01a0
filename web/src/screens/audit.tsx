/** The tenant's audit log, newest first, filtered by action. */
import { useState } from "preact/hooks";
import { api, ok } from "../api/client";
import { t } from "../i18n";
import { useApp, useTenant } from "../state";
import { Button, Empty, ErrorBox, Input, label, More, Page, usePaged, when } from "../ui";

export function Audit() {
  const { tenant } = useTenant();
  const { me } = useApp();
  const path = { tenantId: tenant.id };
  const [typed, setTyped] = useState("");
  const [action, setAction] = useState("");
  const list = usePaged(
    (cursor) => ok(api.GET("/tenants/{tenantId}/audit", { params: { path, query: { cursor, action: action || undefined } } })),
    [tenant.id, action],
  );
  return (
    <Page title={t("nav.audit")}>
      <form
        class="inline"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setAction(typed.trim());
        }}
      >
        <Input label={t("audit.action")} value={typed} onValue={setTyped} aria-describedby="audit-hint" />
        <Button type="submit">{t("audit.filter")}</Button>
      </form>
      <p id="audit-hint" class="hint">
        {t("audit.actionHint")}
      </p>
      <ErrorBox error={list.error} />
      <Empty show={!list.loading && list.items.length === 0} text={t("audit.none")} />
      {list.items.length > 0 && (
        <table class="audit">
          <caption class="sr-only">{t("nav.audit")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("audit.at")}</th>
              <th scope="col">{t("audit.action")}</th>
              <th scope="col">{t("audit.actor")}</th>
              <th scope="col">{t("audit.target")}</th>
              <th scope="col">{t("audit.details")}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((entry) => (
              <tr key={entry.id}>
                <td>{when(entry.at)}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td>
                  {entry.actor_id === me?.user.id ? t("audit.you") : <code title={entry.actor_id}>{entry.actor_id.slice(0, 8)}…</code>} (
                  {label("via", entry.actor_via)})
                </td>
                <td>{entry.target ? <code>{entry.target}</code> : "—"}</td>
                <td class="details">{Object.keys(entry.details).length ? <code>{JSON.stringify(entry.details)}</code> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More list={list} />
    </Page>
  );
}
