/** What every screen may read: the signed-in user from `/me`, and the tenant on screen. */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Schemas } from "./api/client";
import type { Auth } from "./auth";

export type Me = Schemas["MeResponse"];
export type Tenant = Schemas["TenantResponse"];

export const AppCtx = createContext<{
  auth: Auth;
  local: boolean;
  me: Me | null;
  reloadMe: () => Promise<Me | null>;
}>(null as never);

export const TenantCtx = createContext<{
  tenant: Tenant;
  etag: string;
  reload: () => void;
  setTenant: (t: Tenant, etag: string) => void;
  /** The licensed modules whose screens the tenant has: licence active, or locked with its data kept. */
  modules: string[];
}>(null as never);

export const useApp = () => useContext(AppCtx);
export const useTenant = () => useContext(TenantCtx);

const RANK = { viewer: 1, member: 2, admin: 3 } as const;

export function atLeast(role: string, minimum: keyof typeof RANK): boolean {
  return (RANK[role as keyof typeof RANK] ?? 0) >= RANK[minimum];
}

const FLASH = "kontor.flash";

/** A message for the next screen (e.g. after closing a tenant, whose own screens are gone). */
export function flash(message: string): void {
  sessionStorage.setItem(FLASH, message);
}

/** The message left for this screen, once. */
export function takeFlash(): string {
  const message = sessionStorage.getItem(FLASH) ?? "";
  sessionStorage.removeItem(FLASH);
  return message;
}
