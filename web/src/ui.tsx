/** The console's building blocks: labelled fields, buttons, errors, dialogs, pages and lists. */
import type { ComponentChildren, ComponentType, JSX } from "preact";
import { useCallback, useEffect, useId, useRef, useState } from "preact/hooks";
import { ApiError } from "./api/client";
import { lang, t, type Key } from "./i18n";

let focusedPath = "";

export function Page(props: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · Kontor`;
    // A new screen takes the focus to its heading: keyboard and screen reader users start there.
    if (location.pathname !== focusedPath) {
      focusedPath = location.pathname;
      heading.current?.focus();
    }
  }, [props.title]);
  return (
    <section class="page" aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title" tabIndex={-1} ref={heading}>
          {props.title}
        </h1>
        {props.actions && <div class="actions">{props.actions}</div>}
      </div>
      {props.children}
    </section>
  );
}

type InputProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "onInput" | "value" | "label"> & {
  label: string;
  value: string;
  onValue: (value: string) => void;
  hint?: string;
};

export function Input({ label, value, onValue, hint, ...rest }: InputProps) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-describedby={hint ? `${id}-hint` : undefined}
        {...rest}
      />
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

export function TextArea(props: { label: string; value: string; onValue: (v: string) => void; rows?: number; required?: boolean }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea id={id} rows={props.rows ?? 4} value={props.value} required={props.required} onInput={(e) => props.onValue(e.currentTarget.value)} />
    </div>
  );
}

export function Select<T extends string>(props: {
  label: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onValue: (value: T) => void;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} value={props.value} disabled={props.disabled} onChange={(e) => props.onValue(e.currentTarget.value as T)}>
        {props.options.map(([value, label]) => (
          <option value={value} key={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Checkbox(props: { label: string; checked: boolean; onValue: (v: boolean) => void; disabled?: boolean }) {
  const id = useId();
  return (
    <div class="field check">
      <input id={id} type="checkbox" checked={props.checked} disabled={props.disabled} onChange={(e) => props.onValue(e.currentTarget.checked)} />
      <label for={id}>{props.label}</label>
    </div>
  );
}

export function Button(
  props: JSX.ButtonHTMLAttributes<HTMLButtonElement> & { kind?: "primary" | "secondary" | "danger" | "link"; busy?: boolean },
) {
  const { kind = "secondary", busy, children, disabled, ...rest } = props;
  return (
    <button class={`btn ${kind}`} disabled={busy || (disabled as boolean)} aria-busy={busy ? "true" : undefined} {...rest}>
      {children}
    </button>
  );
}

/** The API's message; for 5xx also the request id and a way to report it. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const known = error instanceof ApiError ? error : null;
  if (known?.code === "maintenance") return <Maintenance error={known} />;
  if (known?.code === "licence_expired") return <LicenceExpired error={known} />;
  const message = known
    ? known.code === "network"
      ? t("error.network")
      : known.message || t("error.generic")
    : error instanceof Error
      ? error.message
      : String(error);
  return (
    <div class="error" role="alert">
      <p>
        <strong>{t("error.title")}</strong> {message}
      </p>
      {known && known.details.length > 0 && (
        <ul>
          {known.details.map((d, i) => (
            <li key={i}>
              {d.field ? <code>{d.field}</code> : null} {d.reason}
            </li>
          ))}
        </ul>
      )}
      {known && known.status >= 500 && (
        <p class="request-id">
          {t("error.requestId")} <code>{known.requestId ?? "—"}</code> ·{" "}
          <a href={reportLink(known.requestId)}>{t("error.report")}</a>
        </p>
      )}
    </div>
  );
}

/** The error-report form of the tenant on screen, else the page that asks which tenant it concerns. */
function reportLink(requestId: string | null): string {
  const tenantId = /^\/t\/([^/]+)\//.exec(location.pathname)?.[1];
  const query = `request_id=${encodeURIComponent(requestId ?? "")}`;
  return tenantId ? `/t/${tenantId}/error-reports?${query}` : `/report?${query}`;
}

/** `503 maintenance`: not a fault to report, but when the window ends. */
function Maintenance({ error }: { error: ApiError }) {
  const end = when(typeof error.info.ends_at === "string" ? error.info.ends_at : null);
  return (
    <div class="error maintenance" role="alert">
      <p>
        <strong>{t("maintenance.title")}</strong> {t(error.info.mode === "unavailable" ? "maintenance.unavailable" : "maintenance.readOnly", { end })}
      </p>
    </div>
  );
}

/** `403 licence_expired`: the module is locked; its data is kept until the purge date. */
function LicenceExpired({ error }: { error: ApiError }) {
  const module = String(error.info.module ?? "");
  const tenantId = /^\/t\/([^/]+)\//.exec(location.pathname)?.[1];
  return (
    <div class="error" role="alert">
      <p>
        <strong>{t("licence.expiredTitle")}</strong>{" "}
        {t("licence.expired", {
          module: label("module", module),
          expired: day(error.info.expired_at as string),
          purge: day(error.info.purge_at as string),
        })}
      </p>
      {tenantId && (
        <p>
          <a href={`/t/${tenantId}/licences`}>{t("licence.bookAgain", { module: label("module", module) })}</a>
        </p>
      )}
    </div>
  );
}

export function Status({ children }: { children: ComponentChildren }) {
  return (
    <p class="status" role="status">
      {children}
    </p>
  );
}

export function Dialog(props: { open: boolean; title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  const id = useId();
  return (
    <dialog ref={ref} aria-labelledby={id} onClose={props.onClose} onCancel={props.onClose}>
      {props.open && (
        <>
          <h2 id={id}>{props.title}</h2>
          {props.children}
        </>
      )}
    </dialog>
  );
}

/** Runs `load` now and on `reload()`; `data` stays while a reload runs. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (error) => mine === generation.current && setState((s) => ({ ...s, error, loading: false })),
    );
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run, set: (data: T) => setState({ data, loading: false }) };
}

type PageOf<T> = { items: T[]; next_cursor: string | null };

/** A list that pages with the API's cursors ("show more"). */
export function usePaged<T>(load: (cursor: string | null) => Promise<PageOf<T>>, deps: unknown[]) {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const fetchPage = useCallback(
    (cursor: string | null) => {
      const mine = ++generation.current;
      setLoading(true);
      load(cursor).then(
        (page) => {
          if (mine !== generation.current) return;
          setItems((old) => (cursor ? [...old, ...page.items] : page.items));
          setNext(page.next_cursor);
          setError(null);
          setLoading(false);
        },
        (ex) => {
          if (mine !== generation.current) return;
          setError(ex);
          setLoading(false);
        },
      );
    },
    deps,
  );
  useEffect(() => fetchPage(null), [fetchPage]);
  return { items, next, error, loading, reload: () => fetchPage(null), more: () => next && fetchPage(next) };
}

export function More({ list }: { list: { next: string | null; loading: boolean; more: () => unknown } }) {
  if (!list.next) return null;
  return (
    <p>
      <Button onClick={() => list.more()} busy={list.loading}>
        {t("list.more")}
      </Button>
    </p>
  );
}

export function Empty({ show, text }: { show: boolean; text: string }) {
  return show ? <p class="empty">{text}</p> : null;
}

export function when(value: string | null | undefined): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(lang(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
}

/** A day of the billing and licence calendar, which runs on UTC. */
export function day(value: string | null | undefined): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(lang(), { dateStyle: "long", timeZone: "UTC" }).format(new Date(value));
}

export function bytes(value: number | null | undefined): string {
  if (value == null) return "—";
  const units = ["B", "KB", "MB", "GB"];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(lang(), { maximumFractionDigits: 1 }).format(n)} ${units[unit]}`;
}

