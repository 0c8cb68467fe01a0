/** Before sign-in: sign in, sign up, verify the address, accept an invitation, the local outbox. */
import { useEffect, useState } from "preact/hooks";
import { api, idempotencyKey, ok } from "../api/client";
import { CognitoError } from "../auth";
import { lang, t } from "../i18n";
import { navigate, useLocation } from "../router";
import { useApp } from "../state";
import { Button, ErrorBox, Input, label, Page, Status, useAsync, useSubmit } from "../ui";

function cognitoMessage(ex: unknown): Error {
  if (!(ex instanceof CognitoError)) return ex as Error;
  const known: Record<string, Parameters<typeof t>[0]> = {
    NotAuthorizedException: "signin.wrong",
    UserNotFoundException: "signin.wrong",
    UserNotConfirmedException: "signin.unverified",
  };
  return new Error(known[ex.type] ? t(known[ex.type]) : ex.message);
}

export function SignIn() {
  const { auth, local } = useApp();
  const { query } = useLocation();
  const [email, setEmail] = useState(query.get("email") ?? "");
  const [password, setPassword] = useState("");
  const next = query.get("next");
  const [unverified, setUnverified] = useState(false);
  const form = useSubmit(async () => {
    setUnverified(false);
    try {
      await auth.signIn(email.trim(), password);
    } catch (ex) {
      setUnverified(ex instanceof CognitoError && ex.type === "UserNotConfirmedException");
      throw cognitoMessage(ex);
    }
    navigate(next && next.startsWith("/") ? next : "/");
  });
  return (
    <Page title={t("signin.title")}>
      <form class="card narrow" onSubmit={form.onSubmit}>
        <Input label={t("field.email")} type="email" autoComplete="username" required value={email} onValue={setEmail} />
        <Input label={t("field.password")} type="password" autoComplete="current-password" required value={password} onValue={setPassword} />
        <ErrorBox error={form.error} />
        {unverified && <Resend email={email.trim()} />}
        <Button kind="primary" type="submit" busy={form.busy}>
          {t("signin.submit")}
        </Button>
        <p>
          {t("signin.noAccount")} <a href="/signup">{t("signup.title")}</a>
          {local && (
            <>
              {" · "}
              <a href="/outbox">{t("outbox.title")}</a>
            </>
          )}
        </p>
      </form>
    </Page>
  );
}

/** „Link erneut senden“: always 202, so it reveals nothing about the address. */
function Resend({ email }: { email: string }) {
  const [done, setDone] = useState(false);
  const send = useSubmit(async () => {
    await ok(api.POST("/signup/resend", { body: { email } }));
    setDone(true);
  });
  return (
    <div>
      <Button type="button" onClick={() => send.onSubmit()} busy={send.busy} disabled={!email}>
        {t("resend.submit")}
      </Button>
      <ErrorBox error={send.error} />
      {done && <Status>{t("resend.done")}</Status>}
    </div>
  );
}

export function SignUp() {
  const { local } = useApp();
  const [fields, setFields] = useState({ email: "", password: "", name: "", tenant_name: "" });
  const [key] = useState(idempotencyKey);
  const [sent, setSent] = useState<string | null>(null);
  const set = (name: keyof typeof fields) => (value: string) => setFields({ ...fields, [name]: value });
  const form = useSubmit(async () => {
    const done = await ok(api.POST("/signup", { body: { ...fields, plan: "BASIC", language: lang() }, headers: { "Idempotency-Key": key } }));
    setSent(done.verification.sent_to);
  });
  if (sent)
    return (
      <Page title={t("signup.checkMail")}>
        <div class="card narrow">
          <Status>{t("signup.sent", { email: sent })}</Status>
          <Resend email={sent} />
          {local && (
            <p>
              <a href={`/outbox?to=${encodeURIComponent(sent)}`}>{t("outbox.open")}</a>
            </p>
          )}
        </div>
      </Page>
    );
  return (
    <Page title={t("signup.title")}>
      <form class="card narrow" onSubmit={form.onSubmit}>
        <Input label={t("field.name")} autoComplete="name" required value={fields.name} onValue={set("name")} />
        <Input label={t("field.email")} type="email" autoComplete="email" required value={fields.email} onValue={set("email")} />
        <Input
          label={t("field.password")}
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          value={fields.password}
          onValue={set("password")}
          hint={t("signup.passwordHint")}
        />
        <Input label={t("field.company")} required value={fields.tenant_name} onValue={set("tenant_name")} />
        <ErrorBox error={form.error} />
        <Button kind="primary" type="submit" busy={form.busy}>
          {t("signup.submit")}
        </Button>
        <p>
          {t("signup.haveAccount")} <a href="/signin">{t("signin.title")}</a>
        </p>
      </form>
    </Page>
  );
}

/** The link proves the address; the password typed here is the login's from now on, so a login
 * someone else signed up with this address never becomes theirs to use. */
export function Verify() {
  const { query } = useLocation();
  const token = query.get("token") ?? "";
  const [password, setPassword] = useState("");
  const [email, setEmail] = useState<string | null>(null);
  const form = useSubmit(async () => {
    const user = await ok(api.POST("/signup/verify", { body: { token, password } }));
    setEmail(user.email);
  });
  return (
    <Page title={t("verify.title")}>
      <div class="card narrow">
        {email ? (
          <>
            <Status>{t("verify.done", { email })}</Status>
            <p>
              <a class="btn primary" href={`/signin?email=${encodeURIComponent(email)}`}>
                {t("signin.title")}
              </a>
            </p>
          </>
        ) : (
          <form onSubmit={form.onSubmit}>
            <p>{t("verify.hint")}</p>
            <Input
              label={t("field.password")}
              type="password"
              autoComplete="new-password"
              required
              minLength={12}
              value={password}
              onValue={setPassword}
            />
            <ErrorBox error={form.error} />
            <Button kind="primary" type="submit" busy={form.busy}>
              {t("verify.submit")}
            </Button>
          </form>
        )}
      </div>
    </Page>
  );
}

