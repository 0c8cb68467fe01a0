/** Backups: make one, watch it finish, download, delete, restore with live progress; the policy. */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, idempotencyKey, ok, type Schemas } from "../api/client";
import { t } from "../i18n";
import { atLeast, useTenant } from "../state";
import { Button, Dialog, Empty, ErrorBox, Input, More, Page, Select, Status, Table, bytes, label, useAsync, usePaged, useSubmit, when } from "../ui";

type Backup = Schemas["BackupResponse"];
const WORKING = new Set(["pending", "running"]);
const POLL_MS = 1000;

export function Backups() {
  const { tenant } = useTenant();
  const admin = atLeast(tenant.role, "admin");
  const path = { tenantId: tenant.id };
  const list = usePaged((cursor) => ok(api.GET("/tenants/{tenantId}/backups", { params: { path, query: { cursor } } })), [tenant.id]);
  const restore = useAsync(async () => {
    try {
      return await ok(api.GET("/tenants/{tenantId}/restore", { params: { path } }));
    } catch (ex) {
      if (ex instanceof ApiError && ex.status === 404) return null; // never restored
      throw ex;
    }
  }, [tenant.id]);
  const busy = list.items.some((b) => WORKING.has(b.state)) || (restore.data != null && WORKING.has(restore.data.state));
  // Long work runs in the background: poll while something is pending or running.
  useEffect(() => {
    if (!busy) return;
    const timer = setTimeout(() => {
      list.reload();
      restore.reload();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [busy, list.items, restore.data]);

  const [note, setNote] = useState("");
  const [key, setKey] = useState(idempotencyKey);
  const create = useSubmit(async () => {
    await ok(api.POST("/tenants/{tenantId}/backups", { params: { path }, body: { note: note || null }, headers: { "Idempotency-Key": key } }));
    setKey(idempotencyKey());
    setNote("");
    list.reload();
  });
  const [confirm, setConfirm] = useState<Backup | null>(null);
  const act = useSubmit(async () => undefined);
  const startRestore = async (backup: Backup) => {
    setConfirm(null);
    try {
      await ok(api.POST("/tenants/{tenantId}/backups/{backupId}/restore", { params: { path: { ...path, backupId: backup.id } } }));
      restore.reload();
      list.reload();
    } catch (ex) {
      act.setError(ex);
    }
  };
  const download = async (backup: Backup) => {
    try {
      const link = await ok(api.GET("/tenants/{tenantId}/backups/{backupId}/download", { params: { path: { ...path, backupId: backup.id } } }));
      location.assign(link.url);
    } catch (ex) {
      act.setError(ex);
    }
  };
  const remove = async (backup: Backup) => {
    try {
      await ok(api.DELETE("/tenants/{tenantId}/backups/{backupId}", { params: { path: { ...path, backupId: backup.id } } }));
      list.reload();
    } catch (ex) {
      act.setError(ex);
    }
  };
  return (
    <Page title={t("nav.backups")}>
      {restore.data && <RestoreProgress restore={restore.data} />}
      {admin && (
        <form class="inline card" onSubmit={create.onSubmit}>
          <Input label={t("backups.note")} maxLength={500} value={note} onValue={setNote} />
          <Button kind="primary" type="submit" busy={create.busy}>
            {t("backups.create")}
          </Button>
        </form>
      )}
      <ErrorBox error={create.error ?? act.error ?? list.error ?? restore.error} />
      <Empty show={!list.loading && list.items.length === 0} text={t("backups.none")} />
      {list.items.length > 0 && (
        <Table caption={t("nav.backups")} columns={[t("backups.created"), t("backups.kind"), t("field.state"), t("backups.items"), t("backups.size"), t("backups.note")]} actions>
          {list.items.map((b) => (
            <tr key={b.id}>
              <td>{when(b.created_at)}</td>
              <td>{label("backupKind", b.kind)}</td>
              <td>
                <span class={`badge ${b.state}`}>{label("state", b.state)}</span>
                {b.failure && <div class="hint">{b.failure}</div>}
              </td>
              <td>{b.item_count ?? "—"}</td>
              <td>{bytes(b.size)}</td>
              <td>{b.note ?? "—"}</td>
              <td class="row-actions">
                {admin && b.state === "completed" && (
                  <>
                    <Button onClick={() => void download(b)} aria-label={t("backups.downloadOne", { at: when(b.created_at) })}>
                      {t("backups.download")}
                    </Button>
                    <Button onClick={() => setConfirm(b)} aria-label={t("backups.restoreOne", { at: when(b.created_at) })}>
                      {t("backups.restore")}
                    </Button>
                  </>
                )}
                {admin && !WORKING.has(b.state) && (
                  <Button kind="danger" onClick={() => void remove(b)} aria-label={t("backups.deleteOne", { at: when(b.created_at) })}>
                    {t("delete")}
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <More list={list} />
      {admin && <Prune onDone={list.reload} />}
      <Dialog open={confirm !== null} title={t("backups.confirmTitle")} onClose={() => setConfirm(null)}>
        {confirm && (
          <>
            <p>{t("backups.confirmText", { at: when(confirm.created_at) })}</p>
            <div class="dialog-actions">
              <Button kind="danger" onClick={() => void startRestore(confirm)}>
                {t("backups.restoreNow")}
              </Button>
              <Button onClick={() => setConfirm(null)} autoFocus>
                {t("cancel")}
              </Button>
            </div>
          </>
        )}
      </Dialog>
      <Policy admin={admin} />
    </Page>
  );
}

/** „Alte Backups löschen“: every finished backup older than N days, never the newest completed one. */
function Prune({ onDone }: { onDone: () => void }) {
  const { tenant } = useTenant();
  const [days, setDays] = useState("30");
  const [deleted, setDeleted] = useState<number | null>(null);
  const prune = useSubmit(async () => {
    const result = await ok(api.POST("/tenants/{tenantId}/backups/prune", { params: { path: { tenantId: tenant.id } }, body: { older_than_days: Number(days) } }));
    setDeleted(result.deleted.length);
    onDone();
  });
  return (
    <form class="inline card" onSubmit={prune.onSubmit}>
      <Input label={t("prune.days")} type="number" min={0} max={3650} required value={days} onValue={setDays} />
      <Button kind="danger" type="submit" busy={prune.busy}>
        {t("prune.submit")}
      </Button>
      <ErrorBox error={prune.error} />
      {deleted !== null && <Status>{t("prune.done", { count: String(deleted) })}</Status>}
    </form>
  );
}

const STEPS = ["pending", "running", "completed"];

function RestoreProgress({ restore }: { restore: Schemas["RestoreResponse"] }) {
  const step = restore.state === "completed" ? 3 : Math.max(STEPS.indexOf(restore.state), 0) + 1;
  const working = WORKING.has(restore.state);
  return (
    <div class={`card restore ${restore.state}`}>
      <h2>{t("restore.title")}</h2>
      <label for="restore-progress">{t("restore.state", { state: label("state", restore.state) })}</label>
      <progress id="restore-progress" max={3} value={restore.state === "failed" || restore.state === "refused" ? 3 : step} />
      <div role="status" aria-live="polite">
        {working && t("restore.working")}
        {restore.state === "completed" &&
          t("restore.done", { restored: String(restore.restored_items ?? 0), removed: String(restore.removed_items ?? 0), at: when(restore.updated_at) })}
        {restore.failure && <p class="hint">{restore.failure}</p>}
      </div>
    </div>
  );
}

function Policy({ admin }: { admin: boolean }) {
  const { tenant } = useTenant();
  const path = { tenantId: tenant.id };
  const policy = useAsync(() => ok(api.GET("/tenants/{tenantId}/backup-policy", { params: { path } })), [tenant.id]);
  const [form, setForm] = useState<Schemas["PolicyRequest"] | null>(null);
  useEffect(() => {
    if (policy.data) {
      const { schedule, keep_last, keep_daily, keep_weekly, keep_monthly } = policy.data;
      setForm({ schedule: schedule as Schemas["PolicyRequest"]["schedule"], keep_last, keep_daily, keep_weekly, keep_monthly });
    }
  }, [policy.data]);
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    if (!form) return;
    policy.set(await ok(api.PUT("/tenants/{tenantId}/backup-policy", { params: { path }, body: form })));
    setSaved(true);
  });
  if (!form) return <ErrorBox error={policy.error} />;
  const number = (key: "keep_last" | "keep_daily" | "keep_weekly" | "keep_monthly") => (
    <Input label={t(`policy.${key}`)} type="number" min={key === "keep_last" ? 1 : 0} max={1000} required value={String(form[key])} onValue={(v) => setForm({ ...form, [key]: Number(v) })} />
  );
  return (
    <form class="card" onSubmit={save.onSubmit}>
      <h2>{t("policy.title")}</h2>
      <fieldset disabled={!admin}>
        <legend class="sr-only">{t("policy.title")}</legend>
        <Select
          label={t("policy.schedule")}
          value={form.schedule}
          options={(["off", "daily", "weekly"] as const).map((s) => [s, label("schedule", s)] as const)}
          onValue={(schedule) => setForm({ ...form, schedule })}
        />
        <div class="grid4">
          {number("keep_last")}
          {number("keep_daily")}
          {number("keep_weekly")}
          {number("keep_monthly")}
        </div>
      </fieldset>
      {policy.data?.next_backup_at && <p class="hint">{t("policy.next", { at: when(policy.data.next_backup_at) })}</p>}
      <ErrorBox error={save.error} />
      {saved && <Status>{t("saved")}</Status>}
      {admin && (
        <Button kind="primary" type="submit" busy={save.busy}>
          {t("save")}
        </Button>
      )}
    </form>
  );
}