/** A label for one of the API's values (`role.admin`, `state.running`), or the value itself. */
export function label(group: string, value: string): string {
  const key = `${group}.${value}` as Key;
  const text = t(key);
  return text === key ? value : text;
}

/** Submit handler that prevents the page load and tracks busy/error state. */
export function useSubmit(action: () => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event?: Event) => {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (ex) {
      setError(ex);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, onSubmit, setError };
}

/** A table with its caption for screen readers, its column headers and, with `actions`, a last
 * column for each row's buttons; the rows are its children. */
export function Table(props: { caption: string; columns: string[]; actions?: boolean; children: ComponentChildren }) {
  return (
    <table>
      <caption class="sr-only">{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
          {props.actions && (
            <th scope="col">
              <span class="sr-only">{t("actions")}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

/** A screen whose code is loaded when it is first shown (its own chunk), so the first screen's
 * JavaScript stays small. */
export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  return function Lazy(props: P) {
    const [, setReady] = useState(false);
    const [error, setError] = useState<unknown>(null);
    useEffect(() => {
      if (!loaded)
        load().then((component) => {
          loaded = component;
          setReady(true);
        }, setError);
    }, []);
    if (error) return <ErrorBox error={error} />;
    if (!loaded) return <Status>{t("loading")}</Status>;
    const Loaded = loaded;
    return <Loaded {...props} />;
  };
}