export function AcceptInvitation() {
  const { auth, reloadMe } = useApp();
  const { query } = useLocation();
  const token = query.get("token") ?? "";
  const preview = useAsync(() => ok(api.GET("/invitations/{token}", { params: { path: { token } } })), [token]);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const invitation = preview.data;
  const signedInAs = auth.signedIn ? auth.email : null;
  const form = useSubmit(async () => {
    if (!invitation) return;
    const body = invitation.has_identity ? {} : { name, password };
    await ok(api.POST("/invitations/{token}/accept", { params: { path: { token } }, body }));
    if (!invitation.has_identity) await auth.signIn(invitation.email, password);
    await reloadMe();
    navigate(`/t/${invitation.tenant_id}/contacts`);
  });
  return (
    <Page title={t("accept.title")}>
      <div class="card narrow">
        {preview.loading && <Status>{t("loading")}</Status>}
        <ErrorBox error={preview.error} />
        {invitation && (
          <form onSubmit={form.onSubmit}>
            <p>
              {t("accept.text", {
                inviter: invitation.inviter_name,
                tenant: invitation.tenant_name,
                role: label("role", invitation.role),
              })}
            </p>
            <p>
              {t("field.email")}: <strong>{invitation.email}</strong>
            </p>
            {!invitation.has_identity && (
              <>
                <Input label={t("field.name")} autoComplete="name" required value={name} onValue={setName} />
                <Input
                  label={t("field.password")}
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={12}
                  value={password}
                  onValue={setPassword}
                  hint={t("signup.passwordHint")}
                />
              </>
            )}
            {invitation.has_identity && signedInAs?.toLowerCase() !== invitation.email.toLowerCase() ? (
              <p>
                {t("accept.signInFirst")}{" "}
                <a href={`/signin?email=${encodeURIComponent(invitation.email)}&next=${encodeURIComponent(location.pathname + location.search)}`}>
                  {t("signin.title")}
                </a>
              </p>
            ) : (
              <Button kind="primary" type="submit" busy={form.busy}>
                {t("accept.submit")}
              </Button>
            )}
            <ErrorBox error={form.error} />
          </form>
        )}
      </div>
    </Page>
  );
}

type Mail = { to: string[]; subject: string; text: string };

/** Local stack only: the mails the emulated SES sent, with their links clickable. */
export function Outbox() {
  const { query } = useLocation();
  const [to, setTo] = useState(query.get("to") ?? "");
  const [filter, setFilter] = useState(to);
  const mails = useAsync(async () => {
    const response = await fetch(`/_local/outbox${filter ? `?to=${encodeURIComponent(filter)}` : ""}`);
    return ((await response.json()) as { messages: Mail[] }).messages;
  }, [filter]);
  useEffect(() => {
    const timer = setInterval(mails.reload, 3000);
    return () => clearInterval(timer);
  }, [mails.reload]);
  return (
    <Page title={t("outbox.title")}>
      <p>{t("outbox.text")}</p>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(to.trim());
        }}
      >
        <Input label={t("outbox.to")} type="email" value={to} onValue={setTo} />
        <Button type="submit">{t("outbox.filter")}</Button>
      </form>
      <ErrorBox error={mails.error} />
      {mails.data?.length === 0 && <p class="empty">{t("outbox.empty")}</p>}
      <ul class="mails">
        {mails.data?.map((mail, i) => (
          <li key={i} class="card">
            <h2>{mail.subject}</h2>
            <p class="meta">
              {t("outbox.toLabel")} {mail.to.join(", ")}
            </p>
            <MailText text={mail.text} />
          </li>
        ))}
      </ul>
    </Page>
  );
}

function MailText({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/\S+)/g);
  return (
    <p class="mail-text">
      {parts.map((part, i) =>
        /^https?:\/\//.test(part) ? (
          <a key={i} href={part} data-native={new URL(part).origin === location.origin ? undefined : ""}>
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </p>
  );
}

/** Where "report this error" leads outside a tenant's screens: signed in, to the error-report form
 * of the tenant it concerns; otherwise what to send to support. */
export function Report() {
  const { me } = useApp();
  const { query } = useLocation();
  const id = query.get("request_id") ?? "";
  const writable = (me?.memberships ?? []).filter((m) => m.role !== "viewer");
  return (
    <Page title={t("report.title")}>
      <div class="card narrow">
        {writable.length > 0 ? <p>{t("report.choose")}</p> : <p>{t("report.text")}</p>}
        {writable.length > 0 && (
          <ul>
            {writable.map((m) => (
              <li key={m.tenant_id}>
                <a href={`/t/${m.tenant_id}/error-reports?request_id=${encodeURIComponent(id)}`}>{m.tenant_name}</a>
              </li>
            ))}
          </ul>
        )}
        <p>
          {t("error.requestId")} <code>{id || "—"}</code>
        </p>
        <p>
          <a href="/">{t("nav.home")}</a>
        </p>
      </div>
    </Page>
  );
}
