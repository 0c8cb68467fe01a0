/** Error reports: write one down for support (the console's version and the last request id an
 * error showed filled in), keep it as a draft, correct it, send it; support's answers. */
import { useState } from "preact/hooks";
import { api, idempotencyKey, lastRequestId, ok, type Schemas, withEtag } from "../api/client";
import { addTexts, t } from "../i18n";
import { useLocation } from "../router";
import { useApp, useTenant } from "../state";
import { Button, Dialog, Empty, ErrorBox, Input, label, More, Page, Select, Status, Table, TextArea, usePaged, useSubmit, when } from "../ui";

type Report = Schemas["ErrorReportResponse"];
type Severity = Schemas["ErrorReportRequest"]["severity"] & string;
type Fields = { subject: string; description: string; steps: string; severity: Severity; app_version: string; request_id: string };

const tr = addTexts({
  en: {
    "reports.intro": "Tell support what you did, what happened and what you expected. The request id lets support find what Kontor logged.",
    "reports.new": "New error report",
    "reports.subject": "Subject",
    "reports.description": "What happened?",
    "reports.steps": "Steps to reproduce it",
    "reports.severity": "Severity",
    "reports.appVersion": "App version",
    "reports.requestId": "Request id",
    "reports.requestIdHint": "From the error message; filled in with the last one this browser saw.",
    "reports.saveDraft": "Save as draft",
    "reports.drafted": "Saved as a draft. Send it when it is complete.",
    "reports.list": "Drafts and sent reports",
    "reports.none": "No error reports yet.",
    "reports.state": "State",
    "reports.created": "Written",
    "reports.send": "Send the error report",
    "reports.sendOne": "Send the error report “{subject}”",
    "reports.sent": "The error report “{subject}” was sent to support.",
    "reports.edit": "Edit the draft",
    "reports.editOne": "Edit the draft “{subject}”",
    "reports.answer": "Support's answer ({at}):",
    "reports.by": "by {email}",
    "severity.low": "Low",
    "severity.medium": "Medium",
    "severity.high": "High",
    "severity.critical": "Critical — I cannot work",
    "reportState.draft": "draft",
    "reportState.sent": "sent",
    "reportState.answered": "answered",
  },
  de: {
    "reports.intro": "Beschreiben Sie dem Support, was Sie getan haben, was passiert ist und was Sie erwartet hatten. Mit der Anfrage-ID findet der Support, was Kontor protokolliert hat.",
    "reports.new": "Neue Fehlermeldung",
    "reports.subject": "Betreff",
    "reports.description": "Was ist passiert?",
    "reports.steps": "Schritte, um den Fehler nachzuvollziehen",
    "reports.severity": "Dringlichkeit",
    "reports.appVersion": "App-Version",
    "reports.requestId": "Anfrage-ID",
    "reports.requestIdHint": "Aus der Fehlermeldung; vorbelegt mit der letzten, die dieser Browser gesehen hat.",
    "reports.saveDraft": "Als Entwurf speichern",
    "reports.drafted": "Als Entwurf gespeichert. Senden Sie ihn, wenn er vollständig ist.",
    "reports.list": "Entwürfe und gesendete Meldungen",
    "reports.none": "Noch keine Fehlermeldungen.",
    "reports.state": "Stand",
    "reports.created": "Geschrieben",
    "reports.send": "Fehlermeldung senden",
    "reports.sendOne": "Fehlermeldung „{subject}“ senden",
    "reports.sent": "Die Fehlermeldung „{subject}“ wurde an den Support gesendet.",
    "reports.edit": "Entwurf bearbeiten",
    "reports.editOne": "Entwurf „{subject}“ bearbeiten",
    "reports.answer": "Antwort des Supports ({at}):",
    "reports.by": "von {email}",
    "severity.low": "Gering",
    "severity.medium": "Mittel",
    "severity.high": "Hoch",
    "severity.critical": "Kritisch – ich kann nicht arbeiten",
    "reportState.draft": "Entwurf",
    "reportState.sent": "gesendet",
    "reportState.answered": "beantwortet",
  },
});

const SEVERITIES: Severity[] = ["low", "medium", "high", "critical"];
const APP_VERSION = `console ${__KONTOR_VERSION__}`;

/** The body the API takes: optional fields left empty are not sent. */
function body(fields: Fields) {
  return {
    subject: fields.subject.trim(),
    description: fields.description.trim(),
    severity: fields.severity,
    steps: fields.steps.trim() || null,
    app_version: fields.app_version.trim() || null,
    request_id: fields.request_id.trim() || null,
  };
}

