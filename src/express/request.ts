// The Express.Request augmentation: `req.auth` and `req.user` typed in every handler of an
// app that imports the package.
import type { DpopProof } from '../core/dpop-types.js';
import type { TokenPayload } from '../core/types.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // Declared empty so that apps (and passport's typings) can augment it.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User {}
    interface Request {
      /** The verified token's payload, set by `tokenRequired`. */
      auth?: TokenPayload;
      /** What `loadUser` returned, set by `tokenRequired`. */
      user?: User;
      /** With `dpop`, the verified proof of a DPoP request: its key's thumbprint and its claims. */
      dpop?: DpopProof;
    }
  }
}
