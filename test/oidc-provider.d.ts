// oidc-provider ships no types; this is the part of it test/helpers/oidc-provider.ts uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export class Provider {
    constructor(issuer: string, configuration: Readonly<Record<string, unknown>>);
    readonly issuer: string;
    /** A Node.js request listener serving every endpoint. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
  export default Provider;
}
