/** The notice area: the running and upcoming maintenance windows for everyone, and on a tenant's
 * screens what concerns that tenant (a suspended status; further kinds as the API adds them, shown
 * by their own title and text). Signed in it reads `GET /notices?tenant=`, before sign-in
 * `GET /notices/public`; both again every minute, so a window planned meanwhile shows up. */
import { useEffect } from "preact/hooks";
import { api, ok, type Schemas } from "./api/client";
import { lang, t } from "./i18n";
import { useAsync, when } from "./ui";

type Notice = Schemas["NoticeResponse"];

const REFRESH_MS = 60_000;

export function Notices({ tenantId, signedIn }: { tenantId: string | null; signedIn: boolean }) {
  const notices = useAsync(
    () =>
      signedIn
        ? ok(api.GET("/notices", { params: { query: { tenant: tenantId ?? undefined } } }))
        : ok(api.GET("/notices/public")),
    [tenantId, signedIn],
  );
  useEffect(() => {
    const timer = setInterval(notices.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [notices.reload]);
  // The notices are a help, not the screen: a failed read shows nothing rather than an error.
  const items = notices.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section class="notices" aria-label={t("notices.label")}>
      <ul>
        {items.map((notice) => (
          <li key={notice.id} class={`notice ${notice.severity}${notice.active ? " active" : ""}`} data-kind={notice.kind}>
            <strong>{text(notice.title)}</strong> {describe(notice)} {text(notice.text)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A text of the API's `{de, en}`, in the console's language (else whichever it has). */
function text(texts: Record<string, string>): string {
  return texts[lang()] ?? texts.en ?? Object.values(texts)[0] ?? "";
}

function describe(notice: Notice): string {
  if (notice.kind !== "maintenance") return "";
  const vars = { start: when(notice.starts_at), end: when(notice.ends_at) };
  const unavailable = notice.mode === "unavailable";
  if (notice.active) return t(unavailable ? "notices.nowUnavailable" : "notices.nowReadOnly", vars);
  return t(unavailable ? "notices.aheadUnavailable" : "notices.aheadReadOnly", vars);
}
