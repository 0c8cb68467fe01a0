/** The shell: routes, the top bar with the tenant's logo or name, the tenant switcher and the user. */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, ok, withEtag } from "./api/client";
import type { Auth } from "./auth";
import { ago, lang, LANGS, setLang, t } from "./i18n";
import { Notices } from "./notices";
import { match, navigate, onLinkClick, useLocation } from "./router";
import { Accounts } from "./screens/accounts";
import { Audit } from "./screens/audit";
import { Backups } from "./screens/backups";
import { Licences } from "./screens/licences";
import { Members } from "./screens/members";
import { AcceptInvitation, Outbox, Report, SignIn, SignUp, Verify } from "./screens/public";
import { ContactEdit, Contacts } from "./screens/contacts";
import { Appointments } from "./screens/appointments";
import { Settings } from "./screens/settings";
import { Subtenants } from "./screens/subtenants";
import { Templates } from "./screens/templates";
import { AppCtx, atLeast, type Me, type Tenant, TenantCtx, useApp } from "./state";
import { ErrorBox, label, lazy, Select, Status } from "./ui";

const PUBLIC: Record<string, () => ComponentChildren> = {
  "/signin": () => <SignIn />,
  "/signup": () => <SignUp />,
  "/signup/verify": () => <Verify />,
  "/invitations/accept": () => <AcceptInvitation />,
  "/outbox": () => <Outbox />,
  "/report": () => <Report />,
};

type Section = { path: string; key: Parameters<typeof t>[0]; minimum: "viewer" | "member" | "admin"; module?: string };
const SECTIONS: Section[] = [
  { path: "contacts", key: "nav.contacts", minimum: "viewer" },
  { path: "appointments", key: "nav.appointments", minimum: "viewer" },
  { path: "templates", key: "nav.templates", minimum: "viewer" },
  { path: "members", key: "nav.members", minimum: "viewer" },
  { path: "subtenants", key: "nav.subtenants", minimum: "viewer" },
  { path: "backups", key: "nav.backups", minimum: "member" },
  { path: "audit", key: "nav.audit", minimum: "admin" },
  { path: "settings", key: "nav.settings", minimum: "viewer" },
  { path: "licences", key: "nav.licences", minimum: "viewer" },
  { path: "error-reports", key: "nav.errorReports", minimum: "member" },
  { path: "company", key: "nav.company", minimum: "viewer" },
  { path: "podcasts", key: "nav.podcasts", minimum: "viewer", module: "podcasts" },
  { path: "price-calculations", key: "nav.priceCalculations", minimum: "viewer", module: "price_calculation" },
];

// Screens in chunks of their own, loaded when first opened.
const ErrorReports = lazy(() => import("./screens/errorReports").then((m) => m.ErrorReports));
const CompanyScreen = lazy(() => import("./screens/company").then((m) => m.CompanyScreen));
const Podcasts = lazy(() => import("./screens/podcasts").then((m) => m.Podcasts));
const PriceCalculations = lazy(() => import("./screens/pricing").then((m) => m.PriceCalculations));

export function App({ auth, local }: { auth: Auth; local: boolean }) {
  const { path } = useLocation();
  const [signedIn, setSignedIn] = useState(auth.signedIn);
  const [me, setMe] = useState<Me | null>(null);
  const [, setLanguage] = useState(lang());
  useEffect(() => auth.onChange(() => setSignedIn(auth.signedIn)), []);
  const reloadMe = async () => {
    if (!auth.signedIn) return null;
    const fresh = await ok(api.GET("/me"));
    setMe(fresh);
    return fresh;
  };
  useEffect(() => {
    setMe(null);
    if (signedIn) reloadMe().catch(() => undefined);
  }, [signedIn]);
  useEffect(() => {
    const listener = () => setLanguage(lang());
    addEventListener("kontor:lang", listener);
    return () => removeEventListener("kontor:lang", listener);
  }, []);

  const open = PUBLIC[path];
  let screen: ComponentChildren;
  if (open) screen = <Plain>{open()}</Plain>;
  else if (!signedIn) return <Redirect to={`/signin?next=${encodeURIComponent(path + location.search)}`} />;
  else screen = <Shell me={me} path={path} />;
  return (
    <AppCtx.Provider value={{ auth, local, me, reloadMe }}>
      <div class="app" onClick={(e) => onLinkClick(e as unknown as MouseEvent)}>
        {screen}
      </div>
    </AppCtx.Provider>
  );
}

