/** The 412 dialog: someone saved in between; show what they changed and offer to reload. */
import { t } from "../i18n";
import { Button, Dialog, Table } from "../ui";

export type Change = { field: string; mine: string; theirs: string };

/** Fields that someone else changed, or that this editor changed: saved value against the entry. */
export function changes<T extends Record<string, unknown>>(base: T, theirs: T, mine: Partial<T>, labels: Record<string, string>): Change[] {
  const show = (v: unknown) => (v == null || v === "" ? "—" : Array.isArray(v) ? v.join(", ") : typeof v === "object" ? JSON.stringify(v) : String(v));
  return Object.keys(labels)
    .filter((key) => show(base[key]) !== show(theirs[key]) || key in mine)
    .map((key) => ({ field: labels[key], mine: show(key in mine ? mine[key] : base[key]), theirs: show(theirs[key]) }));
}

export function ConflictDialog(props: { changes: Change[] | null; onReload: () => void; onKeep: () => void }) {
  return (
    <Dialog open={props.changes !== null} title={t("conflict.title")} onClose={props.onKeep}>
      <p>{t("conflict.text")}</p>
      {props.changes && props.changes.length > 0 ? (
        <Table caption={t("conflict.title")} columns={[t("conflict.field"), t("conflict.theirs"), t("conflict.mine")]}>
          {props.changes.map((c) => (
            <tr key={c.field}>
              <th scope="row">{c.field}</th>
              <td>{c.theirs}</td>
              <td>{c.mine}</td>
            </tr>
          ))}
        </Table>
      ) : (
        <p>{t("conflict.noFields")}</p>
      )}
      <div class="dialog-actions">
        <Button kind="primary" onClick={props.onReload} autoFocus>
          {t("conflict.reload")}
        </Button>
        <Button onClick={props.onKeep}>{t("conflict.keep")}</Button>
      </div>
    </Dialog>
  );
}