export function ErrorReports() {
  const { tenant } = useTenant();
  const { me } = useApp();
  const { query } = useLocation();
  const path = { tenantId: tenant.id };
  const list = usePaged((cursor) => ok(api.GET("/tenants/{tenantId}/error-reports", { params: { path, query: { cursor } } })), [tenant.id]);
  const [done, setDone] = useState("");
  const [editing, setEditing] = useState<{ report: Report; etag: string } | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const edit = async (id: string) => {
    setFailed(null);
    try {
      const { data, etag } = await withEtag(api.GET("/tenants/{tenantId}/error-reports/{reportId}", { params: { path: { ...path, reportId: id } } }));
      setEditing({ report: data, etag });
    } catch (ex) {
      setFailed(ex);
    }
  };
  const send = async (report: Report) => {
    setDone("");
    setFailed(null);
    setSending(true);
    try {
      await ok(api.POST("/tenants/{tenantId}/error-reports/{reportId}/send", { params: { path: { ...path, reportId: report.id } } }));
      setDone(tr("reports.sent", { subject: report.subject }));
      list.reload();
    } catch (ex) {
      setFailed(ex);
    } finally {
      setSending(false);
    }
  };
  return (
    <Page title={t("nav.errorReports")}>
      <p>{tr("reports.intro")}</p>
      <ReportForm
        initial={{ subject: "", description: "", steps: "", severity: "medium", app_version: APP_VERSION, request_id: query.get("request_id") || lastRequestId() }}
        onSaved={() => {
          setDone(tr("reports.drafted"));
          list.reload();
        }}
      />
      {done && <Status>{done}</Status>}
      <ErrorBox error={failed} />
      <section aria-labelledby="reports-title" class="card">
        <h2 id="reports-title">{tr("reports.list")}</h2>
        <ErrorBox error={list.error} />
        <Empty show={!list.loading && list.items.length === 0} text={tr("reports.none")} />
        {list.items.length > 0 && (
          <Table caption={tr("reports.list")} columns={[tr("reports.subject"), tr("reports.severity"), tr("reports.state"), tr("reports.created")]} actions>
            {list.items.map((report) => (
              <tr key={report.id}>
                <td>
                  <strong>{report.subject}</strong>
                  <div class="hint">{tr("reports.by", { email: report.reporter_email })}</div>
                  {report.answer && (
                    <p class="answer">
                      <strong>{tr("reports.answer", { at: when(report.answered_at) })}</strong> {report.answer}
                    </p>
                  )}
                </td>
                <td>{label("severity", report.severity)}</td>
                <td>
                  <span class={`badge ${report.state === "draft" ? "pending" : "completed"}`}>{label("reportState", report.state)}</span>
                </td>
                <td>{when(report.sent_at ?? report.created_at)}</td>
                <td>
                  {report.state === "draft" && report.reporter_id === me?.user.id && (
                    <div class="row-actions">
                      <Button onClick={() => void edit(report.id)} aria-label={tr("reports.editOne", { subject: report.subject })}>
                        {tr("reports.edit")}
                      </Button>
                      <Button kind="primary" busy={sending} onClick={() => void send(report)} aria-label={tr("reports.sendOne", { subject: report.subject })}>
                        {tr("reports.send")}
                      </Button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </Table>
        )}
        <More list={list} />
      </section>
      {editing && (
        <Dialog open title={tr("reports.edit")} onClose={() => setEditing(null)}>
          <ReportForm
            initial={{
              subject: editing.report.subject,
              description: editing.report.description,
              steps: editing.report.steps ?? "",
              severity: editing.report.severity as Severity,
              app_version: editing.report.app_version ?? "",
              request_id: editing.report.request_id ?? "",
            }}
            editing={editing}
            onSaved={() => {
              setEditing(null);
              setDone(tr("reports.drafted"));
              list.reload();
            }}
            onCancel={() => setEditing(null)}
          />
        </Dialog>
      )}
    </Page>
  );
}

function ReportForm(props: { initial: Fields; editing?: { report: Report; etag: string }; onSaved: () => void; onCancel?: () => void }) {
  const { tenant } = useTenant();
  const [fields, setFields] = useState<Fields>(props.initial);
  const [key, setKey] = useState(idempotencyKey);
  const set = (name: keyof Fields) => (value: string) => setFields({ ...fields, [name]: value });
  const path = { tenantId: tenant.id };
  const save = useSubmit(async () => {
    if (props.editing) {
      const params = { path: { ...path, reportId: props.editing.report.id }, header: { "If-Match": props.editing.etag } };
      await ok(api.PATCH("/tenants/{tenantId}/error-reports/{reportId}", { params, body: body(fields) }));
    } else {
      await ok(api.POST("/tenants/{tenantId}/error-reports", { params: { path }, body: body(fields), headers: { "Idempotency-Key": key } }));
      setKey(idempotencyKey());
      setFields({ ...props.initial, request_id: "" });
    }
    props.onSaved();
  });
  return (
    <form class={props.editing ? "" : "card"} onSubmit={save.onSubmit} aria-label={props.editing ? tr("reports.edit") : tr("reports.new")}>
      {!props.editing && <h2>{tr("reports.new")}</h2>}
      <Input label={tr("reports.subject")} required maxLength={200} value={fields.subject} onValue={set("subject")} />
      <TextArea label={tr("reports.description")} required value={fields.description} onValue={set("description")} />
      <TextArea label={tr("reports.steps")} rows={3} value={fields.steps} onValue={set("steps")} />
      <Select label={tr("reports.severity")} value={fields.severity} options={SEVERITIES.map((s) => [s, label("severity", s)] as const)} onValue={set("severity")} />
      <div class="grid2">
        <Input label={tr("reports.appVersion")} maxLength={64} value={fields.app_version} onValue={set("app_version")} />
        <Input
          label={tr("reports.requestId")}
          maxLength={128}
          pattern="[A-Za-z0-9\-]{1,128}"
          value={fields.request_id}
          onValue={set("request_id")}
          hint={tr("reports.requestIdHint")}
        />
      </div>
      <ErrorBox error={save.error} />
      <div class="row-actions">
        <Button kind="primary" type="submit" busy={save.busy}>
          {props.editing ? t("save") : tr("reports.saveDraft")}
        </Button>
        {props.onCancel && (
          <Button type="button" onClick={props.onCancel}>
            {t("cancel")}
          </Button>
        )}
      </div>
    </form>
  );
}