/** Navigates once mounted (after every listener of this render is subscribed). */
function Redirect({ to }: { to: string }) {
  useEffect(() => void setTimeout(() => navigate(to, true)), [to]);
  return null;
}

function LanguageSwitch() {
  return (
    <div class="lang">
      <Select label={t("lang.label")} value={lang()} options={LANGS.map((l) => [l, t(`lang.${l}`)] as const)} onValue={setLang} />
    </div>
  );
}

/** Screens before sign-in: a centred card. */
/** Under the login name: when the tenant on screen last synced with its company database, and a
 * warning when that is more than an hour ago (from `/me`, read anyway). */
function SyncLine({ me, tenantId }: { me: Me | null; tenantId: string | null }) {
  const sync = me?.memberships.find((m) => m.tenant_id === tenantId)?.sync;
  if (!sync?.last_sync_at) return null;
  const last = t("sync.last", { ago: ago(sync.last_sync_at) });
  return (
    <span class={sync.stale ? "sync stale" : "sync"} title={sync.stale ? last : undefined}>
      {sync.stale ? t("sync.stale") : last}
    </span>
  );
}

function Plain({ children }: { children: ComponentChildren }) {
  return (
    <>
      <header class="top plain">
        <a class="brand" href="/">
          Kontor
        </a>
        <LanguageSwitch />
      </header>
      <main id="main" class="plain-main">
        <Notices tenantId={null} signedIn={false} />
        {children}
      </main>
    </>
  );
}

