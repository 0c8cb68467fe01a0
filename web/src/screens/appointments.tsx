/** Appointments from today on (or from a chosen day), create and delete. */
import { useState } from "preact/hooks";
import { api, ApiError, idempotencyKey, ok, type Schemas, withEtag } from "../api/client";
import { t } from "../i18n";
import { atLeast, useTenant } from "../state";
import { Button, Dialog, Empty, ErrorBox, Input, More, Page, Table, usePaged, useSubmit, when } from "../ui";

type Appointment = Schemas["AppointmentResponse"];

const today = () => new Date().toISOString().slice(0, 10);
/** An ISO time as the value of a datetime-local input (local time, minutes). */
const local = (iso: string) => {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

export function Appointments() {
  const { tenant } = useTenant();
  const writer = atLeast(tenant.role, "member");
  const path = { tenantId: tenant.id };
  const [from, setFrom] = useState(today);
  const list = usePaged(
    (cursor) =>
      ok(api.GET("/tenants/{tenantId}/appointments", { params: { path, query: { cursor, from: from ? new Date(`${from}T00:00:00`).toISOString() : undefined } } })),
    [tenant.id, from],
  );
  const [title, setTitle] = useState("");
  const [starts, setStarts] = useState("");
  const [ends, setEnds] = useState("");
  const [location, setLocation] = useState("");
  const [key, setKey] = useState(idempotencyKey);
  const create = useSubmit(async () => {
    await ok(
      api.POST("/tenants/{tenantId}/appointments", {
        params: { path },
        body: { title, starts_at: new Date(starts).toISOString(), ends_at: new Date(ends).toISOString(), location: location || null },
        headers: { "Idempotency-Key": key },
      }),
    );
    setKey(idempotencyKey());
    setTitle("");
    list.reload();
  });
  const [editing, setEditing] = useState<{ appointment: Appointment; etag: string } | null>(null);
  const open = (appointmentId: string) =>
    withEtag(api.GET("/tenants/{tenantId}/appointments/{appointmentId}", { params: { path: { ...path, appointmentId } } })).then(
      ({ data, etag }) => setEditing({ appointment: data, etag }),
      (ex) => remove.setError(ex),
    );
  const remove = useSubmit(async () => undefined);
  const del = (appointmentId: string) =>
    ok(api.DELETE("/tenants/{tenantId}/appointments/{appointmentId}", { params: { path: { ...path, appointmentId } } })).then(list.reload, remove.setError);
  return (
    <Page title={t("nav.appointments")}>
      <div class="inline">
        <Input label={t("appointments.from")} type="date" value={from} onValue={setFrom} />
      </div>
      <ErrorBox error={list.error ?? remove.error} />
      <Empty show={!list.loading && list.items.length === 0} text={t("appointments.none")} />
      {list.items.length > 0 && (
        <Table caption={t("nav.appointments")} columns={[t("appointments.title"), t("appointments.starts"), t("appointments.ends"), t("appointments.location")]} actions>
          {list.items.map((a) => (
            <tr key={a.id}>
              <td>
                <button class="btn link" onClick={() => void open(a.id)}>
                  {a.title}
                </button>
              </td>
              <td>{when(a.starts_at)}</td>
              <td>{when(a.ends_at)}</td>
              <td>{a.location ?? "—"}</td>
              <td>
                {writer && (
                  <Button kind="danger" onClick={() => del(a.id)} aria-label={t("appointments.deleteOne", { title: a.title })}>
                    {t("delete")}
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <More list={list} />
      {editing && (
        <AppointmentEditor
          {...editing}
          readOnly={!writer}
          onClose={(changed) => {
            setEditing(null);
            if (changed) list.reload();
          }}
        />
      )}
      {writer && (
        <form class="card" onSubmit={create.onSubmit}>
          <h2>{t("appointments.new")}</h2>
          <Input label={t("appointments.title")} required maxLength={200} value={title} onValue={setTitle} />
          <Input label={t("appointments.starts")} type="datetime-local" required value={starts} onValue={setStarts} />
          <Input label={t("appointments.ends")} type="datetime-local" required value={ends} onValue={setEnds} />
          <Input label={t("appointments.location")} maxLength={200} value={location} onValue={setLocation} />
          <ErrorBox error={create.error} />
          <Button kind="primary" type="submit" busy={create.busy}>
            {t("create")}
          </Button>
        </form>
      )}
    </Page>
  );
}

function AppointmentEditor(props: { appointment: Appointment; etag: string; readOnly: boolean; onClose: (changed: boolean) => void }) {
  const { tenant } = useTenant();
  const start = props.appointment;
  const [title, setTitle] = useState(start.title);
  const [starts, setStarts] = useState(local(start.starts_at));
  const [ends, setEnds] = useState(local(start.ends_at));
  const [location, setLocation] = useState(start.location ?? "");
  const path = { tenantId: tenant.id, appointmentId: start.id };
  const save = useSubmit(async () => {
    try {
      await ok(
        api.PATCH("/tenants/{tenantId}/appointments/{appointmentId}", {
          params: { path, header: { "If-Match": props.etag } },
          body: { title, starts_at: new Date(starts).toISOString(), ends_at: new Date(ends).toISOString(), location: location || null },
        }),
      );
    } catch (ex) {
      if (ex instanceof ApiError && ex.status === 412) throw new Error(t("appointments.conflict"));
      throw ex;
    }
    props.onClose(true);
  });
  return (
    <Dialog open title={start.title} onClose={() => props.onClose(false)}>
      <form onSubmit={save.onSubmit}>
        <fieldset disabled={props.readOnly}>
          <legend class="sr-only">{t("appointments.edit")}</legend>
          <Input label={t("appointments.title")} required maxLength={200} value={title} onValue={setTitle} />
          <Input label={t("appointments.starts")} type="datetime-local" required value={starts} onValue={setStarts} />
          <Input label={t("appointments.ends")} type="datetime-local" required value={ends} onValue={setEnds} />
          <Input label={t("appointments.location")} maxLength={200} value={location} onValue={setLocation} />
        </fieldset>
        <ErrorBox error={save.error} />
        <div class="dialog-actions">
          {!props.readOnly && (
            <Button kind="primary" type="submit" busy={save.busy}>
              {t("save")}
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
