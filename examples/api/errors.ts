// Every error answer is the envelope tokenRequired uses: {"code":"404","status":"Not Found","message":"..."}.
import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';

export function sendError(res: Response, status: number, message: string): void {
  res.status(status).json({ code: String(status), status: STATUS_CODES[status], message });
}

/** An async handler whose rejection reaches the error handler on Express 4 too (Express 5 does that by itself). */
export function passErrors<P>(handler: (req: Request<P>, res: Response) => Promise<void>): RequestHandler<P> {
  return (req, res, next: NextFunction) => {
    handler(req, res).catch(next);
  };
}

export const notFound: RequestHandler = (_req, res) => {
  sendError(res, 404, 'Route not found');
};

/** Errors of body-parser (express.json) carry a status and a type; their text is not for clients. */
interface HttpError {
  readonly status: number;
  readonly type?: string;
}

const CLIENT_MESSAGES: Readonly<Record<string, string>> = {
  'entity.parse.failed': 'Malformed JSON body',
  'entity.too.large': 'Request body too large',
};

function isClientError(error: unknown): error is HttpError {
  const status = (error as Partial<HttpError> | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Last in the chain: 4xx errors from middleware as they are, anything else 500, logged, never sent. */
export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
    } else if (isClientError(error)) {
      sendError(res, error.status, CLIENT_MESSAGES[error.type ?? ''] ?? STATUS_CODES[error.status] ?? 'Bad Request');
    } else {
      log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      sendError(res, 500, 'Internal Server Error');
    }
  };
}
