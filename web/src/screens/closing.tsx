/** Closing a tenant (admins): what it means and for how long it can be undone, the tenant's name
 * typed to confirm, then `DELETE /tenants/{tenantId}`; the console leaves the closed tenant. */
import { useState } from "preact/hooks";
import { api, ok } from "../api/client";
import { addTexts, t } from "../i18n";
import { navigate } from "../router";
import { flash, useApp, useTenant } from "../state";
import { Button, day, Dialog, ErrorBox, Input, useSubmit } from "../ui";

/** How long support can reopen a closed tenant before it is purged (README: Closing a tenant). */
const REOPEN_DAYS = 30;

const tr = addTexts({
  en: {
    "closing.title": "Close this tenant",
    "closing.text": "Closing takes effect at once: nobody can enter {name} any more and billing stops. For {days} days, until about {until}, support can reopen it with everything as it was. After that its data, files and backups are deleted for good; invoices are kept as the law requires.",
    "closing.open": "Close the tenant…",
    "closing.confirmTitle": "Close {name}?",
    "closing.confirmText": "Type the tenant's name to confirm: {name}",
    "closing.name": "The tenant's name",
    "closing.submit": "Close {name} now",
    "closing.done": "{name} is closed. Support can reopen it until {until}; then its data is deleted for good.",
  },
  de: {
    "closing.title": "Diesen Mandanten schließen",
    "closing.text": "Das Schließen wirkt sofort: Niemand kann {name} mehr öffnen, und die Abrechnung endet. {days} Tage lang, bis etwa {until}, kann der Support ihn wieder öffnen, mit allem, wie es war. Danach werden seine Daten, Dateien und Sicherungen endgültig gelöscht; Rechnungen bleiben, wie es das Gesetz verlangt.",
    "closing.open": "Mandanten schließen…",
    "closing.confirmTitle": "{name} schließen?",
    "closing.confirmText": "Geben Sie zur Bestätigung den Namen des Mandanten ein: {name}",
    "closing.name": "Name des Mandanten",
    "closing.submit": "{name} jetzt schließen",
    "closing.done": "{name} ist geschlossen. Der Support kann ihn bis zum {until} wieder öffnen; danach werden seine Daten endgültig gelöscht.",
  },
});

export function CloseTenant() {
  const { tenant } = useTenant();
  const { reloadMe } = useApp();
  const [asking, setAsking] = useState(false);
  const [typed, setTyped] = useState("");
  const until = new Date(Date.now() + REOPEN_DAYS * 86_400_000).toISOString();
  const close = useSubmit(async () => {
    const closed = await ok(api.DELETE("/tenants/{tenantId}", { params: { path: { tenantId: tenant.id } }, body: { confirm_name: typed } }));
    flash(tr("closing.done", { name: tenant.name, until: day(closed.purge_at) }));
    await reloadMe();
    navigate("/");
  });
  return (
    <section class="card danger-zone" aria-labelledby="closing-title">
      <h2 id="closing-title">{tr("closing.title")}</h2>
      <p>{tr("closing.text", { name: tenant.name, days: String(REOPEN_DAYS), until: day(until) })}</p>
      <Button kind="danger" onClick={() => setAsking(true)}>
        {tr("closing.open")}
      </Button>
      <Dialog open={asking} title={tr("closing.confirmTitle", { name: tenant.name })} onClose={() => setAsking(false)}>
        <form onSubmit={close.onSubmit}>
          <p>{tr("closing.text", { name: tenant.name, days: String(REOPEN_DAYS), until: day(until) })}</p>
          <p>{tr("closing.confirmText", { name: tenant.name })}</p>
          <Input label={tr("closing.name")} required autoComplete="off" value={typed} onValue={setTyped} />
          <ErrorBox error={close.error} />
          <div class="dialog-actions">
            <Button kind="danger" type="submit" busy={close.busy} disabled={typed !== tenant.name}>
              {tr("closing.submit", { name: tenant.name })}
            </Button>
            <Button type="button" onClick={() => setAsking(false)}>
              {t("cancel")}
            </Button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}