function Shell({ me, path }: { me: Me | null; path: string }) {
  const { auth } = useApp();
  const params = match("/t/:tenantId/:section/:id?", path);
  const tenantId = params?.tenantId ?? null;
  const [tenant, setTenant] = useState<{ tenant: Tenant; etag: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const [modules, setModules] = useState<{ tenantId: string; modules: string[] } | null>(null);
  useEffect(() => {
    if (!tenantId) return setTenant(null);
    setError(null);
    // Parallel with /me (no waterfall): the path names the tenant.
    withEtag(api.GET("/tenants/{tenantId}", { params: { path: { tenantId } } })).then(
      ({ data, etag }) => setTenant({ tenant: data, etag }),
      setError,
    );
    // Which module screens the tenant has (in parallel too); without the answer, none are offered.
    ok(api.GET("/tenants/{tenantId}/licences", { params: { path: { tenantId } } })).then(
      (licences) => setModules({ tenantId, modules: licences.items.filter((l) => l.state === "active" || l.state === "locked").map((l) => l.module) }),
      () => setModules({ tenantId, modules: [] }),
    );
  }, [tenantId, tick]);
  const licensed = modules && modules.tenantId === tenantId ? modules.modules : [];
  const current = tenant && tenant.tenant.id === tenantId ? tenant : null;

  const signOut = async () => {
    await auth.signOut();
    navigate("/signin");
  };
  let body: ComponentChildren;
  if (!params) {
    body = path === "/" ? <Accounts /> : <NotFound />;
  } else if (error) {
    body = <ErrorBox error={error} />;
  } else if (!current) {
    body = <Status>{t("loading")}</Status>;
  } else {
    body = <TenantScreen section={params.section} id={params.id} />;
  }
  return (
    <TenantCtx.Provider
      value={
        current
          ? { ...current, modules: licensed, reload: () => setTick((n) => n + 1), setTenant: (t2, etag) => setTenant({ tenant: t2, etag }) }
          : (null as never)
      }
    >
      <a class="skip" href="#main" data-native>
        {t("skip")}
      </a>
      <header class="top">
        <a class="brand" href={tenantId ? `/t/${tenantId}/contacts` : "/"}>
          {current?.tenant.display.kind === "logo" && current.tenant.display.logo_url ? (
            <img src={current.tenant.display.logo_url} alt={current.tenant.name} class="logo" />
          ) : (
            <span>{current?.tenant.name ?? "Kontor"}</span>
          )}
        </a>
        {me && <Switcher me={me} tenantId={tenantId} current={current?.tenant ?? null} section={params?.section ?? "contacts"} />}
        <div class="user">
          <span class="who">
            <span class="name">{me?.user.name ?? auth.email}</span>
            <span class="email">{auth.email}</span>
            <SyncLine me={me} tenantId={tenantId} />
          </span>
          <LanguageSwitch />
          <button class="btn secondary" onClick={signOut}>
            {t("signOut")}
          </button>
        </div>
      </header>
      <Notices tenantId={tenantId} signedIn />
      <div class="frame">
        {current && (
          <nav aria-label={t("nav.sections")} class="side">
            <ul>
              {SECTIONS.filter((s) => atLeast(current.tenant.role, s.minimum) && (!s.module || licensed.includes(s.module))).map((s) => (
                <li key={s.path}>
                  <a href={`/t/${tenantId}/${s.path}`} aria-current={params?.section === s.path ? "page" : undefined}>
                    {t(s.key)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <main id="main" tabIndex={-1}>
          {body}
        </main>
      </div>
    </TenantCtx.Provider>
  );
}

/** The user's own tenants from the one `/me` call (a partner tenant with its count of
 * sub-tenants), and the tenant open now when it is entered as partner: the tenants reached below a
 * partner are paged on its sub-tenants screen, not loaded into the switcher. */
function Switcher({ me, tenantId, current, section }: { me: Me; tenantId: string | null; current: Tenant | null; section: string }) {
  const entered = current && !me.memberships.some((m) => m.tenant_id === current.id) ? [current] : [];
  const options = [
    ["", t("switcher.all")] as const,
    ...[...me.memberships].sort((a, b) => a.tenant_name.localeCompare(b.tenant_name, lang())).map(
      (m) =>
        [
          m.tenant_id,
          `${m.tenant_name} · ${label("role", m.role)}${m.subtenant_count ? ` · ${t("switcher.subtenants", { count: String(m.subtenant_count) })}` : ""}`,
        ] as const,
    ),
    ...entered.map(
      (c) => [c.id, `${c.name} · ${label("role", c.role)}${c.via === "partner" ? ` · ${t("switcher.viaPartner")}` : ""}`] as const,
    ),
  ];
  return (
    <div class="switcher">
      <Select
        label={t("switcher.label")}
        value={tenantId && options.some(([id]) => id === tenantId) ? tenantId : ""}
        options={options}
        onValue={(id) => navigate(id ? `/t/${id}/${section === "audit" || section === "backups" ? "contacts" : section}` : "/")}
      />
    </div>
  );
}

function TenantScreen({ section, id }: { section: string; id?: string }) {
  switch (section) {
    case "contacts":
      return id ? <ContactEdit contactId={id} /> : <Contacts />;
    case "appointments":
      return <Appointments />;
    case "templates":
      return <Templates />;
    case "members":
      return <Members />;
    case "subtenants":
      return <Subtenants />;
    case "backups":
      return <Backups />;
    case "audit":
      return <Audit />;
    case "settings":
      return <Settings />;
    case "licences":
      return <Licences />;
    case "error-reports":
      return <ErrorReports />;
    case "company":
      return <CompanyScreen />;
    case "podcasts":
      return <Podcasts />;
    case "price-calculations":
      return <PriceCalculations />;
    default:
      return <NotFound />;
  }
}

function NotFound() {
  return (
    <section class="page">
      <h1>{t("notFound")}</h1>
      <p>
        <a href="/">{t("nav.home")}</a>
      </p>
    </section>
  );
}
