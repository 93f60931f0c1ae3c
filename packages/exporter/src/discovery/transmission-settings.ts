// Transmission's settings.json: where its RPC listens, under which path, and whether it asks for a login.

/** What settings.json says about the RPC. */
export interface TransmissionRpc {
  readonly enabled: boolean;
  readonly port: number;
  /** `rpc-bind-address`: `0.0.0.0` (every address) unless set. */
  readonly address: string;
  /** `rpc-url` ending in `/` (the RPC is `<rpc-url>rpc`). */
  readonly path: string;
  readonly authRequired: boolean;
  readonly username: string;
  /**
   * `rpc-password` when it is the password itself. Transmission replaces a password written there
   * by its salted hash (`{...`) the first time it saves its settings; a hash is no use.
   */
  readonly password: string | undefined;
}

/** Reads settings.json; undefined when it is not a JSON object. Missing keys keep Transmission's defaults. */
export function parseTransmissionSettings(text: string): TransmissionRpc | undefined {
  let settings: unknown;
  try {
    settings = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof settings !== "object" || settings === null || Array.isArray(settings))
    return undefined;
  const s = settings as Record<string, unknown>;
  const port = s["rpc-port"];
  const url = typeof s["rpc-url"] === "string" ? s["rpc-url"] : "/transmission/";
  const password = s["rpc-password"];
  return {
    enabled: s["rpc-enabled"] !== false,
    port:
      Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536
        ? (port as number)
        : 9091,
    address: typeof s["rpc-bind-address"] === "string" ? s["rpc-bind-address"] : "0.0.0.0",
    path: `/${url.replace(/^\/+|\/+$/g, "")}/`.replace(/^\/\/$/, "/"),
    authRequired: s["rpc-authentication-required"] === true,
    username: typeof s["rpc-username"] === "string" ? s["rpc-username"] : "",
    password:
      typeof password === "string" && password !== "" && !password.startsWith("{")
        ? password
        : undefined,
  };
}
