/**
 * Sign-in against the user pool that `/config` names, straight from the browser.
 *
 * USER_PASSWORD_AUTH: the password goes over TLS to Cognito only, never to Kontor's API. SRP would
 * keep it off the wire, but the local stack's Cognito (moto 5.2) answers SRP's PASSWORD_VERIFIER
 * step without tokens and without checking the password, so an SRP client could not be tested here.
 * The ID token goes to the API; it is refreshed five minutes before it expires.
 */
import { useTokens } from "./api/client";
import type { Schemas } from "./api/client";

type Config = Schemas["ConfigResponse"];
type Session = { idToken: string; accessToken: string; refreshToken: string; expiresAt: number; email: string };

const KEY = "kontor.session";
const EARLY_MS = 5 * 60_000;

export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class Auth {
  private session: Session | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<void> | null = null;
  private listeners = new Set<() => void>();

  constructor(readonly config: Config) {
    const stored = localStorage.getItem(KEY);
    this.session = stored ? (JSON.parse(stored) as Session) : null;
    useTokens({ token: () => this.idToken(), unauthorized: () => this.forget() });
    window.addEventListener("storage", (event) => {
      if (event.key !== KEY) return;
      this.session = event.newValue ? (JSON.parse(event.newValue) as Session) : null;
      this.emit();
    });
    if (this.session) this.schedule();
  }

  get signedIn(): boolean {
    return this.session !== null;
  }

  get email(): string {
    return this.session?.email ?? "";
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  private endpoint(): string {
    return this.config.cognito_endpoint || `https://cognito-idp.${this.config.region}.amazonaws.com`;
  }

  private async cognito(target: string, body: object): Promise<Record<string, any>> {
    const response = await fetch(`${this.endpoint()}/`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `AWSCognitoIdentityProviderService.${target}`,
      },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const type = String(answer.__type ?? "UnknownError").split("#").pop() as string;
      throw new CognitoError(type, String(answer.message ?? answer.Message ?? type));
    }
    return answer;
  }

  async signIn(email: string, password: string): Promise<void> {
    const answer = await this.cognito("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: this.config.user_pool_client_id,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    });
    if (!answer.AuthenticationResult) throw new CognitoError(answer.ChallengeName ?? "Challenge", "");
    this.store(answer.AuthenticationResult, email, null);
  }

  private store(result: Record<string, any>, email: string, refreshToken: string | null): void {
    this.session = {
      idToken: result.IdToken,
      accessToken: result.AccessToken,
      refreshToken: result.RefreshToken ?? refreshToken ?? "",
      expiresAt: expiry(result.IdToken),
      email,
    };
    localStorage.setItem(KEY, JSON.stringify(this.session));
    this.schedule();
    this.emit();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.session) return;
    const wait = Math.max(0, this.session.expiresAt - EARLY_MS - Date.now());
    this.timer = setTimeout(() => void this.refresh().catch(() => this.forget()), Math.min(wait, 2 ** 31 - 1));
  }

  /** A new ID token from the refresh token (REFRESH_TOKEN_AUTH). */
  async refresh(): Promise<void> {
    if (!this.session) return;
    this.refreshing ??= (async () => {
      const current = this.session as Session;
      const answer = await this.cognito("InitiateAuth", {
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: this.config.user_pool_client_id,
        AuthParameters: { REFRESH_TOKEN: current.refreshToken },
      });
      this.store(answer.AuthenticationResult, current.email, current.refreshToken);
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** The ID token to send, refreshed first when it is (nearly) expired. */
  async idToken(): Promise<string | null> {
    if (!this.session) return null;
    if (this.session.expiresAt - Date.now() < 60_000) {
      await this.refresh().catch(() => this.forget());
    }
    return this.session?.idToken ?? null;
  }

  async signOut(): Promise<void> {
    const accessToken = this.session?.accessToken;
    this.forget();
    // Ends the refresh token everywhere; an ID token already issued stays valid until it expires.
    if (accessToken) await this.cognito("GlobalSignOut", { AccessToken: accessToken }).catch(() => undefined);
  }

  forget(): void {
    clearTimeout(this.timer);
    this.session = null;
    localStorage.removeItem(KEY);
    this.emit();
  }
}

function expiry(jwt: string): number {
  const payload = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return (JSON.parse(atob(payload)) as { exp: number }).exp * 1000;
}
